"""The ledger's exports as a clerk files them (issue 7, B.18), and refusals that say why (A.8).

- Exports run oldest first, like a paper 管理簿 (see also test_late_entries).
- A row never splits across PDF pages.
- Dates in the XLSX are real dates that sort and filter, shown in the Japanese era.
- The English interface translates the ledger's statuses.
- A replayed cancel answers with a message, not a bare 400.
"""

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.spreadsheet import WAREKI_DATE_FORMAT, WAREKI_DATETIME_FORMAT, put
from handover import services
from handover.models import Handover

from .conftest import acknowledge, deliver, register_paper, tokyo

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(f"handover:{name}", kwargs={"slug": world.contract.slug, **kwargs})


def pdf_pages(content: bytes) -> list[str]:
    from pypdf import PdfReader

    count = len(PdfReader(io.BytesIO(content)).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", "-", "-"], input=content,
                           capture_output=True, check=True).stdout.decode() for n in range(1, count + 1)]


def test_a_ledger_row_never_splits_across_pdf_pages(client_as, world, clock):
    # Thirty handovers of five papers each: five lines a row, several pages.
    for number in range(30):
        papers = [register_paper(world, f"R{number:02d}-{line}") for line in range(5)]
        deliver(world, papers)
    response = client_as(world.hr).get(url("ledger_export", world, fmt="pdf"))
    pages = pdf_pages(response.content)
    assert len(pages) >= 3
    for number in range(30):
        holding = {index for index, text in enumerate(pages) for line in range(5) if f"R{number:02d}-{line}" in text}
        assert len(holding) == 1, f"row {number + 1} is split over pages {sorted(holding)}"
    # Oldest first: the first page starts with No.1.
    assert "R00-0" in pages[0] and "R29-4" in pages[-1]


def test_xlsx_dates_are_real_dates_in_the_japanese_era():
    ws = Workbook().active
    when = tokyo(2026, 4, 1, 9, 30)
    assert put(ws, 1, 1, when).value == dt.datetime(2026, 4, 1, 9, 30)   # Tokyo time, without the zone
    assert ws["A1"].number_format == WAREKI_DATETIME_FORMAT
    assert put(ws, 1, 2, dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC)).value == dt.datetime(2026, 4, 1, 0, 0)
    assert put(ws, 1, 3, dt.date(2026, 4, 1)).value == dt.date(2026, 4, 1)
    assert ws["C1"].number_format == WAREKI_DATE_FORMAT
    assert "ggge" in WAREKI_DATE_FORMAT and WAREKI_DATE_FORMAT.startswith("[$-411]")
    # A string cell, never a formula, holding the text as typed (no apostrophe added to it).
    assert put(ws, 1, 4, "=1+1").value == "=1+1" and ws["D1"].data_type == "s"
    assert ws["D1"].number_format == "General"
    assert put(ws, 1, 5, 3012).value == 3012 and ws["E1"].number_format == "General"


def test_a_contract_of_the_longest_title_gives_a_page_header_excel_accepts(client_as, world, clock):
    """The printed page header names the ledger and the contract; Excel refuses a header over 255 characters
    (the title may have 300), so the contract's name is cut with … to one line."""
    world.contract.title = "長い件名" * 75
    world.contract.save(update_fields=["title"])
    sheet = load_workbook(io.BytesIO(client_as(world.hr).get(url("ledger_export", world, fmt="xlsx")).content)).active
    header = sheet.oddHeader.left.text
    assert header.startswith("個人情報受渡し管理簿　長い件名長い件名")
    assert header.endswith("…") and len(header) < 60


