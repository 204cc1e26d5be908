"""Who may do what with a contract's incidents now: one answer for the page and the service.

| who                                                  | read | report, revise, add measures | record PPC reports, notices | close |
|------------------------------------------------------|------|------------------------------|-----------------------------|-------|
| HR of the contract                                   | yes  | yes                          | yes                         | yes   |
| manager and handlers (designation in force)          | yes  | yes                          | no                          | no    |
| auditor                                              | yes  | no                           | no                          | no    |
| anyone else (another contractor's people)            | 404  | 404                          | 404                         | 404   |

Reporting to the Commission and notifying the people concerned are the ward's duties (個人情報保護法第68条),
so only HR records them; the contractor records what it did and what was agreed. Rights on the contract come
from ``contracts.permissions.can``, which honours designation periods. Each ``may_*`` returns a
:class:`core.answers.Answer`: the page offers a form only when it allows, the service refuses with
its message, and the view turns a refusal of who the person is into 403.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import can, closed_answer, contract_for
from core.answers import YES, Answer, no

from .models import Incident, IncidentEvent

# What the contractor's people may put on the timeline; HR may put everything a person chooses.
CONTRACTOR_EVENT_KINDS = (IncidentEvent.Kind.CONSULTED, IncidentEvent.Kind.MEASURE, IncidentEvent.Kind.OTHER)
HR_EVENT_KINDS = (IncidentEvent.Kind.PPC_PRELIMINARY, IncidentEvent.Kind.PPC_FINAL, IncidentEvent.Kind.PERSONS_NOTIFIED,
                  *CONTRACTOR_EVENT_KINDS)


def _on_contract(user, contract: Contract) -> bool:
    return can(user, contract, "manage") or can(user, contract, "receive")


def _contract_closed(contract: Contract) -> Answer | None:
    """The refusal for a closed contract, or None. An Answer that refuses is falsy, so callers test
    ``is not None`` rather than chaining answers with ``or``."""
    closed = closed_answer(contract)
    if closed is None:
        return None
    return no(_("%(closed)s事故のときは、緊急時の連絡体制に従って直ちに区の担当課へ電話で連絡してください。")
              % {"closed": closed.message}, closed.code)


def _incident_closed(incident: Incident) -> Answer | None:
    if incident.is_closed:
        return no(_("この事故は終結しているため、記録できません。"), "incident_closed")
    return _contract_closed(incident.contract)


def _unless(refusal: Answer | None) -> Answer:
    return YES if refusal is None else refusal


def may_report(user, contract: Contract) -> Answer:
    """Report an incident: HR of the contract, or its approved manager and handlers in their period."""
    if not _on_contract(user, contract):
        return no(_("事故を報告できるのは、この契約の担当課の職員と、承認された取扱責任者・取扱者（指定期間内）です。"),
                  "not_on_contract", forbidden=True)
    return _unless(_contract_closed(contract))


def may_revise(user, incident: Incident) -> Answer:
    """Correct the reported facts (kind, items, number of people, flags) while the incident is open."""
    if not _on_contract(user, incident.contract):
        return no(_("事故の報告内容を訂正できるのは、この契約の担当課の職員と、承認された取扱責任者・取扱者（指定期間内）です。"),
                  "not_on_contract", forbidden=True)
    return _unless(_incident_closed(incident))


def event_kinds(user, incident: Incident) -> tuple[str, ...]:
    """The kinds of timeline entry this person may record on ``incident`` (none: may record nothing)."""
    if can(user, incident.contract, "manage"):
        return HR_EVENT_KINDS
    if can(user, incident.contract, "receive"):
        return CONTRACTOR_EVENT_KINDS
    return ()


def may_add_event(user, incident: Incident, kind: str | None = None) -> Answer:
    """Add to the timeline: HR anything; the contractor's people consultations, measures and other steps."""
    kinds = event_kinds(user, incident)
    if not kinds:
        return no(_("対応の記録ができるのは、この契約の担当課の職員と、承認された取扱責任者・取扱者（指定期間内）です。"),
                  "not_on_contract", forbidden=True)
    closed = _incident_closed(incident)
    if closed is not None:
        return closed
    if kind is not None and kind not in kinds:
        if kind in HR_EVENT_KINDS:
            return no(_("個人情報保護委員会への報告と本人への通知は区が行うため、区の担当課の職員が記録します。"), "ward_only")
        return no(_("記録する内容を選んでください。"), "kind")
    return YES


def may_close(user, incident: Incident) -> Answer:
    """Close the incident: HR of the contract only (what closing needs is the service's to check)."""
    if not can(user, incident.contract, "manage"):
        return no(_("事故を終結できるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    if incident.is_closed:
        return no(_("この事故はすでに終結しています。"), "already_closed")
    return _unless(_contract_closed(incident.contract))


def incident_for(user, slug: str, pk: int) -> Incident:
    """The incident of a contract the person sees (404 otherwise, whatever the incident)."""
    contract = contract_for(user, slug, "view")
    try:
        incident = Incident.objects.select_related("reported_by__profile", "closed_by__profile").get(
            pk=pk, contract=contract)
    except Incident.DoesNotExist:
        raise Http404 from None
    incident.contract = contract  # keeps the roles contract_for read for this request
    return incident
