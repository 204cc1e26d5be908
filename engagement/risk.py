"""Re-identification risk: k-anonymity over the chosen quasi-identifiers, and the generalisations that
reach it.

A record is at risk when fewer than ``k`` records share its combination of quasi-identifier values
(所属 × 職名 × 性別 × 年齢 …): someone who knows a colleague's attributes could pick out their answers.
:func:`assess` reports what sdcMicro's ``print(sdc, "kAnon")`` and risk summary show: the smallest group,
how many records (and what share) sit in groups smaller than 2, 3 and k, and the riskiest combinations.

Generalisations, previewed before they are applied (:func:`preview`):

- age, hire year, years of service in bands of 5, 10 or 20 years (aligned: 30〜34, 2010〜2014);
- a department lifted to its parent (総務部人事課 → 総務部) by its name or by a mapping table;
- values held by fewer than k records (rare job titles) merged into その他;
- last, the quasi-identifier cells of records still in small groups suppressed (（秘匿）), counted.

:func:`propose` finds the least of these that reaches k. Everything works on the table of distinct
combinations rather than on the records, so 100,000 records cost a few seconds at most.

Columns are passed as ``{header: [value per record]}`` (a :class:`~engagement.dataset.Dataset`'s
``values``); nothing here knows about files or requests.
"""

from __future__ import annotations

import enum
import heapq
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from django.utils.translation import gettext as _

from core.errors import DomainError

from .reading import normalise_text

DEFAULT_K = 5
# Suppression is the last resort: when more records than this share would lose cells, the proposal
# reports that k is not reached instead of blanking a large part of the data.
DEFAULT_MAX_SUPPRESSION = 0.05
SUPPRESSED = "（秘匿）"
OTHER = "その他"
BANDS = (5, 10, 20)
RISKIEST_SHOWN = 10


class Kind(enum.StrEnum):
    AGE = "age"
    YEAR = "year"
    SERVICE = "service"
    DEPARTMENT = "department"
    CATEGORY = "category"


NUMERIC_KINDS = (Kind.AGE, Kind.YEAR, Kind.SERVICE)
KIND_WORDS = (
    (Kind.AGE, ("年齢", "年代")),
    (Kind.YEAR, ("採用年度", "採用年", "入庁年", "入区年")),
    (Kind.SERVICE, ("在庁歴", "社会人歴", "勤続", "経験年数", "在職年数", "昇任歴")),
    (Kind.DEPARTMENT, ("所属", "兼務先", "部署", "部局")),
)
ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
             "M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019}
# 37, 37歳, 2013, 平成22年, H22, 12年3か月; not 30代 (a band already, left as it is).
_NUMBER = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])?\s*(\d{1,4})(?:\.\d+)?\s*(?:歳|才|年度?)?"
                     r"(?:\s*\d{1,2}\s*(?:か月|ヶ月|ケ月|カ月|ヵ月))?$")
_DEPARTMENT_SEPARATOR = re.compile(r"[\s/／＞>＼\\]+")
_PARENT = re.compile(r"^(.+?[部局])(?=.)")


class RiskError(DomainError):
    """A risk assessment that cannot be made (an unknown column, k below 2)."""


def column_kind(header: str, values: Sequence[str] = ()) -> Kind:
    """What generalisation suits a column: by its header, and for the numeric kinds only when at least
    80% of its filled cells read as numbers."""
    header = normalise_text(header)
    if "採用区分" in header:
        return Kind.CATEGORY
    for kind, words in KIND_WORDS:
        if any(word in header for word in words):
            if kind in NUMERIC_KINDS:
                distinct = Counter(v for v in values if v)
                filled = sum(distinct.values())
                numeric = sum(n for v, n in distinct.items() if _number(v, kind) is not None)
                if filled and numeric < 0.8 * filled:
                    return Kind.CATEGORY
            return kind
    return Kind.CATEGORY


