"""The export package: pseudonymised, minimised, escaped, encrypted, checked.

- The staff number becomes a pseudonym: HMAC-SHA256 under a random key made for this package, shortened
  to a readable ID. The key is discarded once the package is built (the PPC asks that the
  correspondence table be destroyed), unless HR chose "linkable across years": then the caller passes
  the ward-side key (``link_key``), which never goes into the package.
- Drop columns never reach this module (:class:`~engagement.dataset.Dataset` holds no drop column).
  Free-text answers that contain a value of a drop column (a colleague's name or e-mail in the file),
  an e-mail address or a phone number are found by :func:`find_personal_data` (positions, never the
  values) and masked with ■ by :func:`mask` where HR decides.
- The workbook has a data sheet, 項目説明 and 作成情報; every cell goes through
  :func:`core.spreadsheet.cell_text`. It is streamed into memory by :mod:`engagement.xlsx` (never to
  disk), encrypted with msoffcrypto-tool (ECMA-376 Agile, AES-256, SHA-512) under a generated password,
  decrypted once and opened with openpyxl before it is returned.

msoffcrypto-tool 6.1.0 writes an unreadable file when the encrypted stream is under 4,096 bytes (its
issue #105: the stream then goes into the compound file's mini stream, which it gets wrong). A workbook
smaller than :data:`MIN_PLAINTEXT_SIZE` is padded with document properties of random text before
encryption, and :func:`encrypt` refuses anything smaller.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import fiscal_year_label, wareki_datetime
from core.errors import DomainError
from core.spreadsheet import FONT_NAME, cell_text

from . import xlsx
from .dataset import Dataset
from .mapping import Role
from .risk import DEFAULT_MAX_SUPPRESSION, NUMERIC_KINDS, Protection, not_identifying_words

# 4,096 bytes of stream is the bug's threshold; the margin keeps clear of rounding to AES blocks.
MIN_PLAINTEXT_SIZE = 4096 + 512
PASSWORD_LENGTH = 20
# Upper-case letters and digits without look-alikes (no 0/O, 1/I/L is kept apart by dropping I;
# lower case is left out entirely, so l never appears): read aloud and typed without doubt.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PSEUDONYM_LENGTH = 10
PSEUDONYM_HEADER = "仮名ID"
MASK = "■"
DATA_SHEET = "データ"
COLUMNS_SHEET = "項目説明"
INFO_SHEET = "作成情報"
SCHEME_PER_PACKAGE = "per_package"
SCHEME_LINKABLE = "linkable"

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# Japanese phone numbers with or without separators, half- or full-width digits: 03-1234-5678,
# 090(1234)5678, ０３１２３４５６７８.
_D = "[0-9０-９]"
_SEP = "[-‐－ー−―(（)）\\s]?"
PHONE = re.compile(rf"(?<![0-9０-９])[0０]{_D}{{1,4}}{_SEP}{_D}{{1,4}}{_SEP}{_D}{{3,4}}(?![0-9０-９])")
KIND_COLLEAGUE = "colleague"
KIND_EMAIL = "email"
KIND_PHONE = "phone"
KIND_LABELS = {KIND_COLLEAGUE: gettext_lazy("ファイル内の氏名・メールアドレス等"), KIND_EMAIL: gettext_lazy("メールアドレス"),
               KIND_PHONE: gettext_lazy("電話番号")}


class PackageError(DomainError):
    """A package that must not be built (k not reached without a reason, nothing to build)."""

    def __init__(self, message, *, code: str, protection: Protection | None = None):
        super().__init__(message, code=code)
        self.protection = protection


# --- pseudonyms -------------------------------------------------------------------------------------

def new_link_key() -> bytes:
    """A key for pseudonyms that stay the same across years (kept by the ward, encrypted)."""
    return secrets.token_bytes(32)


def pseudonyms(keys: Sequence[str], secret: bytes) -> list[str]:
    """Readable IDs: HMAC-SHA256(secret, staff number) in base32, 10 characters, longer if two staff
    numbers would share one (50 bits make that a one-in-millions event for 100,000 staff)."""
    digests = {key: hmac.new(secret, key.encode("utf-8"), hashlib.sha256).digest() for key in set(keys)}
    length = PSEUDONYM_LENGTH
    while True:
        ids = {key: base64.b32encode(digest).decode("ascii")[:length] for key, digest in digests.items()}
        if len(set(ids.values())) == len(ids):
            return [ids[key] for key in keys]
        length += 2


# --- personal data in free text ---------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """Personal data in one free-text cell: where, not what (safe to log)."""

    record: int
    row: int
    column: str
    start: int
    end: int
    kind: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _terms(values: set[str]) -> set[str]:
    """What to look for, for each drop value: the value, without spaces, each part of a name, the
    local part of an e-mail address; nothing shorter than two characters."""
    from .reading import normalise_text

    terms: set[str] = set()
    for value in values:
        for variant in {value, normalise_text(value)}:
            terms.add(variant)
            parts = variant.split()
            if len(parts) > 1:
                terms.add("".join(parts))
                terms.update(parts)
            if "@" in variant:
                local = variant.split("@", 1)[0]
                if len(local) >= 4:
                    terms.add(local)
    # A short number (an extension, an age) would match everywhere; a phone number is found anyway.
    return {t for t in terms if 2 <= len(t) <= 200 and not (t.isdigit() and len(t) < 6)}


class _TermIndex:
    """Finds any of thousands of terms in a text: terms are looked up by their first two characters,
    so each position of the text costs one dictionary lookup (a regular expression alternation of
    3,000 names tries them one by one at every position)."""

    def __init__(self, terms: set[str]):
        self.terms = {t.lower() for t in terms}
        self.lengths: dict[str, list[int]] = {}
        for term in self.terms:
            self.lengths.setdefault(term[:2], []).append(len(term))
        for lengths in self.lengths.values():
            lengths.sort(reverse=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self.terms:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = text
        found = []
        lengths, terms = self.lengths, self.terms
        position, end = 0, len(lowered) - 1
        while position < end:
            candidates = lengths.get(lowered[position:position + 2])
            if candidates:
                for length in candidates:
                    if lowered[position:position + length] in terms:
                        found.append((position, position + length))
                        break
            position += 1
        return found


def find_personal_data(dataset: Dataset) -> list[Finding]:
    """Free-text answers that name someone in the file, or hold an e-mail address or a phone number.

    Returns positions (record, row, column, start, end, kind) and never the text, so that a caller may
    log or audit the result; HR sees the cells themselves on the review page.
    """
    names = _TermIndex(_terms(dataset.drop_values))
    findings: list[Finding] = []
    for header in dataset.free_text_headers:
        for record, text in enumerate(dataset.values[header]):
            if not text:
                continue
            spans = [(start, end, KIND_COLLEAGUE) for start, end in names.spans(text)]
            spans += [(m.start(), m.end(), KIND_EMAIL) for m in EMAIL.finditer(text)]
            spans += [(m.start(), m.end(), KIND_PHONE) for m in PHONE.finditer(text)]
            for start, end, kind in _merged(spans):
                findings.append(Finding(record=record, row=dataset.row_numbers[record], column=header,
                                        start=start, end=end, kind=kind))
    return findings


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def mask(dataset: Dataset, findings: Sequence[Finding]) -> Dataset:
    """A copy of ``dataset`` with each finding's characters replaced by ■ (one per character)."""
    by_cell: dict[tuple[str, int], list[Finding]] = {}
    for finding in findings:
        by_cell.setdefault((finding.column, finding.record), []).append(finding)
    values = dict(dataset.values)
    copied: set[str] = set()
    for (column, record), cell_findings in by_cell.items():
        if column not in copied:
            values[column] = list(values[column])
            copied.add(column)
        text = values[column][record]
        for finding in sorted(cell_findings, key=lambda f: f.start, reverse=True):
            end = min(finding.end, len(text))
            text = text[:finding.start] + MASK * (end - finding.start) + text[end:]
        values[column][record] = text
    return replace(dataset, values=values, masked_cells=dataset.masked_cells + len(by_cell))


