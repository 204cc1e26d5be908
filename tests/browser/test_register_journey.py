"""Ms. Ito of the privacy office (個人情報保護担当, ward-wide) opens the register from the menu, narrows it to the
contracts of one company that are past their end, and downloads it as Excel for the council's annual report."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from incidents import services as incident_services
from supervision import services as supervision_services
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_ms_ito_filters_the_register_and_downloads_it(new_page, sign_in):
    ensure_template()
    world = make_world()
    supervision_services.inspection_plan(contract=world.contract, actor=world.hr, planned_on=dt.date(2026, 1, 15),
                                         method="on_site", place="委託先 本社")
    incident_services.incident_report(contract=world.contract, actor=world.hr, kind="loss", other_data=True,
                                      discovered_at=timezone.now() - dt.timedelta(hours=2), affected_count=1500,
                                      description="名簿の一部が見当たらない")
    page = sign_in(new_page(), world.privacy)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="委託一覧").click()
    page.wait_for_url("**/register/")
    table = page.locator("table.register")
    assert "2件の委託契約" in table.locator("caption").inner_text()
    row_a = table.locator("tbody tr", has_text="契約A")
    assert "1件" in row_a.locator("td").nth(6).inner_text()  # the inspection past its day
    assert "速報" in row_a.locator("td").nth(10).inner_text()  # the open incident's nearest deadline

    page.get_by_label("委託先").select_option(label=world.contractor.name)
    page.get_by_label("状態").select_option(label="期間終了・未完了")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url("**/register/?*")
    assert "1件の委託契約" in table.locator("caption").inner_text()
    assert table.locator("tbody tr").count() == 1 and "契約B" not in table.inner_text()

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel（XLSX）で出力").click()
    download = info.value
    assert download.suggested_filename.startswith("register-") and download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    ws = wb.worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5) if any(c.value for c in row)]
    assert rows[0] == ["年度", "担当課", "件名", "委託先", "期間", "記録媒体", "対象者数", "状態"]
    assert [r[2] for r in rows[1:]] == ["契約A"]
    assert wb.worksheets[1].title == "年次集計"

    # On a phone the table becomes one card per contract, and the page never scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert table.locator("tbody tr td[data-label='状態']").first.is_visible()
