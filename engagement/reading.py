"""Reading the LoGo フォーム export (or an HR attribute master) into a plain table of strings.

A file is either a CSV (UTF-8 with or without BOM, else CP932; CRLF or LF; quoted multi-line answers) or
an XLSX workbook (first sheet, read with python-calamine). Everything that is not one of those, or that
would cost unbounded memory to read, is refused with a :class:`SurveyFileError` that a clerk
understands. Nothing here touches the database or the disk: callers pass bytes and get a
:class:`Table` or an error.

CP932 and never plain ``shift_jis``: 髙, 﨑, ①, ㈱ are outside JIS X 0208 and ～ decodes to a different
character under ``shift_jis``; Excel on Windows writes CP932 when it says "Shift_JIS".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from xml.parsers import expat as pyexpat

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

from core import zipcheck
from core.errors import DomainError

DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024
# An XLSX of 100,000 answers × 40 columns unpacks to about 115 MB of XML; a quarter gigabyte leaves room
# for Excel's more verbose cells while keeping what python-calamine builds in memory well under 1 GiB.
DEFAULT_MAX_UNCOMPRESSED_SIZE = 256 * 1024 * 1024
# The zip limits (entries, compression ratio) are core.zipcheck's, shared with the evidence files.
MAX_COMPRESSION_RATIO = zipcheck.MAX_COMPRESSION_RATIO
RATIO_CHECKED_FROM = zipcheck.RATIO_CHECKED_FROM
MAX_ZIP_ENTRIES = zipcheck.MAX_ZIP_ENTRIES
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
# python-calamine allocates a sheet as the whole rectangle from A1 to its farthest cell, 32 bytes a cell,
# however few cells are filled: three cells ending at XFD1048576 ask for 512 GiB, and the allocation
# failure aborts the process (an abort is no exception; under gunicorn it kills the worker). Ten million
# cells (320 MB) hold 200,000 answers × 50 columns, about what a dense sheet within the uncompressed limit
# can hold.
MAX_CELLS = 10_000_000
# The extent scan costs about half a microsecond of CPU an element: a sheet of 10 million cells holds 20 to 30
# million (a cell, its value, a formula or an inline string's text; 200,000 × 50 numbers took 14 s), while 256 MB
# of <x/> elements are 67 million (28 s). Past this many a sheet is refused before it costs more
# (bench/survey_export.py measures both).
MAX_XML_ELEMENTS = 3 * MAX_CELLS + MAX_ROWS
# XML prologues are a few hundred bytes; one that goes on for this long is hiding something.
MAX_PROLOGUE = 64 * 1024

CSV = "csv"
XLSX = "xlsx"
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8（BOM付き）",
    "utf-8": "UTF-8",
    "cp932": "Shift_JIS（CP932）",
    "": "",
}

# A first row that holds values instead of column names: a file exported without its header row, whose
# first respondent's values (staff number, e-mail address, dates, answers) would otherwise become column
# names, kept and shown as such. Whole cells only, after NFKC: a question may mention a date or an address.
_LOOKS_LIKE_VALUE = (
    re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+"),                      # an e-mail address
    re.compile(r"(?:(?:\d{4}|(?:令和|平成|昭和|[RHS])\d{1,2})\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
               r"|\d{1,2}/\d{1,2}/\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),  # a date, a date and time
    re.compile(r"\d{1,2}:\d{2}(?::\d{2})?"),                         # a time
    re.compile(r"\+?\d{2,5}-\d{1,4}-\d{3,4}"),                       # a telephone number
    re.compile(r"\d{4,}|[A-Za-z]{1,3}-?\d{5,}"),                       # a staff number (10001, A10001, S-00012)
)
_SMALL_NUMBER = re.compile(r"[-+]?\d{1,3}(?:\.\d+)?")            # an answer on a scale, an age
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"%PDF": "PDF",
}
# C0 controls other than tab, LF and CR never occur in a text export; their presence means binary data.
# (Ctrl-Z at the very end is the end-of-file mark some old programs append; it is stripped first.)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SurveyFileError(DomainError):
    """The uploaded file cannot be read as a survey export or master; nothing was kept."""

    def __init__(self, message, *, code: str, field: str | None = "file"):
        super().__init__(message, field=field, code=code)


@dataclass
class Table:
    """A file read as text: one header row and the data rows below it.

    ``rows[i]`` came from the spreadsheet row ``row_numbers[i]`` as Excel numbers it (the header is
    row 1 in a CSV; in an XLSX, the row the header sits on). Rows keep the number of fields they had,
    so a ragged CSV row stays visible to validation; blank rows are skipped but still counted.
    """

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    source_format: str
    encoding: str = ""
    filename: str = ""
    header_row: int = 1
    # Headers as they appear in the file, before normalisation (for display only).
    raw_headers: list[str] = field(default_factory=list)
    _full_width: bool | None = field(default=None, repr=False, compare=False)

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)

    @property
    def format_label(self) -> str:
        if self.source_format == XLSX:
            return "Excel（xlsx）"
        return f"CSV（{self.encoding_label}）"

    def column(self, header: str) -> list[str]:
        """The values of one column, "" where a row is too short."""
        index = self.headers.index(header)
        if self._full_width is None:
            self._full_width = all(len(row) >= len(self.headers) for row in self.rows)
        if self._full_width:
            return list(map(itemgetter(index), self.rows))
        return [row[index] if index < len(row) else "" for row in self.rows]


def normalise_text(value: str) -> str:
    """NFKC and trimmed (U+3000 included): how keys and headers are compared.

    ``１００００`` becomes ``10000`` and ``"10001　"`` becomes ``10001``.
    """
    if not value:
        return ""
    return unicodedata.normalize("NFKC", value).strip()


def normalise_key(value: str) -> str:
    """A staff number as it is compared and pseudonymised (see :func:`normalise_text`)."""
    return normalise_text(value)


def max_file_size() -> int:
    return int(getattr(settings, "UPLOAD_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE))


def max_uncompressed_size() -> int:
    return int(getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_SIZE", DEFAULT_MAX_UNCOMPRESSED_SIZE))


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def read_table(data: bytes, filename: str, *, stored: bool = False) -> Table:
    """Read a CSV or XLSX file; raise :class:`SurveyFileError` for anything else.

    The content decides the reader (an XLSX renamed .csv is still read as XLSX); the file name only
    has to end in .csv, .txt or .xlsx. ``stored``: the bytes come back from the encrypted store
    (engagement.crypto, which nobody without DATA_KEY can change) and were checked when they were
    uploaded, so the scan of the sheets' extent, the slowest check, is not repeated on every page.
    """
    name = (filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > max_file_size():
        raise SurveyFileError(
            _("ファイルが大きすぎます（上限%(limit)sMB）。") % {"limit": _mib(max_file_size())}, code="too_large")
    if not data:
        raise SurveyFileError(_("ファイルが空です。"), code="empty")
    if extension == "xls" or data.startswith(_OLE_MAGIC):
        raise SurveyFileError(
            _("パスワード付きのExcelファイルや古い形式（.xls）のExcelファイルは読み込めません。"
              "パスワードを外し、Excel ブック（.xlsx）またはCSVで保存し直してください。"), code="ole")
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise SurveyFileError(
                _("このファイルは%(kind)sファイルで、CSVやExcel（.xlsx）ではありません。"
                  "LoGoフォームから書き出したCSVまたはExcelファイルを選んでください。") % {"kind": kind},
                code="not_table")
    if extension not in ("csv", "txt", "xlsx"):
        raise SurveyFileError(
            _("CSV（.csv）またはExcel（.xlsx）のファイルを選んでください。"), code="extension")
    if data.startswith(_ZIP_MAGIC):
        table = _read_xlsx(data, scan_extent=not stored)
    elif extension == "xlsx":
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"), code="bad_xlsx")
    else:
        table = _read_csv(data)
    table.filename = name
    if not table.headers:
        raise SurveyFileError(_("ファイルに見出しもデータもありません。"), code="empty")
    check_header_row(table.raw_headers, row=table.header_row)
    if not table.rows:
        raise SurveyFileError(
            _("見出しの行だけで、回答の行がありません（%(row)s行目が見出し）。") % {"row": table.header_row},
            code="header_only")
    if len(table.rows) > MAX_ROWS:
        raise SurveyFileError(
            _("行数が多すぎます（%(rows)s行。上限%(limit)s行）。") % {"rows": f"{len(table.rows):,}",
                                                             "limit": f"{MAX_ROWS:,}"}, code="too_many_rows")
    return table


# --- CSV --------------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data:
        raise SurveyFileError(
            _("文字として読めないデータが含まれています。CSVやExcel（.xlsx）ではないファイルのようです。"),
            code="binary")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise SurveyFileError(
                _("UTF-8のCSVとして読めない文字が含まれています。保存し直してください。"), code="undecodable") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError:
        raise SurveyFileError(
            _("文字コードを判別できません。UTF-8またはShift_JIS（CP932）のCSVで保存し直してください。"),
            code="undecodable") from None


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if _CONTROL.search(text.rstrip("\x1a")):
        raise SurveyFileError(
            _("文字として読めないデータが含まれています。CSVやExcel（.xlsx）ではないファイルのようです。"),
            code="binary")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    headers: list[str] = []
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    header_row = 0
    try:
        for number, record in enumerate(reader, start=1):
            # any() first: it stops at the first filled cell, in C, for nearly every row.
            if not any(record) or (not record[0].strip() and not "".join(record).strip()):
                continue
            if not header_row:
                headers, header_row = record, number
                if len(headers) > MAX_COLUMNS:
                    raise SurveyFileError(
                        _("列が多すぎます（上限%(limit)s列）。") % {"limit": MAX_COLUMNS}, code="too_many_columns")
                continue
            rows.append(record)
            row_numbers.append(number)
    except csv.Error:
        raise SurveyFileError(
            _("CSVとして読めません（引用符の閉じ忘れや、長すぎる項目があります）。"), code="bad_csv") from None
    return _table(headers, rows, row_numbers, CSV, encoding, header_row or 1)


# --- XLSX -------------------------------------------------------------------------------------------

def _refuse_bomb() -> SurveyFileError:
    return SurveyFileError(
        _("Excelファイルを展開すると大きくなりすぎるため、読み込めません（圧縮爆弾のおそれ）。"
          "LoGoフォームから書き出したファイルをそのまま選んでください。"), code="zip_bomb")


def _refuse_entities() -> SurveyFileError:
    return SurveyFileError(
        _("Excelファイルに、読み込みを許可していないXMLの定義（DTD・エンティティ）が含まれています。"
          "LoGoフォームから書き出したファイルをそのまま選んでください。"), code="xml_entities")


def _check_archive(data: bytes, *, scan_extent: bool = True) -> None:
    """Refuse zip bombs, XML entity tricks and sheets too large to allocate before python-calamine sees
    the file.

    The sizes the archive declares are checked first (cheap). Then every part is inflated once as a
    stream, counting bytes: :mod:`zipfile` never returns more than the declared size and checks the
    CRC at the end, so an archive that lies about its sizes fails here instead of in the parser.
    The same pass looks at each XML part's prologue, where a DTD would have to be. Last, the extent of
    every sheet is read from its XML (:func:`_check_extent`).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"), code="bad_xlsx") from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise SurveyFileError(
            _("Excel（.xlsx）のブックではありません（Word等の別の形式のファイルのようです）。"), code="bad_xlsx")
    if not zipcheck.declared_sizes_ok(infos, max_uncompressed=max_uncompressed_size()):
        raise _refuse_bomb()
    sheets = []
    try:
        for info in infos:
            if info.is_dir():
                continue
            with archive.open(info) as stream:
                head = stream.read(MAX_PROLOGUE)
                if head.lstrip().startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
                    _check_prologue(head)
                chunk, tail, holds_cells = head, b"", False
                while chunk:
                    if not holds_cells:
                        seen = tail + chunk
                        holds_cells = any(needle in seen for needle in _SHEET_DATA)
                        tail = chunk[-32:]
                    chunk = stream.read(1024 * 1024)
                if holds_cells:
                    sheets.append(info)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルが壊れているか、暗号化されていて読めません。"), code="corrupt_zip") from None
    # The workbook part is small; parsing it with defusedxml also refuses DTDs the scan might miss in an
    # unusual encoding.
    try:
        for part in ("[Content_Types].xml", "xl/workbook.xml"):
            if part in names:
                SafeET.fromstring(archive.read(part), forbid_dtd=True)
    except DefusedXmlException:
        raise _refuse_entities() from None
    except (SafeET.ParseError, LookupError):  # LookupError: an encoding Python does not know
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"), code="bad_xlsx") from None
    if scan_extent:
        _check_extent(archive, sheets)


