"""Who may do what with an environment profile now: one answer for the page and the service.

| who                                                        | read | fill in, submit, certificates, reports | accept / send back |
|------------------------------------------------------------|------|----------------------------------------|--------------------|
| the contractor's handling manager (any contract of the firm, or of a contract the subcontractor works on) | yes | yes | no |
| (a subcontractor approved under two or more contractors: only its own designated managers keep it) | | | |
| the handlers of such a contract                            | yes  | no                                     | no                 |
| HR of such a contract                                      | yes  | no                                     | yes                |
| an auditor of such a contract                              | yes  | no                                     | no                 |
| anyone else (another contractor's people)                  | 404  | 404                                    | 404                |

The ward's own profile is kept by the ward's IT section: whoever holds ``environment.keep_ward_profile`` (given
to the IT section's group in the admin) fills it in and submits it; HR (of any contract) accepts it or sends it
back, since the ward's side of every checklist rests on it; ward staff on a contract (HR, auditors) read it. The
contractor's people never see it.

Rights on a contract come from ``contracts.permissions.can``, which honours designation periods.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from contracts.models import Contract, Organisation, Subcontractor
from contracts.permissions import contracts_where, has_contracts_where
from core import review, roles
from core.answers import YES, Answer, no

from .models import EnvironmentProfile

KEEP_WARD_PROFILE = "environment.keep_ward_profile"


def organisation_contracts(organisation: Organisation):
    """The contracts an organisation works on: as the contractor, or as a subcontractor applied for on them."""
    subcontracted = Subcontractor.objects.filter(organisation=organisation).values("contract_id")
    return Contract.objects.filter(Q(contractor=organisation) | Q(pk__in=subcontracted))


def _may_on_any(user, organisation: Organisation, action: str) -> bool:
    return contracts_where(user, action).filter(pk__in=organisation_contracts(organisation).values("pk")).exists()


def is_ward_keeper(user) -> bool:
    return roles.holds(user, KEEP_WARD_PROFILE)


def is_ward_staff(user) -> bool:
    """HR or an auditor of some contract, or the IT section: the ward's people who read the ward's profile."""
    return has_contracts_where(user, "audit") or is_ward_keeper(user)


def may_view(user, profile: EnvironmentProfile) -> Answer:
    if profile.is_ward:
        allowed = is_ward_staff(user)
    else:
        allowed = _may_on_any(user, profile.organisation, "view")
    return YES if allowed else no("", "not_on_contract", forbidden=True)


def approved_under(organisation: Organisation) -> set[int]:
    """The contractors (organisation ids) under which a subcontractor is approved."""
    return set(Subcontractor.objects.filter(organisation=organisation, status=Subcontractor.Status.ACCEPTED)
               .values_list("contract__contractor_id", flat=True))


def _keeps(user, organisation: Organisation) -> bool:
    """A handling manager of a contract the organisation works on, of the contractor's firm or of the
    organisation itself: the contractor's manager keeps its subcontractors' profiles, never the other way round.

    A subcontractor approved under two or more contractors is one company serving several: no single contractor's
    manager speaks for it, and its answers count for the others' checklists. Its profile is then kept only by its
    own designated people (people of the subcontractor holding a designation in force on one of its contracts: a
    subcontractor's person may be a handler, never the contract's 取扱責任者, who speaks for the contractor); while
    it is approved under one contractor alone, that contractor's manager keeps it too."""
    worked_on = organisation_contracts(organisation).values("pk")
    own = getattr(getattr(user, "profile", None), "organisation_id", None)
    if own == organisation.pk:
        action = "receive" if organisation.kind == Organisation.Kind.SUBCONTRACTOR else "contractor_side"
        return contracts_where(user, action).filter(pk__in=worked_on).exists()
    contracts = contracts_where(user, "contractor_side").filter(pk__in=worked_on)
    if not contracts.exists():
        return False
    if organisation.kind == Organisation.Kind.SUBCONTRACTOR and approved_under(organisation) - {own}:
        return False
    return contracts.filter(contractor_id=own).exists()


