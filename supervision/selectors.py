"""Reads about inspections and findings: the checklist items an inspection may examine, a contract's
inspections, which fiscal years (and approved subcontractors) still lack an inspection, the open findings that
stand between a checklist side or the contract and their closing, and what waits on the dashboards."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checklist.models import ChecklistTemplate, TemplateItem
from contracts.closing import Blocker
from contracts.models import Contract, Subcontractor
from contracts.permissions import can, contracts_where
from core.bounds import DATE_MIN
from core.dashboard import Link, Waiting
from core.dates import fiscal_year_label, wareki

from .models import Finding, Inspection, InspectionResult

# HR is reminded of an inspection this many days before its planned date.
REMIND_DAYS = 14
# The contractor is reminded of a finding's due date this many days before.
FINDING_REMIND_DAYS = 3


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (1 April to 31 March) ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


# --- the checklist items an inspection examines ----------------------------------------------------


def _template_of(contract: Contract) -> ChecklistTemplate | None:
    checklist = getattr(contract, "checklist", None)  # the reverse one-to-one raises an AttributeError when none
    if checklist is not None:
        return checklist.template
    from checklist.versions import in_force

    return in_force(contract.contract_type_id)  # the version a plan made now would start on


def checklist_items(contract: Contract) -> list[TemplateItem]:
    """The items of the contract's checklist template (both sides), in their order; the latest template before
    the contract has a checklist."""
    template = _template_of(contract)
    if template is None:
        return []
    return list(template.items.order_by("position"))


def item_choices(contract: Contract) -> list[tuple[str, str]]:
    """(key, 「区が行う対策・運用上の対策 2　契約履行の間…」) for each item, for the forms."""
    return [(item.key, item_label(item)) for item in checklist_items(contract)]


def item_label(item: TemplateItem, length: int = 40) -> str:
    text = " ".join(item.text.split())
    if len(text) > length:
        text = text[: length - 1] + "…"
    return f"{item.label}　{text}"


def item_labels(contract: Contract) -> dict[str, str]:
    """{key: 「区が行う対策・運用上の対策 2」} (the short label, as a table prints it)."""
    return {item.key: item.label for item in checklist_items(contract)}


def side_of(item_key: str) -> str:
    """The checklist side an item key belongs to ("ward", "contractor"), or "" for none."""
    # "<side>.<section>.<nn>", or with a template's prefix ("printing.ward.operational.01").
    parts = (item_key or "").split(".")
    side = parts[-3] if len(parts) >= 3 else parts[0]
    return side if side in ("ward", "contractor") else ""


# --- a contract's inspections ----------------------------------------------------------------------


def inspections_of(contract: Contract):
    findings = Prefetch("findings", queryset=Finding.objects.order_by("number"))
    rows = (Inspection.objects.filter(contract=contract).select_related("subcontractor")
            .prefetch_related(findings).order_by("-fiscal_year", "-planned_on", "-number"))
    for row in rows:
        row.contract = contract
    return rows


def inspection_detail(inspection: Inspection) -> Inspection:
    contract = inspection.contract
    results = Prefetch("results", queryset=InspectionResult.objects.select_related("recorded_by__profile"))
    findings = Prefetch("findings", queryset=Finding.objects.select_related(
        "owner__profile", "submitted_by__profile", "decided_by__profile").order_by("number"))
    inspection = (Inspection.objects.select_related("subcontractor", "planned_by__profile", "recorded_by__profile",
                                                    "cancelled_by__profile")
                  .prefetch_related(results, findings).get(pk=inspection.pk))
    inspection.contract = contract
    for finding in inspection.findings.all():
        finding.contract = contract
    return inspection


def contract_fiscal_years(contract: Contract, today: dt.date | None = None) -> list[int]:
    """The fiscal years the contract's period covers that have begun by ``today``."""
    today = today or timezone.localdate()
    # Within the dates the app accepts: a contract stored from 0001年 (before the bounds) lists no 2,000 years.
    first = fiscal_year_of(max(contract.start_date, DATE_MIN))
    last = min(fiscal_year_of(contract.end_date), fiscal_year_of(today))
    return list(range(first, last + 1))


