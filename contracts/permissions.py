"""Turn (user, contract, action) into the contract or an error, and answer "may this person do this now".

404 when the person may not see the contract at all (another contractor's contract does not exist
for them); 403 when they see it but may not do this. Views never call ``has_perm`` themselves.

A person's rights on a contract are those of their roles in force today (Asia/Tokyo): a ward role
(HR, auditor) while its membership is active; a contractor role (取扱責任者・取扱者) only while the
ward-approved designation behind it is in force, i.e. within its designated period. A designation
whose period has ended, or has not begun, opens nothing: not the contract, its items, its ledger or
its checklist, in any app, since they all ask :func:`can` (or :func:`contracts_where` for lists).
``ROLE_PERMISSIONS`` says what each role may do; the guardian permissions the contract services keep
in step with the memberships say the same, for the admin's view, but the answer is given here.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Value
from django.http import Http404, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from core import review, roles
from core.answers import YES, Answer, no

from .closing import CLOSED, closed_refusal
from .models import (
    ROLE_PERMISSIONS,
    SCOPED_ROLES,
    Contract,
    Designation,
    Membership,
    Organisation,
    Role,
    ScopeGrant,
    Subcontractor,
)
from .scopes import grants_reaching_q, subtree_q

ACTIONS = {
    "view": "contracts.view_contract",
    "manage": "contracts.manage_contract",          # HR of the owning section
    "receive": "contracts.receive_items",           # approved designee of the contractor
    "contractor_side": "contracts.manage_contractor_side",  # approved handling manager
    "audit": "contracts.audit_contract",            # auditor (and HR) reading and exporting
}

WARD_ROLES = (Role.HR, Role.AUDITOR, Role.PRIVACY)
_KIND_OF_ROLE = {Role.CONTRACTOR_MANAGER: Designation.Kind.MANAGER, Role.CONTRACTOR_HANDLER: Designation.Kind.HANDLER}


def _roles_for(codename: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if codename in perms]


def _codename(action_or_perm: str) -> str:
    return ACTIONS.get(action_or_perm, action_or_perm).split(".", 1)[-1]


def memberships_in_force(day=None):
    """Active memberships whose role is in force on ``day`` (today in Tokyo): a ward role as long as it
    is active, a contractor role only with an approved designation of that kind within its period."""
    designated = Designation.objects.in_force(day).filter(contract=OuterRef("contract_id"), user=OuterRef("user_id"))
    contractor = Q()
    for role, kind in _KIND_OF_ROLE.items():
        contractor |= Q(Exists(designated.filter(kind=kind)), role=role)
    return Membership.objects.filter(revoked_at__isnull=True).filter(Q(role__in=WARD_ROLES) | contractor)


def active_grants(user=None):
    """ScopeGrants in force (not revoked) of a scoped role (担当課, 個人情報保護担当, 監査)."""
    grants = ScopeGrant.objects.filter(revoked_at__isnull=True, role__in=SCOPED_ROLES, user__is_active=True)
    return grants if user is None else grants.filter(user=user)


def _grants_on(section_ref, user=None):
    """The active grants whose unit's subtree holds the section ``section_ref`` (a pk or an OuterRef)."""
    return active_grants(user).filter(grants_reaching_q(section_ref))


# One request asks the same person's roles many times (the dashboard asks every app; the checklist page asks
# for each of its items, on contract objects of their own): RolesPerRequestMiddleware opens a scope in which
# each person's roles in force on all their contracts are read once, with their scoped roles (ScopeGrant)
# and the sections those reach. A service, in its own transaction (deeper than the request's), still asks
# the database afresh, and a change to a membership, designation, grant or unit in the request forgets what
# was read (contracts.apps connects the signals).
_remembered: ContextVar[dict | None] = ContextVar("contracts_roles_remembered", default=None)


@contextmanager
def roles_remembered():
    token = _remembered.set({"depth": len(connection.atomic_blocks), "roles": {}})
    try:
        yield
    finally:
        _remembered.reset(token)


