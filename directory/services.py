"""What a sign-in through the ward's directory changes here: the person's account, profile and scopes.

At each sign-in the person's directory groups are read afresh and mapped (settings.DIRECTORY_GROUP_SCOPES)
to scoped roles; ``contracts.services.scopes.scopes_replace`` then revokes the grants from the directory that
the groups no longer give and adds the new ones. Grants an administrator made by hand are never touched.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import DirectoryAccount
from audit.services import audit_log
from contracts.models import Designation, Organisation, UserProfile
from contracts.services.scopes import check_scope, scopes_replace
from core.errors import DomainError

from .conf import normalise_dn

logger = logging.getLogger(__name__)

# Roles in the order a person's 所属組織 is taken from: the section they work in first.
_HOME_ORDER = ("hr", "privacy", "auditor")


def is_local_only(user) -> bool:
    """A contractor's account (its organisation is a company, or it was ever designated on a contract) or
    a superuser: it signs in only with its local password and TOTP, never through the ward's directory, so
    a directory entry with the same user name cannot take it over."""
    if user.is_superuser:
        return True
    profile = UserProfile.objects.filter(user=user).select_related("organisation").first()
    if profile is not None and profile.organisation.kind not in Organisation.WARD_KINDS:
        return True
    return Designation.objects.filter(user=user).exists()


def _first(attrs, name: str) -> str:
    if not attrs or not name:
        return ""
    for key, values in attrs.items():
        if key.lower() == name.lower() and values:
            return str(values[0]).strip()
    return ""


def wanted_scopes(group_dns) -> list[tuple[str, Organisation | None]]:
    """The (role, unit or None for the whole ward) the person's groups give, each once, in a stable order."""
    mapping = getattr(settings, "DIRECTORY_GROUP_SCOPES", {})
    pairs: list[tuple[str, str | None]] = []
    for dn in sorted(normalise_dn(dn) for dn in group_dns):
        for pair in mapping.get(dn, ()):
            if pair not in pairs:
                pairs.append(pair)
    codes = {code for _role, code in pairs if code}
    units = {unit.code: unit for unit in Organisation.objects.filter(code__in=codes, kind__in=Organisation.WARD_KINDS)}
    wanted = []
    for role, code in pairs:
        if code is not None and code not in units:
            # A mistake in LDAP_GROUP_SCOPES: the group gives nothing until the unit exists.
            logger.warning("LDAP_GROUP_SCOPES names unit code %r, which is no unit of the ward's organisation.", code)
            continue
        unit = None if code is None else units[code]
        try:
            check_scope(role, unit)
        except DomainError:
            # 担当課 on a 部, 監査 on a 課 …: a mistake in LDAP_GROUP_SCOPES, which gives nothing.
            logger.warning("LDAP_GROUP_SCOPES gives role %r on unit code %r, where it cannot be held.", role, code)
            continue
        wanted.append((role, unit))
    return wanted


def _home_unit(user, wanted) -> Organisation | None:
    for role in _HOME_ORDER:
        for wanted_role, unit in wanted:
            if wanted_role == role and unit is not None:
                return unit
    default = getattr(settings, "DIRECTORY_DEFAULT_UNIT", "")
    if default:
        unit = Organisation.objects.filter(code=default, kind__in=Organisation.WARD_KINDS).first()
        if unit is not None:
            return unit
        logger.warning("LDAP_DEFAULT_UNIT names unit code %r, which is no unit of the ward's organisation.", default)
    profile = UserProfile.objects.filter(user=user).select_related("organisation").first()
    if profile is not None and profile.organisation.kind in Organisation.WARD_KINDS:
        return profile.organisation
    # A ward-wide role (or none yet): the top of the ward's organisation.
    return (Organisation.objects.filter(kind__in=Organisation.WARD_KINDS, parent__isnull=True)
            .order_by("code", "name").first())


def directory_sign_in(*, user, created: bool, attrs, group_dns, request=None) -> None:
    """Bring ``user`` (just authenticated by the directory) in line with the directory: name, address,
    所属組織, and the scopes their groups give. One audit entry; scopes_replace audits each grant changed.

    Refused (DomainError) when no unit of the ward can be the person's 所属組織 (no organisation set up)."""
    wanted = wanted_scopes(group_dns)
    with transaction.atomic():
        unit = _home_unit(user, wanted)
        if unit is None:
            raise DomainError(_("区の組織が登録されていないため、ディレクトリのアカウントでログインできません。"
                                "管理者に連絡してください。"), code="no_unit")
        display_name = _first(attrs, getattr(settings, "DIRECTORY_DISPLAY_NAME_ATTR", "displayName"))[:100]
        mail = _first(attrs, getattr(settings, "DIRECTORY_MAIL_ATTR", "mail"))[:254]
        changed = []
        if mail and user.email != mail:
            user.email = mail
            changed.append("email")
        if user.has_usable_password():
            # The directory decides from now on: a password kept here would outlive the directory's.
            user.set_unusable_password()
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        profile = UserProfile.objects.filter(user=user).first()
        unit_changed = profile is None or profile.organisation_id != unit.pk
        if profile is None:
            UserProfile.objects.create(user=user, organisation=unit, display_name=display_name or user.get_username())
        elif unit_changed or (display_name and profile.display_name != display_name):
            profile.organisation = unit
            profile.display_name = display_name or profile.display_name
            profile.save(update_fields=["organisation", "display_name"])
        now = timezone.now()
        marked = DirectoryAccount.objects.filter(user=user).update(last_signed_in_at=now)
        if not marked:
            DirectoryAccount.objects.create(user=user, first_signed_in_at=now, last_signed_in_at=now)
        added, removed = scopes_replace(user=user, wanted=wanted, source="directory", request=request)
        audit_log(action="directory.signed_in", actor=user, obj=user, request=request, payload={
            "created": created, "unit_changed": unit_changed, "scopes": len(wanted),
            "added": _count(added), "removed": _count(removed)})


def _count(changes) -> int:
    return changes if isinstance(changes, int) else len(changes)
