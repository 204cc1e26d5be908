"""The chain is keyed: HMAC-SHA256 under a key kept outside the database (issue 7, A.2). Someone who can
write to the database but lacks the key cannot rewrite it unseen, and a chain from before the key keeps
verifying."""

import hashlib
import hmac
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import REKEYED_ACTION, AuditChainHead, AuditEntry, Scheme
from audit.services import audit_log, verify, verify_chain
from tests.audit.helpers import append, declare, legacy_chain, rewrite_from, sql

pytestmark = pytest.mark.django_db


def test_entries_are_signed_with_hmac_sha256_under_the_audit_key():
    entry = audit_log(action="test.event", payload={"n": 1})
    assert entry.scheme == Scheme.KEYED
    assert entry.hash == hmac.new(settings.AUDIT_KEY.encode(), entry.canonical(), hashlib.sha256).hexdigest()
    assert entry.hash != hashlib.sha256(entry.canonical()).hexdigest()


def test_a_rewrite_with_the_projects_own_hashing_code_but_without_the_key_is_detected():
    # The attack of the issue: entry 150 edited, every later digest and the head recomputed.
    append(160)
    rewrite_from(150, action="tampered")
    assert AuditChainHead.objects.get(pk=1).last_hash == AuditEntry.objects.get(seq=160).hash
    assert verify_chain()[1:] == (150, "hash")
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert "BROKEN at seq 150" in str(excinfo.value)
    assert excinfo.value.returncode == 1


def test_a_rewrite_that_falls_back_to_plain_sha256_is_detected():
    append(20)
    rewrite_from(12, action="tampered", scheme=Scheme.LEGACY)
    assert verify_chain()[1:] == (12, "scheme")
    with pytest.raises(CommandError, match="seq 12: an entry without the audit key"):
        call_command("verify_audit")


def test_the_whole_chain_rewritten_as_plain_sha256_is_caught_without_an_anchor():
    # A chain rewritten from its first entry as if the key had never existed: the installation is declared
    # keyed from seq 1 outside the database, so its very first entry is the rewrite.
    append(8)
    rewrite_from(1, action="tampered", scheme=Scheme.LEGACY)
    result = verify()
    assert (result.broken, result.reason) == (1, "scheme")


def test_a_chain_from_before_the_key_keeps_verifying_and_is_carried_over(capsys):
    old = legacy_chain(5)
    assert verify_chain() == (5, None, "")
    declare(5)

    entry = audit_log(action="test.event")

    marker = AuditEntry.objects.get(seq=6)
    assert (marker.action, marker.scheme, marker.prev_hash) == (REKEYED_ACTION, Scheme.KEYED, old[-1].hash)
    assert marker.payload == {"unkeyed_entries": 5, "scheme": "hmac-sha256"}
    assert (entry.seq, entry.scheme, entry.prev_hash) == (7, Scheme.KEYED, marker.hash)
    # The old entries are untouched: nothing was re-signed.
    assert [e.hash for e in AuditEntry.objects.filter(seq__lte=5).order_by("seq")] == [e.hash for e in old]
    assert AuditEntry.objects.filter(scheme=Scheme.LEGACY).count() == 5
    result = verify()
    assert (result.count, result.broken, result.keyed_from) == (7, None, 6)
    call_command("verify_audit")
    assert capsys.readouterr().out.splitlines() == [
        "OK 7 entries",
        "entries 1-5 were chained before the audit key (plain SHA-256); the keyed chain begins at seq 6",
    ]
    audit_log(action="test.event")
    assert AuditEntry.objects.filter(action=REKEYED_ACTION).count() == 1


def test_the_old_part_of_a_carried_over_chain_cannot_be_rewritten_either():
    legacy_chain(5)
    declare(5)
    append(3)
    # Entry 2 edited and 2-5 recomputed with plain SHA-256, as the old code did; the marker's link follows.
    sql(f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE seq = 2", ["tampered"])
    prev_hash = AuditEntry.objects.get(seq=1).hash
    for entry in AuditEntry.objects.filter(seq__range=(2, 5)).order_by("seq"):
        entry.prev_hash = prev_hash
        prev_hash = hashlib.sha256(entry.canonical()).hexdigest()
        sql(f"UPDATE {AuditEntry._meta.db_table} SET prev_hash = %s, hash = %s WHERE seq = %s",
            [entry.prev_hash, prev_hash, entry.seq])
    sql(f"UPDATE {AuditEntry._meta.db_table} SET prev_hash = %s WHERE seq = 6", [prev_hash])
    # The last carried-over entry's digest is declared outside the database, and the marker's keyed digest
    # covers it too: without the key neither can be redone.
    assert verify_chain()[1:] == (5, "declared")


def test_the_heads_keyed_flag_in_the_database_does_not_decide_the_marker():
    legacy_chain(3)
    declare(3)
    AuditChainHead.objects.filter(pk=1).update(keyed=True)  # the database's word is not taken
    audit_log(action="test.event")
    assert AuditEntry.objects.get(seq=4).action == REKEYED_ACTION
    assert verify().ok


def test_a_keyed_entry_right_after_old_ones_must_be_the_marker():
    import datetime as dt

    from django.utils import timezone

    old = legacy_chain(3)
    declare(3)
    assert verify().declaration.legacy_last_seq == 3
    # A keyed entry that is not the marker, as a writer that skipped it would leave.
    entry = AuditEntry(seq=4, created_at=timezone.now().astimezone(dt.UTC), action="test.event",
                       prev_hash=old[-1].hash, scheme=Scheme.KEYED)
    entry.hash = entry.compute_hash()
    entry.save()
    AuditChainHead.objects.filter(pk=1).update(last_seq=4, last_hash=entry.hash)
    assert verify_chain()[1:] == (4, "scheme")


def test_the_migration_leaves_a_chain_with_entries_to_be_carried_over_and_starts_a_fresh_one_keyed():
    migration = __import__("audit.migrations.0003_keyed_chain", fromlist=["mark_fresh_heads_keyed"])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_seq": 12, "keyed": False})
    migration.mark_fresh_heads_keyed(apps, None)
    assert AuditChainHead.objects.get(pk=1).keyed is False
    AuditChainHead.objects.filter(pk=1).update(last_seq=0)
    migration.mark_fresh_heads_keyed(apps, None)
    assert AuditChainHead.objects.get(pk=1).keyed is True


def _settings_value(name, env):
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path), **extra})
    return env


def test_without_an_audit_key_in_the_environment_one_is_made_once_outside_the_database(tmp_path):
    keys = [_settings_value("AUDIT_KEY", _env(tmp_path)).stdout.strip() for _ in range(2)]
    assert keys[0] == keys[1] and len(keys[0]) >= 64
    path = tmp_path / "audit_key"
    assert path.read_text().strip() == keys[0]
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys[0] != (tmp_path / "secret_key").read_text().strip()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".audit_key")) == []


def test_the_audit_key_from_the_environment_wins_and_must_be_long_enough(tmp_path):
    key = "k" * 40
    assert _settings_value("AUDIT_KEY", _env(tmp_path, DJANGO_AUDIT_KEY=key)).stdout.strip() == key
    assert not (tmp_path / "audit_key").exists()
    short = _settings_value("AUDIT_KEY", _env(tmp_path, DJANGO_AUDIT_KEY="short"))
    assert short.returncode != 0 and "DJANGO_AUDIT_KEY needs at least 32 characters" in short.stderr
