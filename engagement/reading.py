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

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError

DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024
# An XLSX of 100,000 answers × 40 columns unpacks to about 115 MB of XML; a quarter gigabyte leaves room
# for Excel's more verbose cells while keeping what python-calamine builds in memory well under 1 GiB.
DEFAULT_MAX_UNCOMPRESSED_SIZE = 256 * 1024 * 1024
# Worksheet XML compresses about 10:1; zip bombs reach 1000:1. Small parts (styles, themes) may be
# highly compressible without mattering, so the ratio is checked only where the size does.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
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


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV or XLSX file; raise :class:`SurveyFileError` for anything else.

    The content decides the reader (an XLSX renamed .csv is still read as XLSX); the file name only
    has to end in .csv, .txt or .xlsx.
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
        table = _read_xlsx(data)
    elif extension == "xlsx":
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"), code="bad_xlsx")
    else:
        table = _read_csv(data)
    table.filename = name
    if not table.headers:
        raise SurveyFileError(_("ファイルに見出しもデータもありません。"), code="empty")
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


def _check_archive(data: bytes) -> None:
    """Refuse zip bombs and XML entity tricks before python-calamine sees the file.

    The sizes the archive declares are checked first (cheap). Then every part is inflated once as a
    stream, counting bytes: :mod:`zipfile` never returns more than the declared size and checks the
    CRC at the end, so an archive that lies about its sizes fails here instead of in the parser.
    The same pass looks at each XML part's prologue, where a DTD would have to be.
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
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _refuse_bomb()
    limit = max_uncompressed_size()
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if declared > limit or declared > MAX_COMPRESSION_RATIO * max(compressed, 1) + RATIO_CHECKED_FROM:
        raise _refuse_bomb()
    for info in infos:
        if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise _refuse_bomb()
    try:
        for info in infos:
            if info.is_dir():
                continue
            with archive.open(info) as stream:
                head = stream.read(MAX_PROLOGUE)
                if head.lstrip().startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
                    _check_prologue(head)
                while stream.read(1024 * 1024):
                    pass
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
    except SafeET.ParseError:
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"), code="bad_xlsx") from None


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


def _read_xlsx(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    _check_archive(data)
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
        raise SurveyFileError(
            _("Excel（.xlsx）ファイルの中身を読めません。Excelで開いて保存し直してください。"), code="bad_xlsx") from None
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


def _table(headers, rows, row_numbers, source_format, encoding, header_row) -> Table:
    raw_headers = list(headers)
    while raw_headers and not raw_headers[-1].strip():
        raw_headers.pop()
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_headers):
        name = normalise_text(raw) or _("（見出しなし %(column)s列）") % {"column": _column_letter(index)}
        if name in seen:
            name = f"{name}（{_column_letter(index)}列）"
        seen.add(name)
        names.append(name)
    if len(names) > MAX_COLUMNS:
        raise SurveyFileError(_("列が多すぎます（上限%(limit)s列）。") % {"limit": MAX_COLUMNS}, code="too_many_columns")
    return Table(headers=names, rows=rows, row_numbers=row_numbers, source_format=source_format, encoding=encoding,
                 header_row=header_row, raw_headers=raw_headers)