# python-calamine reads cells only inside a <sheetData> element, whatever the part's name, root or place in
# the relationships: any part that holds these bytes (UTF-8 or UTF-16) has its extent read.
_SHEET_DATA = (b"sheetData", "sheetData".encode("utf-16-le"), "sheetData".encode("utf-16-be"))
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,7})\$?(\d{0,10})")
# A position as python-calamine reads it from an ``r`` attribute: ASCII letters (any case, any number; none on
# a row) and then ASCII digits (any number, leading zeros too), nothing else.
_POSITION = re.compile(r"([A-Za-z]*)([0-9]+)")
_DIGITS = "0123456789"
# A row or column number with more digits or letters than this is past every limit (and python-calamine's
# u32 would wrap it); it is refused without converting the whole string.
_FAR = 10**15
_XML_FEED = 64 * 1024


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _refuse_extent(rows: int, columns: int) -> SurveyFileError:
    cell = f"{_column_letter(min(columns, _FAR) - 1)}{min(rows, _FAR)}"
    return SurveyFileError(
        _("Excelのシートの範囲（A1:%(cell)s）が読み込める大きさを超えています（上限%(columns)s列・%(rows)s行、"
          "セルの数で%(cells)s個）。離れたセルに残っている値や書式を削除して、保存し直してください。")
        % {"cell": cell, "columns": f"{MAX_COLUMNS:,}",
           "rows": f"{MAX_ROWS + 1:,}", "cells": f"{MAX_CELLS:,}"}, code="sheet_extent")


