"""Anonymous failures reach the audit trail once per address and minute, with a count (issue 13, finding 4).

A stranger can make the app write: every refused sign-in, every unknown enrolment link and every attempt
during a lockout was one audit entry, so 300 guessed links were 300 entries. The rule:

- The first failure of a kind (action and what it is about: the account, or the refusal's reason) from
  an address in a minute writes its audit entry at once; the others in that minute only add to a counter
  (:class:`accounts.models.AttemptCount`, outside the append-only trail).
- When the minute is over, a counter that went past one becomes one summary entry: the same action, the
  same address, the same account, and ``repeated`` (how many more) and ``minute`` in its payload. Summaries
  are written by the next anonymous failure from any address, and by the daily ``send_reminders``.
- Past ``settings.ANONYMOUS_FAILURES_PER_MINUTE`` failures from one address in a minute, the sign-in and
  the enrolment link answer 429 with a page in Japanese, before looking at what was sent; those refusals
  are counted the same way (one ``auth.requests.throttled`` entry, then a summary).
"""

import datetime as dt
import types

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from audit.services import audit_log, client_ip

from .models import AttemptCount

THROTTLED = "auth.requests.throttled"


def _minute(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def _at_address(address: str):
    # audit_log takes the address from a request; a summary is written during another request (or none),
    # so it gets a stand-in that carries the counted address and nothing else.
    return types.SimpleNamespace(META={"REMOTE_ADDR": address}) if address else None


def throttled(request) -> bool:
    """Whether the address has had its minute's share of failures; if so this request is counted too."""
    address = client_ip(request) or ""
    minute = _minute(timezone.now())
    total = AttemptCount.objects.filter(address=address, minute=minute).aggregate(n=Sum("count"))["n"] or 0
    if total < settings.ANONYMOUS_FAILURES_PER_MINUTE:
        return False
    anonymous_failure(request=request, action=THROTTLED)
    return True


def anonymous_failure(*, request, action: str, subject: str = "", actor_label: str = "", user=None,
                      payload: dict | None = None) -> None:
    """Audit a failure nobody signed in caused: its first of the minute, or one more in the counter."""
    summarise_finished_minutes()
    address = client_ip(request) or ""
    minute = _minute(timezone.now())
    key = {"address": address, "minute": minute, "action": action, "subject": subject}
    with transaction.atomic():
        if AttemptCount.objects.filter(**key).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                AttemptCount.objects.create(**key, label=actor_label, user=user, payload=payload or {})
        except IntegrityError:  # another request counted the first one just now
            AttemptCount.objects.filter(**key).update(count=F("count") + 1)
            return
        audit_log(action=action, request=request, actor_label=actor_label, obj=user, payload=payload)


def summarise_finished_minutes(now: dt.datetime | None = None) -> int:
    """Write the summary entry of every counter whose minute is over, and drop the counters."""
    current = _minute(now or timezone.now())
    written = 0
    for pk in AttemptCount.objects.filter(minute__lt=current).values_list("pk", flat=True):
        with transaction.atomic():
            row = AttemptCount.objects.select_for_update(of=("self",)).select_related("user").filter(pk=pk).first()
            if row is None:  # summarised by another request meanwhile
                continue
            if row.count > 1:
                audit_log(action=row.action, request=_at_address(row.address), actor_label=row.label,
                          obj=row.user, payload={**row.payload, "repeated": row.count - 1,
                                                 "minute": timezone.localtime(row.minute).isoformat()})
                written += 1
            row.delete()
    return written


def daily_summaries(*, actor_label: str) -> str:
    """The daily job (core.daily): counts of anonymous failures whose minute is over reach the audit trail even
    on a quiet day."""
    return f"Anonymous failure counts summarised in the audit trail: {summarise_finished_minutes()}."
