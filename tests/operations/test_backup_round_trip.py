"""A backup is one encrypted file that restores into a scratch database with every row, stored file and
audit entry it was made with (seed 別紙, system item 09: サーバ冗長化、バックアップ等により、事故や障害発生時に
おけるシステム稼働体制を整備する)."""

import sqlite3
import subprocess
import threading

import pytest
from django.db import connection, connections

from attachments import storage as evidence_storage
from audit.models import AuditEntry
from audit.services import audit_log
from contracts.models import Contract
from engagement import crypto as survey_crypto
from operations import database
from tests.factories import make_world

from .helpers import add_media_file, is_private, last_entry, live_counts, make_backup, verify_backup

SURVEY_ANSWERS = "職員番号,所属,回答\n10001,総務部,とても満足\n".encode()
EVIDENCE = "%PDF-1.7 誓約書 田中 誠".encode()


def _world_with_files(settings):
    world = make_world()
    survey_name = survey_crypto.store(SURVEY_ANSWERS, purpose=survey_crypto.UPLOAD)
    add_media_file(settings, "reports/report.pdf", b"%PDF-1.4 report without personal data")
    evidence_storage.store(EVIDENCE)
    return world, survey_name


def _round_trip(settings, backups):
    world, survey_name = _world_with_files(settings)
    counts = live_counts()
    entries = AuditEntry.objects.count()
    path = make_backup(backups)

    assert path.parent == backups and path.name.startswith("itaku-backup-") and path.suffix == ".enc"
    assert is_private(path) and is_private(backups)
    assert [p.name for p in backups.iterdir()] == [path.name]  # no partial file left behind
    sealed = path.read_bytes()
    for plain in (world.contract.title.encode(), world.manager.email.encode(), b"report without personal data",
                  EVIDENCE):
        assert plain not in sealed
    made = last_entry("backup.created")
    assert made.payload["file"] == path.name and made.payload["audit_entries"] == entries

    output = verify_backup(path)
    assert output.startswith(f"OK {path.name}")
    assert f"{len(counts)} tables, {sum(counts.values()):,} rows and 3 stored files" in output
    drill = last_entry("backup.verified")
    assert drill.payload["file"] == path.name
    assert drill.payload["size"] == path.stat().st_size
    assert drill.payload["sha256"] == made.payload["sha256"]
    assert dict(drill.payload["counts"]) == counts
    assert dict(drill.payload["counts"])[Contract._meta.db_table] == Contract.objects.count() == 2
    assert drill.payload["audit_entries"] == entries and drill.payload["files"] == 3
    return world, survey_name, path


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_with_every_row_file_and_audit_entry(settings, backups):
    _round_trip(settings, backups)
    assert not hasattr(connections._connections, "backup_scratch")  # the scratch connection is gone again
    assert not [p for p in settings.VAR_DIR.iterdir() if p.name.startswith((".verify-", ".backup-"))]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_scratch_database_that_is_dropped_again(settings, backups):
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server")
    _world, _name, path = _round_trip(settings, backups)
    assert last_entry("backup.verified").payload["vendor"] == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%\\_verify\\_%"])
        assert cursor.fetchall() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_while_pg_dump_runs_is_neither_in_the_dump_nor_in_its_counts(settings, backups, monkeypatch):
    """The counts are taken in the snapshot pg_dump reads: a handover recorded meanwhile is in neither."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server")
    make_world()
    before = AuditEntry.objects.count()
    real_tool = database.pg_tool

    def tool_after_a_write(name, version):
        if name == "pg_dump":
            # Another connection, as another worker would be, between the snapshot and the dump.
            thread = threading.Thread(target=lambda: (audit_log(action="auth.logout", actor_label="someone"),
                                                      connections.close_all()))
            thread.start()
            thread.join()
        return real_tool(name, version)

    monkeypatch.setattr(database, "pg_tool", tool_after_a_write)
    path = make_backup(backups)
    assert AuditEntry.objects.count() == before + 2  # the write and backup.created
    verify_backup(path)
    assert last_entry("backup.verified").payload["audit_entries"] == before


@pytest.mark.django_db(transaction=True)
def test_extract_leaves_the_verified_database_and_files_for_a_restore(settings, backups, tmp_path):
    world, survey_name = _world_with_files(settings)
    path = make_backup(backups)
    target = tmp_path / "restore"

    output = verify_backup(path, "--extract", str(target))

    assert f"extracted into {target}" in output
    assert is_private(target) and all(is_private(p) for p in target.rglob("*"))
    member = database.MEMBERS[connection.vendor]
    assert sorted(p.name for p in target.iterdir()) == sorted([member, "manifest.json", "media", "survey", "evidence"])
    if connection.vendor == "sqlite":
        with sqlite3.connect(target / member) as db:
            titles = [row[0] for row in db.execute("SELECT title FROM contracts_contract")]
        assert world.contract.title in titles
    else:
        listing = subprocess.run([database.pg_tool("pg_restore", connection.pg_version), "--list", str(target / member)],
                                 capture_output=True, text=True, check=True).stdout
        assert "TABLE DATA public contracts_contract" in listing
    assert (target / "media/reports/report.pdf").read_bytes() == b"%PDF-1.4 report without personal data"
    # The survey file is copied as stored: still sealed under DATA_KEY, readable with it.
    stored = target / "survey" / f"{survey_name}.bin"
    assert survey_crypto.decrypt(stored.read_bytes(), purpose=survey_crypto.UPLOAD, name=survey_name) == SURVEY_ANSWERS
    # So is an evidence file, under its own key.
    (evidence,) = (target / "evidence").iterdir()
    assert EVIDENCE not in evidence.read_bytes()
    assert evidence_storage.vault.decrypt(evidence.read_bytes(), purpose=evidence_storage.PURPOSE,
                                          name=evidence.stem) == EVIDENCE


@pytest.mark.django_db(transaction=True)
def test_keep_leaves_only_the_newest_backups(settings, backups):
    make_world()
    made = [make_backup(backups, "--keep", "2") for _ in range(3)]
    assert sorted(p.name for p in backups.iterdir()) == sorted(p.name for p in made[1:])
    assert last_entry("backup.created").payload["removed"] == 1
    # A directory stands for its newest backup.
    assert verify_backup(backups).startswith(f"OK {made[-1].name}")


@pytest.mark.django_db(transaction=True)
def test_without_a_key_in_the_environment_one_is_made_once_and_kept_private(settings, backups):
    settings.BACKUP_KEY = ""
    make_world()
    first = make_backup(backups)
    key_file = settings.VAR_DIR / "backup_key"
    assert is_private(key_file) and len(key_file.read_text().strip()) >= 64
    key = key_file.read_text()
    verify_backup(first)
    assert key_file.read_text() == key
