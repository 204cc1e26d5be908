"""Reads that depend on who asks: a contract's incidents, an incident's timeline, what waits on the dashboard,
and :func:`open_incidents`, which closing a contract asks."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract
from contracts.permissions import can, contracts_where
from core.dashboard import Link, Waiting
from core.dates import wareki_datetime

from . import rules
from .assessment import Assessment, assess
from .models import Incident, IncidentEvent


def open_incidents(contract: Contract):
    """The incidents of ``contract`` HR has not closed yet, oldest first. An open incident blocks closing
    the contract (「事故が発生した場合…は、直ちに委託先と今後の対応を協議する」: it is not over until HR says so)."""
    return (Incident.objects.filter(contract=contract, status=Incident.Status.OPEN)
            .select_related("contract").order_by("number"))


def _with_rows(queryset):
    events = Prefetch("events", queryset=IncidentEvent.objects.select_related("recorded_by__profile"))
    return queryset.select_related("contract", "reported_by__profile", "closed_by__profile").prefetch_related(
        "items", events)


def incidents_of(contract: Contract) -> list[tuple[Incident, Assessment]]:
    """A contract's incidents, open ones first, each with its assessment."""
    incidents = _with_rows(Incident.objects.filter(contract=contract)).order_by("-status", "-number")
    rows = []
    for incident in incidents:
        incident.contract = contract  # keeps the roles contract_for read for this request
        rows.append((incident, assess(incident)))
    return rows


def incident_detail(incident: Incident) -> Incident:
    contract = incident.contract
    incident = _with_rows(Incident.objects.filter(pk=incident.pk)).get()
    incident.contract = contract
    return incident


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    title: str
    person: object = None
    note: str = ""
    kind: str = ""


def timeline(incident: Incident) -> list[Entry]:
    """What was done, oldest first: the report, each entry of the timeline, and the closing."""
    entries = [Entry(incident.reported_at, _("事故の報告（発見 %(when)s）") % {
        "when": wareki_datetime(incident.discovered_at)}, incident.reported_by, kind="reported")]
    for event in incident.events.all():
        entries.append(Entry(event.happened_at, event.get_kind_display(), event.recorded_by, event.note, event.kind))
    if incident.closed_at:
        note = incident.closing_summary
        if incident.missing_reports_reason:
            note += "\n" + _("報告等の記録がないまま終結した理由: %(reason)s") % {"reason": incident.missing_reports_reason}
        entries.append(Entry(incident.closed_at, _("終結"), incident.closed_by, note, "closed"))
    # To the minute, as the forms give it: a step recorded the minute the incident was reported follows the report.
    order = {"reported": 0, "closed": 2}
    return sorted(entries, key=lambda e: (e.at.replace(second=0, microsecond=0), order.get(e.kind, 1)))


# --- the dashboard -------------------------------------------------------------------------------

SHORT = {IncidentEvent.Kind.PPC_PRELIMINARY: gettext_lazy("速報"), IncidentEvent.Kind.PPC_FINAL: gettext_lazy("確報")}


def deadlines_text(assessment: Assessment) -> str:
    """速報 令和8年11月29日〜令和8年12月1日（3〜5日以内（目安））、確報 令和8年12月26日まで（30日以内）."""
    parts = []
    for step in assessment.steps:
        if step.due_to is None:
            continue
        text = f"{SHORT.get(step.kind, step.label)} {step.due_text}"
        if step.done:
            text += _("（記録済み）")
        parts.append(text)
    return "、".join(parts)


def reportability_text(assessment: Assessment) -> str:
    if assessment.decision.required:
        return _("個人情報保護委員会への報告が必要: %(deadlines)s") % {"deadlines": deadlines_text(assessment)}
    return _("個人情報保護委員会への報告は不要")


def waiting_incidents(user):
    """Open incidents, on the dashboards of HR of the contract and of its handling managers, with whether
    they must be reported to the Commission and the deadlines."""
    if not user.is_authenticated:
        return []
    contracts = contracts_where(user, "manage") | contracts_where(user, "contractor_side")
    incidents = _with_rows(Incident.objects.filter(contract__in=contracts, status=Incident.Status.OPEN)).order_by(
        "contract", "number")
    today = timezone.localdate()
    rows = []
    for incident in incidents:
        assessment = assess(incident)
        step = assessment.next_due()
        due = rules.end_of_day(step.due_to) if step is not None else None
        title = _("事故 No.%(n)s（%(kind)s）対応中 — %(reportability)s") % {
            "n": incident.number, "kind": incident.get_kind_display(), "reportability": reportability_text(assessment)}
        rows.append(Waiting(title=title, url=reverse("incidents:detail", kwargs={
            "slug": incident.contract.slug, "pk": incident.pk}), contract=incident.contract, due=due,
            overdue=bool(assessment.overdue(today))))
    return rows


def incident_links(user, contract):
    if not user.is_authenticated or not can(user, contract, "view"):
        return []
    return [Link(_("事故"), reverse("incidents:list", kwargs={"slug": contract.slug}))]
