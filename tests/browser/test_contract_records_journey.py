"""A handler's 誓約書 on a phone (issue 16, 5): from the contract's menu to 誓約書・研修記録・再委託の資料, the handler
attaches the signed pledge to their own designation; HR then reads it there with its SHA-256."""

import hashlib

import pytest
from django.urls import reverse

from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
PLEDGE = b"%PDF-1.7\n% signed pledge\n%%EOF\n"


def test_the_handler_attaches_their_pledge_on_a_phone_and_hr_reads_it(new_page, sign_in):
    from tests.checklist.helpers import ensure_template

    ensure_template()
    world = make_world()
    page = sign_in(new_page(**PHONE), world.handler)
    page.goto(reverse("contracts:detail", args=[world.contract.slug]))
    page.get_by_role("link", name="誓約書・研修記録・再委託の資料").click()
    own = page.locator(f"#designation-{world.contract.designations.get(user=world.handler).pk}")
    assert own.get_by_text("承認済み").is_visible()
    # Only their own designation offers the forms.
    assert page.get_by_label("誓約書のファイル").count() == 1
    page.get_by_label("誓約書のファイル").set_input_files(
        files=[{"name": "誓約書.pdf", "mimeType": "application/pdf", "buffer": PLEDGE}])
    own.get_by_role("button", name="添付する", exact=True).first.click()
    page.get_by_text("「誓約書.pdf」を第1版として登録しました").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    hr = sign_in(new_page(**PHONE), world.hr)
    hr.goto(reverse("attachments:contract_records", args=[world.contract.slug]))
    table = hr.get_by_role("table", name="誓約書").first
    assert table.get_by_text(hashlib.sha256(PLEDGE).hexdigest()).is_visible()
    assert hr.evaluate("document.documentElement.scrollWidth") <= 390