# --- the package ------------------------------------------------------------------------------------

def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def password_groups(password: str, size: int = 4) -> list[str]:
    """The password in groups of four, for reading aloud (ABCD EFGH …)."""
    return [password[i:i + size] for i in range(0, len(password), size)]


@dataclass(frozen=True)
class Package:
    """A built package. ``content`` is the encrypted file; ``password`` is shown once and printed on
    the notice, and is never stored (it is left out of ``repr`` so that it cannot slip into a log)."""

    filename: str
    content: bytes = field(repr=False)
    sha256: str
    password: str = field(repr=False)
    rows: int
    columns: int
    k: int
    k_reached: int
    quasi: tuple[str, ...]
    generalisations: tuple[str, ...]
    suppressed_cells: int
    suppressed_records: int
    masked_cells: int
    pseudonym_scheme: str
    below_k_reason: str
    created_at: dt.datetime
    # Attribute columns written but left out of k, with HR's reason; columns HR took out of the package.
    not_identifying: tuple[tuple[str, str], ...] = ()
    dropped: tuple[str, ...] = ()
    max_suppression: float = DEFAULT_MAX_SUPPRESSION
    suppression_reason: str = ""

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def linkable(self) -> bool:
        return self.pseudonym_scheme == SCHEME_LINKABLE

    def summary(self) -> dict:
        """Figures for the audit trail: no password, no value from the file."""
        return {"file_name": self.filename, "sha256": self.sha256, "rows": self.rows, "columns": self.columns,
                "k": self.k, "k_reached": self.k_reached, "quasi": len(self.quasi),
                "generalisations": len(self.generalisations), "suppressed_cells": self.suppressed_cells,
                "masked_cells": self.masked_cells, "pseudonyms": self.pseudonym_scheme,
                "below_k": bool(self.below_k_reason),
                # Column names and HR's words only, never a value from the file.
                "not_identifying": [{"column": c, "reason": r} for c, r in self.not_identifying],
                "dropped_columns": list(self.dropped),
                "suppression_limit_percent": round(100 * self.max_suppression, 1),
                "suppression_limit_reason": self.suppression_reason}

    @property
    def not_identifying_words(self) -> str:
        return not_identifying_words(dict(self.not_identifying))


