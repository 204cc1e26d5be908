"""What waits for a person, gathered from every app.

Each app registers a provider in its ``AppConfig.ready``; a provider takes the user and returns
:class:`Waiting` rows for that person. The dashboard shows them grouped by contract.

``order`` places an app's rows and menu links among the others' (the floor's order: contracts 10, survey 20,
handover 30, checklist 40, incidents 50); an app registering later with the same order comes after, so the
year's end, registered last, puts its pages beside those of the app whose records they close.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

_providers: list[tuple[int, Callable]] = []


def _add(registry: list[tuple[int, Callable]], provider: Callable, order: int) -> None:
    if all(existing is not provider for _order, existing in registry):
        registry.append((order, provider))
        registry.sort(key=lambda pair: pair[0])  # stable: same order, registration order


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


def register(provider: Callable[[object], Iterable[Waiting]], *, order: int = 0) -> Callable:
    _add(_providers, provider, order)
    return provider


def waiting_for(user) -> list[Waiting]:
    rows: list[Waiting] = []
    for _order, provider in _providers:
        rows.extend(provider(user))
    def when(w: Waiting) -> float:
        moment = w.due or w.since
        return moment.timestamp() if moment is not None else float("inf")

    return sorted(rows, key=lambda w: (not w.overdue, when(w)))


@dataclass(frozen=True)
class Link:
    title: str
    url: str


_contract_links: list[tuple[int, Callable]] = []


def register_contract_links(provider: Callable[[object, object], Iterable[Link]], *, order: int = 0) -> Callable:
    """Apps add their pages to a contract's menu: ``provider(user, contract)`` returns links."""
    _add(_contract_links, provider, order)
    return provider


def contract_links(user, contract) -> list[Link]:
    links: list[Link] = []
    for _order, provider in _contract_links:
        links.extend(provider(user, contract))
    return links
