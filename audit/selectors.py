from django.db.models import Q

from .formatting import actions_matching, person_filter, personal_data_downloads
from .models import AuditEntry
from .permissions import may_read_security_log
from .scope import audited_contracts


def audit_entries_for(user, *, contract=None, action: str = "", person: str = "", date_from=None, date_to=None,
                      actions=None):
    """Entries this person may read: those of the contracts they audit or manage, and, with the
    security-log permission, the entries that belong to no contract (logins and the like).

    ``action`` and ``person`` are words as people say them: 「受渡し」 finds every handover action,
    「田中」 every entry of a person whose name contains it. ``actions`` narrows to a set of actions.
    """
    visible = Q(contract__in=audited_contracts(user))
    if may_read_security_log(user):
        visible |= Q(contract__isnull=True)
    qs = AuditEntry.objects.filter(visible).select_related("contract", "actor__profile")
    if actions is not None:
        qs = qs.filter(action__in=actions)
    if contract is not None:
        qs = qs.filter(contract=contract)
    if action:
        qs = qs.filter(action__in=actions_matching(action))
    if person:
        qs = qs.filter(person_filter(person))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-seq")


def downloads_for(user, **filters):
    """「誰が、いつ、個人情報を出力したか」: every download of a file with personal data this person may see."""
    return audit_entries_for(user, actions=personal_data_downloads(), **filters)
