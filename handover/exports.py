"""The ledger (管理簿) as XLSX and A4 PDF, in the layout of the page: date and time, handler, recipient,
contents, quantity, method and acknowledgement (seed: 管理簿には、日時、取扱者、情報の内容、数量を…記録)."""

from dataclasses import dataclass

from django.utils import timezone

from contracts.selectors import display_name
from core.dates import wareki_datetime
from core.pdf import PDF_CONTENT_TYPE, render_pdf
from core.spreadsheet import XLSX_CONTENT_TYPE, new_a4_workbook, workbook_bytes, write_table

from . import rules
from .models import Handover, Item
from .selectors import method_text

TITLE = "個人情報受渡し管理簿"
HEADERS = ["No.", "受渡し日時", "方向", "渡した者（取扱者）", "受け取った者", "情報の内容", "数量", "方法", "受領確認", "備考"]
WIDTHS = [6, 20, 16, 16, 16, 48, 7, 18, 28, 24]
UNITS = {Item.Category.MEDIUM: "枚", Item.Category.PAPER: "部", Item.Category.NOTICE: "通"}


@dataclass(frozen=True)
class LedgerRow:
    contract: str
    number: int
    handed_at: str
    direction: str
    giver: str
    recipient: str
    contents: str
    quantity: int
    method: str
    acknowledgement: str
    notes: str

    def cells(self, *, with_contract: bool) -> list:
        cells = [self.number, self.handed_at, self.direction, self.giver, self.recipient, self.contents,
                 self.quantity, self.method, self.acknowledgement, self.notes]
        return [self.contract, *cells] if with_contract else cells


def acknowledgement_text(handover: Handover) -> str:
    if handover.is_acknowledged:
        text = f"{wareki_datetime(handover.acknowledged_at)} {display_name(handover.acknowledged_by)}"
        if any(line.hash_verified for line in handover.lines.all()):
            text += "（SHA-256一致）"
        return text
    if handover.is_cancelled:
        return f"取消 {wareki_datetime(handover.cancelled_at)}（{handover.cancel_reason}）"
    return "未確認（受領確認待ち）"


def ledger_row(handover: Handover) -> LedgerRow:
    lines = list(handover.lines.all())
    contents = "\n".join(f"{line.item.describe()} {line.quantity}{UNITS.get(line.item.category, '')}"
                         for line in lines)
    return LedgerRow(
        contract=handover.contract.display_name, number=handover.number, handed_at=wareki_datetime(handover.handed_at),
        direction=handover.get_direction_display(), giver=display_name(handover.giver),
        recipient=display_name(handover.recipient), contents=contents,
        quantity=sum(line.quantity for line in lines), method=method_text(handover),
        acknowledgement=acknowledgement_text(handover), notes=handover.notes,
    )


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _filename(contract, extension: str) -> str:
    return f"ledger-{contract.file_stem if contract else 'all'}-{_stamp()}.{extension}"


def ledger_xlsx(handovers, *, contract=None, filters_text: str = "") -> tuple[str, str, bytes]:
    wb, ws = new_a4_workbook(TITLE)
    ws.cell(row=1, column=1, value=TITLE)
    ws.cell(row=2, column=1, value=f"契約: {contract.display_name}" if contract else "契約: 閲覧できるすべての契約")
    ws.cell(row=3, column=1, value=f"出力日時: {wareki_datetime(timezone.now())}{'　条件: ' + filters_text if filters_text else ''}")
    with_contract = contract is None
    headers = (["契約", *HEADERS] if with_contract else HEADERS)
    widths = ([30, *WIDTHS] if with_contract else WIDTHS)
    write_table(ws, start_row=5, headers=headers, rows=(ledger_row(h).cells(with_contract=with_contract)
                                                        for h in handovers), widths=widths)
    return _filename(contract, "xlsx"), XLSX_CONTENT_TYPE, workbook_bytes(wb)


PDF_CSS = """
@page { size: A4 landscape; }
.ledger td { font-size: 8pt; white-space: pre-line; }
.ledger th { font-size: 8pt; }
.rule-quote { font-size: 8pt; margin-bottom: 3mm; }
"""


def ledger_pdf(handovers, *, contract=None, filters_text: str = "") -> tuple[str, str, bytes]:
    content = render_pdf("handover/ledger_pdf.html", {
        "title": TITLE, "contract": contract, "rows": [ledger_row(h) for h in handovers],
        "printed_at": wareki_datetime(timezone.now()), "filters_text": filters_text, "rule": rules.LEDGER_RULE,
        "with_contract": contract is None,
    }, extra_css=PDF_CSS)
    return _filename(contract, "pdf"), PDF_CONTENT_TYPE, content


EXPORTERS = {"xlsx": ledger_xlsx, "pdf": ledger_pdf}
