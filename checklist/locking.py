"""What stands between a checklist side and its locking (確定), told by the apps above the checklist.

A side is locked once every ○ item is accepted; after that nothing on it changes. Some records of the apps above
say the side is not settled yet although its items are: an inspection's finding (指摘事項) about an item of the side
that the ward has not accepted the response to. The checklist cannot import those apps, so they register a
function here from their ``AppConfig.ready``::

    from checklist import locking

    def open_findings(contract, side) -> list[locking.Blocker]:
        ...

    locking.register(open_findings)

:func:`blockers` asks every registered function; :func:`require_unblocked`, called by
``checklist.services.side_lock`` under its lock, refuses with all of them, each quoted with a link to where it
is resolved (:class:`LockBlocked`, whose message the side page shows as it is).
"""

from collections.abc import Callable, Iterable

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from contracts.closing import Blocker
from core.errors import DomainError

__all__ = ["Blocker", "LockBlocked", "blockers", "register", "require_unblocked"]

BLOCKED = "lock_blocked"

# function(contract, side) -> the things that stand between that side and its locking
_checks: list[Callable[[object, str], Iterable[Blocker]]] = []


def register(function: Callable[[object, str], Iterable[Blocker]]) -> Callable:
    """Add ``function(contract, side)`` (``side`` is ``"ward"`` or ``"contractor"``); registering it again is harmless."""
    if all(existing is not function for existing in _checks):
        _checks.append(function)
    return function


def blockers(contract, side: str) -> list[Blocker]:
    """Everything the apps above know to stand between ``side`` of ``contract``'s checklist and its locking."""
    return [blocker for function in _checks for blocker in function(contract, side)]


class LockBlocked(DomainError):
    """Locking refused: ``blockers`` names each open thing with a link to where it is resolved."""

    def __init__(self, found: list[Blocker]):
        # Inline links: the side page shows the message inside a paragraph.
        items = format_html_join("、", '<a href="{}">{}</a>', ((b.url, b.text) for b in found))
        message = format_html("{} {}", _("次のことが済んでいないため、チェックリストを確定できません。済ませてから確定してください:"),
                              items)
        super().__init__(message, code=BLOCKED)
        self.blockers = found


def require_unblocked(contract, side: str) -> None:
    """Refuse locking while anything registered stands in the way (called by the lock service)."""
    found = blockers(contract, side)
    if found:
        raise LockBlocked(found)
