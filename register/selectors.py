"""The register (委託一覧): every contract a person reads for audit, filtered, with what needs attention, and the
council's annual summary. Which contracts a person sees is only ever ``contracts_where(user, "audit")``."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from contracts.models import Contract, Organisation
from contracts.permissions import contracts_where
from contracts.scopes import scope_q
from handover.models import Handover, Item
from incidents.models import Incident
from supervision.models import Inspection

from .attention import Attention, attention_for
from .forms import State


def scope(user):
    """The contracts ``user`` reads and exports for audit now (the privacy and audit offices in their scope, a
    section's staff on their section's contracts)."""
    return contracts_where(user, "audit")


def years_in(contracts) -> list[int]:
    return sorted(set(contracts.values_list("fiscal_year", flat=True)), reverse=True)


def contractor_ids_in(contracts) -> set[int]:
    return set(contracts.values_list("contractor_id", flat=True))


def state_q(state: str, today: dt.date) -> Q:
    """The four states as ``Contract.state_label`` reads them: past its end and not closed is 期間終了・未完了,
    whatever its status."""
    closed = Q(status=Contract.Status.CLOSED)
    if state == State.CLOSED:
        return closed
    if state == State.PAST_END:
        return ~closed & Q(end_date__lt=today)
    status = Contract.Status.DRAFT if state == State.DRAFT else Contract.Status.ACTIVE
    return Q(status=status, end_date__gte=today)


def filtered(contracts, filters: dict, today: dt.date | None = None):
    today = today or timezone.localdate()
    if filters.get("fiscal_year"):
        contracts = contracts.filter(fiscal_year=filters["fiscal_year"])
    if filters.get("department"):
        contracts = contracts.filter(scope_q(filters["department"]))
    if filters.get("section"):
        contracts = contracts.filter(scope_q(filters["section"]))
    if filters.get("contractor"):
        contracts = contracts.filter(contractor=filters["contractor"])
    if filters.get("contract_type"):
        contracts = contracts.filter(contract_type=filters["contract_type"])
    if filters.get("state"):
        contracts = contracts.filter(state_q(filters["state"], today))
    return contracts


def department_of(section: Organisation | None) -> Organisation | None:
    """The 部 above a section (or a 係), from the parents read with it; None when it stands under none."""
    unit = section
    for _level in range(3):
        if unit is None:
            return None
        if unit.kind == Organisation.Kind.DEPARTMENT:
            return unit
        unit = unit.parent
    return None


def section_label(unit: Organisation | None) -> str:
    """The owning section as the ward writes it in 担当課: the 課, and a 係 after its 課 (「人事課 人材育成等担当」)."""
    if unit is None:
        return ""
    if unit.kind == Organisation.Kind.UNIT and unit.parent is not None:
        return f"{unit.parent.name} {unit.name}"
    return unit.name


@dataclass
class Row:
    contract: Contract
    attention: Attention

    @property
    def department(self):
        return department_of(self.contract.ward_section)

    @property
    def section(self) -> str:
        return section_label(self.contract.ward_section)


@dataclass
class Totals:
    contracts: int = 0
    inspections_overdue: int = 0
    reports_overdue: int = 0
    media_not_back: int = 0
    deletion_not_accepted: int = 0
    open_incidents: int = 0
    ppc_overdue: int = 0
    certificates_expiring: int = 0  # distinct certificates: a contractor with several contracts counts once
    past_end: int = 0
    needing_attention: int = 0


def totals_of(rows: list[Row]) -> Totals:
    totals = Totals(contracts=len(rows))
    certificates = set()
    for row in rows:
        a = row.attention
        totals.inspections_overdue += a.inspections_overdue
        totals.reports_overdue += a.reports_overdue
        totals.media_not_back += a.media_not_back
        totals.deletion_not_accepted += int(a.deletion_not_accepted)
        totals.open_incidents += a.open_incidents
        totals.ppc_overdue += int(a.ppc_overdue)
        totals.past_end += int(a.past_end)
        totals.needing_attention += int(a.any)
        certificates |= {c.pk for c in a.certificates}
    totals.certificates_expiring = len(certificates)
    return totals


def register_rows(contracts, today: dt.date | None = None) -> list[Row]:
    """The rows of the register for ``contracts`` (already scoped and filtered), in a fixed number of queries."""
    today = today or timezone.localdate()
    contracts = list(contracts.select_related("contractor", "contract_type", "ward_section__parent__parent")
                     .order_by("-fiscal_year", "ward_section__code", "ward_section__name", "title", "pk"))
    attention = attention_for(contracts, today)
    return [Row(contract, attention[contract.pk]) for contract in contracts]


# --- the council's annual summary ------------------------------------------------------------------

_NUMBER = re.compile(r"^(?:約|およそ)?([0-9][0-9,]*)(?:人|名|件)?$")


def people_number(text: str) -> int | None:
    """対象者数 as a number when it is one: 「3000」「約 3,000 人」「1,200名」 (full-width digits too); None for
    「区職員全員」 or 「3,000人（予定）」, which the summary counts apart."""
    squeezed = "".join(unicodedata.normalize("NFKC", text or "").split())
    match = _NUMBER.match(squeezed)
    if not match:
        return None
    try:
        return int(match.group(1).replace(",", ""))
    except ValueError:
        return None


@dataclass
class Summary:
    fiscal_year: int
    contracts: int = 0
    people: int = 0
    people_not_numeric: int = 0
    not_numeric_titles: list = field(default_factory=list)
    media_handed_over: int = 0
    incidents: int = 0
    incidents_open: int = 0
    inspections_done: int = 0

    @property
    def people_display(self) -> str:
        return f"{self.people:,}"


def council_summary(contracts, fiscal_year: int) -> Summary:
    """The figures of one fiscal year for the council's annual report, over ``contracts`` (scoped and filtered):
    the contracts; 対象者数 summed where it is a number, and how many are not; the media (電磁的媒体) handed over to
    the contractor (on a delivery not cancelled); the incidents reported; the inspections held."""
    year = contracts.filter(fiscal_year=fiscal_year)
    summary = Summary(fiscal_year=fiscal_year)
    for title, count in year.values_list("title", "subject_count").order_by("title"):
        summary.contracts += 1
        number = people_number(count)
        if number is None:
            summary.people_not_numeric += 1
            summary.not_numeric_titles.append(title)
        else:
            summary.people += number
    ids = year.values("pk")
    summary.media_handed_over = Item.objects.filter(
        contract__in=ids, category=Item.Category.MEDIUM,
        handover_lines__handover__direction=Handover.Direction.DELIVERY,
        handover_lines__handover__status__in=[Handover.Status.IN_TRANSIT, Handover.Status.ACKNOWLEDGED],
    ).distinct().count()
    incidents = Incident.objects.filter(contract__in=ids)
    summary.incidents = incidents.count()
    summary.incidents_open = incidents.filter(status=Incident.Status.OPEN).count()
    summary.inspections_done = Inspection.objects.filter(contract__in=ids, status=Inspection.Status.DONE).count()
    return summary


def current_fiscal_year(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1
