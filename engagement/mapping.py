"""The column mapping: what each column of the survey export (and of the HR attribute master) is.

Roles (the issue's words):

- ``key``: the staff number. Joins the master and is replaced by a pseudonym; never leaves as it is.
- ``drop``: a direct identifier (氏名, メールアドレス, 電話). Never leaves the ward.
- ``attribute``: a quasi-identifier (所属, 職名, 性別, 年齢, 採用年 …). Leaves, generalised as needed.
- ``answer``: a survey answer. Leaves; a scale answer is checked against its allowed values.
- ``ignore``: bookkeeping of the form (回答ID, 回答日時). Does not leave.

A mapping is guessed from the headers (:func:`guess_mapping`), the allowed values and the required flag of
each answer column from the data (:func:`guess_answer_rules`), confirmed by HR, saved with the contract
as JSON (:meth:`Mapping.to_json`) and carried to next year's copy (:meth:`Mapping.carried_to`).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

from .reading import Table, normalise_text

MAPPING_VERSION = 1


class Role(enum.StrEnum):
    KEY = "key"
    DROP = "drop"
    ATTRIBUTE = "attribute"
    ANSWER = "answer"
    IGNORE = "ignore"


class Source(enum.StrEnum):
    SURVEY = "survey"
    MASTER = "master"


ROLE_LABELS = {
    Role.KEY: gettext_lazy("職員番号（仮名IDに置き換え）"),
    Role.DROP: gettext_lazy("直接の識別子（区外に出さない）"),
    Role.ATTRIBUTE: gettext_lazy("属性（準識別子）"),
    Role.ANSWER: gettext_lazy("回答"),
    Role.IGNORE: gettext_lazy("使わない"),
}
SOURCE_LABELS = {Source.SURVEY: gettext_lazy("回答ファイル"), Source.MASTER: gettext_lazy("職員属性マスタ")}

# Header words, compared after NFKC. Question texts can contain the same words ("所属する部署の雰囲気は"),
# so key, ignore and attribute words count only in short headers; drop words count anywhere, since
# wrongly dropping a column is visible and harmless, wrongly sending a name is not.
KEY_WORDS = ("職員番号", "職員ID", "職員コード", "社員番号", "個人番号")
DROP_WORDS = ("氏名", "名前", "フリガナ", "ふりがな", "メール", "mail", "電話", "携帯", "住所")
IGNORE_WORDS = ("回答ID", "回答日時", "回答日", "タイムスタンプ", "送信日時", "受付日時", "受付番号", "更新日時",
                "回答番号")
ATTRIBUTE_WORDS = ("所属", "兼務先", "職名", "職種", "職務名", "性別", "年齢", "採用年", "採用区分", "在庁歴",
                   "社会人歴", "昇任歴", "職層", "職級", "部署", "勤続")
SHORT_HEADER = 15

# Scales a form offers, narrowest first; a numeric answer column is given the narrowest that fits.
STANDARD_SCALES = ((1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (0, 10), (1, 10))
# A column fits a scale when this share of its answers lies within it; the rest are answers outside
# the scale for validation to show.
COMMON_SCALE_SHARE = 0.9

# Bounded: no answer scale needs more digits, and int() refuses a string past 4,300 digits (a 500).
_INTEGER = re.compile(r"^-?\d{1,18}$")


class MappingError(DomainError):
    """A mapping that cannot be used (an unknown role, a saved mapping that is not one)."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column and what it is.

    ``allowed`` applies to answers: a tuple of the values a cell may hold (``("1", …, "5")`` for a 1–5
    scale), ``()`` for free text, ``None`` while not decided yet (treated as free text).
    ``required``: an empty cell is a problem (always true for the key).
    """

    header: str
    role: Role
    source: Source = Source.SURVEY
    allowed: tuple[str, ...] | None = None
    required: bool = False

    @property
    def is_free_text(self) -> bool:
        return self.role == Role.ANSWER and not self.allowed

    @property
    def leaves(self) -> bool:
        """Whether the column's values go into the package (the key as a pseudonym)."""
        return self.role in (Role.KEY, Role.ATTRIBUTE, Role.ANSWER)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    @property
    def allowed_label(self) -> str:
        """``1〜5``, ``はい／いいえ`` or ``自由記述`` (for pages and the package's 項目説明 sheet)."""
        if self.role != Role.ANSWER:
            return ""
        if not self.allowed:
            return _("自由記述")
        numbers = [int(v) for v in self.allowed if _INTEGER.match(v)]
        if len(numbers) == len(self.allowed) and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return f"{numbers[0]}〜{numbers[-1]}"
        return "／".join(self.allowed)

    def to_json(self) -> dict:
        return {"header": self.header, "role": str(self.role), "source": str(self.source),
                "allowed": list(self.allowed) if self.allowed is not None else None, "required": self.required}


