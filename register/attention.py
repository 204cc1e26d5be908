"""What needs attention on each contract of the register, counted by the rule of the app that owns it.

Every figure here is the owning app's own answer, asked for many contracts at once so that the register costs
the same number of queries for five contracts or five hundred (tests/register/test_attention_agrees.py checks
each against the owning app's per-contract answer):

- 立入り調査等の予定日超過 (supervision): an inspection still planned whose day has passed, on a contract in force
  (HR's dashboard: 「予定日 …を過ぎましたが、実施が記録されていません」; not for a contract in preparation or closed);
- 状況報告の期限超過 (statusreports): a report past its due date and not with the ward
  (``StatusReport.is_overdue``, read through ``schedule.entries_of``), on a contract in force (履行中), as HR's
  dashboard and ``report_summary`` count it;
- 記録媒体等の未返却 (yearend's closing blocker): once the period is over and the contract not closed, every item not
  at the ward and not destroyed under an accepted deletion report;
- 消去報告書の未受理 (yearend's closing blocker): once the period is over, data went out (a delivery acknowledged) and
  no deletion report has been accepted;
- 対応中の事故 (incidents): incidents HR has not closed, with the nearest report to the Commission still to record
  (``Assessment.next_due``) and whether one is overdue;
- 認証の期限 (environment): the contractor's certificates lapsing within 30 days or lapsed with no renewal recorded
  (``environment.selectors.expiring_certificates``);
- 期間終了・未完了 (contracts): ``Contract.is_past_end``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from contracts.models import Contract
from environment.models import EnvironmentProfile
from environment.selectors import expiring_certificates
from incidents.assessment import assess_many
from incidents.models import Incident
from incidents.selectors import SHORT
from statusreports.selectors import overdue_counts
from supervision.models import Inspection
from yearend.closing import deletion_report_missing, items_not_back


@dataclass
class Attention:
    inspections_overdue: int = 0
    reports_overdue: int = 0
    media_not_back: int = 0
    deletion_not_accepted: bool = False
    open_incidents: int = 0
    next_ppc_due: dt.date | None = None
    next_ppc_label: str = ""
    ppc_overdue: bool = False
    certificates: list = field(default_factory=list)
    incidents: list = field(default_factory=list)  # (incident, assessment) of the open ones
    past_end: bool = False

    @property
    def certificates_expiring(self) -> int:
        return len(self.certificates)

    @property
    def any(self) -> bool:
        return bool(self.inspections_overdue or self.reports_overdue or self.media_not_back
                    or self.deletion_not_accepted or self.open_incidents or self.certificates or self.past_end)


def _in_force(contract: Contract) -> bool:
    return contract.status == Contract.Status.ACTIVE


def inspections_overdue(contracts, today: dt.date) -> dict[int, int]:
    """Planned inspections past their day, per contract in force (supervision's HR dashboard rule)."""
    ids = [c.pk for c in contracts if _in_force(c)]
    rows = (Inspection.objects.filter(contract_id__in=ids, status=Inspection.Status.PLANNED, planned_on__lt=today)
            .values("contract_id").annotate(n=Count("pk")).order_by())
    return {row["contract_id"]: row["n"] for row in rows}


def reports_overdue(contracts, today: dt.date) -> dict[int, int]:
    """Status reports past due and not with the ward, per contract in force (statusreports' rule, its bulk
    ``overdue_counts``)."""
    return overdue_counts([c for c in contracts if _in_force(c)], today)


def media_not_back(contracts) -> dict[int, int]:
    """Items not back at the ward (nor destroyed under an accepted deletion report), per contract past its end
    and not closed (yearend's closing blocker, which the contract page shows once the period is over)."""
    return items_not_back([c.pk for c in contracts if c.is_past_end])


def deletion_not_accepted(contracts) -> set[int]:
    """Contracts past their end and not closed on which data went out and no deletion report was accepted
    (yearend's closing blocker 「消去報告書が受理されていません」)."""
    return deletion_report_missing([c.pk for c in contracts if c.is_past_end])


def open_incidents(contracts) -> dict[int, list]:
    """{contract id: [(incident, assessment), …]} of the incidents HR has not closed."""
    ids = [c.pk for c in contracts]
    incidents = list(Incident.objects.filter(contract_id__in=ids, status=Incident.Status.OPEN).order_by("number"))
    assessments = assess_many(incidents)
    found: dict[int, list] = {}
    for incident in incidents:
        found.setdefault(incident.contract_id, []).append((incident, assessments[incident.pk]))
    return found


def certificates_by_contractor(contractor_ids, today: dt.date) -> dict[int, list]:
    """{organisation id: [certificate, …]} lapsing within the notice period or lapsed (environment's rule)."""
    profiles = EnvironmentProfile.objects.filter(organisation_id__in=list(contractor_ids))
    found: dict[int, list] = {}
    for certificate in expiring_certificates(profiles, today):
        found.setdefault(certificate.profile.organisation_id, []).append(certificate)
    for certificates in found.values():
        certificates.sort(key=lambda c: (c.valid_until, c.pk))
    return found


def attention_for(contracts, today: dt.date | None = None) -> dict[int, Attention]:
    """{contract id: Attention} for ``contracts`` (a list), in a fixed number of queries."""
    today = today or timezone.localdate()
    contracts = list(contracts)
    inspections = inspections_overdue(contracts, today)
    reports = reports_overdue(contracts, today)
    media = media_not_back(contracts)
    deletion = deletion_not_accepted(contracts)
    incidents = open_incidents(contracts)
    certificates = certificates_by_contractor({c.contractor_id for c in contracts}, today)
    result = {}
    for contract in contracts:
        attention = Attention(
            inspections_overdue=inspections.get(contract.pk, 0), reports_overdue=reports.get(contract.pk, 0),
            media_not_back=media.get(contract.pk, 0), deletion_not_accepted=contract.pk in deletion,
            certificates=certificates.get(contract.contractor_id, []), past_end=contract.is_past_end)
        found = incidents.get(contract.pk, [])
        attention.incidents = found
        attention.open_incidents = len(found)
        due = [(step.due_to, str(SHORT.get(step.kind, step.label))) for _incident, assessment in found
               if (step := assessment.next_due()) is not None]
        if due:
            attention.next_ppc_due, attention.next_ppc_label = min(due)
        attention.ppc_overdue = any(assessment.overdue(today) for _incident, assessment in found)
        result[contract.pk] = attention
    return result
