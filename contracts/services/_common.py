"""What the contract services share: bounded free text, and the guardian permissions kept in step with
the memberships."""

from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from audit.services import audit_log
from core.errors import DomainError

from ..models import ROLE_PERMISSIONS, Contract, Membership

NOTE_MAX = 300


def bounded_text(value, *, field: str, limit: int = NOTE_MAX, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("%(label)sは%(limit)s文字以内で入力してください（いま%(n)s文字）。")
                          % {"label": label, "limit": limit, "n": len(value)}, field=field)
    return value


def sync_permissions(*, user, contract: Contract) -> None:
    wanted: set[str] = set()
    for role in contract.memberships.filter(user=user, revoked_at__isnull=True).values_list("role", flat=True):
        wanted.update(ROLE_PERMISSIONS[role])
    held = set(get_perms(user, contract))
    for codename in wanted - held:
        assign_perm(f"contracts.{codename}", user, contract)
    for codename in (held - wanted) & {p for perms in ROLE_PERMISSIONS.values() for p in perms}:
        remove_perm(f"contracts.{codename}", user, contract)
    # Django and guardian cache permissions on the user object; a fresh check must see the change.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)


def membership_add(*, contract, user, role, actor, request=None, audit=True) -> Membership:
    membership, created = Membership.objects.get_or_create(
        contract=contract, user=user, role=role, revoked_at__isnull=True,
        defaults={"granted_at": timezone.now(), "granted_by": actor},
    )
    sync_permissions(user=user, contract=contract)
    if created and audit:
        audit_log(action="contract.membership.granted", actor=actor, contract=contract, obj=membership,
                  request=request, payload={"user": user.get_username(), "role": role})
    return membership