@dataclass(frozen=True)
class Mapping:
    """The roles of every column of one survey file and (optionally) one master, in file order."""

    columns: tuple[ColumnSpec, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.columns)

    def get(self, header: str, source: Source | None = None) -> ColumnSpec | None:
        for spec in self.columns:
            if spec.header == header and (source is None or spec.source == source):
                return spec
        return None

    def of_role(self, role: Role, source: Source | None = None) -> list[ColumnSpec]:
        return [s for s in self.columns if s.role == role and (source is None or s.source == source)]

    def key(self, source: Source = Source.SURVEY) -> ColumnSpec | None:
        keys = self.of_role(Role.KEY, source)
        return keys[0] if keys else None

    @property
    def attributes(self) -> list[ColumnSpec]:
        return self.of_role(Role.ATTRIBUTE)

    @property
    def answers(self) -> list[ColumnSpec]:
        return self.of_role(Role.ANSWER)

    @property
    def output_columns(self) -> list[ColumnSpec]:
        """The columns that go into the package after the pseudonym: attributes (survey, then master),
        then answers, each in file order."""
        attributes = self.of_role(Role.ATTRIBUTE, Source.SURVEY) + self.of_role(Role.ATTRIBUTE, Source.MASTER)
        return attributes + self.answers

    def with_role(self, header: str, role: Role, *, source: Source | None = None, **changes) -> Mapping:
        """A copy with ``header`` given ``role`` (in every source that has it, unless ``source``)."""
        role = Role(role)
        header = normalise_text(header)
        targets = [s for s in self.columns if s.header == header and (source is None or s.source == source)]
        if not targets:
            raise MappingError(_("列「%(header)s」はファイルにありません。") % {"header": header}, field="columns")
        if role == Role.KEY:
            changes.setdefault("required", True)
        key_sources = {s.source for s in targets} if role == Role.KEY else set()
        columns = []
        for spec in self.columns:
            if spec in targets:
                spec = replace(spec, role=role, **changes)
            elif spec.role == Role.KEY and spec.source in key_sources:
                # One key per file: naming another column the key sets the guessed one aside.
                spec = replace(spec, role=Role.IGNORE, required=False)
            columns.append(spec)
        return Mapping(tuple(columns))

    def with_overrides(self, overrides: Iterable[ColumnOverride]) -> Mapping:
        mapping = self
        for override in overrides:
            changes = {}
            if override.allowed is not None:
                changes["allowed"] = override.allowed
            if override.required is not None:
                changes["required"] = override.required
            mapping = mapping.with_role(override.header, override.role, **changes)
        return mapping

    def to_json(self) -> dict:
        """A JSON-serialisable form to save with the contract."""
        return {"version": MAPPING_VERSION, "columns": [spec.to_json() for spec in self.columns]}

    @classmethod
    def from_json(cls, data) -> Mapping:
        """The mapping saved by :meth:`to_json`; :class:`MappingError` if it is not one."""
        try:
            if data.get("version") != MAPPING_VERSION:
                raise ValueError
            columns = []
            for item in data["columns"]:
                allowed = item.get("allowed")
                columns.append(ColumnSpec(
                    header=str(item["header"]), role=Role(item["role"]), source=Source(item.get("source", "survey")),
                    allowed=tuple(str(v) for v in allowed) if allowed is not None else None,
                    required=bool(item.get("required", False)),
                ))
        except (AttributeError, KeyError, TypeError, ValueError):
            raise MappingError(_("保存された列の対応づけを読めません。もう一度対応づけてください。")) from None
        return cls(tuple(columns))

    def carried_to(self, headers: Sequence[str], master_headers: Sequence[str] = ()) -> Mapping:
        """Last year's mapping applied to this year's files: the same header keeps its role, allowed
        values and required flag; a new header is guessed; a header no longer there is forgotten."""
        guessed = guess_mapping(headers, master_headers)
        columns = []
        for spec in guessed.columns:
            saved = self.get(spec.header, spec.source)
            columns.append(saved if saved is not None else spec)
        return Mapping(tuple(columns))

    def describe(self) -> list[str]:
        """One line per column, for the commands' output."""
        lines = []
        for spec in self.columns:
            extra = f"（{spec.allowed_label}{'・必須' if spec.required and spec.role == Role.ANSWER else ''}）" \
                if spec.role == Role.ANSWER else ""
            source = f"［{SOURCE_LABELS[spec.source]}］" if spec.source == Source.MASTER else ""
            lines.append(f"{source}{spec.header}: {spec.role_label}{extra}")
        return lines


