"""XLSX helpers shared by every exporter.

Every string that goes into a cell passes through :func:`cell_text`, so a value that a user typed
(``=HYPERLINK(...)``, ``+cmd``, ``@SUM``) is shown as text and never evaluated as a formula.

Dates and times go in as real spreadsheet dates (:func:`put`, and :func:`write_table` for every
``date``/``datetime`` in a row), so Excel and LibreOffice sort and filter them, with a number format
that still shows them in the Japanese era (令和8年4月1日), as the app's documents print them.
"""

import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Characters that are not allowed in XML 1.0 and that openpyxl refuses.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
FONT_NAME = "BIZ UDゴシック"

# Excel's Japanese-era date (LCID 0x411: ggg = 令和, e = year of the era). LibreOffice shows 令和 for this
# code too, but not for Excel's newer [$-ja-JP-x-gannen] (it prints the serial number), so the first
# year of an era reads 令和1年 here rather than 元年.
WAREKI_DATE_FORMAT = '[$-411]ggge"年"m"月"d"日";@'
WAREKI_DATETIME_FORMAT = '[$-411]ggge"年"m"月"d"日" hh:mm;@'


def cell_text(value):
    """Escape a value for a spreadsheet cell: strings that a spreadsheet would run become text."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        # A lone "-" (the seed's "not needed" mark, a common blank) cannot start a formula: left as it is.
        if value.startswith(FORMULA_TRIGGERS) and value not in FORMULA_TRIGGERS:
            return "'" + value
        return value
    return value


def spreadsheet_value(value):
    """``(value, number_format)`` for a cell: a date or time becomes a naive Tokyo date(time) with the
    era format (a spreadsheet has no time zones), a string is escaped, anything else is left alone."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0), WAREKI_DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, WAREKI_DATE_FORMAT
    return cell_text(value), None


def put(ws, row: int, column: int, value):
    """Write one cell the way every exporter should: text escaped, dates as era-formatted dates."""
    value, number_format = spreadsheet_value(value)
    cell = ws.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def new_a4_workbook(title: str, *, landscape: bool = True):
    """A workbook whose first sheet prints on A4, fitted to the page width."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    setup_print(ws, landscape=landscape)
    return wb, ws


def setup_print(ws, *, landscape: bool = True, header_row: int | None = None):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def write_table(ws, *, start_row: int, headers: list[str], rows, widths: list[float]):
    """Write a header row and data rows with borders and wrapped text; returns the next free row."""
    for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=start_row, column=col, value=cell_text(header))
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    row_number = start_row
    for row_number, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            cell = put(ws, row_number, col, value)
            cell.font = Font(name=FONT_NAME)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    setup_print(ws, landscape=ws.page_setup.orientation == "landscape", header_row=start_row)
    return row_number + 1


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
