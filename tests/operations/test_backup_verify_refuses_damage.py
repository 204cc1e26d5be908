"""backup_verify refuses a backup that cannot be trusted, says why, exits 1, and writes the failed drill to the
audit trail: a flipped byte anywhere, a wrong key, a file cut short or lengthened, chunks moved, a manifest
that disagrees with the database, an audit chain that does not verify."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditEntry
from engagement import crypto as survey_crypto
from operations import database
from operations.crypto import CHUNK_SIZE, HEADER, RECORD, TAG_LENGTH
from tests.factories import make_world

from .conftest import BACKUP_KEY
from .helpers import add_media_file, last_entry, make_backup, verify_backup

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_SIZE = RECORD.size + CHUNK_SIZE + TAG_LENGTH


@pytest.fixture
def good_backup(settings, backups) -> Path:
    """A backup of several chunks (a 2.5 MB stored file), verified once to show it is sound."""
    make_world()
    add_media_file(settings, "scans/big.bin", os.urandom(CHUNK_SIZE * 5 // 2))
    path = make_backup(backups)
    assert verify_backup(path).startswith("OK")
    assert path.stat().st_size > HEADER.size + 2 * RECORD_SIZE
    return path


def _damaged(path: Path, data: bytes) -> Path:
    damaged = path.with_name("damaged-" + path.name)
    damaged.write_bytes(data)
    return damaged


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def _refused(path: Path, *args: str) -> str:
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError) as refused:
        verify_backup(path, *args)
    assert refused.value.returncode == 1
    assert str(refused.value).startswith("BACKUP NOT USABLE: ")
    assert not AuditEntry.objects.filter(seq__gt=before, action="backup.verified").exists()
    return str(refused.value)


def _failure_recorded(path: Path, reason: str) -> None:
    failed = last_entry("backup.verify_failed")
    assert failed.payload["file"] == path.name and failed.payload["reason"] == reason
    if path.exists():
        assert failed.payload["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert failed.payload["size"] == path.stat().st_size


def _nothing_left(settings) -> None:
    assert not [p for p in Path(settings.VAR_DIR).iterdir() if p.name.startswith(".verify-")]


FLIPS = {
    "a byte in the middle of the data": lambda size: size // 2,
    "the last byte of the final tag": lambda size: size - 1,
    "a byte of the first chunk's ciphertext": lambda size: HEADER.size + RECORD.size + 100,
    "the first chunk's final flag": lambda size: HEADER.size,
    "a byte of the header's salt": lambda size: HEADER.size - 10,
    "a byte of the second chunk's length": lambda size: HEADER.size + RECORD_SIZE + 4,
}


@pytest.mark.parametrize("where", FLIPS)
def test_a_flipped_byte_is_refused(good_backup, settings, where):
    data = good_backup.read_bytes()
    damaged = _damaged(good_backup, _flip(data, FLIPS[where](len(data))))
    message = _refused(damaged)
    assert "damaged" in message or "truncated" in message
    _failure_recorded(damaged, last_entry("backup.verify_failed").payload["reason"])
    assert last_entry("backup.verify_failed").payload["reason"] in ("damaged", "truncated")
    _nothing_left(settings)


def test_a_flipped_byte_reads_as_damage_of_that_chunk(good_backup):
    data = good_backup.read_bytes()
    damaged = _damaged(good_backup, _flip(data, HEADER.size + RECORD_SIZE + RECORD.size + 5))
    assert "chunk 2 fails its authentication tag" in _refused(damaged)
    _failure_recorded(damaged, "damaged")


TRUNCATIONS = {
    "half of it": lambda size: size // 2,
    "all but its last byte": lambda size: size - 1,
    "just before its final chunk": lambda size: HEADER.size + 2 * RECORD_SIZE,
    "the header alone": lambda size: HEADER.size,
}


@pytest.mark.parametrize("cut", TRUNCATIONS)
def test_a_truncated_file_is_refused(good_backup, settings, cut):
    data = good_backup.read_bytes()
    damaged = _damaged(good_backup, data[:TRUNCATIONS[cut](len(data))])
    message = _refused(damaged)
    assert "truncated" in message
    _failure_recorded(damaged, "truncated")
    _nothing_left(settings)


def test_a_file_cut_at_a_chunk_boundary_is_told_to_lack_its_final_chunk(good_backup):
    damaged = _damaged(good_backup, good_backup.read_bytes()[:HEADER.size + 2 * RECORD_SIZE])
    assert "ends after chunk 2 without its final chunk" in _refused(damaged)


def test_bytes_appended_after_the_final_chunk_are_refused(good_backup):
    damaged = _damaged(good_backup, good_backup.read_bytes() + b"\x00")
    assert "bytes after its final chunk" in _refused(damaged)
    _failure_recorded(damaged, "damaged")


def test_chunks_swapped_are_refused(good_backup):
    data = good_backup.read_bytes()
    first = data[HEADER.size:HEADER.size + RECORD_SIZE]
    second = data[HEADER.size + RECORD_SIZE:HEADER.size + 2 * RECORD_SIZE]
    damaged = _damaged(good_backup, data[:HEADER.size] + second + first + data[HEADER.size + 2 * RECORD_SIZE:])
    assert "chunk 1 fails its authentication tag" in _refused(damaged)


def test_a_wrong_backup_key_is_named_as_such(good_backup, settings):
    settings.BACKUP_KEY = "another-backup-key-" + "c" * 40
    message = _refused(good_backup)
    assert "the key does not match" in message and "made with another backup key" in message
    assert "header is damaged:" not in message
    _failure_recorded(good_backup, "wrong_key")


def test_one_bit_changed_at_byte_12_is_damage_of_the_header_not_another_key(good_backup):
    """Issue 14 D.12: byte 12 lies in the header's key id; a one-bit change there was reported as a backup
    made with another key. The data still authenticates under the right key, so it is the header's damage."""
    damaged = _damaged(good_backup, _flip(good_backup.read_bytes(), 12))
    message = _refused(damaged)
    assert "the backup's header is damaged: byte 12 (counted from 0, in its key id)" in message
    assert "the key matches" in message
    assert "another backup key" not in message
    _failure_recorded(damaged, "damaged")


