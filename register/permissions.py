"""Who may open the register and a contractor's page. The contracts behind both are only ever those of
``contracts_where(user, "audit")``: the privacy and audit offices in their scope, a section's staff on theirs."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Organisation
from contracts.permissions import contracts_where, has_contracts_where
from core.answers import YES, Answer, no

MAX_KEY = 2**31 - 1  # the organisation's key column (an integer on PostgreSQL)


def may_view_register(user) -> Answer:
    """The register (委託一覧) and its export: someone who reads at least one contract for audit."""
    if has_contracts_where(user, "audit"):
        return YES
    return no("", "no_audit", forbidden=True)


def contractor_for(user, pk) -> Organisation:
    """The company with a contract in the person's audit scope, else 404 (a company none of whose contracts the
    person reads does not exist for them; a contractor's own people read no contract for audit)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_KEY:  # a key past the column finds nothing, as any other unknown key
        raise Http404
    if not contracts_where(user, "audit").filter(contractor_id=pk).exists():
        raise Http404
    return get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.CONTRACTOR)