def _refuse_unreadable() -> SurveyFileError:
    return SurveyFileError(
        _("Excel（.xlsx）ファイルの中身を読めません。Excelで開いて保存し直してください。"), code="bad_xlsx")


def _within_limits(rows: int, columns: int) -> bool:
    return columns <= MAX_COLUMNS and rows <= MAX_ROWS + 1 and rows * columns <= MAX_CELLS


def _position(reference: str, *, column_required: bool) -> tuple[int, int]:
    """(row, column), both from 1, of a cell's or row's ``r``; refused where python-calamine refuses it (a
    ``$``, a space, no digits, row 0, a cell without letters)."""
    match = _POSITION.fullmatch(reference)
    if match is None or (column_required and not match[1]):
        raise _refuse_unreadable()
    letters, digits = match[1], match[2].lstrip("0")
    if not digits:
        raise _refuse_unreadable()
    row = int(digits) if len(digits) < 15 else _FAR
    return row, (_column_number(letters) if len(letters) < 10 else _FAR)


def _extent_handlers():
    """Expat handlers that follow one sheet's cells as python-calamine places them, and refuse the sheet
    past the limits or when it is shaped so that the two could place a cell differently.

    How python-calamine places a cell (calamine's ``XlsxCellReader``): at its ``r`` when it has one, which
    moves the column count but never the row count; else at the current row and one column past the cell
    before. The row count is set by ``<row r>`` and goes one on at each row's end; the column count starts
    again at each row. Elements are matched by local name (any prefix), attributes by the bare name ``r``.
    The scan holds a sheet to worksheet / sheetData / row / c, one sheetData: a row or cell anywhere else
    (inside a cell's formula or text, where calamine skips it, or a row in a row) would make the counts
    differ, so it is refused, as are references calamine would not read. Every cell counts, empty or not.
    """
    depth = row = column = last_row = last_column = sheets = cell_row = elements = 0
    in_sheet = in_row = False
    row_digits = ""

    def start(name, attributes):
        nonlocal depth, row, column, last_row, last_column, sheets, in_sheet, in_row, cell_row, row_digits, elements
        depth += 1
        elements += 1
        if name == "v":  # the most frequent element with c; never a position
            return
        if name == "c" or name[-2:] == ":c":
            if depth != 4 or not in_row:
                raise _refuse_unreadable()
            if attributes and attributes[0] == "r":
                reference = attributes[1]
            else:
                reference = _attribute(attributes, "r")
            if reference is None:
                column += 1
                cell_row, row_digits = row, ""
            else:
                letters = reference.rstrip(_DIGITS)
                digits = reference[len(letters):]
                number = _COLUMN_NUMBERS.get(letters)
                if number is not None and digits == row_digits:  # the row of the cell before
                    column = number
                elif number is not None and 0 < len(digits) < 8 and digits[0] != "0":
                    cell_row, column, row_digits = int(digits), number, digits
                else:
                    row_digits = ""
                    cell_row, column = _position(reference, column_required=True)
            if cell_row > last_row or column > last_column:
                last_row, last_column = max(cell_row, last_row), max(column, last_column)
                if not _within_limits(last_row, last_column):
                    raise _refuse_extent(last_row, last_column)
            return
        if name[-1] not in "wan":  # none of row, sheetData, dimension
            return
        local = name.rpartition(":")[2]
        if local == "row":
            if depth != 3 or not in_sheet:
                raise _refuse_unreadable()
            in_row, column = True, 0
            reference = _attribute(attributes, "r")
            row = row + 1 if reference is None else _position(reference, column_required=False)[0]
        elif local == "sheetData":
            if depth != 2 or sheets:
                raise _refuse_unreadable()
            sheets, in_sheet = 1, True
        elif local == "dimension":
            match = _CELL_REFERENCE.fullmatch((_attribute(attributes, "ref") or "").split(":")[-1].strip())
            if match and match[2] and not _within_limits(int(match[2]), _column_number(match[1])):
                raise _refuse_extent(int(match[2]), _column_number(match[1]))

    def end(name):
        nonlocal depth, in_sheet, in_row
        depth -= 1
        if depth == 2:
            in_row = False
        elif depth == 1:
            in_sheet = False

    def count():
        return elements

    return start, end, count


