"""The ward's people on a contract (HR and auditors): granting and taking away their access."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError

from ..models import Contract, Membership, Organisation, Role
from ..permissions import may_grant_membership, may_revoke_membership
from ._common import membership_add, sync_permissions


@transaction.atomic
def membership_grant(*, contract: Contract, user, role: str, actor, request=None) -> Membership:
    """Give a ward person (HR or auditor) access to a contract. Contractor roles come from designations.
    Not on a closed contract: it is read-only until HR reopens it (taking access away stays possible)."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_grant_membership(actor, contract).or_403().require()
    if role not in (Role.HR, Role.AUDITOR):
        raise DomainError(_("委託先の取扱責任者・取扱者は、取扱者指定の承認によって登録してください。"), field="role")
    profile = getattr(user, "profile", None)
    if profile is None or profile.organisation.kind not in Organisation.WARD_KINDS:
        raise DomainError(_("区の職員のみ登録できます。"), field="user")
    if Membership.objects.filter(contract=contract, user=user, role=role, revoked_at__isnull=True).exists():
        raise DomainError(_("この方はすでにこの役割で登録されています。"), field="user")
    return membership_add(contract=contract, user=user, role=role, actor=actor, request=request)


@transaction.atomic
def membership_revoke(*, membership: Membership, actor, request=None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    # Allowed on a closed contract: it takes access away and changes none of its records.
    may_revoke_membership(actor, membership).or_403().require()
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    sync_permissions(user=membership.user, contract=membership.contract)
    audit_log(action="contract.membership.revoked", actor=actor, contract=membership.contract, obj=membership,
              request=request, payload={"user": membership.user.get_username(), "role": membership.role})
    return membership
