from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from core.dashboard import Waiting

from .models import Contract, Designation, Organisation


def contracts_for(user, *, perm: str = "contracts.view_contract"):
    """The contracts this person may see (or act on with ``perm``)."""
    if not user.is_authenticated:
        return Contract.objects.none()
    return get_objects_for_user(user, perm, klass=Contract, accept_global_perms=False)


def contract_list_for(user):
    return contracts_for(user).select_related("ward_section", "contractor").order_by("-fiscal_year", "title")


def designations_of(contract: Contract):
    return contract.designations.select_related("user__profile", "reported_by", "decided_by").order_by(
        "kind", "reported_at"
    )


def approved_designees(contract: Contract):
    """The people who may receive this contract's items now: approved, and within their designated period."""
    in_force = Designation.objects.in_force().filter(contract=contract).values("user_id")
    return get_user_model().objects.filter(pk__in=in_force).select_related("profile")


def members_of(contract: Contract):
    return contract.memberships.filter(revoked_at__isnull=True).select_related("user__profile").order_by("role")


def ward_people():
    return get_user_model().objects.filter(
        is_active=True, profile__organisation__kind=Organisation.Kind.WARD_SECTION
    ).select_related("profile").order_by("username")


def contractor_people(contract: Contract):
    return get_user_model().objects.filter(
        is_active=True, profile__organisation=contract.contractor
    ).select_related("profile").order_by("username")


def display_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return profile.display_name if profile else user.get_username()


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
            due=d.reported_at,
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
            due=d.reported_at,
        )