def forget_remembered_roles(**kwargs) -> None:
    scope = _remembered.get()
    if scope is not None:
        scope["roles"].clear()


class _Held:
    """A person's roles, read once: by contract (memberships in force) and by section (scoped grants)."""

    def __init__(self, by_contract: dict[int, frozenset[str]], grants: list[tuple[str, frozenset[int] | None]]):
        self.by_contract = by_contract
        self.grants = grants  # (role, the sections its unit's subtree holds, or None: the whole ward)
        self.any_contract: dict[frozenset, bool] = {}

    def roles(self, contract_id: int, section_id: int | None) -> frozenset[str]:
        found = self.by_contract.get(contract_id, frozenset())
        scoped = {role for role, sections in self.grants if sections is None or section_id in sections}
        return found | scoped if scoped else found

    def where(self, roles) -> Q:
        """A Q on Contract: the contracts on which one of ``roles`` is held."""
        wanted = set(roles)
        q = Q(pk__in=sorted(pk for pk, held in self.by_contract.items() if held & wanted))
        sections: set[int] = set()
        for role, reached in self.grants:
            if role in wanted:
                if reached is None:
                    return Q(pk__isnull=False)
                sections |= reached
        return q | Q(ward_section_id__in=sorted(sections)) if sections else q


def _sections_reached(grants: list[tuple[str, int | None]]) -> list[tuple[str, frozenset[int] | None]]:
    """(role, unit) grants with the sections each unit's subtree holds (one query; none for ward-wide ones)."""
    units = {unit for _role, unit in grants if unit is not None}
    below: dict[int, set[int]] = {unit: {unit} for unit in units}
    if units:
        q = Q()
        for unit in units:
            q |= subtree_q(unit)
        for pk, parent, grandparent in Organisation.objects.filter(q).values_list("pk", "parent_id",
                                                                                  "parent__parent_id"):
            for top in (parent, grandparent):
                if top in below:
                    below[top].add(pk)
    return [(role, None if unit is None else frozenset(below[unit])) for role, unit in grants]


_MEMBERSHIP, _GRANT = 0, 1


def _remembered_roles(user) -> _Held | None:
    """The person's roles in force today, read once in the request's scope (memberships and grants in one query,
    and one more for the sections of a grant on a unit); None outside a scope or inside a transaction the request
    opened since (a service's own)."""
    scope = _remembered.get()
    if scope is None or len(connection.atomic_blocks) > scope["depth"]:
        return None
    key = (user.pk, timezone.localdate())
    if key not in scope["roles"]:
        roles: dict[int, set[str]] = {}
        grants: list[tuple[str, int | None]] = []
        members = (memberships_in_force().filter(user=user).order_by()
                   .annotate(held_through=Value(_MEMBERSHIP)).values_list("contract_id", "role", "held_through"))
        held = (active_grants(user).order_by().annotate(held_through=Value(_GRANT))
                .values_list("unit_id", "role", "held_through"))
        for ref, role, source in members.union(held, all=True):
            if source == _GRANT:
                grants.append((role, ref))
            else:
                roles.setdefault(ref, set()).add(role)
        scope["roles"][key] = _Held({contract_id: frozenset(found) for contract_id, found in roles.items()},
                                    _sections_reached(grants))
    return scope["roles"][key]


def scoped_roles(user, contract: Contract) -> frozenset[str]:
    """The roles the person holds on the contract through their ScopeGrants (one query)."""
    return frozenset(_grants_on(contract.ward_section_id, user).values_list("role", flat=True).distinct())


