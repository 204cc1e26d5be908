"""The register as the ward keeps it in Excel (年度, 担当課, 件名, 委託先, 期間, 記録媒体, 対象者数, 状態), and on a
second sheet the council's annual summary. Returns ``(filename, content_type, bytes)``; the view checks who may
have it and writes the export to the audit trail."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import fiscal_year_label, wareki
from core.spreadsheet import XLSX_CONTENT_TYPE, new_a4_workbook, put, setup_print, workbook_bytes, write_table

from .selectors import Row, Summary

WIDTHS = [12, 24, 40, 28, 30, 22, 14, 16]


def headers() -> list[str]:
    return [_("年度"), _("担当課"), _("件名"), _("委託先"), _("期間"), _("記録媒体"), _("対象者数"), _("状態")]


def period_text(contract) -> str:
    return _("%(start)s〜%(end)s") % {"start": wareki(contract.start_date), "end": wareki(contract.end_date)}


def register_row(row: Row) -> list:
    contract = row.contract
    return [fiscal_year_label(contract.fiscal_year), row.section, contract.title,
            contract.contractor.name, period_text(contract), contract.recording_media, contract.subject_count,
            str(contract.state_label)]


def summary_rows(summary: Summary) -> list[list]:
    people = _("%(n)s人") % {"n": summary.people_display}
    if summary.people_not_numeric:
        people += _("（ほかに数で書かれていない契約 %(n)s件）") % {"n": summary.people_not_numeric}
    return [
        [_("委託契約の件数"), _("%(n)s件") % {"n": summary.contracts}],
        [_("対象者数（数で書かれたものの合計）"), people],
        [_("引き渡した記録媒体（電磁的媒体）"), _("%(n)s点") % {"n": summary.media_handed_over}],
        [_("事故の件数"), _("%(n)s件（うち対応中 %(open)s件）") % {"n": summary.incidents, "open": summary.incidents_open}],
        [_("立入り調査等の実施件数"), _("%(n)s件") % {"n": summary.inspections_done}],
    ]


def register_xlsx(rows: list[Row], *, filters_text: str, summary: Summary) -> tuple[str, str, bytes]:
    title = _("委託一覧")
    wb, ws = new_a4_workbook(title)
    put(ws, 1, 1, title)
    put(ws, 2, 1, _("出力日時"))
    put(ws, 2, 2, timezone.now())
    put(ws, 3, 1, _("絞り込み"))
    put(ws, 3, 2, filters_text or _("なし"))
    write_table(ws, start_row=5, headers=headers(), rows=(register_row(row) for row in rows),
                widths=WIDTHS, page_header=title)

    year = fiscal_year_label(summary.fiscal_year)
    summary_title = _("年次集計（%(year)s）") % {"year": year}
    sheet = wb.create_sheet(_("年次集計"))
    setup_print(sheet, landscape=False)
    put(sheet, 1, 1, _("個人情報保護管理運営会議 年次報告用の集計（%(year)s）") % {"year": year})
    put(sheet, 2, 1, _("絞り込み"))
    put(sheet, 2, 2, filters_text or _("なし"))
    write_table(sheet, start_row=4, headers=[_("項目"), _("件数")], rows=summary_rows(summary), widths=[36, 40],
                page_header=summary_title)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"register-{stamp}.xlsx", XLSX_CONTENT_TYPE, workbook_bytes(wb)
