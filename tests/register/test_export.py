"""The register as the ward keeps it in Excel, and the council's annual summary (page and second sheet), each
figure recomputed here from the records themselves."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from contracts.models import Contract
from handover.models import HandoverLine
from incidents.models import Incident
from supervision import services as supervision_services
from supervision.models import Inspection
from tests.handover.conftest import clock  # noqa: F401 (fixture)
from tests.incidents.conftest import cd_r  # noqa: F401 (fixture)

from .helpers import busy_ward

pytestmark = pytest.mark.django_db

EXPORT = reverse("register:export")


@pytest.fixture
def ward(world, cd_r, clock):  # noqa: F811
    made = busy_ward(world, cd_r, clock)
    Contract.objects.filter(pk=world.other_contract.pk).update(subject_count="区職員全員")
    held = Inspection.objects.get(contract=world.contract, status=Inspection.Status.PLANNED)
    supervision_services.inspection_record(inspection=held, actor=world.hr, held_on=dt.date(2026, 1, 15),
                                           method="on_site", place="委託先 本社", inspectors="佐藤 花子")
    return made


def sheet_rows(ws, start: int) -> list[list]:
    return [[cell.value for cell in row] for row in ws.iter_rows(min_row=start) if any(c.value for c in row)]


def test_the_export_is_the_wards_layout_of_the_filtered_register(ward, world, client_as):
    response = client_as(world.auditor).get(EXPORT, {"fiscal_year": 2025})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="register-\d{8}-\d{4}\.xlsx"', disposition)
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    rows = sheet_rows(ws, 5)
    assert rows[0] == ["年度", "担当課", "件名", "委託先", "期間", "記録媒体", "対象者数", "状態"]
    body = sorted(rows[1:], key=lambda r: r[2])
    assert body == [
        ["令和7年度", world.ward.name, "契約A", world.contractor.name, "令和7年5月1日〜令和8年3月31日",
         "電磁的記録(CD-R等)", "約 3,000 人", "期間終了・未完了"],
        ["令和7年度", world.ward.name, "契約B", world.other_contractor.name, "令和7年5月1日〜令和8年3月31日",
         "電磁的記録(CD-R等)", "区職員全員", "期間終了・未完了"],
    ]
    assert "年度=令和7年度" in ws.cell(row=3, column=2).value
    assert ws.print_title_rows == "$5:$5"
    entry = AuditEntry.objects.filter(action="register.exported").latest("seq")
    assert entry.actor == world.auditor and entry.payload["rows"] == 2 and entry.payload["format"] == "xlsx"


def _recomputed(fiscal_year: int, contracts) -> dict:
    """The summary's figures worked out here from the records, as a clerk would count them."""
    chosen = [c for c in Contract.objects.filter(pk__in=[c.pk for c in contracts]) if c.fiscal_year == fiscal_year]
    numbers, other = [], 0
    for c in chosen:
        digits = c.subject_count.replace("約", "").replace("人", "").replace("名", "").replace(",", "").replace(" ", "")
        if digits.isdigit():
            numbers.append(int(digits))
        else:
            other += 1
    media = {line.item_id for line in HandoverLine.objects.select_related("handover", "item")
             if line.handover.contract_id in {c.pk for c in chosen} and line.handover.direction == "delivery"
             and line.handover.status != "cancelled" and line.item.category == "medium"}
    incidents = [i for i in Incident.objects.all() if i.contract_id in {c.pk for c in chosen}]
    held = [i for i in Inspection.objects.all() if i.contract_id in {c.pk for c in chosen} and i.held_on]
    return {"contracts": len(chosen), "people": sum(numbers), "other": other, "media": len(media),
            "incidents": len(incidents), "open": sum(1 for i in incidents if i.closed_at is None),
            "inspections": len(held)}


def test_the_council_summary_is_recomputed_from_the_records(ward, world, client_as):
    client = client_as(world.auditor)
    expected = _recomputed(2025, [ward["a"], ward["b"]])
    assert expected == {"contracts": 2, "people": 3000, "other": 1, "media": 1, "incidents": 3, "open": 2,
                        "inspections": 1}
    page = client.get(reverse("register:list"), {"fiscal_year": 2025}).content.decode()
    summary = re.search(r'<section aria-labelledby="summary-h">(.*?)</section>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", summary)
    assert "令和7年度" in text
    assert f"{expected['contracts']}件" in text
    assert f"{expected['people']:,}人" in text and f"ほかに数で書かれていない契約 {expected['other']}件" in text
    assert f"{expected['media']}点" in text
    assert f"{expected['incidents']}件（うち対応中 {expected['open']}件）" in text

    wb = load_workbook(io.BytesIO(client.get(EXPORT, {"fiscal_year": 2025}).content))
    sheet = dict((row[0], row[1]) for row in sheet_rows(wb.worksheets[1], 5))
    assert sheet["委託契約の件数"] == f"{expected['contracts']}件"
    assert sheet["対象者数（数で書かれたものの合計）"] == (
        f"{expected['people']:,}人（ほかに数で書かれていない契約 {expected['other']}件）")
    assert sheet["引き渡した記録媒体（電磁的媒体）"] == f"{expected['media']}点"
    assert sheet["事故の件数"] == f"{expected['incidents']}件（うち対応中 {expected['open']}件）"
    assert sheet["立入り調査等の実施件数"] == f"{expected['inspections']}件"

    expected_2026 = _recomputed(2026, [ward["c"], ward["draft"]])
    wb = load_workbook(io.BytesIO(client.get(EXPORT, {"fiscal_year": 2026}).content))
    sheet = dict((row[0], row[1]) for row in sheet_rows(wb.worksheets[1], 5))
    assert sheet["委託契約の件数"] == f"{expected_2026['contracts']}件" == "2件"
    assert sheet["対象者数（数で書かれたものの合計）"].startswith(f"{expected_2026['people']:,}人")


@pytest.mark.parametrize(("text", "number"), [
    ("3000", 3000), ("約 3,000 人", 3000), ("１，２００名", 1200), ("区職員全員", None), ("3,000人（予定）", None),
    ("", None), ("約", None),
])
def test_people_counts_only_what_is_a_number(text, number):
    from register.selectors import people_number

    assert people_number(text) == number