def _has_word(header: str, words: Sequence[str], *, short_only: bool) -> bool:
    if short_only and len(header) > SHORT_HEADER:
        return False
    folded = header.casefold()
    return any(word.casefold() in folded for word in words)


def guess_role(header: str) -> Role:
    """The role a header suggests (see the word lists above); anything else is an answer."""
    header = normalise_text(header)
    if _has_word(header, KEY_WORDS, short_only=True):
        return Role.KEY
    if _has_word(header, DROP_WORDS, short_only=False):
        return Role.DROP
    if _has_word(header, IGNORE_WORDS, short_only=True):
        return Role.IGNORE
    if _has_word(header, ATTRIBUTE_WORDS, short_only=True):
        return Role.ATTRIBUTE
    return Role.ANSWER


def answer_like(headers: Sequence[str]) -> list[str]:
    """The headers that read as questions (neither a staff number, an identifier, bookkeeping nor an attribute)."""
    return [h for h in headers if guess_role(h) == Role.ANSWER]


def files_swapped(headers: Sequence[str], master_headers: Sequence[str]) -> bool:
    """Whether the two files look as if given in each other's slot: the "survey" has no column that reads
    as a question and the "master" has. In the master every such column would be taken as an attribute
    (:func:`guess_mapping`), so the answers would leave as quasi-identifiers and their free text unscanned."""
    return bool(master_headers) and not answer_like(headers) and bool(answer_like(master_headers))


def swap_offered(mapping: Mapping, headers: Sequence[str], master_headers: Sequence[str] | None) -> bool:
    """Whether the two files are to be swapped, one rule for the mapping page (its message and button), the
    validation (which refuses the file) and the swap service (which refuses any other upload): there is a
    master, the mapping takes no answer from the survey file, and :func:`files_swapped`."""
    return master_headers is not None and not mapping.of_role(Role.ANSWER, Source.SURVEY) \
        and files_swapped(headers, master_headers)


def guess_mapping(headers: Sequence[str], master_headers: Sequence[str] = ()) -> Mapping:
    """Roles guessed from the header words of the survey file and of the master.

    In the master every column but the key and direct identifiers is an attribute. An attribute the
    master holds is taken from the master (the survey's copy of it is ignored): the master is HR's
    record, the form's is what the person typed. Only the first key-like column of each file is the
    key; further ones are ignored.
    """
    master_names = {normalise_text(h) for h in master_headers}
    columns: list[ColumnSpec] = []
    for source, names in ((Source.SURVEY, headers), (Source.MASTER, master_headers)):
        has_key = False
        for raw in names:
            header = normalise_text(raw)
            role = guess_role(header)
            if source == Source.MASTER and role in (Role.ANSWER, Role.IGNORE):
                role = Role.ATTRIBUTE
            if role == Role.KEY:
                if has_key:
                    role = Role.IGNORE
                has_key = True
            if source == Source.SURVEY and role == Role.ATTRIBUTE and header in master_names:
                role = Role.IGNORE
            columns.append(ColumnSpec(header=header, role=role, source=source, required=role == Role.KEY))
    return Mapping(tuple(columns))


def _scale_values(low: int, high: int) -> tuple[str, ...]:
    return tuple(str(n) for n in range(low, high + 1))


def _narrowest_scale(numbers: Counter) -> tuple[int, int] | None:
    for low, high in STANDARD_SCALES:
        if all(low <= n <= high for n in numbers):
            return low, high
    return None


def _fits(numbers: Counter, filled: int, scale: tuple[int, int]) -> bool:
    inside = sum(c for n, c in numbers.items() if scale[0] <= n <= scale[1])
    return inside >= COMMON_SCALE_SHARE * filled