def _number(value: str, kind: Kind) -> int | None:
    match = _NUMBER.match(normalise_text(value))
    if not match:
        return None
    number = int(match[2])
    if match[1]:
        number = ERA_START[match[1]] + number - 1 if kind == Kind.YEAR else number
    return number


def department_parent(name: str, table: Mapping[str, str] | None = None) -> str:
    """The parent (部・局) of a department: from ``table`` if it names one, else by the name
    (総務部人事課 → 総務部, 「総務部 人事課」 → 総務部). A name without a parent is its own."""
    if table and name in table:
        return table[name]
    parts = [p for p in _DEPARTMENT_SEPARATOR.split(name) if p]
    if len(parts) > 1:
        return parts[0]
    match = _PARENT.match(name)
    return match[1] if match else name


@dataclass(frozen=True)
class Generalisation:
    """How one quasi-identifier is coarsened. The identity (nothing set) leaves it as it is."""

    column: str
    kind: Kind = Kind.CATEGORY
    band: int = 0
    lift: bool = False
    rare: int = 0

    @property
    def is_identity(self) -> bool:
        return not (self.band or self.lift or self.rare)

    def describe(self) -> str:
        """In words, for the page, the command and the package's 項目説明 sheet."""
        parts = []
        if self.band:
            unit = _("歳") if self.kind == Kind.AGE else _("年")
            parts.append(_("%(band)s%(unit)s刻み") % {"band": self.band, "unit": unit})
        if self.lift:
            parts.append(_("上位の部・局にまとめる"))
        if self.rare:
            parts.append(_("%(rare)s人未満の値は「その他」") % {"rare": self.rare})
        return "、".join(parts) if parts else _("なし")

    def to_json(self) -> dict:
        return {"column": self.column, "kind": str(self.kind), "band": self.band, "lift": self.lift,
                "rare": self.rare}

    @classmethod
    def from_json(cls, data: dict) -> Generalisation:
        try:
            return cls(column=str(data["column"]), kind=Kind(data.get("kind", "category")),
                       band=int(data.get("band", 0)), lift=bool(data.get("lift", False)),
                       rare=int(data.get("rare", 0)))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise RiskError(_("保存された一般化の設定を読めません。")) from None


def ladder(column: str, kind: Kind, k: int) -> list[Generalisation]:
    """The steps from least to most coarse for one column (the first is the identity)."""
    base = Generalisation(column=column, kind=kind)
    if kind in NUMERIC_KINDS:
        return [base] + [replace(base, band=b) for b in BANDS]
    if kind == Kind.DEPARTMENT:
        return [base, replace(base, lift=True), replace(base, lift=True, rare=k)]
    return [base, replace(base, rare=k)]


def _band_label(number: int, width: int, kind: Kind) -> str:
    low = number // width * width
    unit = "歳" if kind == Kind.AGE else "年"
    return f"{low}〜{low + width - 1}{unit}"


def generalise_value(value: str, g: Generalisation, department_map: Mapping[str, str] | None = None) -> str:
    """One value under ``g``, before the rare-value step (which needs the column's counts)."""
    if not value:
        return value
    if g.band and g.kind in NUMERIC_KINDS:
        number = _number(value, g.kind)
        return _band_label(number, g.band, g.kind) if number is not None else value
    if g.lift:
        return department_parent(value, department_map)
    return value


def _labels(distinct: Sequence[str], counts: Sequence[int], g: Generalisation,
            department_map: Mapping[str, str] | None) -> list[str]:
    """The label of each distinct original value under ``g``, the rare step included."""
    labels = [generalise_value(v, g, department_map) for v in distinct]
    if g.rare:
        totals: Counter = Counter()
        for label, n in zip(labels, counts, strict=True):
            totals[label] += n
        labels = [OTHER if label and totals[label] < g.rare else label for label in labels]
    return labels


@dataclass(frozen=True)
class RiskyGroup:
    values: tuple[str, ...]
    size: int