@pytest.mark.parametrize("at, field", [(3, "its format mark"), (8, "its format version")])
def test_one_bit_changed_in_the_header_mark_or_version_is_damage_of_the_header(good_backup, at, field):
    damaged = _damaged(good_backup, _flip(good_backup.read_bytes(), at))
    assert f"header is damaged: byte {at} (counted from 0, in {field})" in _refused(damaged)
    _failure_recorded(damaged, "damaged")


def test_a_damaged_key_id_read_with_a_wrong_key_is_a_key_mismatch(good_backup, settings):
    damaged = _damaged(good_backup, _flip(good_backup.read_bytes(), 12))
    settings.BACKUP_KEY = "another-backup-key-" + "c" * 40
    assert "the key does not match" in _refused(damaged)
    _failure_recorded(damaged, "wrong_key")


def test_a_file_that_is_no_backup_and_a_missing_one_are_refused(backups, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup at all")
    assert "not a backup file of this app" in _refused(other)
    _failure_recorded(other, "not_a_backup")
    assert "does not exist" in _refused(tmp_path / "gone.enc")
    _failure_recorded(tmp_path / "gone.enc", "missing")
    backups.mkdir()
    assert "no backup" in _refused(backups)


def test_extract_leaves_nothing_of_a_damaged_backup(good_backup, tmp_path):
    data = good_backup.read_bytes()
    damaged = _damaged(good_backup, data[:len(data) - 1])
    target = tmp_path / "restore"
    _refused(damaged, "--extract", str(target))
    assert not target.exists()


def test_extract_refuses_a_directory_that_is_not_empty(good_backup, tmp_path):
    target = tmp_path / "restore"
    target.mkdir()
    (target / "keep.txt").write_text("someone's file")
    assert "is not empty" in _refused(good_backup, "--extract", str(target))
    assert (target / "keep.txt").read_text() == "someone's file"


def test_a_manifest_that_disagrees_with_the_database_is_refused(settings, backups, monkeypatch):
    """Counts are compared: a backup whose database lacks rows its manifest counted is not usable."""
    make_world()
    real = database.table_counts

    def one_contract_more(cursor, vendor):
        counts = real(cursor, vendor)
        counts["contracts_contract"] += 1
        return counts

    monkeypatch.setattr(database, "table_counts", one_contract_more)
    path = make_backup(backups)
    monkeypatch.setattr(database, "table_counts", real)
    message = _refused(path)
    assert "contracts_contract: 3 in the manifest, 2 restored" in message
    _failure_recorded(path, "counts")


def test_an_audit_chain_rewritten_before_the_backup_is_refused(backups):
    make_world()
    with connection.cursor() as cursor:
        # Someone with the database but not the audit key, as tests/audit do it.
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE seq = %s", ["書き換え", 2])
    path = make_backup(backups)
    assert "the audit chain in the backup does not verify at seq 2 (hash)" in _refused(path)
    _failure_recorded(path, "audit_chain")


def test_an_installation_with_another_audit_key_cannot_use_the_backup(good_backup, settings):
    settings.AUDIT_KEY = "another-audit-key-" + "d" * 40
    assert "AUDIT_KEY is not the one that signed it" in _refused(good_backup)


def test_an_installation_with_another_data_key_is_told_before_it_restores(settings, backups):
    make_world()
    survey_crypto.store("職員番号,回答\n1,はい\n".encode(), purpose=survey_crypto.UPLOAD)
    path = make_backup(backups)
    settings.DATA_KEY = "another-data-key-" + "e" * 40
    assert "written under another DATA_KEY" in _refused(path)
    _failure_recorded(path, "data_key")


def test_evidence_files_under_another_data_key_are_told_too(settings, backups):
    from attachments import storage as evidence_storage

    make_world()
    evidence_storage.store(b"%PDF-1.7 pledge")
    path = make_backup(backups)
    settings.DATA_KEY = "another-data-key-" + "e" * 40
    assert "stored evidence file(s) in the backup were written under another DATA_KEY" in _refused(path)
    _failure_recorded(path, "data_key")


def test_the_command_exits_1_for_the_shell_and_the_timer(good_backup, tmp_path):
    damaged = _damaged(good_backup, good_backup.read_bytes()[:-100])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_HTTPS": "0", "DJANGO_MANIFEST_STATIC": "0",
                "DJANGO_VAR_DIR": str(tmp_path / "elsewhere"), "DJANGO_BACKUP_KEY": BACKUP_KEY})
    result = subprocess.run([sys.executable, "manage.py", "backup_verify", str(damaged), "--no-record"],
                            cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "BACKUP NOT USABLE: the backup is truncated" in result.stderr


def test_a_backup_of_a_chain_rewritten_as_plain_sha256_from_its_first_entry_is_refused(backups):
    """Issue 13, item 1: without the key the whole chain re-hashed as plain SHA-256 looked like one from
    before the key; the installation is declared keyed from seq 1 outside the database."""
    from tests.audit.helpers import rewrite_from, sql

    make_world()
    rewrite_from(1, action="tampered", scheme="sha256")
    sql("UPDATE audit_auditchainhead SET keyed = %s WHERE id = 1", [False])
    path = make_backup(backups)
    assert "the audit chain in the backup does not verify at seq 1 (scheme)" in _refused(path)
    _failure_recorded(path, "audit_chain")


def test_a_backup_made_after_the_newest_entries_were_removed_and_the_chain_continued_is_refused(backups):
    """The backup's last entry must be the one this installation's head file first recorded for its seq."""
    from audit.services import audit_log
    from tests.audit.helpers import truncate

    make_world()
    truncate(3)
    audit_log(action="test.event")  # a genuine keyed entry where a removed one stood
    path = make_backup(backups)
    assert "with another entry than this installation first recorded for that number" in _refused(path)
    _failure_recorded(path, "audit_chain")
