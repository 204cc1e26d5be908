"""XLSX helpers shared by every exporter.

Every string that goes into a cell passes through :func:`cell_text` and is written as a typed string cell
(``t="inlineStr"``: :func:`put` here, :mod:`engagement.xlsx` for the survey package), so a value that a user
typed (``=HYPERLINK(...)``, ``+cmd``, ``@SUM``) is shown as the text it is and never evaluated: Excel and
LibreOffice evaluate only a cell written as a formula, never a string cell. No apostrophe is put in front,
which would become part of the value (``'=1+1``) for whoever reads the cell.

Dates and times go in as real spreadsheet dates (:func:`put`, and :func:`write_table` for every
``date``/``datetime`` in a row), so Excel and LibreOffice sort and filter them, with a number format
that still shows them in the Japanese era (令和8年4月1日), as the app's documents print them.

Every sheet prints legibly on A4 (:func:`layout_for_print`, which :func:`write_table` calls): no printed text
smaller than :data:`MIN_PRINT_POINTS`, a height for every row with wrapped text (a spreadsheet does not
grow a row when it opens the file, and LibreOffice prints the lines that do not fit over the next row), the
table's header row and the document's name on every page, pages running on downwards.
"""

import datetime as dt
import io
import math
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

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

# Printing. The workbook's default font is the documents' monospaced BIZ UDゴシック at 11 pt, so a column
# width unit (the width of the default font's digit) is half an em: a Latin letter or digit takes one unit,
# a kana or kanji two, whichever program prints it. LibreOffice makes a unit 5.5 pt and Excel 7 px (5.25 pt):
# the page width is counted with the larger, the characters a line holds with the smaller.
MIN_PRINT_POINTS = 8
FONT_SIZE = 11
UNIT_POINTS_WIDE, UNIT_POINTS_NARROW = 5.5, 5.25
CELL_PADDING_POINTS = 4
LINE_PITCH = 1.25        # a wrapped line's height in ems (LibreOffice needs 1.0 for this font, Excel more)
WRAP_SPARE = 1.05        # a line wraps early at a word, or before 」、。 (which may not start a line)
WRAP_FLOOR = 9           # the narrowest a column of wrapped text becomes: four kanji a line
DATETIME_SHOWN, DATE_SHOWN = "令和00年00月00日 00:00", "令和00年00月00日"  # the era formats' longest
MAX_ROW_POINTS = 409     # the most a spreadsheet row can be
PAGE_HEADER_UNITS = 110  # a page header's text: one line on the page, and Excel refuses one over 255 characters
A4_POINTS = (595.3, 841.9)
SIDE_MARGIN_INCHES = 0.4
# Characters a line of BIZ UDゴシック shows at full width (CJK, kana, full-width forms, the ambiguous ones
# like ○ and ※, which Japanese fonts draw wide); everything else below U+1100 and half-width kana are narrow.
_NARROW = re.compile(r"[\x00-\u10ff\uff61-\uff9f]")


def cell_text(value):
    """A value for a spreadsheet cell: text without the characters XML 1.0 refuses, as it was typed.

    It stays text because the writers type it as a string cell (see above), not because of its first
    character: ``=1+1`` reads back as ``=1+1``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
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
    """Write one cell the way every exporter should: text as a string cell, dates as era-formatted dates."""
    value, number_format = spreadsheet_value(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl takes a string starting with "=" for a formula; typed as a string it is written inline as
        # the text it is.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def new_a4_workbook(title: str, *, landscape: bool = True):
    """A workbook whose first sheet prints on A4, in the documents' font (its default, see above)."""
    wb = Workbook()
    default = Font(name=FONT_NAME, sz=FONT_SIZE, family=3, charset=128)
    wb._fonts = IndexedList([default])  # noqa: SLF001 - openpyxl has no public setter for the default font
    wb._named_styles["Normal"].font = default  # noqa: SLF001
    ws = wb.active
    ws.title = title[:31]
    setup_print(ws, landscape=landscape)
    return wb, ws


