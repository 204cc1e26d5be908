"""Reads: a contract's status reports as they stand, the counts other apps show (:func:`report_summary`),
whether a new management-structure report is wanted (:func:`structure_wanted`), and what waits on the dashboard."""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, Designation
from contracts.permissions import can, contracts_where
from core.dashboard import Link, Waiting
from core.dates import wareki

from . import schedule
from .models import StatusReport, StatusSchedule, StructureReport

# The contractor's dashboard shows a report from this many days before its due date.
DUE_SOON_DAYS = 7


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def report_summary(contract: Contract, today: dt.date | None = None) -> dict:
    """Counts of ``contract``'s status reports, today (Tokyo): ``due`` (due date come, scheduled or requested,
    whether written or missing), ``accepted``, ``submitted`` (waiting for the ward), ``overdue`` (past the due
    date and not with the ward) and ``requested`` (asked for by the ward). For the checklist's item 02."""
    today = today or timezone.localdate()
    reports = schedule.entries(contract)
    return {
        "due": sum(1 for r in reports if r.due_on <= today),
        "accepted": sum(1 for r in reports if r.is_accepted),
        "submitted": sum(1 for r in reports if r.is_submitted),
        "overdue": sum(1 for r in reports if r.is_overdue(today)),
        "requested": sum(1 for r in reports if r.is_requested),
    }


def overdue_counts(contracts, today: dt.date | None = None) -> dict[int, int]:
    """``report_summary(contract)["overdue"]`` of each of ``contracts`` in two queries, without building the unsaved
    rows :func:`schedule.entries` adds for a scheduled report not yet written (the register of every contract of
    the ward asks): a row counts when :meth:`StatusReport.is_overdue`; a report not yet written is a draft, with
    the ward's submitter, so it counts once its due date has passed."""
    today = today or timezone.localdate()
    contracts = list(contracts)
    ids = [contract.pk for contract in contracts]
    schedules = {s.contract_id: s for s in StatusSchedule.objects.filter(contract__in=ids)}
    counts = dict.fromkeys(ids, 0)
    written: dict[int, set[str]] = {pk: set() for pk in ids}
    for row in StatusReport.objects.filter(contract__in=ids).only("contract_id", "kind", "period_key", "status",
                                                                    "due_on"):
        if row.kind == StatusReport.Kind.SCHEDULED:
            written[row.contract_id].add(row.period_key)
        if row.is_overdue(today):
            counts[row.contract_id] += 1
    for contract in contracts:
        sched = schedules.get(contract.pk) or StatusSchedule(contract=contract)
        counts[contract.pk] += sum(1 for plan in schedule.planned(contract, sched)
                                   if plan.key not in written[contract.pk] and plan.due_on < today)
    return counts


def report_file_refs(contract: Contract) -> tuple:
    """The files of ``contract``'s submitted and accepted status reports, for item 02's evidence
    (``core.evidence.FileRef``: name, SHA-256, version)."""
    from attachments.selectors import file_refs

    reports = list(StatusReport.objects.filter(contract=contract, status__in=[
        StatusReport.Status.SUBMITTED, StatusReport.Status.ACCEPTED]))
    return file_refs(reports) if reports else ()


def structure_reports_of(contract: Contract):
    return StructureReport.objects.filter(contract=contract).select_related(
        "submitted_by__profile", "decided_by__profile", "created_by__profile")


def last_accepted_structure(contract: Contract) -> StructureReport | None:
    return (StructureReport.objects.filter(contract=contract, status=StructureReport.Status.ACCEPTED)
            .order_by("-submitted_at", "-pk").first())


def structure_wanted(contract: Contract, today: dt.date | None = None) -> str | None:
    """Why a new report of the management structure is wanted now, or None: the first one once the contract is in
    force, and a new one whenever a designation was approved or revoked after the last accepted report was
    submitted (書面で報告し、変更があったときも同様). None before the contract starts and once it is closed."""
    today = today or timezone.localdate()
    if contract.status != Contract.Status.ACTIVE or today < contract.start_date:
        return None
    return structure_gap(contract)


def structure_gap(contract: Contract) -> str | None:
    """What the accepted structure reports lack, whatever the contract's state (see :func:`structure_wanted`)."""
    return _gap(last_accepted_structure(contract), Designation.objects.filter(contract=contract))


def _gap(last: StructureReport | None, designations) -> str | None:
    if last is None:
        return _("契約締結後の管理体制の報告（書面）が、まだ受理されていません。")
    since = last.submitted_at
    changed = [d for d in designations if (d.status == Designation.Status.APPROVED and d.decided_at
                                           and d.decided_at > since) or (d.revoked_at and d.revoked_at > since)]
    if changed:
        return _("最後に受理された管理体制の報告（%(date)s提出）の後に、取扱責任者・取扱者の承認または取消があります。"
                 "変更後の体制を報告してください。") % {"date": wareki(since)}
    return None