@dataclass(frozen=True)
class Missing:
    """A fiscal year, for the contractor or one approved subcontractor, with no inspection planned or held."""

    fiscal_year: int
    subcontractor: object = None

    @property
    def text(self) -> str:
        year = fiscal_year_label(self.fiscal_year)
        if self.subcontractor is not None:
            return _("%(year)sの再委託先「%(name)s」への立入り調査等が計画されていません") % {
                "year": year, "name": self.subcontractor.name}
        return _("%(year)sの立入り調査等が計画されていません") % {"year": year}


def missing_inspections(contract: Contract, today: dt.date | None = None) -> list[Missing]:
    """Each fiscal year of the contract's period begun by today with no inspection planned or held (cancelled ones
    do not count), and each approved subcontractor without one in the current year: at least one a fiscal year per
    contract and per approved subcontractor (事務対応ガイド 4-8-9(3))."""
    return missing_for_contracts([contract], today)[contract.pk]


def missing_for_contracts(contracts, today: dt.date | None = None) -> dict[int, list[Missing]]:
    """:func:`missing_inspections` of several contracts in two queries (the dashboard asks for all of HR's)."""
    contracts = list(contracts)
    kept: dict[int, list[tuple[int, int | None]]] = {contract.pk: [] for contract in contracts}
    for contract_id, year, sub_id in (Inspection.objects.filter(contract__in=contracts)
                                      .exclude(status=Inspection.Status.CANCELLED)
                                      .values_list("contract_id", "fiscal_year", "subcontractor_id")):
        kept[contract_id].append((year, sub_id))
    subcontractors: dict[int, list] = {contract.pk: [] for contract in contracts}
    for sub in Subcontractor.objects.filter(contract__in=contracts, status=Subcontractor.Status.ACCEPTED).order_by("pk"):
        subcontractors[sub.contract_id].append(sub)
    result = {}
    for contract in contracts:
        years = contract_fiscal_years(contract, today)
        if not years:
            result[contract.pk] = []
            continue
        covered = {year for year, sub_id in kept[contract.pk] if sub_id is None}
        missing = [Missing(year) for year in years if year not in covered]
        inspected = {sub_id for year, sub_id in kept[contract.pk] if sub_id is not None and year == years[-1]}
        missing += [Missing(years[-1], sub) for sub in subcontractors[contract.pk] if sub.pk not in inspected]
        result[contract.pk] = missing
    return result


# --- open findings: what they block ----------------------------------------------------------------


def open_findings(contract: Contract):
    return (Finding.objects.filter(contract=contract).exclude(status=Finding.Status.ACCEPTED)
            .select_related("inspection").order_by("number"))


def _quote(text: str, length: int = 30) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def finding_url(finding: Finding) -> str:
    return reverse("supervision:finding", kwargs={"slug": finding.contract.slug, "pk": finding.inspection_id,
                                                  "number": finding.number})


def finding_detail(finding: Finding) -> Finding:
    contract = finding.contract
    finding = (Finding.objects.select_related("inspection__subcontractor", "owner__profile", "submitted_by__profile",
                                              "decided_by__profile", "created_by__profile").get(pk=finding.pk))
    finding.contract = finding.inspection.contract = contract
    return finding


def finding_blocker(finding: Finding) -> Blocker:
    return Blocker(_("%(finding)s「%(text)s」（%(inspection)s）への対応が完了していません（%(status)s）") % {
        "finding": finding, "text": _quote(finding.text), "inspection": finding.inspection,
        "status": finding.get_status_display()}, finding_url(finding))


def findings_blocking_lock(contract, side: str) -> list[Blocker]:
    """checklist.locking: an open finding blocks locking the side of its item; one without an item blocks both."""
    found = []
    for finding in open_findings(contract):
        finding.contract = contract
        if side_of(finding.item_key) in ("", side):
            found.append(finding_blocker(finding))
    return found