@dataclass
class RiskReport:
    """k-anonymity of a set of records over ``quasi``. Records whose every quasi-identifier was
    suppressed match every record and are counted as safe."""

    k: int
    quasi: list[str]
    records: int
    groups: int
    smallest_group: int
    records_below_k: int
    groups_below_k: int
    unique_records: int
    below: dict[int, int] = field(default_factory=dict)
    riskiest: list[RiskyGroup] = field(default_factory=list)

    @property
    def share_below_k(self) -> float:
        return self.records_below_k / self.records if self.records else 0.0

    @property
    def ok(self) -> bool:
        return self.records_below_k == 0 and self.records >= self.k

    @property
    def k_reached(self) -> int:
        """The k the records satisfy: the size of the smallest group."""
        return self.smallest_group

    def summary(self) -> dict:
        """Figures only (no value from the file): for the audit trail and logs."""
        return {"k": self.k, "quasi": len(self.quasi), "records": self.records, "groups": self.groups,
                "smallest_group": self.smallest_group, "records_below_k": self.records_below_k,
                "unique_records": self.unique_records}

    def lines(self) -> list[str]:
        out = [
            _("準識別子: %(quasi)s（k=%(k)s）") % {"quasi": "・".join(self.quasi) or _("なし"), "k": self.k},
            _("最小のグループ: %(size)s人　グループ数: %(groups)s") % {"size": self.smallest_group,
                                                               "groups": f"{self.groups:,}"},
            _("k（%(k)s）人未満のグループにいる記録: %(records)s件（%(share).1f%%）、うち1人だけの組合せ: %(unique)s件")
            % {"k": self.k, "records": f"{self.records_below_k:,}", "share": 100 * self.share_below_k,
               "unique": f"{self.unique_records:,}"},
        ]
        if self.riskiest:
            out.append(_("危険度の高い組合せ（人数の少ない順）:"))
            for group in self.riskiest:
                out.append("  " + " × ".join(v or _("（空欄）") for v in group.values) + f": {group.size}")
        return out


def _group_sizes(keys: Sequence, weights: Sequence[int]) -> dict:
    sizes: dict = {}
    get = sizes.get
    for key, weight in zip(keys, weights, strict=True):
        sizes[key] = get(key, 0) + weight
    return sizes


