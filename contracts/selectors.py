import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.formatting import person_name
from core.dashboard import Waiting

from . import carry_over
from .models import (
    Contract,
    ContractStepEvent,
    Designation,
    Membership,
    Organisation,
    Role,
    SubcontractingDeclaration,
    Subcontractor,
)
from .permissions import contracts_where
from .subcontracting import approved_organisation_ids


def contracts_for(user, *, perm: str = "contracts.view_contract"):
    """The contracts this person may see (or act on with ``perm``) today: the same answer as
    ``contracts.permissions.can``, so a designation whose period has ended lists nothing."""
    return contracts_where(user, perm)


def contract_list_for(user):
    return contracts_for(user).select_related("ward_section", "contractor").order_by("-fiscal_year", "title")


def designations_of(contract: Contract):
    return contract.designations.select_related("user__profile__organisation", "reported_by", "decided_by").order_by(
        "kind", "reported_at"
    )


def members_of(contract: Contract):
    return contract.memberships.filter(revoked_at__isnull=True).select_related("user__profile").order_by("role")


def ward_people():
    return get_user_model().objects.filter(
        is_active=True, profile__organisation__kind__in=Organisation.WARD_KINDS
    ).select_related("profile").order_by("username")


def is_ward_staff(user) -> bool:
    """A person of the ward (a 部, 課 or 係 of its organisation): the footer's 「庁内ネットワーク内でのみ」 is true
    for them only (the contractor uses the app from outside)."""
    profile = getattr(user, "profile", None)
    return getattr(getattr(profile, "organisation", None), "kind", None) in Organisation.WARD_KINDS


def receiving_organisations(contract: Contract):
    """The contractor and the subcontractors the ward approved for ``contract`` (the contractor first)."""
    return Organisation.objects.filter(Q(pk=contract.contractor_id) | Q(pk__in=approved_organisation_ids(contract)))


def contractor_people(contract: Contract):
    """Whom the contractor may designate: its own people and those of the subcontractors the ward approved."""
    return get_user_model().objects.filter(
        is_active=True, profile__organisation__in=receiving_organisations(contract)
    ).select_related("profile__organisation").order_by("username")


def display_name(user) -> str:
    return person_name(user)


def waiting_designations(user):
    """HR: designations reported by the contractor and waiting for the ward's decision."""
    managed = contracts_for(user, perm="contracts.manage_contract")
    pending = Designation.objects.filter(contract__in=managed, status=Designation.Status.REPORTED).select_related(
        "contract", "user__profile"
    )
    for d in pending:
        yield Waiting(
            title=_("取扱者指定の承認待ち: %(name)s（%(kind)s）") % {"name": display_name(d.user),
                                                                   "kind": d.get_kind_display()},
            url=reverse("contracts:designations", kwargs={"slug": d.contract.slug}),
            contract=d.contract,
            since=d.reported_at,
            since_label=_("報告"),
        )



def waiting_my_reports(user):
    """Contractor manager: the people they named, still waiting for the ward's approval."""
    managed = contracts_for(user, perm="contracts.manage_contractor_side")
    pending = Designation.objects.filter(contract__in=managed, status=Designation.Status.REPORTED).select_related(
        "contract", "user__profile"
    )
    for d in pending:
        yield Waiting(
            title=_("区の承認待ち: %(name)s（%(kind)s）") % {"name": display_name(d.user), "kind": d.get_kind_display()},
            url=reverse("contracts:designations", kwargs={"slug": d.contract.slug}),
            contract=d.contract,
            since=d.reported_at,
            since_label=_("報告"),
        )


def waiting_subcontracting(user):
    """HR: applications for subcontractors waiting for the ward's decision. The handling manager: applications sent
    back to correct, and contracts in force with neither a declaration of no subcontracting nor an application."""
    managed = contracts_for(user, perm="contracts.manage_contract")
    for sub in Subcontractor.objects.filter(contract__in=managed, status=Subcontractor.Status.SUBMITTED
                                            ).select_related("contract"):
        yield Waiting(title=_("再委託先の承認待ち: %(name)s") % {"name": sub.name},
                      url=reverse("contracts:subcontractor", kwargs={"slug": sub.contract.slug, "pk": sub.pk}),
                      contract=sub.contract, since=sub.submitted_at, since_label=_("申請"))
    own = contracts_for(user, perm="contracts.manage_contractor_side").filter(status=Contract.Status.ACTIVE)
    for sub in Subcontractor.objects.filter(contract__in=own, status=Subcontractor.Status.RETURNED
                                            ).select_related("contract"):
        yield Waiting(title=_("再委託先の申請が差し戻されました: %(name)s") % {"name": sub.name},
                      url=reverse("contracts:subcontractor", kwargs={"slug": sub.contract.slug, "pk": sub.pk}),
                      contract=sub.contract, since=sub.decided_at, since_label=_("差戻し"))
    declared = SubcontractingDeclaration.objects.filter(contract=OuterRef("pk"), withdrawn_at__isnull=True)
    applied = Subcontractor.objects.filter(contract=OuterRef("pk"), status__in=["submitted", "returned", "accepted"])
    for contract in own.exclude(Exists(declared)).exclude(Exists(applied)):
        yield Waiting(title=_("再委託の有無を区に申し出てください（再委託なしの申出、又は再委託先の承認申請）"),
                      url=reverse("contracts:subcontracting", kwargs={"slug": contract.slug}), contract=contract)


def steps_with_history(contract: Contract):
    """Steps ①–⑥ with their history (newest first), for the contract page."""
    events = ContractStepEvent.objects.select_related("actor__profile").order_by("-recorded_at", "-pk")
    return contract.steps.select_related("completed_by__profile").prefetch_related(
        Prefetch("events", queryset=events, to_attr="history"))


def next_year_day(day: dt.date | None) -> dt.date | None:
    """The same day a year later (28 February for 29 February)."""
    if day is None:
        return None
    if day.year >= dt.MAXYEAR:  # a row written before core.bounds; the copy then refuses it in words
        return day
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass
class CopyPreview:
    """What copying ``source`` into the next fiscal year makes and carries, shown before it is done."""

    source: Contract
    fiscal_year: int
    start_date: dt.date
    end_date: dt.date
    memberships: list = field(default_factory=list)    # auditors' access, carried as it is
    designations: list = field(default_factory=list)   # carried as reports waiting for the ward's approval
    plan: object = None                                # last year's finalised checklist, carried as a draft
    plan_counts: tuple[int, int] = (0, 0)              # (○, ー) in that plan
    existing: Contract | None = None                   # the copy, when it was made already


def copy_preview(source: Contract) -> CopyPreview:
    """The one answer to "what would the copy carry": the preview page shows it, the copy service accepts
    exactly its rows. People who left the contractor or whose account is closed are not offered."""
    preview = CopyPreview(source=source, fiscal_year=source.fiscal_year + 1,
                          start_date=next_year_day(source.start_date), end_date=next_year_day(source.end_date))
    preview.existing = Contract.objects.filter(previous=source).first()
    preview.memberships = list(
        Membership.objects.filter(contract=source, role=Role.AUDITOR, revoked_at__isnull=True, user__is_active=True)
        .select_related("user__profile").order_by("user__username"))
    preview.designations = list(
        Designation.objects.filter(contract=source, status=Designation.Status.APPROVED, user__is_active=True,
                                   user__profile__organisation=source.contractor_id)
        .select_related("user__profile").order_by("kind", "reported_at"))
    # Last year's plan (the checklist app) and whatever else the apps above carry (contracts.carry_over).
    carry_over.fill_preview(source, preview)
    return preview
