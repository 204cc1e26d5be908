"""Reading a checklist template from the ward's Excel (XLSX), row by row, before anything is written.

The sheet (the one named 「項目」, else the first) has a header row naming six columns, in any order:

| 区分 | 側 | 番号 | キー | 文言 | 裏付け |
|---|---|---|---|---|---|
| 運用上の対策 / システム上の対策 | 区 / 事業者 | 1, 2, … in its side and 区分 | a stable key (``printing.ward.operational.01``) | the item's wording | a record key registered in ``core.evidence`` (``ward.operational.09``) or 「添付による証明」 |

Every row after the header is an item (rows left wholly empty are skipped). :func:`read_items` returns the items and
one :class:`RowError` per problem (the Excel row number, the column, what is wrong); nothing here touches the
database. The archive is checked by ``core.zipcheck`` (zip bombs, unsafe paths, lying sizes) before openpyxl reads
it, in read-only mode (streamed, its XML parsed by defusedxml), and never past :data:`MAX_ROWS` rows or
:data:`MAX_COLUMNS` columns, however far the sheet says it reaches.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import evidence, zipcheck
from core.errors import DomainError

from .models import Section, Side

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_UNCOMPRESSED_SIZE = 50 * 1024 * 1024
MAX_ROWS = 1000  # the header and the items; the seed has 48 items
MAX_COLUMNS = 30
MAX_TEXT = 2000
SHEET_NAME = "項目"

COLUMNS = {"section": "区分", "side": "側", "number": "番号", "key": "キー", "text": "文言", "backing": "裏付け"}
ATTESTATION = "添付による証明"
SECTION_WORDS = {"運用上の対策": Section.OPERATIONAL, "運用": Section.OPERATIONAL,
                 "システム上の対策": Section.SYSTEM, "システム": Section.SYSTEM}
SIDE_WORDS = {"区": Side.WARD, "事業者": Side.CONTRACTOR, "委託事業者": Side.CONTRACTOR}
SIDE_NAMES = {Side.WARD: "区", Side.CONTRACTOR: "事業者"}
SECTION_NAMES = {Section.OPERATIONAL: "運用上の対策", Section.SYSTEM: "システム上の対策"}
KEY = re.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)*")
KEY_MAX = 40

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number (the header is row 1 when it is the sheet's first)
    column: str  # the column's header (区分, 側 …), "" for the whole row
    message: str


@dataclass
class ImportedItem:
    row: int
    side: str
    section: str
    number: int
    key: str
    text: str
    backing: str  # a record key, or "" (attestation with files)

    @property
    def side_label(self) -> str:
        return Side(self.side).label

    @property
    def section_label(self) -> str:
        return Section(self.section).label

    @property
    def backing_label(self) -> str:
        return self.backing or ATTESTATION


@dataclass
class ReadResult:
    items: list[ImportedItem] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sheet: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors and bool(self.items)

    def grouped(self) -> list[tuple[str, list[tuple[str, list[ImportedItem]]]]]:
        """[(side label, [(section label, items)])] in the order the checklist prints them."""
        groups = []
        for side in (Side.WARD, Side.CONTRACTOR):
            sections = []
            for section in (Section.OPERATIONAL, Section.SYSTEM):
                rows = sorted((i for i in self.items if i.side == side and i.section == section),
                              key=lambda i: (i.number, i.row))
                if rows:
                    sections.append((Section(section).label, rows))
            if sections:
                groups.append((Side(side).label, sections))
        return groups


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def _word(value: str) -> str:
    """A choice as typed: full-width letters and spaces folded (「 区 」, 「ｼｽﾃﾑ」)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def _file_error(message: str) -> DomainError:
    return DomainError(message, field="file")