def guess_answer_rules(mapping: Mapping, table: Table, *, only_undecided: bool = True) -> Mapping:
    """Allowed values and the required flag of each answer column, guessed from the data.

    The questions of a form share a scale. The form's scale is the standard one (1–3 … 1–10) that
    holds at least 90% of the answers of the most columns (the narrowest, on a tie); a column that
    fits it gets it, so a lone 6 or はい among 1–5 answers shows up as outside the scale instead of
    widening it or turning the column into free text. A column of whole numbers that does not fit
    gets the narrowest standard scale that holds all its answers; anything else is free text. A
    scale column is taken as required only when no answer in it is blank: one blank shows the form let
    it be skipped, and a guessed 必須 would make that one respondent an error. HR confirms both before
    validation counts on them.
    """
    guesses: dict[str, tuple[Counter, int, int]] = {}
    for spec in mapping.of_role(Role.ANSWER, Source.SURVEY):
        if only_undecided and spec.allowed is not None:
            continue
        values = table.column(spec.header)
        filled: Counter = Counter()
        for value, count in Counter(values).items():
            if value.strip():
                filled[normalise_text(value)] += count
        numbers: Counter = Counter()
        for value, count in filled.items():
            if _INTEGER.match(value):
                numbers[int(value)] += count
        guesses[spec.header] = (numbers, sum(filled.values()), len(values))

    fitting = Counter()
    for numbers, filled, _total in guesses.values():
        if numbers:
            for scale in STANDARD_SCALES:
                if _fits(numbers, filled, scale):
                    fitting[scale] += 1
    common_scale = None
    if fitting:
        most = max(fitting.values())
        common_scale = next(scale for scale in STANDARD_SCALES if fitting[scale] == most)

    columns = []
    for spec in mapping.columns:
        if spec.header not in guesses or spec.source != Source.SURVEY or spec.role != Role.ANSWER:
            columns.append(spec)
            continue
        numbers, filled, total = guesses[spec.header]
        if numbers and common_scale and _fits(numbers, filled, common_scale):
            scale = common_scale
        elif numbers and sum(numbers.values()) == filled:
            scale = _narrowest_scale(numbers)
        else:
            scale = None
        if scale:
            allowed = _scale_values(*scale)
            required = total > 0 and filled == total
        else:
            allowed, required = (), False
        columns.append(replace(spec, allowed=allowed, required=required))
    return Mapping(tuple(columns))


@dataclass(frozen=True)
class ColumnOverride:
    """One ``--column`` option: ``HEADER=ROLE``, for an answer optionally ``HEADER=answer:1-5``,
    ``HEADER=answer:text``, ``HEADER=answer:はい|いいえ``, with ``:required`` or ``:optional``."""

    header: str
    role: Role
    allowed: tuple[str, ...] | None = None
    required: bool | None = None


def parse_column_option(text: str) -> ColumnOverride:
    """Parse ``HEADER=ROLE[:VALUES][:required|optional]``; :class:`MappingError` in Japanese if wrong."""
    header, sep, rest = (text or "").rpartition("=")
    header = normalise_text(header)
    parts = [p.strip() for p in rest.split(":")]
    roles = ", ".join(r.value for r in Role)
    if not sep or not header:
        raise MappingError(_("「%(text)s」は「見出し=役割」の形で指定してください（役割: %(roles)s）。")
                           % {"text": text, "roles": roles}, field="columns")
    try:
        role = Role(parts[0].lower())
    except ValueError:
        raise MappingError(_("役割「%(role)s」はありません（%(roles)s のいずれか）。")
                           % {"role": parts[0], "roles": roles}, field="columns") from None
    allowed: tuple[str, ...] | None = None
    required: bool | None = None
    for part in parts[1:]:
        word = part.lower()
        if role != Role.ANSWER:
            raise MappingError(_("値の範囲や必須の指定は回答の列（answer）にだけできます。"), field="columns")
        if word == "required":
            required = True
        elif word == "optional":
            required = False
        elif word in ("text", "free"):
            allowed = ()
        elif match := re.fullmatch(r"(-?\d+)\s*[-〜~]\s*(-?\d+)", normalise_text(part)):
            low, high = int(match[1]), int(match[2])
            if low > high or high - low > 100:
                raise MappingError(_("値の範囲「%(part)s」が正しくありません。") % {"part": part}, field="columns")
            allowed = _scale_values(low, high)
        elif part:
            allowed = tuple(normalise_text(v) for v in part.split("|") if v.strip())
    return ColumnOverride(header=header, role=role, allowed=allowed, required=required)
