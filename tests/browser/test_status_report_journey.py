"""The handling manager, on a phone, follows the dashboard to May's status report (overdue), writes it, attaches
a photo and submits it; HR opens it, sees the file with its SHA-256 and accepts it."""

import pytest

from attachments.selectors import files_for
from statusreports.models import StatusReport
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
JPEG = b"\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00" + b"\xff\xdb" + b"\x10" * 64 + b"\xff\xd9"


def test_the_manager_submits_on_a_phone_and_hr_accepts(new_page, sign_in):
    from tests.checklist.helpers import ensure_template

    ensure_template()
    world = make_world()
    page = sign_in(new_page(**PHONE), world.manager)
    page.get_by_role("link", name="状況報告を提出してください: 令和7年5月分").first.click()
    page.get_by_role("link", name="令和7年5月分").click()
    assert page.get_by_text("期限超過").first.is_visible()
    page.get_by_role("textbox", name="報告内容").fill("5月は準備のみ。記録媒体の受領はなく、個人情報は取り扱っていない。")
    page.get_by_label("添付ファイル（任意）").set_input_files(
        files=[{"name": "保管庫.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="提出する").click()
    page.get_by_text("状況報告を提出しました").wait_for()
    assert page.get_by_text("区の確認待ち").first.is_visible()

    report = StatusReport.objects.get(contract=world.contract, period_key="2025-05")
    assert report.is_submitted
    [file] = files_for(report)

    hr = sign_in(new_page(), world.hr)
    hr.goto(f"/status-reports/{world.contract.slug}/{report.pk}/")
    assert hr.get_by_text(file.sha256[:16], exact=False).first.is_visible()
    hr.get_by_role("button", name="受理する").click()
    hr.get_by_text("受理しました。").wait_for()
    assert StatusReport.objects.get(pk=report.pk).is_accepted
