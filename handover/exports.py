"""The ledger (管理簿) as XLSX and A4 PDF, in the layout of the page: date and time, handler, recipient,
contents, quantity, method and acknowledgement (seed: 管理簿には、日時、取扱者、情報の内容、数量を…記録)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.selectors import display_name
from contracts.subcontracting import subcontractor_party
from core.dates import wareki_datetime
from core.pdf import PDF_CONTENT_TYPE, render_pdf
from core.spreadsheet import XLSX_CONTENT_TYPE, new_a4_workbook, workbook_bytes, write_table

from . import rules
from .models import Handover, Item
from .selectors import method_text

TITLE = "個人情報受渡し管理簿"
WIDTHS = [6, 18, 18, 22, 16, 22, 16, 44, 7, 16, 18, 30, 24]
UNITS = {Item.Category.MEDIUM: "枚", Item.Category.PAPER: "部", Item.Category.NOTICE: "通"}


def headers() -> list[str]:
    return ["No.", _("受渡し日時"), _("記録日時"), _("事後記録"), _("方向"), _("渡した者（取扱者）"), _("受け取った者"),
            _("情報の内容"), _("数量"), _("方法"), _("受領確認日時"), _("受領確認"), _("備考")]


@dataclass(frozen=True)
class LedgerRow:
    contract: str
    number: int
    handed_at: dt.datetime
    recorded_at: dt.datetime
    late_entry: str
    direction: str
    giver: str
    recipient: str
    contents: str
    quantity: int
    method: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    acknowledgement: str
    notes: str
    # The recipient's party when it is a subcontractor's person (the chain 委託先 → 再委託先), else "".
    recipient_party: str = ""

    def cells(self, *, with_contract: bool) -> list:
        """One spreadsheet row: times as real dates (shown in the Japanese era), everything else as text."""
        cells = [self.number, self.handed_at, self.recorded_at, self.late_entry, self.direction, self.giver,
                 self.recipient, self.contents, self.quantity, self.method, self.acknowledged_at,
                 self.acknowledged_by, self.notes]
        return [self.contract, *cells] if with_contract else cells

    @property
    def handed_at_text(self) -> str:
        text = wareki_datetime(self.handed_at)
        return f"{text}\n{self.late_entry}" if self.late_entry else text


def on_behalf_text(name: str, for_whom, reason: str) -> str:
    """「田中 誠（山田 美咲の代理・理由: 出張中のため）」: who acted, for whom, and why."""
    if for_whom is None:
        return name
    return _("%(name)s（%(for)sの代理・理由: %(reason)s）") % {"name": name, "for": display_name(for_whom),
                                                             "reason": reason}


def late_entry_text(handover: Handover) -> str:
    """事後記録: the stated handover time was entered later than the clock tolerance allows."""
    if not handover.is_late_entry:
        return ""
    when = wareki_datetime(handover.recorded_at)
    if handover.late_reason:
        return _("事後記録（%(when)sに記録・理由: %(reason)s）") % {"when": when, "reason": handover.late_reason}
    return _("事後記録（%(when)sに記録）") % {"when": when}


def with_party(name: str, party: str) -> str:
    """「入力 花子（委託先A株式会社 → 再委託先 株式会社B）」 for a subcontractor's person; the name alone otherwise."""
    return _("%(name)s（%(party)s）") % {"name": name, "party": party} if party else name


def giver_text(handover: Handover) -> str:
    name = with_party(display_name(handover.giver), subcontractor_party(handover.contract, handover.giver))
    return on_behalf_text(name, handover.given_for, handover.given_for_reason)


def _hash_text(handover: Handover) -> str:
    lines = list(handover.lines.all())
    text = _("（SHA-256一致）") if any(line.hash_verified for line in lines) else ""
    for line in lines:
        if line.hash_not_computed_reason:
            text += _("（%(item)s SHA-256計算できない・理由: %(reason)s）") % {
                "item": line.item.label, "reason": line.hash_not_computed_reason}
    return text