class _Search:
    """The records reduced to their distinct combinations of quasi-identifier labels, for trying steps.

    Every ladder is nested (a 10-year band is a function of the 5-year band, その他 of the parent
    department), so after a step is taken the combinations that became equal are merged and the
    table keeps shrinking: the first steps on 100,000 records see tens of thousands of combinations,
    the later ones a few thousand.
    """

    def __init__(self, columns: Mapping[str, Sequence[str]], quasi: Sequence[str], k: int, department_map):
        self.k = k
        self.department_map = department_map
        self.quasi = list(quasi)
        self.distinct: list[list[str]] = []      # original distinct values per column
        self.counts: list[list[int]] = []        # records per original distinct value
        self.current: list[list[int]] = []       # current label code of each original distinct value
        codes = []
        for header in self.quasi:
            index: dict[str, int] = {}
            code = [index.setdefault(v, len(index)) for v in columns[header]]
            tally = Counter(code)
            self.distinct.append(list(index))
            self.counts.append([tally[i] for i in range(len(index))])
            self.current.append(list(range(len(index))))
            codes.append(code)
        combos = Counter(zip(*codes, strict=True))
        self.weights = list(combos.values())
        self.cols = [list(c) for c in zip(*combos, strict=True)]
        self.cardinality = [len(d) for d in self.distinct]
        # The first table, kept to try any plan from scratch (undoing a step cannot reuse merged rows).
        self.original = ([list(c) for c in self.cols], list(self.weights))
        self._rekey()

    def below_of(self, plan: Sequence[Generalisation]) -> int:
        """Records in groups smaller than k under ``plan``, from the original combinations."""
        cols, weights = self.original
        keys = [0] * len(weights)
        multiplier = 1
        for position, g in enumerate(plan):
            labels = _labels(self.distinct[position], self.counts[position], g, self.department_map)
            index: dict[str, int] = {}
            term = [index.setdefault(label, len(index)) * multiplier for label in labels]
            keys = [key + term[code] for key, code in zip(keys, cols[position], strict=True)]
            multiplier *= len(self.distinct[position]) + 1
        sizes = _group_sizes(keys, weights)
        k = self.k
        return sum(n for n in sizes.values() if n < k)

    def _rekey(self) -> None:
        """One integer per combination, in mixed radix on the current numbers of labels."""
        self.radix, multiplier = [], 1
        for size in self.cardinality:
            self.radix.append(multiplier)
            multiplier *= size + 1
        keys = [0] * len(self.weights)
        for codes, radix in zip(self.cols, self.radix, strict=True):
            keys = [key + code * radix for key, code in zip(keys, codes, strict=True)]
        self.keys = keys

    def step_map(self, position: int, g: Generalisation) -> tuple[list[int], int, list[int]]:
        """Current label code → label code under ``g``, the number of labels under ``g``, and the label
        code under ``g`` of each original distinct value."""
        labels = _labels(self.distinct[position], self.counts[position], g, self.department_map)
        index: dict[str, int] = {}
        mapping = [0] * (self.cardinality[position] or 1)
        for current, label in zip(self.current[position], labels, strict=True):
            mapping[current] = index.setdefault(label, len(index))
        return mapping, len(index), [index[label] for label in labels]

    def below_with(self, position: int, mapping: list[int]) -> int:
        """Records in groups smaller than k if column ``position`` were mapped through ``mapping``.

        A coarser step never has more labels than the current one, so the current radix still holds.
        """
        radix = self.radix[position]
        shift = [(new - old) * radix for old, new in enumerate(mapping)]
        keys = [key + shift[code] for key, code in zip(self.keys, self.cols[position], strict=True)]
        sizes = _group_sizes(keys, self.weights)
        k = self.k
        return sum(n for n in sizes.values() if n < k)

    def take(self, position: int, g: Generalisation) -> None:
        """Apply ``g`` to column ``position`` and merge the combinations that became equal."""
        mapping, size, originals = self.step_map(position, g)
        self.current[position] = originals
        self.cardinality[position] = size
        self.cols[position] = [mapping[c] for c in self.cols[position]]
        self._rekey()
        first: dict[int, int] = {}
        weights: list[int] = []
        keep: list[int] = []
        for i, (key, weight) in enumerate(zip(self.keys, self.weights, strict=True)):
            j = first.get(key)
            if j is None:
                first[key] = len(weights)
                weights.append(weight)
                keep.append(i)
            else:
                weights[j] += weight
        self.weights = weights
        self.cols = [[column[i] for i in keep] for column in self.cols]
        self.keys = [self.keys[i] for i in keep]


def _report(group_values: dict[tuple, int], *, k: int, quasi: list[str], records: int,
            safe_records: int = 0) -> RiskReport:
    sizes = [n for n in group_values.values()]
    below = {t: sum(n for n in sizes if n < t) for t in sorted({2, 3, k})}
    riskiest = heapq.nsmallest(RISKIEST_SHOWN, group_values.items(), key=lambda item: (item[1], item[0]))
    smallest = min(sizes) if sizes else records
    if safe_records and not sizes:
        smallest = records
    return RiskReport(
        k=k, quasi=quasi, records=records, groups=len(sizes) + (1 if safe_records else 0),
        smallest_group=smallest, records_below_k=below[k], groups_below_k=sum(1 for n in sizes if n < k),
        unique_records=below[2], below=below,
        riskiest=[RiskyGroup(values=values, size=size) for values, size in riskiest if size < k]
        or [RiskyGroup(values=values, size=size) for values, size in riskiest[:3]],
    )


def _check(columns: Mapping[str, Sequence[str]], quasi: Sequence[str], k: int) -> None:
    if k < 2:
        raise RiskError(_("kは2以上にしてください。"), field="k")
    for header in quasi:
        if header not in columns:
            raise RiskError(_("準識別子「%(header)s」は出力する列にありません。") % {"header": header}, field="quasi")


