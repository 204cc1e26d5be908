"""Who may import: an administrator (the 管理者 group's ``imports.run_import``, or a superuser).

What the rows then write is asked of the owning services row by row, as the actor: creating a contract needs
the right to create contracts in its section (contracts.permissions), reporting a designation the right to
manage that contract; the preview shows each refusal at its row."""

from django.utils.translation import gettext as _

from core import roles
from core.answers import YES, Answer, no


def may_run_import(user) -> Answer:
    if user is None or not user.is_authenticated or not user.is_active:
        return no("", "anonymous", forbidden=True)
    if user.is_superuser or roles.holds(user, "imports.run_import"):
        return YES
    return no(_("一括取込は管理者のみが行えます。"), "not_admin", forbidden=True)