def _attribute(attributes: list, name: str) -> str | None:
    for index in range(0, len(attributes), 2):
        if attributes[index] == name:
            return attributes[index + 1]
    return None


def _forbid_entities(*_args):
    raise _refuse_entities()


def _check_extent(archive: zipfile.ZipFile, sheets) -> None:
    """Refuse a sheet whose extent is past the limits before python-calamine allocates it.

    Every part that holds a ``<sheetData>`` is streamed through expat (so no choice of "the sheet calamine
    will read" can be fooled) and must be well-formed XML without a DTD. Read: its ``<dimension ref>``
    and every cell's position as python-calamine places it (:func:`_extent_handlers`). The cells decide: a
    dimension that says A1:B2 does not hide a cell at XFD1048576. No tree is built and the parser runs
    without namespace processing and with attributes as lists (about 3 times faster than defusedxml's
    parser, whose DTD refusal the handlers below do), so memory stays at one chunk of the stream and a
    sheet of 10 million cells is scanned in about 14 s (:data:`MAX_XML_ELEMENTS` bounds any other sheet).
    """
    for info in sheets:
        parser = pyexpat.ParserCreate()
        parser.ordered_attributes = True
        parser.StartElementHandler, parser.EndElementHandler, elements = _extent_handlers()
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _forbid_entities
        parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _forbid_entities
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_XML_FEED):
                    parser.Parse(chunk, False)
                    if elements() > MAX_XML_ELEMENTS:
                        raise _refuse_bomb()
                parser.Parse(b"", True)
        except (pyexpat.ExpatError, LookupError):  # LookupError: an unknown encoding
            raise SurveyFileError(
                _("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"),
                code="bad_xlsx") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
            raise SurveyFileError(
                _("Excel（.xlsx）ファイルが壊れているか、暗号化されていて読めません。"), code="corrupt_zip") from None


