"""An inspection from plan to a closed finding: HR plans an on-site inspection of contract A's contractor and records
it as held, with an item examined and a finding for the handling manager; the manager, on a phone (390×844), attaches
a photo of what was done and answers; HR accepts the answer at her desk, and the finding is closed."""

import pytest

from attachments.models import EvidenceFile
from supervision.models import Finding, Inspection
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def assert_fits_the_phone(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width}px wide on a 390px phone"


def test_hr_plans_and_records_an_inspection_the_manager_answers_on_a_phone_with_a_photo_and_hr_accepts(
        new_page, sign_in):
    ensure_template()
    world = make_world()
    slug = world.contract.slug

    desk = sign_in(new_page(), world.hr)
    desk.goto(f"/contracts/{slug}/")
    desk.get_by_role("link", name="立入り調査等", exact=True).click()
    desk.get_by_label("実施予定日").fill("2026-03-10")
    desk.get_by_label("実地（立入り）").check()
    desk.get_by_label("場所（予定）").fill("委託先A株式会社 本社 分析室")
    desk.get_by_role("button", name="計画する").click()
    inspection = Inspection.objects.get(contract=world.contract)
    desk.wait_for_url(f"**/supervision/{slug}/inspections/{inspection.pk}/")
    assert desk.get_by_text("立入り調査等 No.1を令和8年3月10日に計画しました。").is_visible()

    # The contractor asks for another day: HR moves it (the reminders start again for the new day).
    desk.locator("summary", has_text="実施予定日を変更する").click()
    desk.get_by_label("新しい実施予定日").fill("2026-03-12")
    desk.get_by_role("button", name="予定日を変更する").click()
    assert desk.get_by_text("立入り調査等 No.1の実施予定日を令和8年3月12日に変更しました。").is_visible()

    desk.get_by_role("link", name="実施を記録する").click()
    desk.get_by_label("実施日").fill("2026-03-10")
    desk.get_by_label("検査者（区の職員の氏名）").fill("佐藤 花子、高橋 健")
    desk.get_by_label("所見").fill("保管庫と執務室を確認した。")
    desk.get_by_role("button", name="実施を記録する").click()
    desk.wait_for_url(f"**/supervision/{slug}/inspections/{inspection.pk}/")
    assert "実施済み" in desk.locator("h1").inner_text()

    desk.get_by_label("確認したチェック項目").select_option("contractor.operational.10")
    desk.get_by_label("要改善").check()
    desk.get_by_label("確認した内容・備考").fill("キャビネットは施錠、鍵は机の上")
    desk.get_by_role("button", name="結果を記録する").click()
    assert "要改善" in desk.locator("table.inspection-results").inner_text()

    desk.get_by_label("指摘の内容").fill("キャビネットの鍵が机の上に置かれていた。鍵の保管と持出しの手順を定めること。")
    desk.get_by_label("関係するチェック項目").select_option("contractor.operational.10")
    desk.get_by_label("対応する者（委託先）").select_option(label="田中 誠")
    desk.get_by_label("対応の期限").fill("2026-03-31")
    desk.get_by_role("button", name="指摘事項を記録する").click()
    desk.wait_for_url(f"**/supervision/{slug}/inspections/{inspection.pk}/findings/1/")
    assert "対応待ち" in desk.locator("h1").inner_text()

    # The handling manager, on his phone, from his dashboard.
    phone = sign_in(new_page(**PHONE), world.manager)
    phone.get_by_role("link", name="指摘事項 No.1: 対応して回答してください").click()
    phone.wait_for_url(f"**/supervision/{slug}/inspections/{inspection.pk}/findings/1/")
    assert phone.get_by_text("キャビネットの鍵が机の上に置かれていた。", exact=False).is_visible()
    assert_fits_the_phone(phone, "finding")
    phone.get_by_label("写真・資料のファイル").set_input_files(
        {"name": "cabinet.png", "mimeType": "image/png", "buffer": PNG})
    phone.get_by_role("button", name="添付する", exact=True).click()
    phone.wait_for_url(f"**/supervision/{slug}/inspections/{inspection.pk}/findings/1/")
    assert "cabinet.png" in phone.locator("table.evidence-files").inner_text()
    phone.get_by_label("対応の内容").fill("鍵は管理室の金庫で保管し、持出しは持出し簿に記録することにした。")
    phone.get_by_role("button", name="回答する").click()
    assert phone.get_by_text("指摘事項 No.1に回答しました。区の確認を待っています。").is_visible()
    assert_fits_the_phone(phone, "finding answered")
    finding = Finding.objects.get(inspection=inspection)
    assert finding.is_submitted
    assert EvidenceFile.objects.filter(object_id=finding.pk, slot="response", name="cabinet.png").exists()

    # HR accepts from her dashboard.
    desk.goto("/")
    desk.get_by_role("link", name="指摘事項 No.1: 委託先の回答を確認してください（受理・差戻し）").click()
    assert "cabinet.png" in desk.locator("table.evidence-files").inner_text()
    desk.get_by_role("button", name="受理する").click()
    assert desk.get_by_text("指摘事項 No.1への回答を受理しました。対応は完了です。").is_visible()
    finding.refresh_from_db()
    assert finding.is_accepted
    assert "完了" in desk.locator("h1").inner_text()