def build_package(
    dataset: Dataset,
    protection: Protection,
    *,
    contract_title: str,
    fiscal_year: int,
    contractor: str = "",
    link_key: bytes | None = None,
    below_k_reason: str = "",
    filename_stem: str = "engagement_survey",
    created_at: dt.datetime | None = None,
    dropped: Sequence[str] = (),
    suppression_reason: str = "",
) -> Package:
    """Write, encrypt and check the package for ``dataset`` as ``protection`` left it.

    ``protection`` comes from :func:`engagement.risk.propose` (``.protection``) or :func:`~engagement.risk.protect`
    on ``dataset.values``. Refused (:class:`PackageError`) when it does not reach k, unless HR gave
    ``below_k_reason``, which the 作成情報 sheet then states.
    """
    if not len(dataset):
        raise PackageError(_("出力する記録がありません。"), code="empty")
    report = protection.report
    below_k_reason = (below_k_reason or "").strip()
    if not report.ok and not below_k_reason:
        raise PackageError(
            _("k匿名性（k=%(k)s）に届かないため、パッケージを作れません。k未満の記録が%(count)s件あります。"
              "一般化を強めるか準識別子を見直すか、理由を記録してください。")
            % {"k": report.k, "count": f"{report.records_below_k:,}"}, code="below_k", protection=protection)
    if any(len(protection.columns.get(c.header, ())) != len(dataset) for c in dataset.columns):
        raise PackageError(_("リスク評価と記録の件数が合いません。もう一度評価してください。"), code="stale")
    check_k_columns(dataset, protection)

    created_at = created_at or timezone.now()
    secret = link_key if link_key is not None else secrets.token_bytes(32)
    ids = pseudonyms(dataset.keys, secret)
    del secret  # the per-package key goes no further than this function
    filename = f"{filename_stem}_{timezone.localtime(created_at):%Y%m%d_%H%M}.xlsx"
    generalisations = tuple(f"{g.column}: {g.describe()}" for g in protection.plan if not g.is_identity)
    info = [
        (_("契約"), contract_title),
        (_("年度"), fiscal_year_label(fiscal_year) + f"（{fiscal_year}年度）"),
        (_("委託先"), contractor),
        (_("件数"), len(dataset)),
        (_("列数"), len(dataset.columns) + 1),
        (_("準識別子"), "・".join(report.quasi) or _("なし")),
        (_("k（目標）"), report.k),
        (_("k（達成：最小グループの人数）"), report.smallest_group),
        *([(_("kの計算から除いた列（識別に使えない列）"),
            "\n".join(f"{column} — {reason}" for column, reason in protection.not_identifying.items()))]
          if protection.not_identifying else []),
        (_("一般化"), "\n".join(generalisations) or _("なし")),
        (_("秘匿したセル"), protection.suppressed_cells),
        (_("秘匿した記録"), protection.suppressed_records),
        (_("秘匿の上限"), _("記録の%(percent)s%%") % {"percent": _percent(protection.max_suppression)}
         + (_("（上限を上げた理由: %(reason)s）") % {"reason": suppression_reason.strip()}
            if suppression_reason.strip() else "")),
        (_("自由記述でマスクしたセル"), dataset.masked_cells),
        (_("仮名IDの方式"), _("職員番号をHMAC-SHA256で変換し、先頭を英数字で表したもの。")
         + (_("年度をまたいで照合できる鍵（区が保管し、このファイルには含まない）。") if link_key is not None
            else _("鍵はこのパッケージの作成後に破棄したため、職員番号には戻せない。"))),
        (_("作成日時"), wareki_datetime(created_at)),
    ]
    if below_k_reason:
        info.append((_("k未満で作成した理由"), below_k_reason))

    plaintext = write_workbook(dataset, protection, ids, info)
    if len(plaintext) < MIN_PLAINTEXT_SIZE:
        plaintext = write_workbook(dataset, protection, ids, info, padding=MIN_PLAINTEXT_SIZE - len(plaintext))
    password = new_password()
    content = encrypt(plaintext, password)
    verify(content, password, plaintext=plaintext, rows=len(dataset))
    return Package(
        filename=filename, content=content, sha256=hashlib.sha256(content).hexdigest(), password=password,
        rows=len(dataset), columns=len(dataset.columns) + 1, k=report.k, k_reached=report.smallest_group,
        quasi=tuple(report.quasi), generalisations=generalisations, suppressed_cells=protection.suppressed_cells,
        suppressed_records=protection.suppressed_records, masked_cells=dataset.masked_cells,
        pseudonym_scheme=SCHEME_LINKABLE if link_key is not None else SCHEME_PER_PACKAGE,
        below_k_reason=below_k_reason, created_at=created_at,
        not_identifying=tuple(protection.not_identifying.items()), dropped=tuple(dropped),
        max_suppression=protection.max_suppression, suppression_reason=suppression_reason.strip(),
    )


