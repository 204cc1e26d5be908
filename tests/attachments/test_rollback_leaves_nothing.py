"""A file written for a row that never commits is removed (issue 16, 5; interfaces: "a file written for a
rolled-back row is removed")."""

import os
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from attachments import services, storage
from attachments.models import EvidenceFile
from audit.models import AuditEntry
from tests.attachments.conftest import PDF, upload


def test_a_database_failure_after_the_file_is_sealed_removes_the_file(target, world, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "audit_log", fail)
    with pytest.raises(RuntimeError):
        services.attach(target=target, upload=upload(PDF), actor=world.manager)
    assert not EvidenceFile.objects.exists()
    assert not storage.vault.stored_names()


def test_a_file_of_a_callers_rolled_back_transaction_is_swept(target, world):
    kept = services.attach(target=target, upload=upload(PDF), actor=world.manager)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.attach(target=target, upload=upload(PDF + b"%2"), actor=world.manager)
        1 / 0  # noqa: B018  the caller's own failure after attach
    orphans = storage.vault.stored_names() - {kept.token}
    assert len(orphans) == 1
    # Not yet: an orphan this young may belong to a transaction still running.
    services.sweep_orphans()
    assert storage.vault.stored_names() == {kept.token} | orphans
    old = time.time() - services.ORPHAN_AGE_SECONDS - 60
    for name in storage.vault.stored_names():
        os.utime(storage.vault.path(name), (old, old))
    assert services.sweep_orphans(actor_label="manage.py send_reminders") == "1 orphaned evidence file(s) removed."
    assert AuditEntry.objects.get(action="evidence.file.orphans_removed").payload == {"files": 1}
    assert storage.vault.stored_names() == {kept.token}
    assert services.read(kept, actor=world.hr) == PDF


@pytest.fixture
def request_signals():
    """The request's signals as the test client sends them: without Django's close_old_connections, which would
    close the test's own connection (and its transaction) on a database server."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_a_file_of_a_rolled_back_transaction_is_removed_when_the_request_ends(target, world, request_signals):
    request_started.send(sender=None)
    kept = services.attach(target=target, upload=upload(PDF), actor=world.manager)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.attach(target=target, upload=upload(PDF + b"%2"), actor=world.manager)
        1 / 0  # noqa: B018  the caller's own failure after attach
    assert len(storage.vault.stored_names()) == 2
    request_finished.send(sender=None)
    assert storage.vault.stored_names() == {kept.token}
    assert services.read(kept, actor=world.hr) == PDF


def test_a_file_attached_outside_a_request_leaves_nothing_for_the_next_request(target, world, request_signals,
                                                                             django_assert_num_queries):
    """load_demo, a command or a test's own code attaches outside a request: the next request's end does not
    check those files (one query more on every page after them)."""
    services.attach(target=target, upload=upload(PDF), actor=world.manager)
    request_started.send(sender=None)
    with django_assert_num_queries(0):
        request_finished.send(sender=None)
