"""The validation report, made before anything is kept.

:func:`validate` reads a survey :class:`~engagement.reading.Table` (and the master, if any) through a
:class:`~engagement.mapping.Mapping` and lists every problem with the row number Excel shows (the header
is row 1) and a Japanese sentence. ``report.ok`` says whether the file can be packaged.

Problem messages quote the offending staff number or answer so that HR can fix the file; they are for
HR's screen and the ``survey_check`` output only. Audit entries and logs take :meth:`ValidationReport.summary`
(counts), never the messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .mapping import ColumnSpec, Mapping, Role, Source, answer_like, swap_offered
from .reading import Table, normalise_key, normalise_text

ERROR = "error"
WARNING = "warning"

# Problem codes, for callers that count or filter them.
HEADER_ONLY = "header_only"
NO_KEY = "no_key"
MASTER_NO_KEY = "master_no_key"
DUPLICATE_COLUMN = "duplicate_column"
NO_OUTPUT = "no_output"
RAGGED_ROW = "ragged_row"
EMPTY_KEY = "empty_key"
DUPLICATE_KEY = "duplicate_key"
MASTER_DUPLICATE_KEY = "master_duplicate_key"
MISSING_IN_MASTER = "missing_in_master"
OUT_OF_RANGE = "out_of_range"
EMPTY_REQUIRED = "empty_required"
FILES_SWAPPED = "files_swapped"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. ``row`` is the Excel row number (None for the whole file)."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None
    source: str = Source.SURVEY
    severity: str = ERROR
    # The other row of a duplicate, for pages that link both.
    other_row: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class ValidationReport:
    filename: str
    rows: int
    columns: int
    master_filename: str = ""
    master_rows: int | None = None
    master_columns: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file can be packaged: no error (warnings do not stop it)."""
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def blank_required(self) -> dict[str, int]:
        """The answer columns marked 必須 that have blank answers, with how many: a setting HR may mean to
        change rather than a file to fix."""
        return dict(Counter(p.column for p in self.problems if p.code == EMPTY_REQUIRED))

    def advice(self, *, command: bool = False) -> list[str]:
        """What to change for each 必須 column with blanks: untick 必須 on the mapping (``:optional`` in the
        commands' ``--column``), or fix the file if the answers are missing."""
        lines = []
        for column, count in self.blank_required().items():
            if command:
                lines.append(_("「%(column)s」は必須にしていますが、%(count)s行が空欄です。空欄を認める質問なら、"
                               "--column の「%(column)s」の「:required」を「:optional」にして実行し直してください。"
                               "回答の漏れなら、ファイルを直してください。") % {"column": column, "count": f"{count:,}"})
            else:
                lines.append(_("「%(column)s」は必須にしていますが、%(count)s行が空欄です。空欄を認める質問なら、"
                               "列の対応づけで「%(column)s」の「必須」のチェックを外して、もう一度検証してください。"
                               "回答の漏れなら、ファイルを直してアップロードしてください。")
                             % {"column": column, "count": f"{count:,}"})
        return lines

    def counts(self) -> dict[str, int]:
        return dict(Counter(p.code for p in self.problems))

    def summary(self) -> dict:
        """Counts only, safe for the audit trail and logs (no value from the file)."""
        return {"rows": self.rows, "columns": self.columns, "master_rows": self.master_rows,
                "ok": self.ok, "problems": self.counts()}

    def lines(self, *, limit: int | None = None) -> list[str]:
        """The report as text lines (the ``survey_check`` output)."""
        out = [_("ファイル: %(name)s（%(rows)s行 × %(columns)s列）")
               % {"name": self.filename, "rows": f"{self.rows:,}", "columns": self.columns}]
        if self.master_rows is not None:
            out.append(_("職員属性マスタ: %(name)s（%(rows)s行 × %(columns)s列）")
                       % {"name": self.master_filename, "rows": f"{self.master_rows:,}",
                          "columns": self.master_columns})
        if not self.problems:
            out.append(_("問題は見つかりませんでした。"))
        shown = self.problems if limit is None else self.problems[:limit]
        out.extend(p.message for p in shown)
        if len(shown) < len(self.problems):
            out.append(_("ほか%(count)s件") % {"count": f"{len(self.problems) - len(shown):,}"})
        if self.problems:
            out.append(_("エラー%(errors)s件、注意%(warnings)s件。")
                       % {"errors": len(self.errors), "warnings": len(self.problems) - len(self.errors)})
        out.extend(self.advice(command=True))
        return out


