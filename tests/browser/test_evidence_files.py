"""Evidence files on a record's page (issue 16, 5): HR, on a phone, attaches the inspection's document from the
page, then a corrected one; both versions stay listed with their SHA-256; the first downloads as it was
uploaded, and the auditors' list of downloads shows who took it."""

import hashlib

import pytest
from django.urls import reverse

from attachments.models import EvidenceFile
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
FIRST = b"%PDF-1.7\n% inspection plan v1\n%%EOF\n"
SECOND = b"%PDF-1.7\n% inspection plan v2 corrected\n%%EOF\n"


def test_hr_attaches_two_versions_on_a_phone_and_the_first_downloads_as_uploaded(new_page, sign_in):
    from tests.checklist.helpers import ensure_template
    from tests.supervision.helpers import plan

    ensure_template()
    world = make_world()
    inspection = plan(world)
    page = sign_in(new_page(**PHONE), world.hr)
    page.goto(reverse("supervision:detail", args=[world.contract.slug, inspection.pk]))

    field = page.get_by_label("資料・写真を添付する")
    assert "image/*" in field.get_attribute("accept")
    field.set_input_files(files=[{"name": "実施計画.pdf", "mimeType": "application/pdf", "buffer": FIRST}])
    page.get_by_role("button", name="添付する", exact=True).click()
    page.get_by_text("「実施計画.pdf」を第1版として登録しました").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("資料・写真を添付する").set_input_files(
        files=[{"name": "実施計画（訂正）.pdf", "mimeType": "application/pdf", "buffer": SECOND}])
    page.get_by_role("button", name="第2版として添付する").click()
    page.get_by_text("を第2版として登録しました").wait_for()
    table = page.get_by_role("table", name="立入り調査等の資料")
    assert table.get_by_text(hashlib.sha256(FIRST).hexdigest()).is_visible()
    assert table.get_by_text(hashlib.sha256(SECOND).hexdigest()).is_visible()
    assert table.get_by_text("（旧版）").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download:
        table.get_by_role("link", name="実施計画.pdf").click()
    assert download.value.suggested_filename == "実施計画.pdf"
    with open(download.value.path(), "rb") as f:
        assert f.read() == FIRST

    first = EvidenceFile.objects.get(version=1)
    auditor = sign_in(new_page(), world.auditor)
    auditor.goto(reverse("audit:downloads"))
    assert auditor.get_by_text("添付資料をダウンロード").first.is_visible()
    assert auditor.get_by_text(first.sha256, exact=False).first.is_visible()
