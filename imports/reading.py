"""An administrator's file (CSV or XLSX) read into a header row and data rows of text, or refused in Japanese.

CSV: UTF-8 (with or without BOM), else CP932 (what Excel on Windows writes when it says "Shift_JIS": 髙, ①,
㈱ are outside plain shift_jis). XLSX: checked by :mod:`core.zipcheck` before anything parses it (zip bombs,
unsafe paths, sizes that lie), then read with openpyxl in read-only mode (which parses with defusedxml),
bounded to :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns whatever extent the sheet declares. Nothing
here touches the database or the disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core import zipcheck
from core.bounds import file_size_text
from core.errors import DomainError

# The preview writes every row through its service and rolls back, at the service's own cost (a contract, with its
# steps, its HR member's permissions and its audit entry, takes some 45 ms on a busy test machine): 2,000 rows keep
# a preview within about a minute and a half there. A ward's lists (units, contractors, a year's contracts) are far
# shorter; a longer file is split.
MAX_ROWS = 2_000
MAX_COLUMNS = 60
# A sheet of 2,000 rows × 60 columns of text unpacks to a few MB of XML at most.
MAX_UNCOMPRESSED = 64 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(DomainError):
    """The file cannot be read as an import file; nothing was kept."""

    def __init__(self, message, *, code: str):
        super().__init__(message, field="file", code=code)


@dataclass
class Sheet:
    """``rows[i]`` is the spreadsheet's row ``numbers[i]`` (as Excel numbers it; the header is ``header_row``)."""

    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]
    header_row: int
    source: str  # "csv" or "xlsx"


def normalise(value: str) -> str:
    """NFKC and trimmed: full-width digits and letters become half-width, U+3000 spaces go."""
    return unicodedata.normalize("NFKC", value or "").strip()


def max_file_size() -> int:
    return int(settings.UPLOAD_MAX_FILE_SIZE)


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read ``data`` (the uploaded bytes) as a CSV or an XLSX; the content decides, the name must agree."""
    name = (filename or "").strip().lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if len(data) > max_file_size():
        raise ImportFileError(_("ファイルが大きすぎます（%(size)s）。%(limit)s以下のファイルにしてください。") % {
            "size": file_size_text(len(data)), "limit": file_size_text(max_file_size())}, code="too_large")
    if not data:
        raise ImportFileError(_("ファイルが空です。"), code="empty")
    if extension == "xls" or data.startswith(_OLE_MAGIC):
        raise ImportFileError(_("古い形式（.xls）やパスワード付きのExcelファイルは読み込めません。Excel ブック（.xlsx）"
                                "またはCSVで保存し直してください。"), code="ole")
    if extension not in ("csv", "txt", "xlsx"):
        raise ImportFileError(_("CSV（.csv）またはExcel（.xlsx）のファイルを選んでください。"), code="extension")
    if data.startswith(_ZIP_MAGIC):
        sheet = _read_xlsx(data)
    elif extension == "xlsx":
        raise ImportFileError(_("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"),
                              code="bad_xlsx")
    else:
        sheet = _read_csv(data)
    if not sheet.headers:
        raise ImportFileError(_("ファイルに見出しもデータもありません。"), code="empty")
    if not sheet.rows:
        raise ImportFileError(_("見出しの行（%(row)s行目）だけで、データの行がありません。") % {"row": sheet.header_row},
                              code="header_only")
    return sheet


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("行数が多すぎます（上限%(limit)s行）。ファイルを分けて取り込んでください。")
                           % {"limit": f"{MAX_ROWS:,}"}, code="too_many_rows")


def _collect(records, source: str) -> Sheet:
    headers: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    header_row = 0
    for number, record in records:
        record = [_text(value) for value in record[:MAX_COLUMNS]]
        while record and not record[-1].strip():
            record.pop()
        if not record or not "".join(record).strip():
            continue
        if not header_row:
            headers, header_row = [normalise(h) for h in record], number
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        record.extend([""] * (len(headers) - len(record)))
        rows.append(record)
        numbers.append(number)
    return Sheet(headers=headers, rows=rows, numbers=numbers, header_row=header_row or 1, source=source)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- CSV ---------------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportFileError(_("文字として読めないデータが含まれています。CSVやExcel（.xlsx）ではないファイルのようです。"),
                              code="binary")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("文字コードを判別できません。UTF-8またはShift_JIS（CP932）のCSVで保存し直してください。"),
                          code="undecodable")


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return _collect(((reader.line_num, record) for record in reader), "csv")
    except csv.Error:
        raise ImportFileError(_("CSVとして読めません（引用符の閉じ忘れなどがあります）。"), code="bad_csv") from None


# --- XLSX --------------------------------------------------------------------------------------------

def _bounded(rows):
    """The sheet's rows numbered, blank ones included, refused past a few times :data:`MAX_ROWS` (a sheet whose
    only cells are far apart would otherwise be walked a million empty rows at a time)."""
    for number, values in enumerate(rows, start=1):
        if number > 4 * MAX_ROWS:
            raise _too_many_rows()
        yield number, list(values)


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        zipcheck.check(data, max_uncompressed=MAX_UNCOMPRESSED,
                       names_required=lambda names: "xl/workbook.xml" in names)
    except zipcheck.ZipRefused as refused:
        if refused.code == "zip_bomb":
            raise ImportFileError(_("Excelファイルを展開すると大きくなりすぎるため、読み込めません（圧縮爆弾のおそれ）。"),
                                  code="zip_bomb") from None
        raise ImportFileError(_("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"),
                              code="bad_xlsx") from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # Bounded whatever extent the sheet declares: a cell at XFD1048576 costs nothing here.
            rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
            result = _collect(_bounded(rows), "xlsx")
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - whatever a malformed workbook makes openpyxl raise, it is unreadable
        raise ImportFileError(_("Excel（.xlsx）ファイルとして読めません。ファイルが壊れていないか確かめてください。"),
                              code="bad_xlsx") from None
    return result
