"""The one guard of every write on a closed contract, and the registry of what stands between a contract and
its closing.

Closing and reopening themselves, and the blockers the year's-end records raise, live in the top-floor app
``yearend`` (:mod:`yearend.closing`); the contract's status and its :class:`~contracts.models.ClosingEvent`
history stay here, because every app below the year's end asks whether a contract is closed. The apps that
know a blocker register it (:func:`register_blockers`) from their ``AppConfig.ready``; the contract page and
HR's dashboard list them through :func:`closing_blockers` without importing upward.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import ClosingEvent, Contract

CLOSED = "closed"  # the code of every refusal because the contract is closed


# --- the one guard of every write on a closed contract ---------------------------------------------
#
# Every service that writes a contract's records asks :func:`require_open` (or, where the page and the service
# share a ``may_*`` answer, :func:`closed_refusal`, which ``contracts.permissions.closed_answer`` turns into an
# Answer), and the pages offer no form it would refuse. Deliberately allowed on a closed contract, because they
# change none of its records: reopening it (:func:`contract_reopen`), taking access away (revoking a membership or
# a designation), copying it to next year (which writes the new year's contract), purging survey data, and
# reading, exporting and auditing.


def closed_refusal(contract: Contract) -> str:
    """Why a write on ``contract`` is refused because it is closed (完了), or "" while it is open."""
    if contract.is_closed:
        return _("この契約は完了しているため、記録できません。記録が必要なときは、担当課が理由を入力して契約を再開してください。")
    return ""


def require_open(contract: Contract) -> None:
    """Refuse a write on a closed contract (read the contract under the service's lock first)."""
    refusal = closed_refusal(contract)
    if refusal:
        raise DomainError(refusal, code=CLOSED)


@dataclass(frozen=True)
class Blocker:
    text: str
    url: str


# (order, function(contract) -> list[Blocker]): ordered as the work is done (steps, the report, returns,
# copies, checklists, incidents).
_BLOCKERS: list[tuple[int, Callable[[Contract], list[Blocker]]]] = []


def register_blockers(function: Callable[[Contract], list[Blocker]], *, order: int) -> None:
    """Register what an app knows to stand between a contract and its closing (called from ``ready``)."""
    if all(existing is not function for _order, existing in _BLOCKERS):
        _BLOCKERS.append((order, function))
        _BLOCKERS.sort(key=lambda pair: pair[0])


def closing_blockers(contract: Contract) -> list[Blocker]:
    """Everything known today to stand between ``contract`` and its closing, in the order work is done."""
    if contract.is_closed:
        return []
    return [blocker for _order, function in _BLOCKERS for blocker in function(contract)]


def last_closing(contract: Contract) -> ClosingEvent | None:
    return contract.closing_events.select_related("actor__profile").order_by("-happened_at", "-pk").first()