def assess(columns: Mapping[str, Sequence[str]], quasi: Sequence[str], k: int = DEFAULT_K) -> RiskReport:
    """The k-anonymity report of ``columns`` (values as they would leave) over ``quasi``."""
    _check(columns, quasi, k)
    quasi = list(quasi)
    records = len(next(iter(columns.values()))) if columns else 0
    if not quasi:
        groups = {(): records} if records else {}
        return _report(groups, k=k, quasi=quasi, records=records)
    sizes = Counter(zip(*(columns[h] for h in quasi), strict=True))
    all_suppressed = (SUPPRESSED,) * len(quasi)
    safe = sizes.pop(all_suppressed, 0)
    return _report(dict(sizes), k=k, quasi=quasi, records=records, safe_records=safe)


@dataclass
class Protection:
    """Columns as they will leave (generalised, then suppressed when HR allowed it and it stays within its
    limit), and what it cost.

    Suppression is always counted before it is applied: ``suppression_records`` and ``suppression_cells``
    are what it would blank (or blanked), ``suppressed_*`` what it did blank. ``not_identifying`` names the
    attribute columns written but left out of k, with HR's reason for each.
    """

    columns: dict[str, list[str]]
    plan: list[Generalisation]
    report: RiskReport
    generalised_report: RiskReport
    suppressed_cells: int = 0
    suppressed_records: int = 0
    suppression_records: int = 0
    suppression_cells: int = 0
    max_suppression: float = DEFAULT_MAX_SUPPRESSION
    not_identifying: dict[str, str] = field(default_factory=dict)

    @property
    def reached(self) -> bool:
        return self.report.ok

    @property
    def suppression_share(self) -> float:
        records = self.report.records
        return self.suppression_records / records if records else 0.0

    @property
    def suppression_limit_records(self) -> int:
        """The most records suppression may touch: ``max_suppression`` of all records, rounded down."""
        return math.floor(self.max_suppression * self.report.records + 1e-9)

    @property
    def suppression_within_limit(self) -> bool:
        return self.suppression_records <= self.suppression_limit_records

    @property
    def suppression_needed(self) -> bool:
        return self.generalised_report.records_below_k > 0 and bool(self.report.quasi)

    @property
    def suppression_text(self) -> str:
        """What suppression takes (or would take), in words."""
        return suppression_words(self.suppression_records, self.suppression_share, self.suppression_cells)

    @property
    def max_suppression_percent(self) -> str:
        return f"{100 * self.max_suppression:.1f}".removesuffix(".0")

    @property
    def k_exclusions(self) -> str:
        return not_identifying_words(self.not_identifying)


def suppression_words(records: int, share: float, cells: int) -> str:
    """「秘匿する記録: n件（x%）、セル: m」, as the pages, the command and the package say it."""
    return _("秘匿する記録: %(records)s件（%(share).1f%%）、セル: %(cells)s") % {
        "records": f"{records:,}", "share": 100 * share, "cells": f"{cells:,}"}


def not_identifying_words(not_identifying: Mapping[str, str]) -> str:
    """What every statement of k adds when HR kept columns out of it: 「（次の列は識別に使えないとして除外:
    兼務先 — 理由）」; empty when every attribute column counts."""
    if not not_identifying:
        return ""
    listed = "、".join(f"{column} — {reason}" for column, reason in not_identifying.items())
    return _("（次の列は識別に使えないとして除外: %(columns)s）") % {"columns": listed}