def setup_print(ws, *, landscape: bool = True, header_row: int | None = None):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN_INCHES
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def text_width(text: str) -> int:
    """How many column units ``text`` takes in the default font: two for a wide character, one otherwise."""
    return 2 * len(text) - len(_NARROW.findall(text))


def clipped(text: str, units: int) -> str:
    """``text`` cut to ``units`` column units, with … where it was cut."""
    if text_width(text) <= units:
        return text
    while text_width(text) > units - 2:
        text = text[:-1]
    return text + "…"


def _font_size(cell) -> float:
    return float(cell.font.sz or FONT_SIZE) if cell.has_style else FONT_SIZE


def _wraps(cell) -> bool:
    return bool(cell.alignment and cell.alignment.wrap_text)


def line_holds(width: float, size: float = FONT_SIZE) -> float:
    """Units of ``size``-point text one line of a column ``width`` units wide holds, counted low."""
    return max(1.0, (width * UNIT_POINTS_NARROW - CELL_PADDING_POINTS) / (size / 2))


def width_for(units: float, size: float = FONT_SIZE) -> float:
    """The column width that holds ``units`` of ``size``-point text on one line (``line_holds`` reversed)."""
    return math.ceil((units * WRAP_SPARE * size / 2 + CELL_PADDING_POINTS) / UNIT_POINTS_NARROW)


