"""Who may do what with a contract's status reports and structure reports now: one answer for the page and the
service.

| who                                              | read | set the schedule, request a report, accept or send back | write, attach files, submit |
|--------------------------------------------------|------|----------------------------------------------------------|-----------------------------|
| HR of the contract                               | yes  | yes                                                      | no                          |
| the handling manager (取扱責任者, in his period)   | yes  | no                                                       | yes                         |
| handlers, auditor                                | yes  | no                                                       | no                          |
| anyone else (another contractor's people)        | 404  | 404                                                      | 404                         |

The contractor reports and the ward supervises (委託先に対し速やかに状況報告をさせる): the handling manager speaks for
the contractor, HR decides. Nothing is written on a closed contract. Rights come from ``contracts.permissions.can``,
which honours designation periods.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import can, closed_answer, contract_for, unless_closed
from core import review
from core.answers import YES, Answer, no

from .models import StatusReport, StructureReport


def may_view(user, contract: Contract) -> Answer:
    return YES if can(user, contract, "view") else no("", "not_on_contract", forbidden=True)


def may_set_schedule(user, contract: Contract) -> Answer:
    """Set when the contract's status reports are due: its HR, while the contract is open."""
    if not can(user, contract, "manage"):
        return no(_("状況報告の予定を決められるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    return unless_closed(contract)


def may_request(user, contract: Contract) -> Answer:
    """Ask the contractor for a report (委託先に対し速やかに状況報告をさせる): its HR, while the contract is open."""
    if not can(user, contract, "manage"):
        return no(_("状況報告を求められるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    return unless_closed(contract)


def _submitter(user, contract: Contract, what: str) -> Answer | None:
    if not can(user, contract, "contractor_side"):
        return no(_("%(what)sを提出できるのは、この契約の承認された取扱責任者（指定期間内）です。") % {"what": what},
                  "not_manager", forbidden=True)
    return closed_answer(contract)


def may_submit(user, report: StatusReport) -> Answer:
    """Write and submit the report (again, once sent back): the contract's handling manager in his period."""
    refusal = _submitter(user, report.contract, _("状況報告"))
    if refusal is not None:
        return refusal
    return review.may(report, review.Action.SUBMIT)


def may_decide(user, report: StatusReport | StructureReport) -> Answer:
    """Accept or send back a submitted report: the contract's HR, while the contract is open."""
    if not can(user, report.contract, "manage"):
        return no(_("受理・差戻しができるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    closed = closed_answer(report.contract)
    if closed is not None:
        return closed
    return review.may(report, review.Action.ACCEPT)


def may_report_structure(user, contract: Contract) -> Answer:
    """Write a new report of the management structure: the handling manager in his period, on an open contract."""
    refusal = _submitter(user, contract, _("管理体制の報告"))
    return YES if refusal is None else refusal


def may_submit_structure(user, report: StructureReport) -> Answer:
    refusal = _submitter(user, report.contract, _("管理体制の報告"))
    if refusal is not None:
        return refusal
    return review.may(report, review.Action.SUBMIT)


def may_attach(user, report) -> Answer:
    """Attach a file to a report: whoever may submit it, while it is with the contractor (a submitted or accepted
    report keeps the files it was decided on)."""
    if isinstance(report, StructureReport):
        return may_submit_structure(user, report)
    return may_submit(user, report)


def may_view_file(user, report) -> Answer:
    return may_view(user, report.contract)


def status_report_for(user, slug: str, pk: int) -> StatusReport:
    """The report of a contract the person sees (404 otherwise, whatever the report)."""
    contract = contract_for(user, slug, "view")
    try:
        report = StatusReport.objects.select_related("submitted_by__profile", "decided_by__profile",
                                                     "requested_by__profile").get(pk=pk, contract=contract)
    except StatusReport.DoesNotExist:
        raise Http404 from None
    report.contract = contract  # keeps the roles contract_for read for this request
    return report


def structure_report_for(user, slug: str, pk: int) -> StructureReport:
    contract = contract_for(user, slug, "view")
    try:
        report = StructureReport.objects.select_related("submitted_by__profile", "decided_by__profile",
                                                        "created_by__profile").get(pk=pk, contract=contract)
    except StructureReport.DoesNotExist:
        raise Http404 from None
    report.contract = contract
    return report
