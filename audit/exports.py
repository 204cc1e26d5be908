from django.utils import timezone

from core.dates import wareki_datetime
from core.spreadsheet import XLSX_CONTENT_TYPE, new_a4_workbook, workbook_bytes, write_table

HEADERS = ["連番", "日時（日本時間）", "操作者", "操作", "契約", "対象", "IPアドレス", "内容", "ハッシュ"]
WIDTHS = [8, 22, 16, 30, 30, 30, 16, 50, 20]


def audit_log_xlsx(entries, *, title: str = "監査証跡") -> tuple[str, str, bytes]:
    wb, ws = new_a4_workbook(title)
    ws.cell(row=1, column=1, value=title)
    ws.cell(row=2, column=1, value=f"出力日時: {wareki_datetime(timezone.now())}")
    rows = (
        [
            e.seq, wareki_datetime(e.created_at), e.actor_label, e.action,
            e.contract.title if e.contract else "", e.object_repr, e.ip_address or "",
            _payload_text(e.payload), e.hash[:16],
        ]
        for e in entries
    )
    write_table(ws, start_row=4, headers=HEADERS, rows=rows, widths=WIDTHS)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"audit-log-{stamp}.xlsx", XLSX_CONTENT_TYPE, workbook_bytes(wb)


def _payload_text(payload) -> str:
    if not payload:
        return ""
    return "; ".join(f"{k}={v}" for k, v in payload.items())
