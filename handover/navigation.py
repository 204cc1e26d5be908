"""The handover pages' own menu (受渡しのメニュー): the handover app's pages, and the pages of the apps above it
that belong beside them (the year's end adds the copy register and the deletion report), registered from
their ``AppConfig.ready`` so that handover names no page above it.
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from contracttypes.parts import uses
from core.dashboard import Link

# (order, function(contract) -> list[Link]); handover's own pages come first (order 10), the whole-ward ledger last.
_providers: list[tuple[int, Callable]] = []


def register(provider: Callable, *, order: int) -> None:
    if all(existing is not provider for _order, existing in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda pair: pair[0])


def _own_pages(contract) -> list[Link]:
    links = []
    if uses(contract, "media_custody"):  # a type that sends its data online moves no media
        links.append(Link(_("記録媒体等・受渡し"), reverse("handover:items", kwargs={"slug": contract.slug})))
    if uses(contract, "online_transfer"):
        links.append(Link(_("送信（LGWAN等）"), reverse("handover:transfers", kwargs={"slug": contract.slug})))
    links.append(Link(_("管理簿"), reverse("handover:ledger", kwargs={"slug": contract.slug})))
    return links


def _all_ledgers(contract) -> list[Link]:
    return [Link(_("全契約の管理簿"), reverse("handover:ledger_all"))]


def links(contract) -> list[Link]:
    return [link for _order, provider in _providers for link in provider(contract)]


register(_own_pages, order=10)
register(_all_ledgers, order=90)
