"""What waits for a person, gathered from every app.

Each app registers a provider in its ``AppConfig.ready``; a provider takes the user and returns
:class:`Waiting` rows for that person. The dashboard shows them grouped by contract.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

_providers: list[Callable] = []


@dataclass(frozen=True)
class Waiting:
    """A to-do. Its dates say what they are: ``due`` is a deadline (shown as 期限); ``since`` is when it began
    waiting, shown after ``since_label`` (提出, 確認の依頼, 差戻し, …), never as a deadline."""

    title: str
    url: str
    contract: object = None
    due: datetime | None = None
    overdue: bool = False
    since: datetime | None = None
    since_label: str = ""


def register(provider: Callable[[object], Iterable[Waiting]]) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def waiting_for(user) -> list[Waiting]:
    rows: list[Waiting] = []
    for provider in _providers:
        rows.extend(provider(user))
    def when(w: Waiting) -> float:
        moment = w.due or w.since
        return moment.timestamp() if moment is not None else float("inf")

    return sorted(rows, key=lambda w: (not w.overdue, when(w)))


@dataclass(frozen=True)
class Link:
    title: str
    url: str


_contract_links: list[Callable] = []


def register_contract_links(provider: Callable[[object, object], Iterable[Link]]) -> Callable:
    """Apps add their pages to a contract's menu: ``provider(user, contract)`` returns links."""
    if provider not in _contract_links:
        _contract_links.append(provider)
    return provider


def contract_links(user, contract) -> list[Link]:
    links: list[Link] = []
    for provider in _contract_links:
        links.extend(provider(user, contract))
    return links