def _suppression(out: dict[str, list[str]], quasi: list[str], k: int) -> tuple[dict[tuple, set[int]], int, int]:
    """Which quasi columns to suppress for the records of each small combination, and how many cells and
    records that is.

    Suppression goes column by column, the column with the most distinct values first, in the small
    groups only, until every group has k records or all of a record's quasi-identifiers are suppressed
    (such a record matches everyone)."""
    combos = Counter(zip(*(out[h] for h in quasi), strict=True))
    suppressed_in: dict[tuple, set[int]] = {}
    cardinality = {i: len(set(out[h])) for i, h in enumerate(quasi)}
    order = sorted(range(len(quasi)), key=lambda i: -cardinality[i])
    current = dict(combos)
    origin = {combo: combo for combo in combos}
    cells = 0
    for position in order:
        small = [c for c, n in current.items() if n < k and any(v != SUPPRESSED for v in c)]
        if not small:
            break
        small_set = set(small)
        for original, now in list(origin.items()):
            if now in small_set and now[position] != SUPPRESSED:
                new = now[:position] + (SUPPRESSED,) + now[position + 1:]
                origin[original] = new
                suppressed_in.setdefault(original, set()).add(position)
                cells += combos[original]
        current = _group_sizes(list(origin.values()), [combos[o] for o in origin])
    return suppressed_in, cells, sum(combos[o] for o in suppressed_in)


def protect(columns: Mapping[str, Sequence[str]], quasi: Sequence[str], plan: Sequence[Generalisation],
            k: int = DEFAULT_K, *, department_map: Mapping[str, str] | None = None,
            suppress: bool = True, max_suppression: float = DEFAULT_MAX_SUPPRESSION,
            count_suppression: bool | None = None,
            not_identifying: Mapping[str, str] | None = None) -> Protection:
    """Apply ``plan`` (one generalisation per quasi column; missing ones are the identity), then, when
    ``suppress``, suppress the quasi-identifier cells of records still in groups smaller than k, but only
    when that touches at most ``max_suppression`` of the records: beyond it nothing is suppressed and the
    report says k is not reached. What suppression would take is counted first (also when it is not
    applied, unless ``count_suppression`` is false). Columns that are not quasi-identifiers are returned
    unchanged.
    """
    _check(columns, quasi, k)
    quasi = list(quasi)
    by_column = {g.column: g for g in plan}
    full_plan = [by_column.get(h) or Generalisation(column=h, kind=column_kind(h, columns[h])) for h in quasi]
    out = {header: list(values) for header, values in columns.items()}
    for g in full_plan:
        if g.is_identity:
            continue
        source = columns[g.column]
        distinct: dict[str, int] = {}
        codes = [distinct.setdefault(v, len(distinct)) for v in source]
        tally = Counter(codes)
        labels = _labels(list(distinct), [tally[i] for i in range(len(distinct))], g, department_map)
        out[g.column] = [labels[c] for c in codes]
    generalised = assess(out, quasi, k)
    protection = Protection(columns=out, plan=full_plan, report=generalised, generalised_report=generalised,
                            max_suppression=max_suppression, not_identifying=dict(not_identifying or {}))
    count = suppress if count_suppression is None else count_suppression
    if not count or generalised.records_below_k == 0 or not quasi:
        return protection

    suppressed_in, cells, records = _suppression(out, quasi, k)
    protection.suppression_cells, protection.suppression_records = cells, records
    if not suppress or not protection.suppression_within_limit:
        return protection
    if suppressed_in:
        for i, values in enumerate(zip(*(out[h] for h in quasi), strict=True)):
            positions = suppressed_in.get(values)
            if positions:
                for position in positions:
                    out[quasi[position]][i] = SUPPRESSED
    protection.suppressed_cells = cells
    protection.suppressed_records = records
    protection.report = assess(out, quasi, k)
    return protection


def preview(columns: Mapping[str, Sequence[str]], quasi: Sequence[str], plan: Sequence[Generalisation],
            k: int = DEFAULT_K, *, department_map: Mapping[str, str] | None = None) -> Protection:
    """What ``plan`` would give, with suppression counted, without changing ``columns``."""
    return protect(columns, quasi, plan, k, department_map=department_map, suppress=False, count_suppression=True)