def roles_in_force(user, contract: Contract, *, day=None) -> frozenset[str]:
    """The person's roles on the contract today: their memberships in force and their scoped roles whose unit
    holds the contract's section (one query, or none when the request has read them)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    remembered = _remembered_roles(user) if day is None else None
    if remembered is not None:
        return remembered.roles(contract.pk, contract.ward_section_id)
    members = memberships_in_force(day).filter(contract=contract, user=user).order_by().values_list("role")
    scoped = _grants_on(contract.ward_section_id, user).order_by().values_list("role")
    return frozenset(role for (role,) in members.union(scoped))


def _roles(user, contract: Contract) -> frozenset[str]:
    # contract_for keeps the answer on the contract it loaded for this request, so a page that asks
    # several questions costs one query; a service re-reads the contract and so asks afresh.
    cached = getattr(contract, "_roles_in_force", None)
    if cached and cached[0] == getattr(user, "pk", None) and cached[1] == timezone.localdate():
        return cached[2]
    return roles_in_force(user, contract)


def roles_grant(roles, action: str) -> bool:
    codename = _codename(action)
    return any(codename in ROLE_PERMISSIONS[role] for role in roles)


def can(user, contract: Contract, action: str) -> bool:
    """May ``user`` do ``action`` (a key of ACTIONS) on ``contract`` now? The one answer for pages and services."""
    if action not in ACTIONS:
        raise ValueError(action)
    return roles_grant(_roles(user, contract), action)


def people_who_can(contract: Contract, action: str):
    """The people who may do ``action`` on ``contract`` now (e.g. whom an item may be handed to)."""
    from django.contrib.auth import get_user_model

    roles = _roles_for(_codename(action))
    holders = memberships_in_force().filter(contract=contract, role__in=roles).values("user_id")
    scoped = _grants_on(contract.ward_section_id).filter(role__in=roles).values("user_id")
    return get_user_model().objects.filter(Q(pk__in=holders) | Q(pk__in=scoped), is_active=True)


def contracts_where(user, action: str = "view"):
    """The contracts on which ``user`` may do ``action`` (a key of ACTIONS, or a permission name) now."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Contract.objects.none()
    return Contract.objects.filter(contracts_where_q(user, action))


def contracts_where_q(user, action: str = "view") -> Q:
    """:func:`contracts_where` as a Q on Contract (a register or an export adds its own filters to it): the
    contracts of the person's memberships in force, and those whose section lies in the unit of one of their
    scoped roles. No per-contract loop: one subquery each, or plain lists when the request has read the roles."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    roles = _roles_for(_codename(action))
    remembered = _remembered_roles(user)
    if remembered is not None:
        return remembered.where(roles)
    scoped = [role for role in roles if role in SCOPED_ROLES]
    q = Q(pk__in=memberships_in_force().filter(user=user, role__in=roles).values("contract_id"))
    if scoped:
        q |= Q(Exists(_grants_on(OuterRef("ward_section_id"), user).filter(role__in=scoped)))
    return q


def has_contracts_where(user, action: str = "view") -> bool:
    """Whether ``user`` may do ``action`` on any contract now (the menu asks on every page)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    remembered = _remembered_roles(user)
    if remembered is not None:
        roles = frozenset(_roles_for(_codename(action)))
        if any(held & roles for held in remembered.by_contract.values()):
            return True
        if not any(role in roles for role, _sections in remembered.grants):
            return False
        if roles not in remembered.any_contract:
            remembered.any_contract[roles] = Contract.objects.filter(remembered.where(roles)).exists()
        return remembered.any_contract[roles]
    return contracts_where(user, action).exists()


# --- may this person do this now: one Answer (core.answers) for the page, the view and the service ----------
#
# A refusal of who the person is is ``forbidden``: the view answers 403 (``or_403``) and so does the service
# (``answer.or_403().require()``), as the contract services always have; a refusal because of the contract's
# state (closed) goes on to the service, which raises its message for the page to show.


def closed_answer(contract: Contract) -> Answer | None:
    """The guard of every write on a closed contract (``contracts.closing.closed_refusal``) as an Answer, or
    None while the contract is open (an Answer is falsy when it refuses: test ``is not None``)."""
    refusal = closed_refusal(contract)
    return no(refusal, CLOSED) if refusal else None


def unless_closed(contract: Contract) -> Answer:
    """YES while the contract is open, else the refusal of :func:`closed_answer` (the last step of a rule that
    writes the contract's records)."""
    closed = closed_answer(contract)
    return YES if closed is None else closed