def _is_keeper(user, profile: EnvironmentProfile) -> bool:
    if profile.is_ward:
        return is_ward_keeper(user)
    return _keeps(user, profile.organisation)


def _not_keeper(profile: EnvironmentProfile) -> Answer:
    if profile.is_ward:
        return no(_("区の環境の届出を作成・更新できるのは、情報システム担当の職員です。"), "not_keeper", forbidden=True)
    return no(_("環境の届出を作成・更新できるのは、この組織が関わる契約の承認された取扱責任者（指定期間内）です。再委託先の届出は、複数の委託先に承認された後は、その再委託先の指定された方だけが作成・更新します。"),
              "not_manager", forbidden=True)


def may_start(user, organisation: Organisation | None) -> Answer:
    """Begin the profile of ``organisation`` (None: the ward's): whoever will keep it, once."""
    if organisation is None:
        if not is_ward_keeper(user):
            return no(_("区の環境の届出を作成・更新できるのは、情報システム担当の職員です。"), "not_keeper", forbidden=True)
        exists = EnvironmentProfile.objects.filter(is_ward=True).exists()
    else:
        if not _keeps(user, organisation):
            return no(_("環境の届出を作成・更新できるのは、この組織が関わる契約の承認された取扱責任者（指定期間内）です。再委託先の届出は、複数の委託先に承認された後は、その再委託先の指定された方だけが作成・更新します。"),
                      "not_manager", forbidden=True)
        exists = EnvironmentProfile.objects.filter(organisation=organisation).exists()
    if exists:
        return no(_("この組織の環境の届出はすでにあります。"), "exists")
    return YES


def may_edit(user, profile: EnvironmentProfile) -> Answer:
    """Fill in or correct the profile, and submit it: its keeper, while it is being written or was sent back."""
    if not _is_keeper(user, profile):
        return _not_keeper(profile)
    return review.may(profile, review.Action.SUBMIT)


def may_record(user, profile: EnvironmentProfile) -> Answer:
    """Add a certificate, or a record of a log analysis or backup check: the profile's keeper, in any state
    (they are dated records of their own, not the profile's answers)."""
    if not _is_keeper(user, profile):
        return _not_keeper(profile)
    return YES


def may_record_report(user, profile: EnvironmentProfile) -> Answer:
    answer = may_record(user, profile)
    if answer and profile.is_ward:
        return no(_("区のアクセスログの分析とバックアップの復元訓練は、それぞれ監査ログの分析と復元訓練の記録に残します。"),
                  "ward_reports")
    return answer


def may_decide(user, profile: EnvironmentProfile) -> Answer:
    """Accept or send back: HR of a contract the organisation works on (for the ward's profile, HR of any
    contract), once it has been submitted."""
    if profile.is_ward:
        allowed = has_contracts_where(user, "manage")
    else:
        allowed = _may_on_any(user, profile.organisation, "manage")
    if not allowed:
        return no(_("環境の届出を受理・差戻しできるのは、区の担当課の職員です。"), "not_hr", forbidden=True)
    return review.may(profile, review.Action.ACCEPT)


def may_revise(user, profile: EnvironmentProfile) -> Answer:
    """Open an accepted profile for its yearly review: its keeper."""
    if not _is_keeper(user, profile):
        return _not_keeper(profile)
    if not profile.is_accepted:
        return no(_("見直しを始められるのは、受理された届出です。"), "not_accepted")
    return YES


def profile_for(user, pk: int) -> EnvironmentProfile:
    """The profile, if the person may read it (404 otherwise, whoever's it is)."""
    try:
        profile = EnvironmentProfile.objects.select_related(
            "organisation", "submitted_by__profile", "decided_by__profile").get(pk=pk)
    except EnvironmentProfile.DoesNotExist:
        raise Http404 from None
    if not may_view(user, profile):
        raise Http404
    return profile