def _row_prefix(row: int, source: str) -> str:
    if source == Source.MASTER:
        return _("職員属性マスタ %(row)s行目: ") % {"row": row}
    return _("%(row)s行目: ") % {"row": row}


def scale_lookup(spec: ColumnSpec):
    """A function from a raw cell to its allowed value (NFKC: ５ is 5), or None when outside."""
    allowed = set(spec.allowed or ())
    cache: dict[str, str | None] = {}

    def lookup(value: str) -> str | None:
        try:
            return cache[value]
        except KeyError:
            normal = normalise_text(value)
            cache[value] = result = normal if normal in allowed else None
            return result

    return lookup


def key_index(table: Table, spec: ColumnSpec | None) -> int | None:
    if spec is None or spec.header not in table.headers:
        return None
    return table.headers.index(spec.header)


def master_rows_by_key(master: Table, mapping: Mapping) -> tuple[dict[str, int], list[Problem]]:
    """Index of each normalised staff number in the master, and the master's own problems."""
    problems: list[Problem] = []
    index = key_index(master, mapping.key(Source.MASTER))
    if index is None:
        problems.append(Problem(MASTER_NO_KEY, _("職員属性マスタに職員番号の列がありません。職員番号の列を「職員番号」"
                                                 "（key）に指定してください。"), source=Source.MASTER))
        return {}, problems
    by_key: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for position, (row, number) in enumerate(zip(master.rows, master.row_numbers, strict=True)):
        key = normalise_key(row[index]) if index < len(row) else ""
        if not key:
            continue
        if key in by_key:
            problems.append(Problem(
                MASTER_DUPLICATE_KEY,
                _row_prefix(number, Source.MASTER) + _("職員番号「%(key)s」は%(other)s行目にもあります。"
                                                       "マスタの重複を直してください。")
                % {"key": key, "other": first_row[key]},
                row=number, source=Source.MASTER, other_row=first_row[key]))
            continue
        by_key[key] = position
        first_row[key] = number
    return by_key, problems


