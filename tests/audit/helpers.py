"""What someone with write access to the database, but without the audit key, can do to the chain."""

import hashlib

from django.db import connection
from django.test import override_settings

from audit.models import AuditChainHead, AuditEntry, Scheme
from audit.services import audit_log

ENTRY_TABLE = AuditEntry._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table
ATTACKER_KEY = "a guess at the audit key, which the attacker does not have"


def append(n: int) -> None:
    for i in range(n):
        audit_log(action="test.event", payload={"i": i})


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rewrite_from(seq: int, *, action: str, scheme: str = Scheme.KEYED, key: str = ATTACKER_KEY) -> None:
    """Edit the entry at ``seq`` and recompute every later digest and the head with the project's own
    hashing code (AuditEntry.compute_hash), under ``key`` (or plain SHA-256), straight in the database."""
    sql(f"UPDATE {ENTRY_TABLE} SET action = %s WHERE seq = %s", [action, seq])
    prev_hash = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else ""
    with override_settings(AUDIT_KEY=key):
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            entry.prev_hash, entry.scheme = prev_hash, scheme
            digest = entry.compute_hash()
            sql(f"UPDATE {ENTRY_TABLE} SET prev_hash = %s, hash = %s, scheme = %s WHERE seq = %s",
                [prev_hash, digest, scheme, entry.seq])
            prev_hash = digest
    sql(f"UPDATE {HEAD_TABLE} SET last_hash = %s WHERE id = 1", [prev_hash])


def truncate(count: int) -> None:
    """Delete the last ``count`` entries and move the head back to the entry before them."""
    last = AuditEntry.objects.order_by("-seq").first().seq
    keep = AuditEntry.objects.get(seq=last - count)
    sql(f"DELETE FROM {ENTRY_TABLE} WHERE seq > %s", [keep.seq])
    sql(f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s WHERE id = 1", [keep.seq, keep.hash])


def legacy_chain(n: int) -> list[AuditEntry]:
    """A chain as the app wrote it before the audit key: plain SHA-256 of the same canonical bytes, and a
    head not yet keyed (what migration 0003 leaves on a database that has entries)."""
    import datetime as dt

    from django.utils import timezone

    assert not AuditEntry.objects.exists()
    prev_hash, entries = "", []
    for seq in range(1, n + 1):
        entry = AuditEntry(seq=seq, created_at=timezone.now().astimezone(dt.UTC), action="old.event",
                           payload={"i": seq}, prev_hash=prev_hash, scheme=Scheme.LEGACY)
        entry.hash = hashlib.sha256(entry.canonical()).hexdigest()
        entry.save()
        prev_hash = entry.hash
        entries.append(entry)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_seq": n, "last_hash": prev_hash, "keyed": False})
    return entries


def declare(n: int) -> str:
    """What the administrator does once at the upgrade of a chain from before the key: audit_declare with the
    digest of its last plain entry (taken from the old installation's own output, here from the chain)."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("audit_declare", "--legacy-through", str(n), "--digest", AuditEntry.objects.get(seq=n).hash,
                 stdout=out)
    return out.getvalue()