def _check_prologue(head: bytes) -> None:
    """Refuse a DTD in an XML part; only the prologue (before the root element) may hold one."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0:
            if len(head) >= MAX_PROLOGUE:
                raise _refuse_entities()
            return
        if text.startswith("<?", start):
            end = text.find("?>", start)
            position = end + 2
        elif text.startswith("<!--", start):
            end = text.find("-->", start)
            position = end + 3
        elif text.startswith("<!", start):
            raise _refuse_entities()
        else:
            return
        if end < 0:
            raise _refuse_entities()


def _read_xlsx(data: bytes, *, scan_extent: bool = True) -> Table:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    _check_archive(data, scan_extent=scan_extent)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [meta.name for meta in workbook.sheets_metadata if meta.visible == SheetVisibleEnum.Visible]
        sheet = workbook.get_sheet_by_name(visible[0]) if visible else workbook.get_sheet_by_index(0)
        end = sheet.end or (0, 0)
        if end[1] + 1 > MAX_COLUMNS:
            raise SurveyFileError(
                _("列が多すぎます（上限%(limit)s列）。") % {"limit": MAX_COLUMNS}, code="too_many_columns")
        if end[0] + 1 > MAX_ROWS + 1:
            raise SurveyFileError(
                _("行数が多すぎます（上限%(limit)s行）。") % {"limit": f"{MAX_ROWS:,}"}, code="too_many_rows")
        values = sheet.to_python(skip_empty_area=False)
    except (SurveyFileError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: B036 - a Rust panic in the parser arrives as pyo3's PanicException
        raise _refuse_unreadable() from None
    return _xlsx_table(values)


def _xlsx_table(values: list[list]) -> Table:
    # Each distinct value is converted once and its text shared: a column of 1–5 answers costs five
    # strings, not 100,000, which keeps a large file's memory and time close to calamine's own.
    memo: dict = {}
    get = memo.get
    headers: list[str] = []
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    header_row = 0
    for number, raw in enumerate(values, start=1):
        # True == 1.0 in a dict, so booleans bypass the memo.
        row = [text if value.__class__ is not bool and (text := get(value)) is not None else _cell(value, memo)
               for value in raw]
        while row and not row[-1].strip():
            row.pop()
        if not row:
            continue
        if not header_row:
            headers, header_row = row, number
            continue
        if len(row) < len(headers):
            row.extend([""] * (len(headers) - len(row)))
        rows.append(row)
        row_numbers.append(number)
    return _table(headers, rows, row_numbers, XLSX, "", header_row or 1)


def _cell(value, memo: dict) -> str:
    """A cell as the text Excel would show for it (without number formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else f"{value:.15g}"
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ", timespec="seconds") if value.second else value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    memo[value] = text
    return text


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Column letters to numbers within the limit (A … ALL), looked up once per cell by the extent scan.
_COLUMN_NUMBERS = {_column_letter(i): i + 1 for i in range(MAX_COLUMNS)}


def value_like_columns(raw_headers) -> list[int]:
    """The columns (0-based) whose header looks like a respondent's value rather than a column name: an
    e-mail address, a date or time, a telephone or staff number, or a small number when two or more
    headers (or half of them) are numbers, as the answers of a scale are."""
    found, numbers, filled = [], [], 0
    for index, raw in enumerate(raw_headers):
        text = normalise_text(raw)
        if not text:
            continue
        filled += 1
        if any(pattern.fullmatch(text) for pattern in _LOOKS_LIKE_VALUE):
            found.append(index)
        elif _SMALL_NUMBER.fullmatch(text):
            numbers.append(index)
    if numbers and (len(numbers) >= 2 or 2 * len(numbers) >= filled):
        found.extend(numbers)
    return sorted(found)


def header_passes(header: str) -> bool:
    """Whether one header, on its own, may be kept as a column name (a saved mapping keeps no other)."""
    text = normalise_text(header)
    return not any(p.fullmatch(text) for p in _LOOKS_LIKE_VALUE) and not _SMALL_NUMBER.fullmatch(text)


def check_header_row(raw_headers, *, row: int = 1) -> None:
    """Refuse a file whose first row holds values rather than the columns' names. The message names the
    columns by letter, never by what is in them."""
    columns = value_like_columns(raw_headers)
    if columns:
        letters = "・".join(_("%(column)s列") % {"column": _column_letter(i)} for i in columns[:3])
        letters += _("など") if len(columns) > 3 else ""
        raise SurveyFileError(
            _("最初の行（%(row)s行目）が列の名前ではなく、回答のデータのようです（%(columns)sに職員番号・メールアドレス・"
              "日付・回答の数値のような値があります）。1行目は列の名前（見出し）にしてください。LoGoフォームから見出し付きで"
              "書き出し直すか、1行目に見出しの行を加えてください。") % {"row": row, "columns": letters},
            code="no_header_row")


def header_names(raw_headers) -> list[str]:
    """The name each column goes by everywhere (the table, the mapping, the pages, the package).

    The header as :func:`normalise_text` makes it; a blank header 「(見出しなし C列)」; a header met before
    gets its column, 「満足度(C列)」. Every name is in the form normalise_text gives, so the mapping's
    own normalising leaves it as it is: a name made with full-width brackets came back from the mapping
    with half-width ones and matched no column (a 500).
    """
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_headers):
        letter = _column_letter(index)
        name = normalise_text(raw) or normalise_text(_("（見出しなし %(column)s列）") % {"column": letter})
        while name in seen:
            name = normalise_text(f"{name}（{letter}列）")
        seen.add(name)
        names.append(name)
    return names


def _table(headers, rows, row_numbers, source_format, encoding, header_row) -> Table:
    raw_headers = list(headers)
    while raw_headers and not raw_headers[-1].strip():
        raw_headers.pop()
    if len(raw_headers) > MAX_COLUMNS:
        raise SurveyFileError(_("列が多すぎます（上限%(limit)s列）。") % {"limit": MAX_COLUMNS}, code="too_many_columns")
    return Table(headers=header_names(raw_headers), rows=rows, row_numbers=row_numbers, source_format=source_format,
                 encoding=encoding, header_row=header_row, raw_headers=raw_headers)