@dataclass
class Proposal:
    """The least generalisation found to reach k, with the reports before and after."""

    quasi: list[str]
    k: int
    plan: list[Generalisation]
    before: RiskReport
    protection: Protection
    steps: list[str]
    max_suppression: float

    @property
    def reached(self) -> bool:
        # protect() suppresses nothing beyond the limit, so a report that reaches k is within it.
        return self.protection.reached and self.protection.suppression_within_limit

    @property
    def after(self) -> RiskReport:
        return self.protection.report

    @property
    def changes(self) -> list[Generalisation]:
        return [g for g in self.plan if not g.is_identity]


def _loss(distinct_before: int, distinct_after: int) -> float:
    """Information lost by a step: how much of the column's detail (log of distinct values) it removes."""
    return max(math.log(max(distinct_before, 1)) - math.log(max(distinct_after, 1)), 1e-6)


def propose(records: Mapping[str, Sequence[str]], quasi: Sequence[str], k: int = DEFAULT_K, *,
            department_map: Mapping[str, str] | None = None,
            max_suppression: float = DEFAULT_MAX_SUPPRESSION,
            kinds: Mapping[str, Kind] | None = None) -> Proposal:
    """The least generalisation of ``records`` over ``quasi`` that reaches k.

    Step by step, each column may move one rung up its ladder (bands 5 → 10 → 20 years, department to
    its parent, rare values to その他); the step taken is the one that removes the most records from
    small groups per unit of detail lost. It stops as soon as the records left in small groups are few
    enough to suppress (at most ``max_suppression`` of all records), and suppresses them. When even
    the coarsest rung leaves more than that, the proposal is returned with ``reached`` false.
    """
    _check(records, quasi, k)
    quasi = list(quasi)
    kinds = dict(kinds or {})
    for header in quasi:
        kinds.setdefault(header, column_kind(header, records[header]))
    before = assess(records, quasi, k)
    total = before.records
    budget = max_suppression * total
    plan = [Generalisation(column=h, kind=kinds[h]) for h in quasi]
    steps: list[str] = []
    if quasi and before.records_below_k > budget:
        search = _Search(records, quasi, k, department_map)
        ladders = [ladder(h, kinds[h], k) for h in quasi]
        rungs = [0] * len(quasi)
        below = before.records_below_k
        history = [(list(plan), below, 0, list(rungs))]
        while below > budget:
            best = None
            for i, rungs_i in enumerate(ladders):
                if rungs[i] + 1 >= len(rungs_i):
                    continue
                mapping, size, _originals = search.step_map(i, rungs_i[rungs[i] + 1])
                candidate_below = search.below_with(i, mapping)
                loss = _loss(search.cardinality[i], size)
                score = ((below - candidate_below) / loss, -loss)
                if best is None or score > best[0]:
                    best = (score, i, candidate_below)
            if best is None:
                break
            _score, i, below = best
            rungs[i] += 1
            plan[i] = ladders[i][rungs[i]]
            search.take(i, plan[i])
            steps.append(f"{plan[i].column}: {plan[i].describe()}")
            history.append((list(plan), below, len(steps), list(rungs)))
        # Steps that removed nobody from a small group after the last one that did are undone: the
        # earliest plan within the budget, else the earliest with the fewest records left below k.
        within = [h for h in history if h[1] <= budget]
        plan, below, taken, rungs = within[0] if within else min(history, key=lambda h: (h[1], h[2]))
        steps = steps[:taken]
        if below <= budget:
            # A greedy climb can overshoot (an early step made unnecessary by a later one): lower
            # every column as far as the plan still stays within the budget, so that no column is
            # coarser than k requires.
            lowered = True
            while lowered:
                lowered = False
                for i in range(len(quasi)):
                    if rungs[i] == 0:
                        continue
                    candidate = list(plan)
                    candidate[i] = ladders[i][rungs[i] - 1]
                    if search.below_of(candidate) <= budget:
                        plan, lowered = candidate, True
                        rungs[i] -= 1
                        steps.append(_("%(column)s: %(how)s に戻す") % {"column": quasi[i],
                                                                       "how": candidate[i].describe()})
    protection = protect(records, quasi, plan, k, department_map=department_map, max_suppression=max_suppression)
    return Proposal(quasi=quasi, k=k, plan=protection.plan, before=before, protection=protection, steps=steps,
                    max_suppression=max_suppression)


