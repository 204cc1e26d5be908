"""The checklist as A4 PDF (laid out like the seed's table) and as XLSX.

Each exporter returns ``(filename, content_type, bytes)``; the view and the management command check
who may have it.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from contracts.selectors import display_name
from core.dates import fiscal_year_label, to_local_date, wareki, wareki_datetime
from core.pdf import PDF_CONTENT_TYPE, render_pdf
from core.spreadsheet import (
    FONT_NAME,
    XLSX_CONTENT_TYPE,
    cell_text,
    new_a4_workbook,
    setup_print,
    workbook_bytes,
    write_table,
)

from .models import Side
from .selectors import SideView, mark_symbol, side_views

SIDE_CHOICES = ("ward", "contractor", "both")
FORMATS = ("pdf", "xlsx")

# Column widths in mm: fixed, so WeasyPrint does not measure every CJK character for the layout.
# A4 less the margins is 186 mm: mark 22, status 16, review 32, the control's text the rest. What was
# written about an item (what was done, evidence, the app's records, the reviewer's comment) runs under the
# control's text in its wide column: in a narrow column of its own it would take many more lines, and
# WeasyPrint's time grows with every line. Lines inside a cell are joined with newlines and kept by
# ``white-space: pre-line`` rather than wrapped in elements, for the same reason.
PDF_CSS = """
.side + .side { break-before: page; }
p.attachment { text-align: right; font-size: 8pt; margin: 0; }
h1 { font-size: 12pt; font-weight: normal; margin-bottom: 1mm; }
.subtitle { text-align: center; margin: 0 0 3mm; }
p.meta { margin: 0 0 1mm; }
table.checklist { margin-top: 2mm; }
table.checklist col.mark { width: 22mm; }
table.checklist col.status { width: 16mm; }
table.checklist col.review { width: 32mm; }
table.checklist thead th { font-size: 7.5pt; text-align: center; vertical-align: middle; }
table.checklist tr.section { break-after: avoid; }
table.checklist tr.section th { text-align: left; background: #f4f4f4; }
table.checklist td { white-space: pre-line; }
table.checklist td.mark { text-align: center; font-size: 12pt; vertical-align: middle; }
table.checklist td.status { text-align: center; }
table.checklist td.review { font-size: 7.5pt; }
table.checklist tr { break-inside: avoid; }
p.summary { margin: 3mm 0 0; }
"""


def seal_labels(side: str) -> tuple[str, ...]:
    """The signature/seal boxes under each list, in the same order on both: the section head who
    approves, the ward's reviewer, the person who filled the list in."""
    if side == Side.WARD:
        return _("課長"), _("確認者"), _("記入者")
    return _("課長（区）"), _("確認者（区）"), _("記入者（取扱責任者）")


@dataclass
class PrintRow:
    mark: str
    text: str  # the item's number and text, then what was written about it
    status: str
    review: str  # the review, by whom and when


def _lines(*lines) -> str:
    return "\n".join(line for line in lines if line)


def _print_rows(view: SideView):
    for section in view.sections:
        rows = []
        for row in section.rows:
            item = row.item
            text = f"{row.template_item.number}　{row.template_item.text}"
            if item is None or not item.mark:
                rows.append(PrintRow(mark="", text=text, status="", review=""))
                continue
            if item.is_not_needed:
                rows.append(PrintRow(mark=mark_symbol(item), status=_("対象外"), review="",
                                     text=_lines(text, _("「ー」の理由: %(reason)s") % {"reason": item.mark_reason})))
                continue
            reviewed = item.reviewed_at is not None
            text = _lines(
                text,
                _("実施内容: %(note)s") % {"note": item.note} if item.note else "",
                _("根拠資料: %(evidence)s") % {"evidence": item.evidence} if item.evidence else "",
                _("要確認: 記入時、アプリの記録では未達成でした") if item.flagged and not item.is_accepted else "",
                # What the app's own records said when the item was attested, as the XLSX gives it.
                *(_("アプリの記録: %(summary)s") % {"summary": line} for line in item.app_evidence.splitlines()
                  if item.is_attested),
                _("確認のコメント: %(comment)s") % {"comment": item.review_comment}
                if reviewed and item.review_comment else "",
            )
            review = _lines(f"{item.get_review_display()} {display_name(item.reviewed_by)}", wareki(item.reviewed_at)) \
                if reviewed else ""
            rows.append(PrintRow(mark=mark_symbol(item), text=text, status=item.get_attestation_display(),
                                 review=review))
        yield section.heading, rows


def sides_of(side: str) -> list[str]:
    return [Side.WARD, Side.CONTRACTOR] if side == "both" else [side]


def _filename(contract, side: str, ext: str) -> str:
    return f"checklist-{contract.file_stem}-{side}-{timezone.localtime():%Y%m%d}.{ext}"


def _plan_line(checklist) -> str:
    if checklist is None or not checklist.is_finalised:
        return _("未確定（計画中）")
    line = _("第%(rev)s版 %(date)s確定") % {"rev": checklist.plan_revision, "date": wareki(checklist.plan_finalised_at)}
    if checklist.plan_revision > 1:
        line += _("（最終変更 %(date)s）") % {"date": wareki(checklist.plan_changed_at)}
    return line


def _state_lines(view: SideView) -> dict[str, str]:
    state = view.state
    return {
        "status": state.get_status_display() if state is not None else _("未作成"),
        "next": "".join(view.next_steps),
        "submitted": (f"{display_name(state.submitted_by)} {wareki_datetime(state.submitted_at)}"
                      if state is not None and state.submitted_at else ""),
        "locked": (f"{display_name(state.locked_by)} {wareki_datetime(state.locked_at)}"
                   if state is not None and state.locked_at else ""),
    }


def checklist_pdf(contract, side: str) -> tuple[str, str, bytes]:
    views = side_views(contract, sides_of(side))
    today = timezone.localdate()
    context = {
        "contract": contract,
        "fiscal_year": fiscal_year_label(contract.fiscal_year),
        "printed_on": wareki(today),
        "sides": [
            {"view": view, "sections": list(_print_rows(view)), "state": _state_lines(view),
             "seals": seal_labels(view.side), "plan": _plan_line(view.checklist)}
            for view in views
        ],
    }
    content = render_pdf("checklist/checklist_pdf.html", context, extra_css=PDF_CSS)
    return _filename(contract, side, "pdf"), PDF_CONTENT_TYPE, content


def xlsx_headers(view: SideView) -> list[str]:
    return ["No.", _("区分"), view.mark_header, view.template.control_header, _("「ー」の理由"), _("実施状況"),
            _("実施内容・未実施の理由"), _("根拠資料"), _("記入者"), _("記入日時"), _("アプリの記録"), _("確認"),
            _("確認者"), _("確認日"), _("確認のコメント")]


XLSX_WIDTHS = [6, 22, 14, 60, 24, 11, 36, 22, 14, 20, 30, 11, 14, 16, 30]
HEADER_ROW = 7


def checklist_xlsx(contract, side: str) -> tuple[str, str, bytes]:
    views = side_views(contract, sides_of(side))
    wb = None
    for view in views:
        title = str(Side(view.side).label)
        if wb is None:
            wb, ws = new_a4_workbook(title)
        else:
            ws = wb.create_sheet(title)
            setup_print(ws)
        template = view.template
        meta = [
            template.title, f"{template.subtitle} {view.heading}",
            _("件名: %(title)s（委託先: %(contractor)s）") % {"title": contract.title, "contractor": contract.contractor},
            _("年度: %(year)s　計画: %(plan)s　ひな形: 第%(version)s版")
            % {"year": fiscal_year_label(contract.fiscal_year), "plan": _plan_line(view.checklist),
               "version": template.version},
            _("状態: %(status)s　出力日: %(date)s") % {"status": _state_lines(view)["status"],
                                                   "date": wareki(timezone.localdate())},
        ]
        for row_number, text in enumerate(meta, start=1):
            cell = ws.cell(row=row_number, column=1, value=cell_text(text))
            cell.font = Font(name=FONT_NAME, bold=row_number == 1, size=12 if row_number == 1 else 10)
        headers = xlsx_headers(view)
        rows = []
        for section in view.sections:
            for row in section.rows:
                item = row.item
                planned = item is not None and item.is_planned
                mark = mark_symbol(item)
                rows.append([
                    row.template_item.number, f"{view.heading} {section.heading}", mark, row.template_item.text,
                    item.mark_reason if item is not None and item.is_not_needed else "",
                    (item.get_attestation_display() if planned
                     else (_("対象外") if item is not None and item.mark else "")),
                    item.note if planned else "", item.evidence if planned else "",
                    display_name(item.attested_by) if planned else "",
                    item.attested_at if planned and item.attested_at else None,  # a real date (core.spreadsheet)
                    ((_("【要確認】") if item.flagged else "") + item.app_evidence) if planned else "",
                    item.get_review_display() if planned else "",
                    display_name(item.reviewed_by) if planned and item.reviewed_at else "",
                    to_local_date(item.reviewed_at) if planned and item.reviewed_at else None,
                    item.review_comment if planned else "",
                ])
        last = write_table(ws, start_row=HEADER_ROW, headers=headers, rows=rows, widths=XLSX_WIDTHS)
        for row_cells in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=last - 1, min_col=3, max_col=3):
            for cell in row_cells:
                cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
        state = _state_lines(view)
        footer = [_("確認の依頼: %(who)s") % {"who": state["submitted"]}, _("確定: %(who)s") % {"who": state["locked"]}]
        for offset, text in enumerate(footer, start=1):
            ws.cell(row=last + offset, column=2, value=cell_text(text)).font = Font(name=FONT_NAME)
    return _filename(contract, side, "xlsx"), XLSX_CONTENT_TYPE, workbook_bytes(wb)


def export(contract, side: str, fmt: str) -> tuple[str, str, bytes]:
    if side not in SIDE_CHOICES or fmt not in FORMATS:
        raise ValueError((side, fmt))
    return (checklist_pdf if fmt == "pdf" else checklist_xlsx)(contract, side)