def _structures_of(contracts) -> dict[int, tuple[list[StructureReport], str | None]]:
    """For each contract in force: its structure reports and why a new one is wanted (None), in two queries."""
    ids = [contract.pk for contract in contracts]
    reports: dict[int, list] = {pk: [] for pk in ids}
    for report in StructureReport.objects.filter(contract__in=ids).order_by("-submitted_at", "-pk"):
        reports[report.contract_id].append(report)
    designations: dict[int, list] = {pk: [] for pk in ids}
    for d in Designation.objects.filter(contract__in=ids).filter(
            Q(status=Designation.Status.APPROVED) | Q(revoked_at__isnull=False)).only(
            "contract_id", "status", "decided_at", "revoked_at"):
        designations[d.contract_id].append(d)
    today = timezone.localdate()
    found = {}
    for contract in contracts:
        last = next((r for r in reports[contract.pk] if r.is_accepted), None)
        wanted = None if today < contract.start_date else _gap(last, designations[contract.pk])
        for report in reports[contract.pk]:
            report.contract = contract
        found[contract.pk] = (reports[contract.pk], wanted)
    return found


# --- the dashboard and the menu -------------------------------------------------------------------------


def _url(report: StatusReport) -> str:
    if report.pk is None:
        return reverse("statusreports:list", kwargs={"slug": report.contract.slug})
    return reverse("statusreports:detail", kwargs={"slug": report.contract.slug, "pk": report.pk})


def waiting_reports(user):
    """The handling manager: reports due within a week or overdue, requests, a structure report wanted, a report
    sent back. HR: reports waiting for a decision, and overdue ones. The same number of queries for one contract
    or many."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    managed = list(contracts_where(user, "manage").filter(status=Contract.Status.ACTIVE))
    contractor = list(contracts_where(user, "contractor_side").filter(status=Contract.Status.ACTIVE))
    every = list({contract.pk: contract for contract in managed + contractor}.values())
    reports = schedule.entries_of(every)
    structures = _structures_of(every)
    rows = []
    for contract in managed:
        for report in reports[contract.pk]:
            if report.is_submitted:
                rows.append(Waiting(title=_("状況報告の確認をしてください: %(label)s") % {"label": report.label},
                                    url=_url(report), contract=contract, since=report.submitted_at,
                                    since_label=_("提出")))
            elif report.is_overdue(today):
                rows.append(Waiting(title=_("状況報告が期限を過ぎても提出されていません: %(label)s") % {"label": report.label},
                                    url=_url(report), contract=contract, due=end_of_day(report.due_on), overdue=True))
        for report in structures[contract.pk][0]:
            if report.is_submitted:
                rows.append(Waiting(title=_("%(thing)sの確認をしてください") % {"thing": report.review_flow.name(report)},
                                    url=reverse("statusreports:structure_detail",
                                                kwargs={"slug": contract.slug, "pk": report.pk}),
                                    contract=contract, since=report.submitted_at, since_label=_("提出")))
    for contract in contractor:
        for report in reports[contract.pk]:
            if not report.is_with_submitter:
                continue
            overdue = report.is_overdue(today)
            if report.is_returned:
                title = _("状況報告が差し戻されました: %(label)s（理由: %(reason)s）") % {
                    "label": report.label, "reason": report.return_reason}
            elif report.is_requested:
                title = _("区から状況報告を求められています: %(label)s") % {"label": report.label}
            elif overdue or report.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
                title = _("状況報告を提出してください: %(label)s") % {"label": report.label}
            else:
                continue
            rows.append(Waiting(title=title, url=_url(report), contract=contract, due=end_of_day(report.due_on),
                                overdue=overdue))
        structure_reports, wanted = structures[contract.pk]
        if wanted:
            rows.append(Waiting(title=_("管理体制を書面で報告してください: %(why)s") % {"why": wanted},
                                url=reverse("statusreports:structure_list", kwargs={"slug": contract.slug}),
                                contract=contract))
        for report in structure_reports:
            if report.is_returned:
                rows.append(Waiting(title=_("%(thing)sが差し戻されました（理由: %(reason)s）") % {
                    "thing": report.review_flow.name(report), "reason": report.return_reason},
                    url=reverse("statusreports:structure_detail", kwargs={"slug": contract.slug, "pk": report.pk}),
                    contract=contract, since=report.decided_at, since_label=_("差戻し")))
    return rows


def report_links(user, contract):
    if not user.is_authenticated or not can(user, contract, "view"):
        return []
    return [Link(_("状況報告"), reverse("statusreports:list", kwargs={"slug": contract.slug})),
            Link(_("管理体制の報告"), reverse("statusreports:structure_list", kwargs={"slug": contract.slug}))]
