"""Who may do what with a contract's inspections and findings now: one answer for the page and the service.

| who                                          | read, PDF | plan, record, cancel, results, findings, accept/send back | respond to a finding |
|----------------------------------------------|-----------|-----------------------------------------------------------|----------------------|
| HR of the contract                           | yes       | yes                                                       | no                   |
| the finding's owner (designation in force)   | yes       | no                                                        | yes (their finding)  |
| the handling manager (designation in force)  | yes       | no                                                        | yes (any finding)    |
| other handlers of the contract               | yes       | no                                                        | no                   |
| auditor                                      | yes       | no                                                        | no                   |
| anyone else (another contractor's people)    | 404       | 404                                                       | 404                  |

Inspecting is the ward's duty (委託先の監督, 特記事項「実地検査」), so HR plans and records; the contractor answers what
was found. Nothing is written on a closed contract. Rights on the contract come from ``contracts.permissions.can``,
which honours designation periods.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import can, contract_for, unless_closed
from core import review
from core.answers import YES, Answer, no

from .models import Finding, Inspection


def may_view(user, contract: Contract) -> Answer:
    """Read the inspections, their findings and their PDF: everyone on the contract (the auditor included)."""
    if not can(user, contract, "view"):
        return no("", "hidden", forbidden=True)
    return YES


def _hr(user, contract: Contract, what: str) -> Answer | None:
    if not can(user, contract, "manage"):
        return no(_("%(what)sのは、この契約の担当課の職員です。") % {"what": what}, "not_hr", forbidden=True)
    return None


def may_plan(user, contract: Contract) -> Answer:
    """Plan an inspection: HR of the contract, while it is open."""
    refused = _hr(user, contract, _("立入り調査等を計画できる"))
    return refused if refused is not None else unless_closed(contract)


def may_record(user, inspection: Inspection) -> Answer:
    """Record a planned inspection as held: HR, while it is planned and the contract open."""
    refused = _hr(user, inspection.contract, _("立入り調査等の実施を記録できる"))
    if refused is not None:
        return refused
    if not inspection.is_planned:
        return no(_("%(inspection)sは「%(status)s」のため、実施を記録できません。") % {
            "inspection": inspection, "status": inspection.get_status_display()}, "not_planned")
    return unless_closed(inspection.contract)


def may_cancel(user, inspection: Inspection) -> Answer:
    """Cancel a planned inspection (with a reason): HR, while it is planned and the contract open."""
    refused = _hr(user, inspection.contract, _("立入り調査等を中止できる"))
    if refused is not None:
        return refused
    if not inspection.is_planned:
        return no(_("%(inspection)sは「%(status)s」のため、中止できません。") % {
            "inspection": inspection, "status": inspection.get_status_display()}, "not_planned")
    return unless_closed(inspection.contract)


def may_replan(user, inspection: Inspection) -> Answer:
    """HR moves a planned inspection to another day (its reminders are sent again for the new day)."""
    refused = _hr(user, inspection.contract, _("立入り調査等の予定日を変更できる"))
    if refused is not None:
        return refused
    if not inspection.is_planned:
        return no(_("%(inspection)sは「%(status)s」のため、予定日を変更できません。") % {
            "inspection": inspection, "status": inspection.get_status_display()}, "not_planned")
    return unless_closed(inspection.contract)


def may_add_results(user, inspection: Inspection) -> Answer:
    """Record the items examined and the findings of a held inspection: HR, once it is recorded as held."""
    refused = _hr(user, inspection.contract, _("立入り調査等の結果と指摘事項を記録できる"))
    if refused is not None:
        return refused
    if not inspection.is_done:
        return no(_("結果と指摘事項は、実施を記録してから記録してください（%(inspection)sは「%(status)s」）。") % {
            "inspection": inspection, "status": inspection.get_status_display()}, "not_done")
    return unless_closed(inspection.contract)


def may_respond(user, finding: Finding) -> Answer:
    """Send the response to a finding: its owner (while their designation is in force) or the contract's handling
    manager, while it waits for a response (or was sent back) and the contract is open."""
    contract = finding.contract
    owner = finding.owner_id == getattr(user, "pk", None) and can(user, contract, "receive")
    if not (owner or can(user, contract, "contractor_side")):
        return no(_("指摘事項に回答できるのは、対応する者として指定された方と、この契約の取扱責任者です。"), "not_owner",
                  forbidden=True)
    answer = review.may(finding, review.Action.SUBMIT)
    if not answer:
        return answer
    return unless_closed(contract)


def may_decide(user, finding: Finding) -> Answer:
    """Accept the response or send it back with a reason: HR, while the response waits for the ward."""
    refused = _hr(user, finding.contract, _("指摘事項への回答を受理・差戻しできる"))
    if refused is not None:
        return refused
    answer = review.may(finding, review.Action.ACCEPT)
    if not answer:
        return answer
    return unless_closed(finding.contract)


def may_view_record(user, obj) -> Answer:
    """The attachments registry's may_view: an inspection's or a finding's files, for everyone on the contract."""
    return may_view(user, obj.contract)


def may_attach_to_inspection(user, inspection: Inspection) -> Answer:
    """HR adds the inspection's documents and photos (a checklist, the minutes), unless it was cancelled."""
    refused = _hr(user, inspection.contract, _("立入り調査等の資料を添付できる"))
    if refused is not None:
        return refused
    if inspection.is_cancelled:
        return no(_("%(inspection)sは中止されたため、資料を添付できません。") % {"inspection": inspection}, "cancelled")
    return unless_closed(inspection.contract)


def may_attach_to_finding(user, finding: Finding) -> Answer:
    """The response's files (a photo of what was done): whoever may respond, while the response is theirs to send."""
    return may_respond(user, finding)


def inspection_for(user, slug: str, pk: int) -> Inspection:
    """The inspection of a contract the person sees (404 otherwise, whatever the inspection)."""
    contract = contract_for(user, slug, "view")
    try:
        inspection = Inspection.objects.select_related("subcontractor", "planned_by__profile",
                                                       "recorded_by__profile").get(pk=pk, contract=contract)
    except Inspection.DoesNotExist:
        raise Http404 from None
    inspection.contract = contract  # keeps the roles contract_for read for this request
    return inspection


def finding_for(user, slug: str, pk: int, number: int) -> Finding:
    """Finding No.``number`` of inspection ``pk`` of a contract the person sees (404 otherwise)."""
    contract = contract_for(user, slug, "view")
    try:
        finding = Finding.objects.select_related("inspection", "owner__profile").get(
            inspection__pk=pk, number=number, contract=contract)
    except Finding.DoesNotExist:
        raise Http404 from None
    finding.contract = contract
    finding.inspection.contract = contract
    return finding
