"""When a contract's status reports are due, from its schedule (pure reads; the services write the rows).

- Monthly (the default, without a schedule row): each calendar month of the contract's period is reported on
  the ``day``-th (10th by default) of the following month, for every month whose report falls due within the
  contract's period (委託の期限). The last month's work is reported in the year's-end report (報告書, 資料2-1
  ④⑤), so a contract from 5月1日 to 3月31日 has ten monthly reports, for May to February, due 6月10日 to 3月10日.
- On dates HR sets: one report due on each date, within the contract's period.
- None: no scheduled report, with HR's reason (requests still come).

A contract in preparation (準備中) has no reports yet: they begin when the contract is started.

The period is read within the dates the app accepts (core.bounds, 平成元年 to 2100年): a contract stored with a
date beyond them before the bounds existed (9999年12月31日 until) still opens every page, with a bounded schedule.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contracts.models import Contract
from core.bounds import DATE_MAX, DATE_MIN
from core.dates import era_year, wareki

from .models import StatusReport, StatusSchedule


@dataclass(frozen=True)
class Planned:
    key: str
    label: str
    due_on: dt.date


def schedule_of(contract: Contract) -> StatusSchedule:
    """The contract's schedule, or the default (monthly, on the 10th) when HR has set none."""
    try:
        return StatusSchedule.objects.get(contract=contract)
    except StatusSchedule.DoesNotExist:
        return StatusSchedule(contract=contract)


def month_label(year: int, month: int) -> str:
    """令和8年5月分."""
    try:
        era, number = era_year(dt.date(year, month, 1))
    except ValueError:
        return _("%(y)s年%(m)s月分") % {"y": year, "m": month}
    return _("%(era)s%(n)s年%(m)s月分") % {"era": era, "n": "元" if number == 1 else number, "m": month}


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def planned(contract: Contract, schedule: StatusSchedule | None = None) -> list[Planned]:
    """The scheduled reports of ``contract``, earliest first (none while it is in preparation)."""
    if contract.status == Contract.Status.DRAFT:
        return []
    schedule = schedule or schedule_of(contract)
    start, end = max(contract.start_date, DATE_MIN), min(contract.end_date, DATE_MAX)
    rows: list[Planned] = []
    if schedule.kind == StatusSchedule.Kind.MONTHLY:
        day = min(max(schedule.day or StatusSchedule.DEFAULT_DAY, 1), 28)
        year, month = start.year, start.month
        while True:
            due_year, due_month = _next_month(year, month)
            due = dt.date(due_year, due_month, day)
            if due > end:
                break
            rows.append(Planned(f"{year:04d}-{month:02d}", month_label(year, month), due))
            year, month = due_year, due_month
    elif schedule.kind == StatusSchedule.Kind.DATES:
        for text in sorted(set(schedule.dates or [])):
            try:
                due = dt.date.fromisoformat(text)
            except (TypeError, ValueError):
                continue
            if start <= due <= end:
                rows.append(Planned(due.isoformat(), _("%(date)s期限分") % {"date": wareki(due)}, due))
    return rows


def entries(contract: Contract, *, sched: StatusSchedule | None = None, rows=None) -> list[StatusReport]:
    """The contract's reports as they stand: the rows, and, for a scheduled report not yet written as a row (the
    daily job or the list page writes it), an unsaved one, so that a missing report still shows as due. ``sched``
    and ``rows`` when the caller read them for many contracts at once (the dashboard)."""
    if rows is None:
        rows = StatusReport.objects.filter(contract=contract).select_related("submitted_by__profile")
    rows = list(rows)
    have = {row.period_key for row in rows if row.kind == StatusReport.Kind.SCHEDULED}
    for plan in planned(contract, sched):
        if plan.key not in have:
            rows.append(StatusReport(contract=contract, kind=StatusReport.Kind.SCHEDULED, period_key=plan.key,
                                     label=plan.label, due_on=plan.due_on))
    for row in rows:
        row.contract = contract
    return sorted(rows, key=lambda row: (row.due_on, row.pk or 0))


def entries_of(contracts) -> dict[int, list[StatusReport]]:
    """:func:`entries` for each of ``contracts``, in two queries whatever their number."""
    contracts = list(contracts)
    ids = [contract.pk for contract in contracts]
    schedules = {s.contract_id: s for s in StatusSchedule.objects.filter(contract__in=ids)}
    rows: dict[int, list] = {pk: [] for pk in ids}
    for row in StatusReport.objects.filter(contract__in=ids):
        rows[row.contract_id].append(row)
    return {contract.pk: entries(contract, sched=schedules.get(contract.pk) or StatusSchedule(contract=contract),
                                 rows=rows[contract.pk]) for contract in contracts}