def findings_blocking_closing(contract: Contract) -> list[Blocker]:
    """contracts.closing: every open finding stands between the contract and its closing."""
    found = []
    for finding in open_findings(contract):
        finding.contract = contract
        found.append(finding_blocker(finding))
    return found


# --- the dashboards --------------------------------------------------------------------------------


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def list_url(contract: Contract) -> str:
    return reverse("supervision:list", kwargs={"slug": contract.slug})


def inspection_url(inspection: Inspection) -> str:
    return reverse("supervision:detail", kwargs={"slug": inspection.contract.slug, "pk": inspection.pk})


def waiting_for_hr(user):
    """HR: an inspection planned within 14 days, one past its planned date not recorded, a fiscal year (or an
    approved subcontractor) without any inspection planned, and responses to findings waiting for review."""
    if not user.is_authenticated:
        return []
    contracts = list(contracts_where(user, "manage").exclude(status=Contract.Status.CLOSED).exclude(
        status=Contract.Status.DRAFT).select_related("contractor"))
    if not contracts:
        return []
    today = timezone.localdate()
    rows = []
    planned = (Inspection.objects.filter(contract__in=contracts, status=Inspection.Status.PLANNED,
                                         planned_on__lte=today + dt.timedelta(days=REMIND_DAYS))
               .select_related("contract", "subcontractor").order_by("planned_on"))
    for inspection in planned:
        overdue = inspection.planned_on < today
        title = (_("%(inspection)s（%(target)s）: 予定日 %(day)sを過ぎましたが、実施が記録されていません") if overdue
                 else _("%(inspection)s（%(target)s）: %(day)sに実施予定です")) % {
            "inspection": inspection, "target": inspection.target_name, "day": wareki(inspection.planned_on)}
        rows.append(Waiting(title=title, url=inspection_url(inspection), contract=inspection.contract,
                            due=_end_of_day(inspection.planned_on), overdue=overdue))
    missing = missing_for_contracts(contracts, today)
    for contract in contracts:
        for row in missing[contract.pk]:
            rows.append(Waiting(title=row.text, url=list_url(contract), contract=contract))
    submitted = (Finding.objects.filter(contract__in=contracts, status=Finding.Status.SUBMITTED)
                 .select_related("contract").order_by("submitted_at"))
    for finding in submitted:
        rows.append(Waiting(title=_("%(finding)s: 委託先の回答を確認してください（受理・差戻し）") % {"finding": finding},
                            url=finding_url(finding), contract=finding.contract, since=finding.submitted_at,
                            since_label=_("回答")))
    return rows


def findings_for_contractor(user):
    """The findings waiting for this person's response: those they own, and every one of a contract they manage."""
    if not user.is_authenticated:
        return Finding.objects.none()
    receiving = contracts_where(user, "receive").exclude(status=Contract.Status.CLOSED)
    managing = contracts_where(user, "contractor_side").exclude(status=Contract.Status.CLOSED)
    open_states = (Finding.Status.DRAFT, Finding.Status.RETURNED)
    return (Finding.objects.filter(status__in=open_states)
            .filter(contract__in=managing) | Finding.objects.filter(
                status__in=open_states, contract__in=receiving, owner=user)).select_related("contract").distinct()


def waiting_for_contractor(user):
    """The contractor: findings waiting for their response (sent back ones too), with the due date."""
    rows = []
    today = timezone.localdate()
    for finding in findings_for_contractor(user).order_by("due_on", "number"):
        title = (_("%(finding)s（差戻し）: 理由を見て対応し、もう一度回答してください") if finding.is_returned
                 else _("%(finding)s: 対応して回答してください")) % {"finding": finding}
        rows.append(Waiting(title=title, url=finding_url(finding), contract=finding.contract,
                            due=_end_of_day(finding.due_on), overdue=finding.due_on < today))
    return rows


def waiting(user):
    return [*waiting_for_hr(user), *waiting_for_contractor(user)]


def supervision_links(user, contract):
    """The contract's menu (the auditors' contract view included): the inspections."""
    if not user.is_authenticated or not can(user, contract, "view"):
        return []
    return [Link(_("立入り調査等"), list_url(contract))]
