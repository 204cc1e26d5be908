"""The audit log and the downloads view as XLSX, in the same words as the pages.

Each exporter returns ``(filename, content_type, bytes, rows)``; the view checks who may have it and
records the export (with the row count) in the trail.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheet import XLSX_CONTENT_TYPE, new_a4_workbook, put, workbook_bytes, write_table

from .formatting import format_name, present_in_batches


def _workbook(title: str, filters_text: str):
    wb, ws = new_a4_workbook(title)
    put(ws, 1, 1, title)
    put(ws, 2, 1, _("出力日時"))
    put(ws, 2, 2, timezone.now())
    put(ws, 3, 1, _("絞り込み"))
    put(ws, 3, 2, filters_text)
    return wb, ws


class _Counted:
    """Counts the rows as write_table consumes them, so the export reads the entries only once."""

    def __init__(self, rows):
        self._rows, self.count = rows, 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row


def audit_log_xlsx(entries, *, filters_text: str) -> tuple[str, str, bytes, int]:
    title = _("監査証跡")
    wb, ws = _workbook(title, filters_text)
    headers = [_("連番"), _("日時（日本時間）"), _("操作者"), _("操作"), _("契約（年度）"), _("対象"), _("内容"),
               _("IPアドレス"), _("ハッシュ（先頭16桁）")]
    rows = _Counted(
        [v.seq, v.created_at, v.actor, v.action, v.contract, v.object, v.detail, v.ip_address, v.entry.hash[:16]]
        for v in present_in_batches(entries)
    )
    write_table(ws, start_row=5, headers=headers, rows=rows, widths=[8, 20, 16, 28, 36, 30, 60, 16, 20],
                page_header=title)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"audit-log-{stamp}.xlsx", XLSX_CONTENT_TYPE, workbook_bytes(wb), rows.count


def downloads_xlsx(entries, *, filters_text: str) -> tuple[str, str, bytes, int]:
    title = _("個人情報の出力履歴")
    wb, ws = _workbook(title, filters_text)
    headers = [_("日時（日本時間）"), _("出力した者"), _("出力したもの"), _("形式"), _("件数"), _("契約（年度）"),
               _("内容"), _("IPアドレス"), _("連番")]
    rows = _Counted(
        [v.created_at, v.actor, v.action, format_name(v.payload.get("format")), v.payload.get("rows"),
         v.contract, v.detail, v.ip_address, v.seq]
        for v in present_in_batches(entries)
    )
    write_table(ws, start_row=5, headers=headers, rows=rows, widths=[20, 16, 28, 14, 10, 36, 60, 16, 8],
                page_header=title)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"personal-data-downloads-{stamp}.xlsx", XLSX_CONTENT_TYPE, workbook_bytes(wb), rows.count
