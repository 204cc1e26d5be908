"""Live evidence: what the app's own records say about a checklist item's control on one contract.

The registry lives on the ground floor so that every app, below the checklist or above it, adds what its
records know without importing the checklist; the checklist only asks. Which item keys exist and what they
mean is the checklist's (``checklist/evidence.py``).

How an app adds a provider, in its ``AppConfig.ready`` (never at import time of models)::

    from core import evidence

    def ledger_evidence(contract) -> evidence.Evidence:
        ...
        return evidence.Evidence(met=True, summary="受渡し 3件を管理簿に記録", url=reverse(...))

    evidence.register("ward.operational.09", ledger_evidence)
    evidence.register("contractor.operational.09", ledger_evidence)

A provider takes the contract and returns one :class:`Evidence`: ``met`` True (the records show the
control in place), False (they show it unmet) or None (nothing to judge yet, e.g. before any handover);
``summary`` is one short Japanese sentence for the page and the exports; ``url`` the page that shows
the records, or None; ``files`` the files among those records (:class:`FileRef`). Providers are called on every view of a checklist side: keep them to a few queries.
A provider that raises is reported as "could not be read" rather than breaking the page.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileRef:
    """A file behind a piece of evidence (an inspection's photo, a certificate), as the checklist lists it."""

    name: str
    sha256: str
    version: int = 1
    size: int = 0
    url: str | None = None


@dataclass(frozen=True)
class Evidence:
    met: bool | None
    summary: str
    url: str | None = None
    # The files the records hold (``attachments.selectors.file_refs``), listed with their SHA-256 in the
    # checklist's page and PDF.
    files: tuple[FileRef, ...] = ()


Provider = Callable[[object], Evidence]
_providers: dict[str, list[Provider]] = {}


def register(item_key: str, provider: Provider) -> Provider:
    """Add ``provider`` for the item ``item_key``; registering the same provider twice is harmless."""
    providers = _providers.setdefault(item_key, [])
    if provider not in providers:
        providers.append(provider)
    return provider


def registered_keys() -> set[str]:
    return {key for key, providers in _providers.items() if providers}


def evidence_for(contract, item_key: str) -> list[Evidence]:
    return evidence_by_key(contract, [item_key]).get(item_key, [])


def evidence_by_key(contract, item_keys: Iterable[str]) -> dict[str, list[Evidence]]:
    """Evidence for every key that has a provider; each provider is asked once per request."""
    cache: dict[Provider, Evidence] = {}
    result: dict[str, list[Evidence]] = {}
    for key in item_keys:
        rows = []
        for provider in _providers.get(key, ()):
            if provider not in cache:
                try:
                    cache[provider] = provider(contract)
                except Exception:
                    logger.exception("checklist evidence provider %r failed for %s", provider, key)
                    cache[provider] = Evidence(met=None, summary=_("アプリの記録を読み取れませんでした。"))
            rows.append(cache[provider])
        if rows:
            result[key] = rows
    return result


def shows_unmet(evidence: Iterable[Evidence]) -> bool:
    return any(e.met is False for e in evidence)
