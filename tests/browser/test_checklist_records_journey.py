"""The records behind the checklist's items, on a phone (issue 16, 7): the ward has shared the business flow 第1版;
the contractor's handling manager, on a phone, acknowledges that version with a photo of the signed drawing;
the record lists the photo with its SHA-256 and the contractor side's item 05 reads 達成. Then the manager declares
no cloud service and the page has no WCAG 2.1 A/AA violation at phone width."""

import datetime as dt
import hashlib

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from django.urls import reverse

from checklist import records
from checklist.models import Confirmation
from tests.browser.test_accessibility import _violations
from tests.checklist.helpers import ensure_template, finalise_plan
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def test_the_manager_acknowledges_the_flow_version_on_a_phone_and_item_05_is_met(new_page, sign_in):
    ensure_template()
    world = make_world()
    finalise_plan(world)
    records.confirmation_record(contract=world.contract, kind=Confirmation.Kind.FLOW_SHARED, side="ward",
                                confirmed_on=dt.date(2025, 4, 17), reference="第1版", actor=world.hr)
    page = sign_in(new_page(**PHONE), world.manager)
    page.context.add_init_script(path=str(AXE_FILE_PATH))
    page.goto(reverse("checklist:records", kwargs={"slug": world.contract.slug}))

    form = page.locator("form", has=page.get_by_role("heading", name="業務フロー（資料2-1）を確認した（委託先）"))
    form.get_by_label("確認日").fill("2025-04-19")
    form.get_by_label("版・日付").fill("第2版")
    form.get_by_label("添付資料").set_input_files(
        files=[{"name": "業務フロー署名.png", "mimeType": "image/png", "buffer": PHOTO}])
    form.get_by_role("button", name="「業務フロー（資料2-1）を確認した」を記録する").click()
    # Not a version the ward shared: refused at the field, nothing kept.
    page.get_by_text("区が共有した業務フローの版を入力してください（共有済みの版: 第1版）。", exact=True).wait_for()
    assert not Confirmation.objects.filter(kind=Confirmation.Kind.FLOW_ACKNOWLEDGED).exists()

    form = page.locator("form", has=page.get_by_role("heading", name="業務フロー（資料2-1）を確認した（委託先）"))
    form.get_by_label("版・日付").fill("第1版")
    form.get_by_label("添付資料").set_input_files(
        files=[{"name": "業務フロー署名.png", "mimeType": "image/png", "buffer": PHOTO}])
    form.get_by_role("button", name="「業務フロー（資料2-1）を確認した」を記録する").click()
    page.get_by_text("「業務フロー（資料2-1）を確認した」を記録しました。").wait_for()
    assert page.get_by_text(hashlib.sha256(PHOTO).hexdigest()).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    form = page.locator("form", has=page.get_by_role("heading", name="クラウドサービスの利用についての申告（委託先）"))
    form.get_by_label("確認日").fill("2025-04-11")
    form.get_by_label("利用しない").check()
    form.get_by_role("button", name="「クラウドサービスの利用についての申告」を記録する").click()
    page.get_by_text("「クラウドサービスの利用についての申告」を記録しました。").wait_for()
    assert _violations(page) == []

    page.goto(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "contractor"}) + "?all=1")
    row = page.locator("#item-contractor-operational-05")
    assert row.get_by_text("同じ版を確認").is_visible()
    assert row.locator(".badge.ok", has_text="達成").count() == 1