def validate(table: Table, mapping: Mapping, master: Table | None = None) -> ValidationReport:
    """Every problem of the survey file (and master) under ``mapping``; nothing is stored."""
    report = ValidationReport(filename=table.filename, rows=len(table.rows), columns=len(table.headers))
    if master is not None:
        report.master_filename = master.filename
        report.master_rows = len(master.rows)
        report.master_columns = len(master.headers)
    problems = report.problems
    if not table.rows:
        problems.append(Problem(HEADER_ONLY, _("見出しの行だけで、回答の行がありません。")))
        return report

    if master is not None and swap_offered(mapping, table.headers, master.headers):
        problems.append(Problem(FILES_SWAPPED, _(
            "回答ファイルと職員属性マスタが入れ替わっているようです。回答ファイルの欄のファイルに回答らしい列がなく、"
            "職員属性マスタの欄のファイルにあります（%(columns)s）。このままでは回答を属性として扱い、自由記述も"
            "確かめません。2つのファイルを入れ替えてください。") % {"columns": "、".join(answer_like(master.headers)[:3])}))

    outputs = [s for s in mapping.output_columns]
    names = Counter(s.header for s in outputs)
    for header, count in names.items():
        if count > 1:
            problems.append(Problem(DUPLICATE_COLUMN, _("「%(header)s」が回答ファイルと職員属性マスタの両方で出力する列に"
                                                        "なっています。どちらかを「使わない」にしてください。")
                                    % {"header": header}, column=header))
    if not outputs:
        problems.append(Problem(NO_OUTPUT, _("出力する列（属性・回答）がありません。列の役割を確かめてください。")))

    key_spec = mapping.key(Source.SURVEY)
    key_at = key_index(table, key_spec)
    if key_at is None:
        problems.append(Problem(NO_KEY, _("回答ファイルに職員番号の列がありません。職員番号の列を「職員番号」（key）に"
                                          "指定してください。")))

    by_master_key: dict[str, int] = {}
    if master is not None:
        by_master_key, master_problems = master_rows_by_key(master, mapping)
        problems.extend(master_problems)

    width = len(table.headers)
    first_row: dict[str, int] = {}
    ragged: set[int] = set()
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        if len(row) < width or (len(row) > width and any(cell.strip() for cell in row[width:])):
            ragged.add(number)
            problems.append(Problem(
                RAGGED_ROW,
                _row_prefix(number, Source.SURVEY)
                + _("項目の数が見出しと合いません（見出し%(width)s列、この行%(count)s列）。"
                    "引用符の閉じ忘れや、区切りの「,」の混入がないか確かめてください。")
                % {"width": width, "count": len(row)}, row=number))
        if key_at is None:
            continue
        key = normalise_key(row[key_at]) if key_at < len(row) else ""
        if not key:
            problems.append(Problem(EMPTY_KEY, _row_prefix(number, Source.SURVEY) + _("職員番号が空欄です。"),
                                    row=number, column=key_spec.header))
        elif key in first_row:
            problems.append(Problem(
                DUPLICATE_KEY,
                _row_prefix(number, Source.SURVEY)
                + _("職員番号「%(key)s」は%(other)s行目と重複しています。同じ職員の回答が2件あります。"
                    "どちらかを削除してください。") % {"key": key, "other": first_row[key]},
                row=number, column=key_spec.header, other_row=first_row[key]))
        else:
            first_row[key] = number
            if master is not None and by_master_key and key not in by_master_key:
                problems.append(Problem(
                    MISSING_IN_MASTER,
                    _row_prefix(number, Source.SURVEY)
                    + _("職員番号「%(key)s」が職員属性マスタにありません。職員番号の誤りか、マスタの漏れです。")
                    % {"key": key}, row=number, column=key_spec.header))

    order = {header: position for position, header in enumerate(table.headers)}
    for spec in mapping.of_role(Role.ANSWER, Source.SURVEY):
        if spec.header not in order:
            continue
        # A ragged row's cells are out of place: its answers are not checked one by one.
        problems.extend(p for p in _answer_problems(table, spec) if p.row not in ragged)
    problems.sort(key=lambda p: (p.source != Source.MASTER, p.row or 0, order.get(p.column, -1)))
    return report


def _answer_problems(table: Table, spec: ColumnSpec) -> list[Problem]:
    """Empty required cells and answers outside the allowed values of one column.

    Works on the column's distinct values first: a clean column of 100,000 answers costs a set, not
    100,000 checks.
    """
    column = table.column(spec.header)
    distinct = set(column)
    empty = {v for v in distinct if not v.strip()} if spec.required else set()
    outside: set[str] = set()
    if spec.allowed:
        lookup = scale_lookup(spec)
        outside = {v for v in distinct if v.strip() and lookup(v) is None}
    if not empty and not outside:
        return []
    found = []
    for value, number in zip(column, table.row_numbers, strict=True):
        if value in empty:
            found.append(Problem(EMPTY_REQUIRED, _row_prefix(number, Source.SURVEY)
                                 + _("必須の「%(column)s」が空欄です。") % {"column": spec.header},
                                 row=number, column=spec.header))
        elif value in outside:
            found.append(Problem(
                OUT_OF_RANGE,
                _row_prefix(number, Source.SURVEY)
                + _("「%(column)s」の回答「%(value)s」は選択肢（%(allowed)s）にありません。")
                % {"column": spec.header, "value": value[:50], "allowed": spec.allowed_label},
                row=number, column=spec.header))
    return found
