"""The audit trail is append-only and hash-chained; verify_audit finds an edited or deleted row."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from audit.models import AuditEntry, AuditEntryImmutable
from audit.services import MASK, audit_log, verify_chain


def _append(n):
    for i in range(n):
        audit_log(action="test.event", payload={"i": i})


def _verify(capsys):
    call_command("verify_audit")
    return capsys.readouterr().out.strip()


@pytest.mark.django_db
def test_verify_audit_prints_ok_with_the_number_of_entries(capsys):
    before = AuditEntry.objects.count()
    _append(5)
    assert _verify(capsys) == f"OK {before + 5} entries"


@pytest.mark.django_db
def test_chain_links_each_entry_to_the_one_before():
    _append(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == ""
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash


@pytest.mark.django_db
def test_a_row_edited_in_the_database_is_named_by_its_sequence_number():
    _append(5)
    target = AuditEntry.objects.get(seq=3)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE id = %s", ["tampered", target.pk])
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert "seq 3" in str(excinfo.value)
    assert excinfo.value.returncode == 1


@pytest.mark.django_db
def test_a_row_deleted_from_the_middle_is_named_by_its_sequence_number():
    _append(6)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [4])
    assert verify_chain()[1] == 4
    with pytest.raises(CommandError, match="seq 4"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_the_last_row_deleted_is_found_too():
    _append(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [3])
    assert verify_chain()[1] == 3


@pytest.mark.django_db
def test_orm_update_and_delete_of_an_entry_raise():
    entry = audit_log(action="test.event")
    entry.action = "changed"
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


@pytest.mark.django_db
def test_secret_looking_payload_keys_are_masked_at_any_depth():
    entry = audit_log(action="test.event", payload={
        "password": "hunter2", "note": "ok", "nested": {"api_token": "abc", "count": 3}, "パスワード通知書番号": "N-1",
    })
    entry.refresh_from_db()
    assert entry.payload["password"] == MASK
    assert entry.payload["nested"] == {"api_token": MASK, "count": 3}
    assert entry.payload["note"] == "ok"
    assert entry.payload["パスワード通知書番号"] == MASK


@pytest.mark.django_db
def test_names_that_only_look_secret_stay_readable():
    entry = audit_log(action="test.event", payload={
        "key": "contractor.system.11", "mapping": {"roles": 3}, "shipping": 1, "api_key": "x", "otpKey": "y",
        "data_key": "z", "passphrase": "p",
    })
    entry.refresh_from_db()
    assert entry.payload["key"] == "contractor.system.11"
    assert entry.payload["mapping"] == {"roles": 3}
    assert entry.payload["shipping"] == 1
    assert entry.payload["api_key"] == entry.payload["otpKey"] == entry.payload["data_key"] == MASK
    assert entry.payload["passphrase"] == MASK


@pytest.mark.django_db
def test_login_logout_and_failed_login_are_recorded(client, world):
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"username": "hr", "password": "wrong password!"})
    client.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.filter(action__startswith="auth.").values_list("action", "actor_label"))
    assert ("auth.login_failed", "hr") in actions
    assert ("auth.login", "hr") in actions
    assert ("auth.logout", "hr") in actions
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert "wrong password" not in str(failed.payload)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a real PostgreSQL server")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_do_not_fork_the_chain():
    audit_log(action="test.start")
    barrier = threading.Barrier(4)
    errors = []

    def worker(k):
        try:
            barrier.wait()
            for i in range(15):
                audit_log(action="test.concurrent", payload={"worker": k, "i": i})
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    entries = list(AuditEntry.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert len(entries) == 61
    assert [seq for seq, _, _ in entries] == list(range(1, 62))
    # No two entries claim the same predecessor: the chain is a single line.
    assert len({prev for _, prev, _ in entries}) == 61
    assert verify_chain()[1] is None