def open_sheet(data: bytes):
    """The rows of the items' sheet as tuples of cell values, header first; refuses what is not a safe XLSX
    with a Japanese sentence at the file field."""
    if not data:
        raise _file_error(_("ファイルが空です。Excel のファイル（.xlsx）を選んでください。"))
    if len(data) > MAX_FILE_SIZE:
        raise _file_error(_("ファイルが大きすぎます（上限 %(mib)s MB）。") % {"mib": MAX_FILE_SIZE // (1024 * 1024)})
    if data.startswith(_OLE_MAGIC):
        raise _file_error(_("古い形式の Excel ファイル（.xls）は読み取れません。Excel で「.xlsx」形式で保存し直してください。"))
    if not data.startswith(_ZIP_MAGIC):
        raise _file_error(_("Excel のファイル（.xlsx）ではありません。ひな形は .xlsx 形式で取り込んでください。"))
    try:
        zipcheck.check(data, max_uncompressed=MAX_UNCOMPRESSED_SIZE,
                       names_required=lambda names: "xl/workbook.xml" in names)
    except zipcheck.ZipRefused as refused:
        if refused.code == "bad_zip":
            raise _file_error(_("Excel のファイル（.xlsx）ではありません。ひな形は .xlsx 形式で取り込んでください。")) from None
        if refused.code == "zip_bomb":
            raise _file_error(_("展開すると大きすぎるファイルです。項目のシートだけを保存したファイルにしてください。")) from None
        raise _file_error(_("ファイルが壊れているため読み取れません。Excel で保存し直してください。")) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True):
            rows.append(tuple(values))
        workbook.close()
    except Exception:  # openpyxl's own errors (a missing part, a bad cell), defusedxml's refusals
        raise _file_error(_("Excel のファイルとして読み取れませんでした。Excel で .xlsx 形式で保存し直してください。")) from None
    return sheet.title, rows


def read_items(data: bytes) -> ReadResult:
    """Every item of the file, and every problem found, row by row (see the module)."""
    title, rows = open_sheet(data)
    result = ReadResult(sheet=title)
    header_at = next((i for i, row in enumerate(rows) if any(_clean(v) for v in row)), None)
    if header_at is None:
        raise _file_error(_("シート「%(sheet)s」に見出しの行がありません。1行目に 区分・側・番号・キー・文言・裏付け を書いてください。")
                          % {"sheet": title})
    header = [_word(_clean(v)) for v in rows[header_at]]
    where = {}
    for name, label in COLUMNS.items():
        if label in header:
            where[name] = header.index(label)
    missing = [label for name, label in COLUMNS.items() if name not in where]
    if missing:
        raise _file_error(_("見出しの行（%(row)s行目）に列がありません: %(missing)s。列の見出しは 区分・側・番号・キー・文言・裏付け です。")
                          % {"row": header_at + 1, "missing": "、".join(missing)})
    if len(rows) > MAX_ROWS:
        raise _file_error(_("行が多すぎます（%(max)s行まで）。") % {"max": MAX_ROWS})
    known = evidence.registered_keys()
    seen_keys: dict[str, int] = {}
    seen_numbers: dict[tuple[str, str, int], int] = {}
    for index in range(header_at + 1, len(rows)):
        row_number = index + 1
        values = rows[index]
        cell = {name: _clean(values[at]) if at < len(values) else "" for name, at in where.items()}
        if not any(cell.values()):
            continue
        errors = []

        def err(column: str, message: str, errors=errors, row_number=row_number):
            errors.append(RowError(row_number, COLUMNS[column], message))

        section = SECTION_WORDS.get(_word(cell["section"]))
        if section is None:
            err("section", _("「運用上の対策」か「システム上の対策」を書いてください（「%(value)s」）。")
                % {"value": cell["section"][:40]} if cell["section"] else _("区分が空です。「運用上の対策」か「システム上の対策」を書いてください。"))
        side = SIDE_WORDS.get(_word(cell["side"]))
        if side is None:
            err("side", _("側は「区」か「事業者」です（「%(value)s」）。") % {"value": cell["side"][:40]}
                if cell["side"] else _("側が空です。「区」か「事業者」を書いてください。"))
        number = None
        raw_number = _word(cell["number"])
        if raw_number.isascii() and raw_number.isdigit() and 1 <= int(raw_number) <= 99:
            number = int(raw_number)
        else:
            err("number", _("番号は 1 から 99 までの整数です（「%(value)s」）。") % {"value": cell["number"][:20]})
        key = cell["key"]
        if not key:
            err("key", _("キーが空です。項目ごとに変わらないキー（例: printing.ward.operational.01）を書いてください。"))
        elif len(key) > KEY_MAX or not KEY.fullmatch(key):
            err("key", _("キー「%(key)s」は使えません。半角の英小文字・数字・「_」を「.」か「-」でつないだ %(max)s文字以内にしてください。")
                % {"key": key[:60], "max": KEY_MAX})
        elif key in seen_keys:
            err("key", _("キー「%(key)s」は%(row)s行目と重複しています。") % {"key": key, "row": seen_keys[key]})
        else:
            seen_keys[key] = row_number
        text = cell["text"]
        if not text:
            err("text", _("文言が空です。"))
        elif len(text) > MAX_TEXT:
            err("text", _("文言が長すぎます（%(max)s文字まで、%(n)s文字）。") % {"max": MAX_TEXT, "n": len(text)})
        backing_word = _word(cell["backing"])
        backing = cell["backing"]
        if backing_word == ATTESTATION:
            backing = ""
        elif not backing:
            err("backing", _("裏付けが空です。アプリの記録のキー（例: ward.operational.09）か「添付による証明」を書いてください。"))
        elif backing not in known:
            err("backing", _("裏付けのキー「%(key)s」はアプリの記録にありません。記録のキーか「添付による証明」を書いてください。")
                % {"key": backing[:60]})
        elif side and not backing.startswith(f"{side}."):
            # A record of the other side answers for that side's item, not for this one.
            err("backing", _("裏付けのキー「%(key)s」は%(other)sの項目の記録です。%(side)sの項目には%(side)sの記録のキーか「添付による証明」を書いてください。")
                % {"key": backing, "other": SIDE_NAMES[Side.CONTRACTOR if side == Side.WARD else Side.WARD],
                   "side": SIDE_NAMES[side]})
        if side and section and number is not None:
            slot = (side, section, number)
            if slot in seen_numbers:
                err("number", _("%(side)s・%(section)sの番号 %(n)s は%(row)s行目と重複しています。")
                    % {"side": SIDE_NAMES[side], "section": SECTION_NAMES[section], "n": number,
                       "row": seen_numbers[slot]})
            else:
                seen_numbers[slot] = row_number
        if errors:
            result.errors.extend(errors)
        else:
            result.items.append(ImportedItem(row=row_number, side=side, section=section, number=number, key=key,
                                             text=text, backing=backing))
    if not result.items and not result.errors:
        raise _file_error(_("シート「%(sheet)s」に項目の行がありません。") % {"sheet": title})
    for side, section in {(i.side, i.section) for i in result.items}:
        numbers = sorted(i.number for i in result.items if i.side == side and i.section == section)
        if numbers != list(range(1, len(numbers) + 1)) and not result.errors:
            result.errors.append(RowError(0, COLUMNS["number"], _("%(side)s・%(section)sの番号は 1 から順に抜けなく付けてください（%(numbers)s）。")
                                          % {"side": SIDE_NAMES[side], "section": SECTION_NAMES[section],
                                             "numbers": "、".join(str(n) for n in numbers)}))
    return result