def _hr_grant_units(user) -> list[int]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return list(active_grants(user).filter(role=Role.HR).values_list("unit_id", flat=True))


def sections_for_new_contract(user):
    """The sections (課, or a 係) in which ``user`` may register a contract: those of their 担当課 scopes (a
    section and its units). A person holding no 担当課 scope but the group's ``add_contract`` keeps what HR had
    before the scopes: every section of the ward (and its units). Nobody else: none."""
    units = _hr_grant_units(user)
    sections = Organisation.objects.filter(kind__in=(Organisation.Kind.WARD_SECTION, Organisation.Kind.UNIT))
    if units:
        q = Q()
        for unit in units:
            q |= subtree_q(unit)
        return sections.filter(q)
    if roles.holds(user, "contracts.add_contract"):
        return sections
    return Organisation.objects.none()


def may_create_contract(user) -> Answer:
    """Register a new contract: HR, through the group's ``add_contract`` (never because they are a superuser),
    or section staff through a 担当課 scope (in their sections only: :func:`sections_for_new_contract`).
    The list that offers the form, the form's view and the service that makes the contract all ask."""
    if roles.holds(user, "contracts.add_contract") or _hr_grant_units(user):
        return YES
    return no("", "not_hr", forbidden=True)


def may_own_contract(user, section) -> Answer:
    """Whether a contract ``user`` registers (or moves) may belong to ``section``: one of their sections."""
    if section is not None and sections_for_new_contract(user).filter(pk=section.pk).exists():
        return YES
    return no(_("この課の契約は登録できません。担当する課を選んでください。"), "not_in_scope")


def may_edit_contract(user, contract: Contract) -> Answer:
    """Change the contract's particulars: its HR, while it is open."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    return unless_closed(contract)


def may_start_contract(user, contract: Contract) -> Answer:
    """Bring the contract into force (準備中 → 履行中): its HR, while it is open and still 準備中."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if contract.status != Contract.Status.DRAFT:
        return no(_("この契約は「%(status)s」のため、履行開始にできません。") % {"status": contract.get_status_display()})
    return YES


def may_copy_to_next_year(user, contract: Contract) -> Answer:
    """Copy the contract into the next fiscal year: its HR, when the contract recurs; on a closed contract too (it
    writes the new year's contract, none of this one's records)."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    if not contract.recurring:
        return no(_("この契約は「次年度以降も同様の委託を行う」となっていないため、翌年度にコピーできません。"
                    "繰り返す契約であれば、まず契約を編集してその欄に印を付けてください。"))
    return YES


def may_record_steps(user, contract: Contract) -> Answer:
    """Complete a step ①–③ or put it back to 未了: the contract's HR, while it is open."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    return unless_closed(contract)


def may_grant_membership(user, contract: Contract) -> Answer:
    """Give a ward person access (HR or auditor): the contract's HR, while it is open."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    return unless_closed(contract)


def may_revoke_membership(user, membership: Membership) -> Answer:
    """Take a ward person's access away: the contract's HR, on a closed contract too (it changes none of its
    records); never a contractor's role (that is the designation's) nor the last HR."""
    contract = membership.contract
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    if not membership.is_active:
        return no(_("この登録はすでに取り消されています。"), "already_revoked")
    if membership.role in (Role.CONTRACTOR_MANAGER, Role.CONTRACTOR_HANDLER):
        return no(_("委託先の方の登録は、取扱者指定の取消によって外してください。"), "contractor_role")
    if membership.role == Role.HR and not contract.memberships.filter(
        role=Role.HR, revoked_at__isnull=True
    ).exclude(pk=membership.pk).exists():
        return no(_("担当課の職員が一人もいなくなるため、取り消せません。"), "last_hr")
    return YES


def may_report_designation(user, contract: Contract) -> Answer:
    """Report a handling manager or handler: the contractor's handling manager reports; HR enters the reports
    made on paper. Not on a closed contract: the page offers no form and the view answers 403, as for anyone
    else who may not report."""
    if not (can(user, contract, "manage") or can(user, contract, "contractor_side")):
        return no("", "not_manager", forbidden=True)
    return unless_closed(contract)


def may_decide_designation(user, designation: Designation) -> Answer:
    """Approve or reject a reported person: the contract's HR, while the contract is open and the report waits
    for a decision (approving also needs the designated period not to have ended: the service says so)."""
    contract = designation.contract
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if not designation.is_pending:
        return no(_("この指定は「%(status)s」のため、承認・不承認できません。") % {"status": designation.get_status_display()})
    return YES


def may_revoke_designation(user, designation: Designation) -> Answer:
    """Withdraw an approval: the contract's HR, on a closed contract too (it only takes access away)."""
    if not can(user, designation.contract, "manage"):
        return no("", "not_hr", forbidden=True)
    if not designation.is_approved:
        return no(_("承認済みの指定のみ取り消せます。"))
    return YES