def test_ledger_xlsx_dates_sort_as_dates(client_as, world, clock):
    clock.set(tokyo(2025, 6, 10, 9, 0))
    acknowledge(deliver(world, [register_paper(world, "P-1")]), world.handler)
    clock.set(tokyo(2025, 12, 1, 9, 0))
    deliver(world, [register_paper(world, "P-2")])
    sheet = load_workbook(io.BytesIO(client_as(world.hr).get(url("ledger_export", world, fmt="xlsx")).content)).active
    dates = [sheet.cell(row=r, column=2).value for r in (6, 7)]
    assert all(isinstance(d, dt.datetime) for d in dates) and dates == sorted(dates)
    assert sheet.cell(row=6, column=11).is_date and sheet.cell(row=7, column=11).value is None


ENGLISH = {
    "未確認（受領確認待ち）": "Not yet acknowledged",
    "（SHA-256一致）": " (SHA-256 matched)",
    "鍵付きカバン": "locked bag",
    "手渡し": "by hand",
}


@pytest.fixture
def english(settings, monkeypatch):
    """English as the site's language, with the ledger's words in its catalogue (they are added to
    locale/ centrally; this checks that they go through gettext at all)."""
    from django.utils.translation import trans_real

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        catalog = trans_real.translation("en")._catalog._catalogs[0]
        for japanese, english in ENGLISH.items():
            monkeypatch.setitem(catalog, japanese, english)
        yield


def test_the_english_ledger_translates_its_statuses(english, client_as, world, disc):
    acknowledge(deliver(world, [disc]), world.handler)
    deliver(world, [register_paper(world)], recipient=world.manager)
    client = client_as(world.hr)
    page = client.get(url("ledger", world)).content.decode()
    for japanese, english in ENGLISH.items():
        assert english.strip() in page, english
        assert japanese not in page.replace("手渡しで", ""), japanese
    sheet = load_workbook(io.BytesIO(client.get(url("ledger_export", world, fmt="xlsx")).content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=6) for cell in row]
    assert "Not yet acknowledged" in values and "山田 美咲 (SHA-256 matched)" in values
    assert "by hand・locked bag" in values


def test_a_new_handover_keeps_the_locked_bag_as_the_ledger_word(english, world, disc):
    handover = deliver(world, [disc], container="locked bag")   # what the English form suggests
    assert handover.container == "鍵付きカバン"


# --- refusals that say why (A.8) -------------------------------------------------------------------


def test_a_replayed_cancel_says_it_was_already_cancelled(client_as, world, disc):
    handover = deliver(world, [disc])
    client = client_as(world.hr)
    target = url("handover_cancel", world, pk=handover.pk)
    assert client.post(target, {"reason": "受取人の誤り"}).status_code == 302
    response = client.post(target, {"reason": "受取人の誤り"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "この受渡しは令和7年6月10日 09:00にすでに取り消されています。" in page
    assert Handover.objects.get(pk=handover.pk).cancel_reason == "受取人の誤り"


def test_cancelling_an_acknowledged_handover_says_who_acknowledged_it(client_as, world, disc):
    handover = acknowledge(deliver(world, [disc]), world.handler)
    response = client_as(world.hr).post(url("handover_cancel", world, pk=handover.pk), {"reason": "誤り"})
    assert response.status_code == 400
    assert "山田 美咲さんが令和7年6月10日 09:00に受領確認したため、取り消せません。" in response.content.decode()


def test_a_replayed_acknowledgement_says_who_acknowledged(client_as, world, disc):
    handover = acknowledge(deliver(world, [disc]), world.handler)
    response = client_as(world.handler).post(url("handover_acknowledge", world, pk=handover.pk),
                                             {"time_confirmed": "on"})
    assert response.status_code == 400
    assert "すでに山田 美咲さんが令和7年6月10日 09:00に受領確認しています" in response.content.decode()


def test_the_cancel_service_refuses_a_second_cancel_with_the_same_words(world, disc):
    from core.errors import DomainError

    handover = deliver(world, [disc])
    services.handover_cancel(handover=handover, actor=world.hr, reason="誤り")
    with pytest.raises(DomainError) as info:
        services.handover_cancel(handover=handover, actor=world.hr, reason="誤り")
    assert info.value.code == "already_cancelled"
