"""The records that go into a package: the survey joined with the master, column by column.

Built only from a file that validated (:func:`build_dataset` refuses otherwise). Columns are kept as
lists (one per header) because risk assessment and generalisation work column-wise and stay fast on
100,000 rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from core.errors import DomainError

from .mapping import ColumnSpec, Mapping, Role, Source
from .reading import Table, normalise_key, normalise_text
from .validation import ValidationReport, key_index, master_rows_by_key, scale_lookup, validate

_WHITESPACE = re.compile(r"[\s\u3000]+")


@dataclass
class Dataset:
    """One record per answer row: ``keys[i]`` (normalised staff number), ``row_numbers[i]`` and
    ``values[header][i]`` for every output column (attributes, then answers)."""

    keys: list[str]
    row_numbers: list[int]
    columns: list[ColumnSpec]
    values: dict[str, list[str]]
    # Every distinct value of the drop columns (survey and master): names and addresses that must not
    # appear in a free-text answer either.
    drop_values: set[str] = field(default_factory=set)
    # Free-text cells in which personal data was masked (■) before building.
    masked_cells: int = 0

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def attribute_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.role == Role.ATTRIBUTE]

    @property
    def free_text_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.is_free_text]

    def without(self, headers) -> Dataset:
        """A copy without the attribute columns ``headers`` (the ones HR took out of the package)."""
        gone = {h for h in headers if h in self.attribute_headers}
        if not gone:
            return self
        return replace(self, columns=[c for c in self.columns if c.header not in gone],
                       values={h: v for h, v in self.values.items() if h not in gone})

    def spec(self, header: str) -> ColumnSpec:
        for column in self.columns:
            if column.header == header:
                return column
        raise KeyError(header)


class NotValidated(DomainError):
    """The file has validation errors; it cannot be made into records."""

    def __init__(self, report: ValidationReport):
        super().__init__(_("検証でエラーが%(count)s件あるため、パッケージを作れません。ファイルを直してから"
                           "もう一度読み込んでください。") % {"count": len(report.errors)}, code="not_validated")
        self.report = report


def build_dataset(table: Table, mapping: Mapping, master: Table | None = None,
                  report: ValidationReport | None = None) -> Dataset:
    """The joined records; raises :class:`NotValidated` when ``validate`` finds an error.

    Scale answers are stored as their allowed value (``５`` becomes ``5``); other cells are kept as
    typed, apart from attributes, which are NFKC-normalised and trimmed so that 総務部 and ｢総務部 ｣ are
    one group.
    """
    report = report or validate(table, mapping, master)
    if not report.ok:
        raise NotValidated(report)
    key_at = key_index(table, mapping.key(Source.SURVEY))
    keys = [normalise_key(row[key_at]) if key_at < len(row) else "" for row in table.rows]
    master_positions: list[int] = []
    if master is not None:
        by_key, _problems = master_rows_by_key(master, mapping)
        master_positions = [by_key.get(key, -1) for key in keys]

    columns = mapping.output_columns
    values: dict[str, list[str]] = {}
    for spec in columns:
        if spec.source == Source.MASTER:
            source_column = master.column(spec.header)
            raw = [source_column[p] if p >= 0 else "" for p in master_positions]
        else:
            raw = table.column(spec.header)
        if spec.role == Role.ATTRIBUTE:
            values[spec.header] = _normalised(raw)
        elif spec.allowed:
            lookup = scale_lookup(spec)
            allowed = {v: lookup(v) or "" for v in set(raw)}
            values[spec.header] = list(map(allowed.__getitem__, raw))
        else:
            values[spec.header] = raw

    drop_values: set[str] = set()
    for spec in mapping.of_role(Role.DROP):
        source_table = master if spec.source == Source.MASTER else table
        if source_table is None or spec.header not in source_table.headers:
            continue
        for value in set(source_table.column(spec.header)):
            value = _WHITESPACE.sub(" ", value).strip()
            if value:
                drop_values.add(value)
    return Dataset(keys=keys, row_numbers=list(table.row_numbers), columns=columns, values=values,
                   drop_values=drop_values)


def _normalised(values: list[str]) -> list[str]:
    normal = {value: normalise_text(value) for value in set(values)}
    return list(map(normal.__getitem__, values))
