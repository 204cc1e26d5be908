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
    new_a4_workbook,
    put,
    setup_print,
    workbook_bytes,
    write_table,
)

from .models import Side
from .selectors import SideView, mark_symbol, side_views

SIDE_CHOICES = ("ward", "contractor", "both")
FORMATS = ("pdf", "xlsx")

# Column widths in mm: fixed, so WeasyPrint does not measure every CJK character for the layout.
# Two columns, as the seed's lists: the mark (22 mm) and the control. What was written about an item (its
# status in 【】, what was done, the evidence, the app's records, the review and its comment) runs under the
# control's text in that wide column: columns of their own would take many more lines, and WeasyPrint's
# time grows with every line and every element. Lines inside a cell are one text kept by ``white-space:
# pre-line``. The seal boxes stand at the top right beside the document's particulars, as on a 決裁欄, so a
# list that fills its last page does not push them onto a page of their own. The column headings repeat on
# every page the list runs over (a <thead>), under the running header naming the list and the contract.
PDF_CSS = """
.side + .side { break-before: page; }
p.attachment { text-align: right; font-size: 8pt; margin: 0; }
h1 { font-size: 12pt; font-weight: normal; margin-bottom: 1mm; }
.subtitle { text-align: center; margin: 0 0 2mm; }
table.head col.seals { width: 78mm; }
table.head td.meta, table.head td.seals { border: none; padding: 0; }
table.head td.meta { white-space: pre-line; font-size: 8pt; line-height: 1.35; padding-right: 3mm; }
table.head table.seals { width: 100%; margin: 0; }
table.head table.seals th { font-size: 8pt; }
table.checklist { margin-top: 2mm; }
table.checklist col.mark { width: 22mm; }
table.checklist thead th { font-size: 7.5pt; text-align: center; vertical-align: middle; }
table.checklist tr.section { break-after: avoid; }
table.checklist tr.section th { text-align: left; background: #f4f4f4; }
table.checklist td { white-space: pre-line; line-height: 1.3; padding: 0.8mm 1.5mm; }
table.checklist td.mark { text-align: center; font-size: 12pt; vertical-align: middle; }
table.checklist tr { break-inside: avoid; }
"""


def seal_labels(side: str) -> tuple[str, ...]:
    """The signature/seal boxes of each list, in the same order on both: the section head who approves,
    the ward's reviewer, the person who filled the list in."""
    if side == Side.WARD:
        return _("課長"), _("確認者"), _("記入者")
    return _("課長（区）"), _("確認者（区）"), _("記入者（取扱責任者）")


@dataclass
class PrintRow:
    mark: str
    text: str  # the item's number and text, then where it stands and what was written about it


def _lines(*lines) -> str:
    return "\n".join(line for line in lines if line)


def _file_lines(files) -> list[str]:
    return [_("　資料: %(name)s 第%(version)s版 SHA-256: %(sha256)s")
            % {"name": f.name, "version": f.version, "sha256": f.sha256} for f in files]


def record_lines(row) -> list[str]:
    """The records that back the item now (each provider's summary, and the files among them) and the files
    attached to its attestation, one line each."""
    lines = []
    for evidence in row.evidence:
        met = {True: _("達成"), False: _("未達成"), None: _("判定なし")}[evidence.met]
        lines.append(_("記録【%(met)s】%(summary)s") % {"met": met, "summary": evidence.summary})
        lines += _file_lines(evidence.files)
    if row.files:
        lines.append(_("実施状況に添付した資料"))
        lines += _file_lines(row.files)
    elif row.template_item.needs_files:
        # No record backs the item (an imported template's 「添付による証明」): its files are the evidence.
        lines.append(_("添付による証明: 資料はまだ添付されていません"))
    return lines


