"""Exports, opened and read: the PDF's text holds the 48 items word for word in the seed's order with
the font embedded; the XLSX read back holds the items, their marks and their attestation status."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEntry
from checklist import exports, services
from checklist.exports import seal_labels
from checklist.models import ChecklistItem, Mark, Side
from core.dates import wareki
from tests.checklist.helpers import (
    SEED_TEXTS,
    accept_all,
    assert_in_order,
    attest_side,
    finalise_plan,
    item,
    squash,
)

pytestmark = pytest.mark.django_db

NOT_NEEDED = {"ward.operational.03": (Mark.NOT_NEEDED, "再委託を認めない契約のため")}


def pdf_text(content: bytes) -> str:
    """The PDF's text in the order it was written (``-raw``): row by row, cell by cell, as a screen reader
    or a copy reads it; pdftotext's default guesses columns and may interleave the table's cells."""
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def embedded_fonts(content: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font the PDF uses, read with pypdf."""
    fonts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


@pytest.fixture
def reviewed(world):
    """Contract A with the plan finalised, the contractor side attested, one item returned, the rest accepted."""
    finalise_plan(world, **NOT_NEEDED)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.item_review(item=item(world, "contractor.system.08"), decision=ChecklistItem.Review.RETURNED,
                         comment="ログ分析の記録を添付してください", actor=world.hr)
    accept_all(world, Side.CONTRACTOR)
    return world


def test_pdf_holds_all_48_items_word_for_word_in_order_with_the_font_embedded(reviewed):
    filename, content_type, content = exports.checklist_pdf(reviewed.contract, "both")
    assert content_type == "application/pdf" and filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = pdf_text(content)
    assert_in_order(text, SEED_TEXTS)
    # The same through pypdf, so the check does not rest on one extractor.
    assert_in_order("".join(page.extract_text() for page in reader.pages), SEED_TEXTS)
    fonts = embedded_fonts(content)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    # The layout of the seed: the mark column header, the four section headings. Both lists name the
    # "not needed" mark as it is printed, 「ー」 (the seed's ward list writes a hyphen; issue 14, E.18).
    assert "「-」" not in text
    assert_in_order(text, [
        "・対策が可能であれば「○」・対策の必要がない場合は「ー」",
        "委託にあたり区が行う個人情報保護対策【運用上の対策】",
        "委託にあたり区が行う個人情報保護対策【システム上の対策】",
        "・対策が可能であれば「○」・対策の必要がない場合は「ー」",
        "委託事業者に行わせる個人情報保護対策【運用上の対策】",
        "委託事業者に行わせる個人情報保護対策【システム上の対策】",
    ])
    flat = squash(text)
    for expected in ("契約A", "令和7年度", "理由:再委託を認めない契約のため", "実施済み", "確認済み", "佐藤花子",
                     "差戻し", "課長", "確認者（区）", "1/"):
        assert squash(expected) in flat, expected


def test_pdf_of_one_side_holds_only_that_side(reviewed):
    _filename, _type, content = exports.checklist_pdf(reviewed.contract, "contractor")
    text = squash(pdf_text(content))
    assert all(squash(t) in text for t in SEED_TEXTS[24:])
    assert "区が行う個人情報保護対策" not in text
    assert squash(SEED_TEXTS[4]) not in text  # 全体の業務フローを作成し、委託先と共有する (ward only)


def test_xlsx_holds_the_48_items_with_marks_and_attestation_status(reviewed):
    filename, content_type, content = exports.checklist_xlsx(reviewed.contract, "both")
    assert filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["区が行う対策", "委託事業者に行わせる対策"]
    texts, marks, statuses = [], [], []
    for ws in wb.worksheets:
        header = [c.value for c in ws[exports.HEADER_ROW]]
        assert header[3] == "個人情報保護対策" and header[5] == "実施状況" and header[11] == "確認"
        for row in ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True):
            if row[3]:
                texts.append(row[3])
                marks.append(row[2])
                statuses.append((row[5], row[11] or ""))
        # Printing: A4 at a scale that keeps 11 pt text at 8 pt or more (fitting to the page width printed it
        # at 4.7 pt), the header row on every page, frozen below it, wrapped text in rows tall enough for it.
        # tests/core/test_spreadsheet_print.py prints it with LibreOffice.
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert not ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.scale) >= 73
        assert ws.row_dimensions[exports.HEADER_ROW + 1].height >= 4 * 11
        assert ws.print_title_rows.replace("$", "") == f"{exports.HEADER_ROW}:{exports.HEADER_ROW}"
        assert ws.freeze_panes == f"A{exports.HEADER_ROW + 1}"
        assert ws.cell(row=exports.HEADER_ROW + 1, column=4).alignment.wrap_text
    assert texts == SEED_TEXTS
    assert wb.worksheets[0].cell(row=exports.HEADER_ROW, column=3).value.endswith("「ー」")
    assert wb.worksheets[1].cell(row=exports.HEADER_ROW, column=3).value.endswith("「ー」")
    assert marks[2] == "ー" and marks.count("○") == 47  # the long ー on both lists, legible in print
    assert statuses[2] == ("対象外", "")
    assert statuses[0] == ("未記入", "未確認")  # the ward side is not attested yet
    contractor = statuses[24:]
    assert all(s[0] == "実施済み" for s in contractor)
    assert contractor[13 + 7] == ("実施済み", "差戻し")  # contractor.system.08: 13 operational, then the 8th
    assert sum(1 for s in contractor if s[1] == "確認済み") == 23


