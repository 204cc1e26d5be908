from django.db.models import Q

from contracts.selectors import contracts_for

from .models import AuditEntry


def may_read_log(user) -> bool:
    """Auditors, and HR of a contract (for that contract's entries); the page and the exports ask this."""
    return user.has_perm("audit.view_security_log") or contracts_for(user, perm="contracts.audit_contract").exists()


def audit_entries_for(user, *, contract=None, action: str = "", actor: str = "", date_from=None, date_to=None):
    """Entries this person may read: those of the contracts they audit or manage, and, with the
    security-log permission, the entries that belong to no contract (logins and the like)."""
    visible = Q(contract__in=contracts_for(user, perm="contracts.audit_contract"))
    if user.has_perm("audit.view_security_log"):
        visible |= Q(contract__isnull=True)
    qs = AuditEntry.objects.filter(visible).select_related("contract", "actor")
    if contract is not None:
        qs = qs.filter(contract=contract)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-seq")
