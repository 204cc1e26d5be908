"""Roles held on a part of the ward's organisation (ScopeGrant): granted, revoked, and replaced by what the
ward's directory says at each sign-in. Every change writes one audit entry; no personal data in it (the
person by username, the unit by its code)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import DomainError

from ..models import Organisation, Role, ScopeGrant

# Which units each scoped role may be held on (None: the whole ward).
ROLE_UNIT_KINDS = {
    Role.HR: (Organisation.Kind.WARD_SECTION, Organisation.Kind.UNIT),
    Role.PRIVACY: (Organisation.Kind.DEPARTMENT, None),
    Role.AUDITOR: (Organisation.Kind.DEPARTMENT, None),
}


def check_scope(role: str, unit: Organisation | None) -> None:
    """担当課 on a 課 or a 係; 個人情報保護担当 and 監査 on a 部 or the whole ward; nothing else."""
    if role not in ROLE_UNIT_KINDS:
        raise DomainError(_("組織単位に付与できる役割は、担当課・個人情報保護担当・監査のみです。"), field="role")
    kinds = ROLE_UNIT_KINDS[role]
    kind = None if unit is None else unit.kind
    if kind in kinds:
        return
    if role == Role.HR:
        raise DomainError(_("担当課の役割は、課又は係に付与してください。"), field="unit")
    raise DomainError(_("%(role)sの役割は、部又は区全体（空欄）に付与してください。")
                      % {"role": Role(role).label}, field="unit")


def check_holder(user) -> None:
    """The ward's people only, as for a membership (membership_grant): a contractor's people hold roles only
    through designations on one contract."""
    profile = getattr(user, "profile", None)
    if profile is None or profile.organisation.kind not in Organisation.WARD_KINDS:
        raise DomainError(_("区の職員のみ登録できます。"), field="user")


def _payload(grant: ScopeGrant) -> dict:
    return {"user": grant.user.get_username(), "role": grant.role,
            "unit": grant.unit.code or grant.unit.name if grant.unit_id else "", "source": grant.source}


@transaction.atomic
def scope_grant(*, user, role: str, unit: Organisation | None, actor, source: str = ScopeGrant.Source.MANUAL,
                request=None) -> ScopeGrant:
    """Give ``user`` the role ``role`` on ``unit``'s contracts (None: the whole ward). Granting what the person
    already holds (same role, unit and source) changes nothing and returns the grant in force."""
    check_scope(role, unit)
    check_holder(user)
    if source not in ScopeGrant.Source.values:
        raise DomainError(_("付与の根拠が正しくありません。"), field="source")
    existing = ScopeGrant.objects.filter(user=user, role=role, unit=unit, source=source,
                                         revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    grant = ScopeGrant.objects.create(user=user, role=role, unit=unit, source=source, granted_at=timezone.now(),
                                      granted_by=actor)
    audit_log(action="contract.scope.granted", actor=actor, obj=grant, request=request, payload=_payload(grant))
    return grant


@transaction.atomic
def scope_revoke(*, grant: ScopeGrant, actor, request=None) -> ScopeGrant:
    """Take the role away (the row stays, dated, for the record)."""
    grant = ScopeGrant.objects.select_for_update(of=("self",)).select_related("user", "unit").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise DomainError(_("この役割はすでに取り消されています。"), code="already_revoked")
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_log(action="contract.scope.revoked", actor=actor, obj=grant, request=request, payload=_payload(grant))
    return grant


@transaction.atomic
def scopes_replace(*, user, wanted: list[tuple[str, Organisation | None]],
                   source: str = ScopeGrant.Source.DIRECTORY, actor=None, request=None):
    """Make the person's grants of ``source`` exactly ``wanted`` ((role, unit) pairs): those not wanted any
    more are revoked, the new ones granted; grants of another source (an administrator's) are left alone.
    Returns (added, removed), lists of ScopeGrant. A pair that cannot be held (担当課 on a 部 …) is refused
    before anything changes."""
    wanted_keys = []
    for role, unit in wanted:
        check_scope(role, unit)
        key = (role, None if unit is None else unit.pk)
        if key not in wanted_keys:
            wanted_keys.append(key)
    units = {unit.pk: unit for _role, unit in wanted if unit is not None}
    held = list(ScopeGrant.objects.select_for_update(of=("self",)).filter(user=user, source=source, revoked_at__isnull=True)
                .select_related("user", "unit"))
    held_keys = {(grant.role, grant.unit_id) for grant in held}
    removed = []
    for grant in held:
        if (grant.role, grant.unit_id) not in wanted_keys:
            removed.append(scope_revoke(grant=grant, actor=actor, request=request))
    added = [scope_grant(user=user, role=role, unit=units.get(unit_pk), actor=actor, source=source, request=request)
             for role, unit_pk in wanted_keys if (role, unit_pk) not in held_keys]
    return added, removed
