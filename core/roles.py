"""Whether a person holds a site-wide role: the one answer for every app page and service.

A site-wide role (HR's 「契約を登録できる」, the auditors' 「契約に属さない記録を読める」) is a permission a
person holds through a group (contracts.roles) or given to them by name. Django's ``has_perm`` answers yes
to a superuser for every permission; the app's pages follow roles for everyone, so the superuser who is
not an auditor does not read the security log or record its analysis (reviewing its own admin work).
The admin site itself stays the superuser's, and decides there with Django's own rules.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q

_CACHE = "_site_roles_held"


def holds(user, permission: str) -> bool:
    """Whether ``user`` (active, signed in) holds ``permission`` ("app_label.codename") through a group
    or by name; never because they are a superuser. Read once per user object (the menu asks on every page)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    held = getattr(user, _CACHE, None)
    if held is None:
        rows = (Permission.objects.filter(Q(user=user) | Q(group__user=user))
                .values_list("content_type__app_label", "codename").distinct())
        held = frozenset(f"{app_label}.{codename}" for app_label, codename in rows)
        setattr(user, _CACHE, held)
    return permission in held


def forget(user) -> None:
    """Forget what :func:`holds` read for this user object (after their groups changed)."""
    if user is not None and hasattr(user, _CACHE):
        delattr(user, _CACHE)