def _percent(share: float) -> str:
    return f"{100 * share:.1f}".removesuffix(".0")


def check_k_columns(dataset: Dataset, protection: Protection) -> None:
    """Every attribute column that goes into the package counts for k, unless HR declared it not
    identifying with a reason: a column left out of k does not leave the ward unnamed (issue 14 A.1)."""
    quasi = set(protection.report.quasi)
    declared = protection.not_identifying
    for header in dataset.attribute_headers:
        if header in declared:
            if not (declared[header] or "").strip():
                raise PackageError(_("「%(column)s」を識別に使えない列とする理由を書いてください。") % {"column": header},
                                   code="k_columns", protection=protection)
            if header in quasi:
                raise PackageError(_("「%(column)s」はkの計算に含めるか、識別に使えない列とするか、どちらかにしてください。")
                                   % {"column": header}, code="k_columns", protection=protection)
        elif header not in quasi:
            raise PackageError(
                _("「%(column)s」はパッケージに入りますが、kの計算に含まれていません。kに含めるか、パッケージから外すか、"
                  "識別に使えない理由を記録してください。") % {"column": header}, code="k_columns", protection=protection)


def _column_rows(dataset: Dataset, protection: Protection) -> list[list[str]]:
    by_column = {g.column: g for g in protection.plan}
    rows = [[PSEUDONYM_HEADER, _("仮名ID"), _("職員番号から作った仮名（職員番号には戻せない）"), ""]]
    for spec in dataset.columns:
        if spec.role == Role.ATTRIBUTE:
            g = by_column.get(spec.header)
            quasi = spec.header in protection.report.quasi
            role = (_("属性（準識別子）") if quasi else _("属性（識別に使えない列・kの対象外）")
                    if spec.header in protection.not_identifying else _("属性"))
            rows.append([spec.header, role,
                         g.describe() if g is not None else _("なし"), ""])
        else:
            allowed = spec.allowed_label + (_("（必須）") if spec.required else "")
            rows.append([spec.header, _("回答"), _("なし"), allowed])
    return rows