def test_xlsx_escapes_what_a_user_typed_against_formula_injection(world):
    finalise_plan(world)
    services.item_attest(item=item(world, "contractor.operational.01"), attestation=ChecklistItem.Attestation.IN_PLACE,
                         note='=HYPERLINK("http://evil.example","x")', evidence="+cmd|' /C calc'!A0",
                         actor=world.manager)
    _filename, _type, content = exports.checklist_xlsx(world.contract, "contractor")
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    row = exports.HEADER_ROW + 1
    # Written as string cells, never formulas, holding the text as typed (no apostrophe added to it).
    assert ws.cell(row=row, column=7).value == "=HYPERLINK(\"http://evil.example\",\"x\")"
    assert ws.cell(row=row, column=7).data_type == "s"
    assert ws.cell(row=row, column=8).value == "+cmd|' /C calc'!A0"
    assert ws.cell(row=row, column=8).data_type == "s"


def test_the_auditor_downloads_the_pdf_and_the_download_is_logged(reviewed, client_as):
    client = client_as(reviewed.auditor)
    url = reverse("checklist:export", kwargs={"slug": reviewed.contract.slug, "side": "both", "fmt": "pdf"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="checklist-contract-a-fy2025-both-')
    assert_in_order(pdf_text(response.content), SEED_TEXTS)
    assert AuditEntry.objects.filter(action="checklist.exported", actor=reviewed.auditor).count() == 1


def test_the_contractor_exports_only_its_own_side(reviewed, client_as):
    client = client_as(reviewed.manager)
    slug = reviewed.contract.slug
    ok = client.get(reverse("checklist:export", kwargs={"slug": slug, "side": "contractor", "fmt": "xlsx"}))
    assert ok.status_code == 200
    assert load_workbook(io.BytesIO(ok.content)).sheetnames == ["委託事業者に行わせる対策"]
    for side in ("ward", "both"):
        assert client.get(reverse("checklist:export", kwargs={"slug": slug, "side": side, "fmt": "pdf"})).status_code == 403
    assert client.get(reverse("checklist:export", kwargs={"slug": slug, "side": "neither", "fmt": "pdf"})).status_code == 404


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_command_exports_the_same(reviewed, tmp_path, fmt):
    out = tmp_path / f"checklist.{fmt}"
    call_command("export_checklist", contract=reviewed.contract.slug, side="both", format=fmt, out=str(out))
    content = out.read_bytes()
    if fmt == "pdf":
        assert_in_order(pdf_text(content), SEED_TEXTS)
    else:
        wb = load_workbook(io.BytesIO(content))
        texts = [row[3] for ws in wb.worksheets
                 for row in ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True) if row[3]]
        assert texts == SEED_TEXTS


def test_the_command_refuses_an_unknown_contract(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no-such-contract"):
        call_command("export_checklist", contract="no-such-contract", side="both", format="pdf",
                     out=str(tmp_path / "x.pdf"))


def pdf_layout_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_pdf_prints_numbers_notes_evidence_review_comments_and_a_legible_dash(reviewed):
    """Issue 7, B.13: the PDF lacked item numbers, the attestation notes, the evidence summaries and the
    review comments the page shows, and printed ー as a tiny hyphen."""
    from checklist.fixture import iter_items
    from tests.checklist.helpers import FIXTURE

    _filename, _type, content = exports.checklist_pdf(reviewed.contract, "both")
    text = pdf_text(content)
    # Every item under its number, in the seed's order (numbers restart in each of the four sections).
    assert_in_order(text, [f"{number}　{entry['text']}" for _side, _section, number, _p, entry in iter_items(FIXTURE)])
    # What the manager wrote, the evidence named, what the app's records said then, what HR commented.
    today = wareki(timezone.localdate())
    assert_in_order(text, [
        # The ward's item 3, not needed, with its reason.
        "3　再委託先がある場合には", "【対象外】「ー」の理由: 再委託を認めない契約のため",
        # The contractor's item 4: the status and the note, the evidence, the app's records when attested,
        # the review with its date and reviewer.
        "4　取扱責任者及び取扱者をあらかじめ指定させ、区に報告させる。", "【実施済み】4番の対策を実施",
        "根拠資料: 社内規程", "アプリの記録: 取扱責任者 1名・取扱者 1名を区が承認済み（承認待ち 0件）",
        f"【確認済み】{today} 佐藤 花子",
        # The item sent back, with HR's comment.
        "8　システム・ネットワークの状態", "【実施済み】8番の対策を実施", f"【差戻し】{today} 佐藤 花子",
        "確認のコメント: ログ分析の記録を添付してください",
    ])
    # The ー of the ward's item 3 is the long mark, alone in its column; no half-width hyphen as a mark.
    layout = pdf_layout_text(content)
    assert len(re.findall(r"^\s+ー\s{2,}", layout, flags=re.MULTILINE)) == 1
    assert not re.search(r"^\s+-\s{2,}", layout, flags=re.MULTILINE)


def test_pdf_seal_boxes_run_in_the_same_order_on_both_sides(reviewed):
    _filename, _type, content = exports.checklist_pdf(reviewed.contract, "both")
    # Each list starts with 別紙; its seal boxes stand at its top right, beside the particulars.
    ward, contractor = [squash(part) for part in pdf_text(content).split("別紙")[1:]]
    assert "課長確認者記入者" in ward
    assert "課長（区）確認者（区）記入者（取扱責任者）" in contractor
    assert seal_labels(Side.WARD) == ("課長", "確認者", "記入者")
    roles = [[re.sub(r"（.*）", "", label) for label in seal_labels(side)] for side in (Side.WARD, Side.CONTRACTOR)]
    assert roles[0] == roles[1]