def acknowledged_by_text(handover: Handover) -> str:
    """The acknowledgement without its time: who, for whom, and the hash check; or why there is none."""
    if handover.is_acknowledged:
        who = on_behalf_text(display_name(handover.acknowledged_by), handover.acknowledged_for,
                             handover.acknowledged_for_reason)
        return who + _hash_text(handover)
    if handover.is_cancelled:
        return _("取消（%(reason)s）") % {"reason": handover.cancel_reason}
    return _("未確認（受領確認待ち）")


def acknowledgement_text(handover: Handover) -> str:
    """The acknowledgement column of the ledger page and PDF: time, who, for whom, the hash check."""
    if handover.is_acknowledged:
        return f"{wareki_datetime(handover.acknowledged_at)} {acknowledged_by_text(handover)}"
    if handover.is_cancelled:
        return _("取消 %(when)s（%(reason)s）") % {"when": wareki_datetime(handover.cancelled_at),
                                                  "reason": handover.cancel_reason}
    return acknowledged_by_text(handover)


def ledger_row(handover: Handover) -> LedgerRow:
    lines = list(handover.lines.all())
    party = subcontractor_party(handover.contract, handover.recipient)
    contents = "\n".join(f"{line.item.describe()} {line.quantity}{UNITS.get(line.item.category, '')}"
                         for line in lines)
    return LedgerRow(
        contract=handover.contract.display_name, number=handover.number, handed_at=handover.handed_at,
        recorded_at=handover.recorded_at, late_entry=late_entry_text(handover),
        direction=handover.get_direction_display(), giver=giver_text(handover),
        recipient=with_party(display_name(handover.recipient), party), contents=contents,
        quantity=sum(line.quantity for line in lines), method=method_text(handover),
        acknowledged_at=handover.acknowledged_at if handover.is_acknowledged else None,
        acknowledged_by=acknowledged_by_text(handover), acknowledgement=acknowledgement_text(handover),
        notes=handover.notes, recipient_party=party,
    )


def paper_order(handovers) -> list[Handover]:
    """Oldest first, in the order the entries were written, as a paper 管理簿 reads."""
    return sorted(handovers, key=lambda h: (h.recorded_at, h.contract_id, h.number))


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
    columns = [_("契約"), *headers()] if with_contract else headers()
    widths = ([30, *WIDTHS] if with_contract else WIDTHS)
    write_table(ws, start_row=5, headers=columns, rows=(ledger_row(h).cells(with_contract=with_contract)
                                                        for h in paper_order(handovers)), widths=widths,
                page_header=f"{TITLE}　{contract.display_name}" if contract else TITLE)
    return _filename(contract, "xlsx"), XLSX_CONTENT_TYPE, workbook_bytes(wb)


PDF_CSS = """
@page { size: A4 landscape; }
.ledger td { font-size: 8pt; white-space: pre-line; }
/* A ledger line is read as one entry: it moves whole to the next page rather than splitting. */
.ledger tr { break-inside: avoid; page-break-inside: avoid; }
.ledger th { font-size: 8pt; }
/* The heading's facts as lines, not a table: each table cell costs WeasyPrint more than a line. */
p.meta { margin: 0 0 1mm; }
.rule-quote { font-size: 8pt; margin-bottom: 3mm; }
"""


def ledger_pdf(handovers, *, contract=None, filters_text: str = "") -> tuple[str, str, bytes]:
    content = render_pdf("handover/ledger_pdf.html", {
        "title": TITLE, "contract": contract, "rows": [ledger_row(h) for h in paper_order(handovers)],
        "printed_at": wareki_datetime(timezone.now()), "filters_text": filters_text, "rule": rules.LEDGER_RULE,
        "with_contract": contract is None,
    }, extra_css=PDF_CSS)
    return _filename(contract, "pdf"), PDF_CONTENT_TYPE, content


EXPORTERS = {"xlsx": ledger_xlsx, "pdf": ledger_pdf}