def write_workbook(dataset: Dataset, protection: Protection, ids: Sequence[str], info: Sequence[tuple],
                   *, padding: int = 0) -> bytes:
    """The plain XLSX, streamed into memory (:mod:`engagement.xlsx`): nothing of it touches the disk."""
    headers = [PSEUDONYM_HEADER] + [spec.header for spec in dataset.columns]
    kinds = {g.column: g.kind for g in protection.plan}
    columns = []
    for spec in dataset.columns:
        values = protection.columns[spec.header] if spec.role == Role.ATTRIBUTE else dataset.values[spec.header]
        # fullmatch, not isdigit(): HR may type 「፩」, a digit to isdigit() that int() refuses.
        if spec.role == Role.ANSWER and spec.allowed and all(re.fullmatch(r"-?[0-9]{1,18}", v) for v in spec.allowed):
            numbers = {v: int(v) for v in spec.allowed}
            values = [numbers.get(v, v) for v in values]
        elif kinds.get(spec.header) in NUMERIC_KINDS:
            # An age or a year left as it is stays a number for the analyst; a band is text.
            numbers = {v: int(v) if v.isascii() and v.isdigit() and len(v) < 10 else cell_text(v) for v in set(values)}
            values = list(map(numbers.__getitem__, values))
        else:
            # Excel's line break in a cell is LF; a CR would arrive as the literal text _x000D_.
            escaped = {v: cell_text(v.replace("\r\n", "\n").replace("\r", "\n")) for v in set(values)}
            values = list(map(escaped.__getitem__, values))
        columns.append(values)

    def data_rows():
        yield [cell_text(h) for h in headers]
        yield from zip(ids, *columns, strict=True)

    workbook = xlsx.Workbook(title=_("職員エンゲージメント調査 回答データ"), font=FONT_NAME)
    workbook.add_sheet(xlsx.Sheet(DATA_SHEET, data_rows(), row_count=len(ids) + 1, column_count=len(headers),
                                  widths=[13] + [14] * (len(headers) - 1), freeze=(1, 1), autofilter=True))
    described = [[_("列名"), _("区分"), _("一般化"), _("値の範囲")]] + _column_rows(dataset, protection)
    workbook.add_sheet(xlsx.Sheet(COLUMNS_SHEET, [[cell_text(str(v)) for v in row] for row in described],
                                  row_count=len(described), column_count=4, widths=[36, 18, 40, 16], body_style=xlsx.WRAP,
                                  freeze=(1, 0)))
    workbook.add_sheet(xlsx.Sheet(INFO_SHEET, [[cell_text(str(label)), value if isinstance(value, int)
                                                else cell_text(str(value))] for label, value in info],
                                  row_count=len(info), column_count=2, widths=[30, 70], header_style=False,
                                  body_style=xlsx.WRAP))
    # Random text does not compress, so each property adds about its own length to the file.
    number = 0
    while padding > 0:
        number += 1
        workbook.custom.append((f"padding-{number:02d}",
                                "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(250))))
        padding -= 150
    return workbook.save()


def encrypt(plaintext: bytes, password: str) -> bytes:
    """ECMA-376 Agile encryption (AES-256, SHA-512, 100,000 spins) with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    if len(plaintext) < MIN_PLAINTEXT_SIZE:
        # msoffcrypto-tool issue #105: the result would not open.
        raise ValueError(f"workbook of {len(plaintext)} bytes is below the {MIN_PLAINTEXT_SIZE}-byte minimum")
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plaintext)).encrypt(password, out)
    return out.getvalue()


def decrypt(content: bytes, password: str) -> bytes:
    import msoffcrypto

    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password)
    out = io.BytesIO()
    office.decrypt(out, verify_integrity=True)
    return out.getvalue()


def verify(content: bytes, password: str, *, plaintext: bytes, rows: int) -> None:
    """Decrypt the package once and open it with openpyxl, as the contractor will; raise if anything
    differs from what was written."""
    import openpyxl

    try:
        decrypted = decrypt(content, password)
        if decrypted != plaintext:
            raise ValueError("decrypted bytes differ from the workbook written")
        workbook = openpyxl.load_workbook(io.BytesIO(decrypted), read_only=True)
        try:
            if workbook.sheetnames != [DATA_SHEET, COLUMNS_SHEET, INFO_SHEET]:
                raise ValueError(f"unexpected sheets {workbook.sheetnames}")
            if workbook[DATA_SHEET].max_row != rows + 1:
                raise ValueError("row count differs")
        finally:
            workbook.close()
    except Exception as error:
        raise PackageError(
            _("暗号化したファイルを開いて確かめることができませんでした。もう一度作成してください。"),
            code="verify_failed") from error
