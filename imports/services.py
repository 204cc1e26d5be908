"""Checking a file row by row, and importing it all or nothing.

``import_check`` reads every row (each cell's value and bounds: :mod:`imports.kinds`), then writes every row
through the owning services inside a transaction that is always rolled back: a row the service would refuse
(a 課 under a 課, a person of another company, a contract outside the clerk's sections) is refused with the
service's own words, and the preview says exactly what the import will do. ``import_run`` does the same in
one transaction that stays only when no row is refused: nothing is written until the whole file is valid,
and a failure halfway rolls everything back. Each object's service writes its own audit entry; the run adds
one ``imports.run.completed`` (kind, rows, counts, the file's SHA-256; never a row's content).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Organisation
from core.errors import DomainError

from .kinds import CellErrors, Done, Kind
from .models import ImportRun
from .permissions import may_run_import
from .reading import Sheet, normalise


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header row is 1 in a file that starts with it)
    column: str  # the column's header as the template prints it; "" for the row or the file
    message: str


@dataclass
class Outcome:
    rows: int
    done: list[tuple[int, Done]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(1 for _row, done in self.done if done.action == "created")

    @property
    def updated(self) -> int:
        return sum(1 for _row, done in self.done if done.action == "updated")


class ImportRefused(DomainError):
    """A row was refused: nothing was written; ``outcome`` lists every error."""

    def __init__(self, outcome: Outcome):
        super().__init__(_("取り込めない行が%(n)s件あるため、何も登録していません。ファイルを直して、もう一度アップロードして"
                           "ください。") % {"n": len(outcome.errors)}, code="rows_refused")
        self.outcome = outcome


# How many rows below the first the header row may be (a title, a date, a blank line and a note above the table).
HEADER_SEARCH = 10


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _header(kind: Kind, key: str) -> str:
    return str(kind.column(key).header) if key in {c.key for c in kind.columns} else ""


def _matches(kind: Kind, headers) -> int:
    names = set().union(*(c.names() for c in kind.columns))
    return sum(1 for header in headers if normalise(header) in names)


def locate_header(kind: Kind, sheet: Sheet) -> Sheet:
    """A ward's Excel often has a title and a date above its table (「令和8年度 委託契約一覧」): the header row is the
    first of the top rows that names the most of the kind's columns, and the rows above it are left out."""
    candidates = [(sheet.header_row, sheet.headers, 0)]
    candidates += [(number, row, index + 1) for index, (number, row) in enumerate(zip(sheet.numbers[:HEADER_SEARCH],
                                                                                   sheet.rows[:HEADER_SEARCH], strict=True))]
    best = max(candidates, key=lambda candidate: (_matches(kind, candidate[1]), -candidate[2]))
    number, headers, skip = best
    if skip == 0 or not _matches(kind, headers):
        return sheet
    return Sheet(headers=[normalise(h) for h in headers], rows=sheet.rows[skip:], numbers=sheet.numbers[skip:],
                 header_row=number, source=sheet.source)


def map_columns(kind: Kind, sheet: Sheet) -> tuple[dict[str, int], list[RowError]]:
    """Which column of the file each of the kind's columns is; the missing ones as one error on the header row."""
    found: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        for column in kind.columns:
            if column.key not in found and normalise(header) in column.names():
                found[column.key] = index
    missing = [str(c.header) + (_("（または「%(other)s」）") % {"other": kind.column(c.instead).header} if c.instead else "")
               for c in kind.columns if c.required and c.key not in found and not (c.instead and c.instead in found)]
    errors = []
    if missing:
        errors.append(RowError(sheet.header_row, "、".join(missing),
                               _("見出しの行に次の列がありません: %(columns)s。ひな形の見出しをそのまま使ってください。")
                               % {"columns": "、".join(f"「{m}」" for m in missing)}))
    return found, errors


def _rows(sheet: Sheet, found: dict[str, int]) -> list[tuple[int, dict]]:
    return [(number, {key: (values[index] if index < len(values) else "") for key, index in found.items()})
            for number, values in zip(sheet.numbers, sheet.rows, strict=True)]