@dataclass(frozen=True)
class ColumnDrop:
    """What leaving one quasi-identifier out of the package would give, the others at their coarsest."""

    column: str
    k_reached: int
    records_below_k: int
    reaches: bool


@dataclass
class Remedies:
    """What would reach k when the coarsest generalisation within the suppression limit does not.

    ``by_column``: for each quasi-identifier, the k if it were dropped (the others at their coarsest rung);
    ``drop``: the smallest set of columns whose dropping reaches k within the limit (empty when none
    does), and ``drop_proposal`` the least generalisation of the others that then reaches it;
    ``coarsest``: the coarsest generalisation of every column, with the suppression it would need (the
    limit HR would have to raise it to, with a reason)."""

    k: int
    by_column: list[ColumnDrop]
    drop: list[str]
    drop_proposal: Proposal | None
    coarsest: Protection

    @property
    def suppression_share_needed(self) -> float:
        return self.coarsest.suppression_share


# Subsets of quasi-identifiers tried when looking for the fewest columns to drop.
MAX_DROP_SETS = 5000


def remedies(records: Mapping[str, Sequence[str]], quasi: Sequence[str], k: int = DEFAULT_K, *,
             department_map: Mapping[str, str] | None = None,
             max_suppression: float = DEFAULT_MAX_SUPPRESSION,
             kinds: Mapping[str, Kind] | None = None) -> Remedies:
    """What HR could do when :func:`propose` does not reach k: which columns to drop (each alone, and the
    fewest that together reach k, with the generalisation the rest then needs), or how far suppression
    would have to go at the coarsest generalisation.

    Every ladder is nested, so the coarsest rung of every column leaves the fewest records in small
    groups: a set of columns whose dropping does not reach k at the coarsest rungs cannot reach it at all.
    """
    _check(records, quasi, k)
    quasi = list(quasi)
    kinds = dict(kinds or {})
    for header in quasi:
        kinds.setdefault(header, column_kind(header, records[header]))
    total = len(next(iter(records.values()))) if records else 0
    budget = math.floor(max_suppression * total + 1e-9)
    tops = [ladder(h, kinds[h], k)[-1] for h in quasi]
    coarsest = protect(records, quasi, tops, k, department_map=department_map, suppress=False,
                       count_suppression=True, max_suppression=max_suppression)
    search = _Search(records, quasi, k, department_map)
    for position, top in enumerate(tops):
        search.take(position, top)

    def below_without(excluded: set[int]) -> tuple[int, int]:
        kept = [p for p in range(len(quasi)) if p not in excluded]
        keys = list(zip(*(search.cols[p] for p in kept), strict=True)) if kept else [()] * len(search.weights)
        sizes = _group_sizes(keys, search.weights)
        return sum(n for n in sizes.values() if n < k), min(sizes.values(), default=total)

    by_column = []
    for position, header in enumerate(quasi):
        below, smallest = below_without({position})
        by_column.append(ColumnDrop(column=header, k_reached=smallest, records_below_k=below,
                                    reaches=below <= budget and total >= k))
    drop: list[str] = []
    tried = 0
    if total >= k:
        for size in range(1, len(quasi) + 1):
            best = None
            for chosen in combinations(range(len(quasi)), size):
                tried += 1
                if tried > MAX_DROP_SETS:
                    break
                below, _smallest = below_without(set(chosen))
                if below <= budget and (best is None or below < best[0]):
                    best = (below, chosen)
            if best is not None:
                drop = [quasi[p] for p in best[1]]
                break
            if tried > MAX_DROP_SETS:
                break
    drop_proposal = None
    if drop:
        rest = [h for h in quasi if h not in drop]
        drop_proposal = propose(records, rest, k, department_map=department_map, max_suppression=max_suppression,
                                kinds=kinds)
    return Remedies(k=k, by_column=by_column, drop=drop, drop_proposal=drop_proposal, coarsest=coarsest)