def may_resend_enrolment(user, designation: Designation) -> Answer:
    """Send a fresh enrolment link: the contract's HR, while it is open, to an approved new person who has not
    set up their account yet."""
    contract = designation.contract
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if not (designation.new_account and designation.is_approved and designation.user.is_active
            and accounts_services.awaits_enrolment(designation.user)):
        return no(_("この方は利用開始の手続きを済ませているか、指定が承認されていないため、案内は送れません。"), "enrolled")
    return YES


# --- 再委託: the no-subcontracting declaration and the subcontractors' applications -------------------------------


def may_view_subcontracting(user, contract: Contract) -> Answer:
    """See the contract's subcontracting (the declaration, the applications): whoever sees the contract."""
    return YES if can(user, contract, "view") else no("", "not_member", forbidden=True)


def _open_applications(contract: Contract):
    return contract.subcontractors.filter(status__in=[Subcontractor.Status.SUBMITTED, Subcontractor.Status.RETURNED,
                                                      Subcontractor.Status.ACCEPTED])


def may_declare_no_subcontracting(user, contract: Contract) -> Answer:
    """Declare, dated, that there is no subcontracting: the contractor's handling manager, while the contract is
    open, there is no current declaration, and no application is approved or waiting."""
    if not can(user, contract, "contractor_side"):
        return no("", "not_manager", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if contract.subcontracting_declarations.filter(withdrawn_at__isnull=True).exists():
        return no(_("再委託なしの申出はすでにされています。"), "declared")
    if _open_applications(contract).exists():
        return no(_("承認済み又は区の確認中の再委託先があるため、再委託なしの申出はできません。"), "has_subcontractors")
    return YES


def may_apply_subcontractor(user, contract: Contract) -> Answer:
    """Apply for a subcontractor (再委託の承認申請): the contractor's handling manager, while the contract is open."""
    if not can(user, contract, "contractor_side"):
        return no("", "not_manager", forbidden=True)
    return unless_closed(contract)


def may_edit_subcontractor(user, subcontractor: Subcontractor) -> Answer:
    """Change and submit an application: the handling manager, while it is with them (作成中・差戻し)."""
    contract = subcontractor.contract
    if not can(user, contract, "contractor_side"):
        return no("", "not_manager", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    return review.may(subcontractor, review.Action.SUBMIT)


def may_decide_subcontractor(user, subcontractor: Subcontractor) -> Answer:
    """Approve, refuse or send back an application: the contract's HR, while it is open and the application waits."""
    contract = subcontractor.contract
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    return review.may(subcontractor, review.Action.ACCEPT)


def may_view_subcontractor_files(user, subcontractor: Subcontractor) -> Answer:
    """See the files of an application (the subcontract, its 特記事項): whoever sees the contract's subcontracting.
    For ``attachments.registry.register(Subcontractor, ...)`` by an app above the attachments."""
    return may_view_subcontracting(user, subcontractor.contract)


def may_attach_to_subcontractor(user, subcontractor: Subcontractor) -> Answer:
    """Attach a file to an application: the handling manager while it is with them, as for changing it."""
    return may_edit_subcontractor(user, subcontractor)


# --- 誓約書・研修記録: files of a designation (registered by the attachments app, above this one) --------------

DESIGNATION_FILE_SLOTS = ("pledge", "training")


def may_view_designation_files(user, designation: Designation) -> Answer:
    """See a designation's files (誓約書, 研修記録): whoever sees the contract's designations.
    For ``attachments.registry.register(Designation, ...)`` by an app above the attachments."""
    return YES if can(user, designation.contract, "view") else no("", "not_member", forbidden=True)


def may_attach_to_designation(user, designation: Designation) -> Answer:
    """Attach a 誓約書 or a training record to a designation: the designee themself, the contractor's handling
    manager and the contract's HR, while the contract is open and the designation is reported or approved."""
    contract = designation.contract
    own = user is not None and user.is_authenticated and designation.user_id == user.pk
    if not (own or can(user, contract, "contractor_side") or can(user, contract, "manage")):
        return no("", "not_designee", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if designation.status not in (Designation.Status.REPORTED, Designation.Status.APPROVED):
        return no(_("この指定は「%(status)s」のため、資料を添付できません。") % {"status": designation.get_status_display()},
                  "not_open")
    return YES


def check_contract(user, contract: Contract, action: str = "view") -> Contract:
    if not can(user, contract, "view"):
        raise Http404
    if action != "view" and not can(user, contract, action):
        raise PermissionDenied
    return contract


def contract_for(user, slug: str, action: str = "view") -> Contract:
    contracts = Contract.objects.select_related("ward_section", "contractor", "contract_type")
    signed_in = user is not None and user.is_authenticated and user.is_active
    if signed_in:
        # The person's roles come with the contract in the same query, one flag per role.
        in_force = memberships_in_force().filter(contract=OuterRef("pk"), user=user)
        contracts = contracts.annotate(**{f"_in_force_{role}": Exists(in_force.filter(role=role)) for role in Role})
        scoped = _grants_on(OuterRef("ward_section_id"), user)
        contracts = contracts.annotate(**{f"_scoped_{role}": Exists(scoped.filter(role=role)) for role in SCOPED_ROLES})
    try:
        contract = contracts.get(slug=slug)
    except Contract.DoesNotExist:
        raise Http404 from None
    roles = frozenset(role for role in Role if signed_in and (
        getattr(contract, f"_in_force_{role}") or getattr(contract, f"_scoped_{role}", False)))
    contract._roles_in_force = (user.pk, timezone.localdate(), roles)
    return check_contract(user, contract, action)


def designation_for(user, slug: str, pk: int, action: str = "view") -> Designation:
    contract = contract_for(user, slug, "view")
    try:
        designation = contract.designations.select_related("user__profile").get(pk=pk)
    except Designation.DoesNotExist:
        raise Http404 from None
    check_contract(user, contract, action)
    return designation


def subcontractor_for(user, slug: str, pk: int) -> Subcontractor:
    contract = contract_for(user, slug, "view")
    try:
        subcontractor = contract.subcontractors.select_related("contract", "organisation").get(pk=pk)
    except Subcontractor.DoesNotExist:
        raise Http404 from None
    subcontractor.contract = contract
    return subcontractor


def membership_for(user, slug: str, pk: int, action: str = "manage") -> Membership:
    contract = contract_for(user, slug, "view")
    try:
        membership = contract.memberships.select_related("user").get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None
    check_contract(user, contract, action)
    return membership


def contract_methods(*methods: str):
    """Allow only ``methods`` on a view whose URL names a contract by ``slug``.

    Another method gets 405, but only once the person is known to see the contract: to someone who
    may not see it, the contract does not exist (404) whatever the method.
    """
    allowed = {m.upper() for m in methods}
    if "GET" in allowed:
        allowed.add("HEAD")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                contract_for(request.user, kwargs["slug"], "view")
                return HttpResponseNotAllowed(sorted(allowed))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


contract_post = contract_methods("POST")
contract_get = contract_methods("GET")