def wrapped_lines(text: str, width: float, size: float = FONT_SIZE) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` units wide at ``size`` points, counted high (a line
    ends early at a word, or before a 」、。 that may not start the next one: WRAP_SPARE)."""
    holds = line_holds(width, size)
    return sum(max(1, math.ceil(text_width(part) * WRAP_SPARE / holds)) for part in text.split("\n"))


def _value_lines(value, width: float, size: float) -> int:
    """Lines a wrapped cell's value takes: text by its length; a date and time splits at its space."""
    if isinstance(value, str):
        return wrapped_lines(value, width, size) if value else 0
    if isinstance(value, dt.datetime) and width < width_for(text_width(DATETIME_SHOWN), size):
        return 2
    return 1


def fit_widths(widths: list[float], minimums: list[float], room: float) -> list[float]:
    """The widths narrowed toward their minimums, each in proportion to what it can give, to fit ``room``."""
    excess = sum(widths) - room
    slack = [max(0.0, w - m) for w, m in zip(widths, minimums, strict=True)]
    if excess <= 0 or not sum(slack):
        return list(widths)
    share = min(1.0, excess / sum(slack))
    return [round(w - s * share, 1) for w, s in zip(widths, slack, strict=True)]


def _column_needs(ws, columns: int) -> tuple[list[float], list[float], float]:
    """Per column, what its content needs on one line and the least it may take; and the smallest font.

    A wrapped text needs its longest line, and may wrap down to WRAP_FLOOR (a name of four kanji a line); a date or a number that
    does not wrap needs all of its width (narrower, it prints as ###), a wrapped date and time its date; a
    label with a value beside it (出力日時 | its date) its whole text, or it would run under the value."""
    needs, floors, smallest = [0.0] * columns, [3.0] * columns, float(FONT_SIZE)
    for row in ws.iter_rows():
        for index, cell in enumerate(row):
            value = cell.value
            if value is None or value == "":
                continue
            size = _font_size(cell)
            smallest = min(smallest, size)
            column = cell.column - 1
            if column >= columns:
                continue
            if isinstance(value, str):
                longest = width_for(max(text_width(part) for part in value.split("\n")), size)
                if _wraps(cell):
                    needs[column] = max(needs[column], longest)
                    floors[column] = max(floors[column], min(longest, WRAP_FLOOR))
                elif index + 1 < len(row) and row[index + 1].value not in (None, ""):
                    floors[column] = max(floors[column], longest)
                continue
            shown = width_for(text_width(DATETIME_SHOWN if isinstance(value, dt.datetime)
                                         else DATE_SHOWN if isinstance(value, dt.date) else str(value)), size)
            needs[column] = max(needs[column], shown)
            if isinstance(value, dt.datetime) and _wraps(cell):
                shown = width_for(text_width(DATE_SHOWN), size)
            floors[column] = max(floors[column], shown)
    return needs, floors, smallest


def layout_for_print(ws, *, widths: list[float], title_rows: str | None = None, page_header: str = "") -> None:
    """Lay ``ws`` out for A4 so that nothing prints below MIN_PRINT_POINTS and nothing overlaps.

    - ``widths`` are the most each column may take; a column whose content needs less (a column left
      blank, short words) takes what it needs.
    - The scale is at least MIN_PRINT_POINTS over the smallest font on the sheet (73% for 11 pt). Columns
      narrow (wrapping more) toward the least they may take until the sheet fits the page width at that
      scale; the orientation is the one that prints larger. A sheet whose least widths are wider than the
      page runs on to a second page across rather than shrinking the text.
    - Pages run on downwards (no fit to a page height), the ``title_rows`` repeat on each page and the
      page header names the document (``page_header``) with the page number.
    - Every row with wrapped text gets the height of its tallest cell (lines estimated from the text and
      the column's width), since neither Excel nor LibreOffice grows a row when it opens the file.
    """
    needs, floors, smallest = _column_needs(ws, len(widths))
    wanted = [max(floor, min(width, need)) for width, need, floor in zip(widths, needs, floors, strict=True)]
    least = math.ceil(MIN_PRINT_POINTS / smallest * 100)  # percent
    choices = []
    for landscape in (False, True):
        # A few percent to spare: a spreadsheet rounds each column to its own units.
        page = ((A4_POINTS[1] if landscape else A4_POINTS[0]) - 2 * SIDE_MARGIN_INCHES * 72) * 0.97
        percent = max(least, min(100, math.floor(page / (sum(wanted) * UNIT_POINTS_WIDE) * 100)))
        fitted = fit_widths(wanted, floors, page * 100 / percent / UNIT_POINTS_WIDE)
        narrowed = fitted != wanted
        # The larger print first; then, for a table narrowed to fit, the wider page, else the upright one.
        choices.append(((percent, landscape if narrowed else not landscape), landscape, fitted))
    (percent, _), landscape, fitted = max(choices, key=lambda choice: choice[0])
    for column, width in enumerate(fitted, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.scale = percent
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN_INCHES
    if title_rows:
        ws.print_title_rows = title_rows
    header_size = max(FONT_SIZE, math.ceil(MIN_PRINT_POINTS * 100 / percent))
    if page_header:
        ws.oddHeader.left.text = clipped(page_header, PAGE_HEADER_UNITS).replace("&", "&&")
        ws.oddHeader.left.size = header_size
        ws.oddHeader.left.font = FONT_NAME
    ws.oddHeader.right.text = "&P / &N"
    ws.oddHeader.right.size = header_size
    ws.oddHeader.right.font = FONT_NAME
    for row in ws.iter_rows():
        points = 0.0
        for cell in row:
            if cell.value is None or not _wraps(cell) or cell.column > len(fitted):
                continue
            size = _font_size(cell)
            points = max(points, _value_lines(cell.value, fitted[cell.column - 1], size) * size)
        if points:
            ws.row_dimensions[row[0].row].height = min(MAX_ROW_POINTS,
                                                       math.ceil(points * LINE_PITCH + CELL_PADDING_POINTS))


def write_table(ws, *, start_row: int, headers: list[str], rows, widths: list[float], page_header: str = ""):
    """Write a header row and data rows with borders and wrapped text, laid out for print
    (:func:`layout_for_print`, the header row repeating on every page); returns the next free row.
    Call it after what goes above the table, since the layout reads the whole sheet."""
    for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws, start_row, col, header)
        cell.font = Font(name=FONT_NAME, sz=FONT_SIZE, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    row_number = start_row
    for row_number, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            cell = put(ws, row_number, col, value)
            cell.font = Font(name=FONT_NAME, sz=FONT_SIZE)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    setup_print(ws, landscape=ws.page_setup.orientation == "landscape", header_row=start_row)
    layout_for_print(ws, widths=widths, title_rows=f"{start_row}:{start_row}", page_header=page_header)
    return row_number + 1


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