def _print_rows(view: SideView):
    for section in view.sections:
        rows = []
        for row in section.rows:
            item = row.item
            text = f"{row.template_item.number}　{row.template_item.text}"
            if item is None or not item.mark:
                rows.append(PrintRow(mark="", text=_lines(text, *record_lines(row))))
                continue
            if item.is_not_needed:
                rows.append(PrintRow(mark=mark_symbol(item), text=_lines(
                    text, _("【対象外】「ー」の理由: %(reason)s") % {"reason": item.mark_reason})))
                continue
            reviewed = item.reviewed_at is not None
            rows.append(PrintRow(mark=mark_symbol(item), text=_lines(
                text,
                _("【%(status)s】%(note)s") % {"status": item.get_attestation_display(), "note": item.note},
                _("根拠資料: %(evidence)s") % {"evidence": item.evidence} if item.evidence else "",
                _("要確認: 記入時、アプリの記録では未達成でした") if item.flagged and not item.is_accepted else "",
                # What the app's own records said when the item was attested, as the XLSX gives it.
                *(_("アプリの記録: %(summary)s") % {"summary": line} for line in item.app_evidence.splitlines()
                  if item.is_attested),
                _("【%(review)s】%(date)s %(who)s") % {"review": item.get_review_display(), "date": wareki(item.reviewed_at),
                                                   "who": display_name(item.reviewed_by)} if reviewed else "",
                _("確認のコメント: %(comment)s") % {"comment": item.review_comment}
                if reviewed and item.review_comment else "",
                *record_lines(row),
            )))
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
        # A locked list has nothing next; its status says so.
        "next": "" if state is not None and state.is_locked else "".join(view.next_steps),
        "submitted": (f"{display_name(state.submitted_by)} {wareki_datetime(state.submitted_at)}"
                      if state is not None and state.submitted_at else ""),
        "locked": (f"{display_name(state.locked_by)} {wareki_datetime(state.locked_at)}"
                   if state is not None and state.locked_at else ""),
    }


def _pdf_particulars(contract, view: SideView, printed_on: str) -> str:
    """The lines beside the seal boxes: the contract and its year, the plan, where the list stands."""
    state = _state_lines(view)
    return _lines(
        _("件名: %(title)s") % {"title": contract.title},
        _("委託先: %(contractor)s") % {"contractor": contract.contractor},
        _("%(year)s　計画: %(plan)s") % {"year": fiscal_year_label(contract.fiscal_year),
                                       "plan": _plan_line(view.checklist)},
        _("状態: %(status)s　出力日: %(date)s") % {"status": state["status"], "date": printed_on},
        _("確認の依頼: %(who)s") % {"who": state["submitted"]} if state["submitted"] else "",
        _("確定: %(who)s") % {"who": state["locked"]} if state["locked"] else "",
        _("次にすること: %(next)s") % {"next": state["next"]} if state["next"] else "",
    )


def checklist_pdf(contract, side: str) -> tuple[str, str, bytes]:
    # With the records behind each item as they stand when printed (core.evidence), and their files.
    views = side_views(contract, sides_of(side), with_evidence=True)
    printed_on = wareki(timezone.localdate())
    context = {
        "contract": contract,
        "sides": [
            {"view": view, "sections": list(_print_rows(view)), "particulars": _pdf_particulars(contract, view, printed_on),
             "seals": seal_labels(view.side)}
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
            cell = put(ws, row_number, 1, text)
            cell.font = Font(name=FONT_NAME, bold=row_number == 1, size=12 if row_number == 1 else 11)
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
                    # No record backs an imported template's 「添付による証明」 item: the column says so.
                    (_("添付による証明") if row.template_item.needs_files
                     else (_("【要確認】") if item.flagged else "") + item.app_evidence) if planned else "",
                    item.get_review_display() if planned else "",
                    display_name(item.reviewed_by) if planned and item.reviewed_at else "",
                    to_local_date(item.reviewed_at) if planned and item.reviewed_at else None,
                    item.review_comment if planned else "",
                ])
        last = write_table(ws, start_row=HEADER_ROW, headers=headers, rows=rows, widths=XLSX_WIDTHS,
                           page_header=f"{template.title} {view.heading}　{contract.display_name}")
        for row_cells in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=last - 1, min_col=3, max_col=3):
            for cell in row_cells:
                cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
        state = _state_lines(view)
        footer = [_("確認の依頼: %(who)s") % {"who": state["submitted"]}, _("確定: %(who)s") % {"who": state["locked"]}]
        for offset, text in enumerate(footer, start=1):
            put(ws, last + offset, 2, text).font = Font(name=FONT_NAME)
    return _filename(contract, side, "xlsx"), XLSX_CONTENT_TYPE, workbook_bytes(wb)


def export(contract, side: str, fmt: str) -> tuple[str, str, bytes]:
    if side not in SIDE_CHOICES or fmt not in FORMATS:
        raise ValueError((side, fmt))
    return (checklist_pdf if fmt == "pdf" else checklist_xlsx)(contract, side)
