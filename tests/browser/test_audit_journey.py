"""Ms. Suzuki (監査) reads the audit trail in words: she filters by 田中 and 受渡し, downloads the XLSX,
and opens the list of who downloaded personal data, and when."""

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from handover import services
from handover.models import Handover, Item
from tests.factories import login_verified, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def _story(world, client):
    """HR hands papers to 田中 (the manager), who acknowledges them; HR downloads the ledger as PDF."""
    papers = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                    label="P-001", contents="回答用紙の写し", pieces=2)
    handover = services.handover_record(contract=world.contract, actor=world.hr, recipient=world.manager,
                                        direction=Handover.Direction.DELIVERY, items=[papers])
    services.handover_acknowledge(handover=handover, actor=world.manager, time_confirmed=True)
    login_verified(client, world.hr)
    assert client.get(f"/handover/{world.contract.slug}/ledger.pdf").status_code == 200


def test_the_auditor_filters_by_person_and_action_in_words_and_opens_the_downloads(new_page, sign_in, client,
                                                                                  tmp_path):
    world = make_world()
    _story(world, client)
    page = sign_in(new_page(), world.auditor)
    page.get_by_role("link", name="監査証跡").click()
    page.get_by_label("操作者（氏名の一部）").fill("田中")
    page.get_by_label("操作（語句）").fill("受渡し")
    page.get_by_role("button", name="絞り込む").click()

    rows = page.locator("table.data tbody tr")
    expected = AuditEntry.objects.filter(actor=world.manager, action__startswith="handover.")
    assert rows.count() == expected.count() == 1
    row = rows.first
    assert row.locator("td[data-label='操作者']").inner_text() == "田中 誠"
    assert row.locator("td[data-label='操作']").inner_text() == "受渡しの受領を確認"
    assert row.locator("td[data-label='対象']").inner_text() == "受渡し No.1（P-001）"
    assert row.locator("td[data-label='契約（年度）']").inner_text() == "契約A（令和7年度）"
    assert page.get_by_text("絞り込み: 操作者「田中」、操作「受渡し」").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel（XLSX）で出力").click()
    path = tmp_path / "log.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet["B3"].value == "操作者「田中」、操作「受渡し」"
    assert [r[2:5] for r in sheet.iter_rows(min_row=6, values_only=True)] == [
        ("田中 誠", "受渡しの受領を確認", "契約A（令和7年度）")]

    page.get_by_role("link", name="個人情報の出力履歴").click()
    assert page.get_by_role("heading", name="個人情報の出力履歴").is_visible()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 2
    mine = page.locator("tr", has=page.locator("td[data-label='出力した者']", has_text="鈴木 一郎"))
    assert mine.locator("td[data-label='出力したもの']").inner_text() == "監査証跡を出力"
    assert mine.locator("td[data-label='形式']").inner_text() == "Excel（XLSX）"
    hers = page.locator("tr", has=page.locator("td[data-label='出力した者']", has_text="佐藤 花子"))
    assert hers.locator("td[data-label='出力したもの']").inner_text() == "管理簿を出力"
    assert hers.locator("td[data-label='形式']").inner_text() == "PDF"
    assert hers.locator("td[data-label='契約（年度）']").inner_text() == "契約A（令和7年度）"

    page.get_by_label("操作者（氏名の一部）").fill("佐藤")
    page.get_by_role("button", name="絞り込む").click()
    assert page.locator("table.data tbody tr").count() == 1


def test_the_log_reads_on_a_phone(new_page, sign_in, client):
    world = make_world()
    _story(world, client)
    page = sign_in(new_page(viewport={"width": 390, "height": 844}), world.auditor)
    page.goto("/audit/?person=田中")
    cell = page.locator("table.data tbody tr").first.locator("td[data-label='操作']")
    assert cell.inner_text() == "受渡しの受領を確認"
    # The page never scrolls sideways: the rows stack as cards.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