def _arrange_units(kind: Kind, rows: list[tuple[int, dict]], errors: list[RowError]) -> list[tuple[int, dict]]:
    """Parents before their children (a file may list them in any order); a code twice, a parent nobody has and
    a circle of parents are refused at their rows."""
    first_row: dict[str, int] = {}
    kept = []
    for number, row in rows:
        code = normalise(row.get("code", ""))
        if code and code in first_row:
            errors.append(RowError(number, _header(kind, "code"), _("組織コード「%(code)s」が%(row)s行目と重複しています。")
                                   % {"code": code, "row": first_row[code]}))
            continue
        if code:
            first_row[code] = number
        kept.append((number, row))
    known = set(Organisation.objects.filter(code__in=[normalise(r.get("parent", "")) for _n, r in kept])
                .values_list("code", flat=True))
    waiting, ordered, placed = [], [], set(known) - set(first_row)
    for number, row in kept:
        parent = normalise(row.get("parent", ""))
        if parent and parent not in first_row and parent not in known:
            errors.append(RowError(number, _header(kind, "parent"),
                                   _("上位組織コード「%(code)s」の組織がありません（このファイルの中にも、登録済みの組織にも）。")
                                   % {"code": parent}))
            continue
        waiting.append((number, row))
    while waiting:
        ready = [(n, r) for n, r in waiting
                 if not normalise(r.get("parent", "")) or normalise(r.get("parent", "")) in placed
                 or normalise(r.get("parent", "")) not in first_row]
        if not ready:
            for number, _row in waiting:
                errors.append(RowError(number, _header(kind, "parent"), _("上位組織コードが循環しています。")))
            break
        for number, row in ready:
            ordered.append((number, row))
            placed.add(normalise(row.get("code", "")))
        done = {number for number, _row in ready}
        waiting = [(n, r) for n, r in waiting if n not in done]
    return ordered


def _write_all(kind: Kind, rows: list[tuple[int, dict]], *, actor, request, outcome: Outcome) -> None:
    """Every row through its service, each in a savepoint so that one refused row leaves the others to be checked."""
    context: dict = {}
    readied = []
    for number, row in rows:
        context["row"] = number
        try:
            readied.append((number, kind.read(row, context)))
        except CellErrors as cells:
            for key, message in cells.errors.items():
                outcome.errors.append(RowError(number, _header(kind, key), message))
    for number, data in readied:
        try:
            with transaction.atomic():
                outcome.done.append((number, kind.write(data, actor=actor, request=request)))
        except DomainError as error:
            column = kind.field_columns.get(error.field or "", "")
            outcome.errors.append(RowError(number, _header(kind, column), str(error.message)))
        except IntegrityError:
            # Someone else registered the same name or code between the check and this row (the savepoint is undone).
            outcome.errors.append(RowError(number, "", _("同じ名称又はコードのものが、いま別に登録されたため登録できません。"
                                                         "もう一度アップロードしてください。")))
        except PermissionDenied:
            outcome.errors.append(RowError(number, "", _("この行の登録は、取り込む方の権限ではできません（担当する課の契約か、"
                                                         "登録の権限があるかを確かめてください）。")))


def _outcome(kind: Kind, sheet: Sheet, *, actor, request) -> Outcome:
    outcome = Outcome(rows=len(sheet.rows))
    refusal = kind.may_write(actor)
    if refusal:
        outcome.errors.append(RowError(sheet.header_row, "", refusal))
        return outcome
    sheet = locate_header(kind, sheet)
    outcome.rows = len(sheet.rows)
    if not sheet.rows:
        outcome.errors.append(RowError(sheet.header_row, "", _("見出しの行（%(row)s行目）だけで、データの行がありません。")
                                       % {"row": sheet.header_row}))
        return outcome
    found, errors = map_columns(kind, sheet)
    outcome.errors.extend(errors)
    if errors:
        return outcome
    rows = _rows(sheet, found)
    if kind.key == "units":
        rows = _arrange_units(kind, rows, outcome.errors)
    _write_all(kind, rows, actor=actor, request=request, outcome=outcome)
    outcome.errors.sort(key=lambda e: e.row)
    outcome.done.sort(key=lambda pair: pair[0])
    return outcome


def import_check(*, kind: Kind, sheet: Sheet, actor, request=None) -> Outcome:
    """What importing ``sheet`` would do, row by row, and every row's errors; nothing stays written."""
    may_run_import(actor).or_403().require()
    with transaction.atomic():
        outcome = _outcome(kind, sheet, actor=actor, request=request)
        transaction.set_rollback(True)
    return outcome


@transaction.atomic
def import_run(*, kind: Kind, sheet: Sheet, filename: str, digest: str, actor, request=None) -> ImportRun:
    """Import every row, or none: any refused row raises :class:`ImportRefused` and rolls everything back."""
    may_run_import(actor).or_403().require()
    outcome = _outcome(kind, sheet, actor=actor, request=request)
    if not outcome.ok:
        transaction.set_rollback(True)
        raise ImportRefused(outcome)
    run = ImportRun.objects.create(kind=kind.key, filename=(filename or "")[:255], sha256=digest, rows=outcome.rows,
                                   created=outcome.created, updated=outcome.updated, imported_at=timezone.now(),
                                   imported_by=actor)
    audit_log(action="imports.run.completed", actor=actor, obj=run, request=request, payload={
        "kind": kind.key, "rows": outcome.rows, "created": outcome.created, "updated": outcome.updated,
        "sha256": digest})
    return run
