"""Which contracts a person reads the audit trail of, and a contract found by its slug: the contracts app answers.

The audit trail stands below the contracts (an app imports only apps below it), yet every entry may belong to
a contract and HR read the entries of the contracts they audit. The contracts app registers its answers here
in ``ContractsConfig.ready``, as the apps register evidence and daily jobs on the ground floor; the log page,
its exports, the menu and the entries' sentences ask through this module.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Contracts:
    audited: Callable  # (user) -> the contracts whose entries the person reads (a queryset)
    audits_any: Callable[[object], bool]  # (user) -> whether they read the entries of any contract now
    with_slug: Callable  # (slug) -> the contract with that slug, or None


_contracts: Contracts | None = None


def register(*, audited: Callable, audits_any: Callable[[object], bool], with_slug: Callable) -> None:
    global _contracts
    _contracts = Contracts(audited=audited, audits_any=audits_any, with_slug=with_slug)


def _registered() -> Contracts:
    if _contracts is None:
        raise ImproperlyConfigured("No app has told the audit trail who audits which contract (audit.scope.register).")
    return _contracts


def audited_contracts(user):
    """The contracts whose entries ``user`` reads today (HR of the contract)."""
    return _registered().audited(user)


def audits_any_contract(user) -> bool:
    return _registered().audits_any(user)


def contract_with_slug(slug: str):
    return _registered().with_slug(slug)
