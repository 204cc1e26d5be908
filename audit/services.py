import datetime as dt
import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditChainHead, AuditEntry

SECRET_KEY_PATTERN = re.compile(r"pass|secret|token|otp|key|pwd|pin|credential|暗証|パスワード", re.IGNORECASE)
MASK = "********"


def mask_secrets(value):
    """Copy ``value`` with the value of every secret-looking key masked, at any depth."""
    if isinstance(value, dict):
        return {
            str(k): (MASK if SECRET_KEY_PATTERN.search(str(k)) else mask_secrets(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def audit_log(
    *,
    action: str,
    actor=None,
    contract=None,
    obj=None,
    payload: dict | None = None,
    request=None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain.

    The chain head is updated first: that statement takes the lock (a row lock on PostgreSQL, the
    database write lock on SQLite) that serialises appends, so two writers never read the same head.
    """
    head_qs = AuditChainHead.objects.filter(pk=1)
    if not head_qs.exists():
        AuditChainHead.objects.get_or_create(pk=1)
    head_qs.update(last_seq=F("last_seq") + 1)
    head = AuditChainHead.objects.select_for_update().get(pk=1)

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        seq=head.last_seq,
        created_at=timezone.now().astimezone(dt.UTC),
        actor=actor,
        actor_label=actor_label if actor_label is not None else (actor.get_username() if actor else ""),
        action=action,
        contract=contract,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        ip_address=client_ip(request),
        payload=mask_secrets(payload or {}),
        prev_hash=head.last_hash,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=entry.hash)
    return entry


def verify_chain(entries=None) -> tuple[int, int | None, str]:
    """Walk the chain in order. Returns (entries checked, first broken seq or None, reason)."""
    expected_seq = 1
    prev_hash = ""
    count = 0
    queryset = entries if entries is not None else AuditEntry.objects.order_by("seq")
    for entry in queryset.iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            return count, expected_seq, "missing"
        if entry.prev_hash != prev_hash:
            return count, entry.seq, "prev_hash"
        if entry.compute_hash() != entry.hash:
            return count, entry.seq, "hash"
        prev_hash = entry.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != expected_seq - 1:
        return count, expected_seq, "missing"
    return count, None, ""
