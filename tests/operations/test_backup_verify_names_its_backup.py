"""backup_verify says which backup it proved: the time and the installation its manifest names, and a
warning when the file's name says another time (issue 13, item 11: an older backup renamed to a newer name
passed as the newest)."""

import datetime as dt

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from audit import state
from operations.archive import ArchiveReader
from operations.crypto import DecryptingReader, backup_key
from tests.factories import make_world

from .helpers import last_entry, make_backup, verify_backup

pytestmark = pytest.mark.django_db(transaction=True)


def manifest_of(path) -> dict:
    import tempfile
    from pathlib import Path

    with open(path, "rb") as source, tempfile.TemporaryDirectory() as target:
        return ArchiveReader(DecryptingReader(source, backup_key())).extract(Path(target))


def local(iso: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(iso)).isoformat(sep=" ", timespec="seconds")


def test_backup_verify_prints_the_backups_own_time_and_installation(backups):
    make_world()
    path = make_backup(backups)
    manifest = manifest_of(path)
    installation = state.read_declaration().installation
    assert manifest["installation"] == installation

    output = verify_backup(path)
    assert f"made {local(manifest['created_at'])} by installation {installation} (this installation), " \
           "as its manifest says" in output
    assert "is the one this installation's head file recorded" in output
    assert "; audit chain OK (" in output
    assert "WARNING" not in output
    assert last_entry("backup.verified").payload["renamed"] is False


def test_an_older_backup_renamed_to_a_newer_name_is_verified_with_a_warning(backups):
    make_world()
    old = make_backup(backups)
    made = manifest_of(old)["created_at"]
    later = timezone.localtime() + dt.timedelta(days=40)
    renamed = old.rename(old.with_name(f"itaku-backup-{later:%Y%m%d-%H%M%S}.enc"))

    output = verify_backup(backups)  # the directory: its "newest" backup by name
    assert output.startswith(f"OK {renamed.name}")
    assert f"made {local(made)} by installation" in output
    assert (f"WARNING: the file name says {later:%Y-%m-%d %H:%M:%S}+09:00, but the backup was made {local(made)}: "
            "it was renamed or copied under another name") in output
    assert last_entry("backup.verified").payload["renamed"] is True


def a_new_server(settings, tmp_path):
    """Another server: a state directory of its own, with its own declaration."""
    settings.AUDIT_STATE_DIR = tmp_path / "a-new-server"
    state.write_declaration(0, "")


def test_a_backup_of_another_installation_says_so(backups, settings, tmp_path):
    make_world()
    path = make_backup(backups)
    a_new_server(settings, tmp_path)  # nothing of the backed-up server's state

    output = verify_backup(path, "--no-record")
    assert f"by installation {manifest_of(path)['installation']} (another installation)" in output
    assert "not this installation's backup: its chain was checked against itself only" in output


def test_the_chain_of_another_installations_backup_is_not_called_ok(backups, settings, tmp_path):
    # Checked only under the range its own chain shows, which whoever had that database could have forged.
    make_world()
    path = make_backup(backups)
    entries = manifest_of(path)["database"]["audit"]["entries"]
    a_new_server(settings, tmp_path)

    output = verify_backup(path, "--no-record")
    assert (f"; audit chain consistent within itself ({entries} entries) but NOT verified against this "
            "installation's declaration and head file") in output
    assert "audit chain OK" not in output


def test_without_a_declaration_here_the_backups_chain_is_not_called_ok(backups, settings, tmp_path):
    make_world()
    path = make_backup(backups)
    settings.AUDIT_STATE_DIR = tmp_path / "misconfigured"

    output = verify_backup(path, "--no-record")
    assert "this installation has no declaration of its audit chain" in output
    assert "NOT verified against this installation's declaration and head file" in output
    assert "audit chain OK" not in output


def test_another_installations_backup_is_checked_under_its_declaration_when_given(backups, settings, tmp_path):
    make_world()
    path = make_backup(backups)
    kept = tmp_path / "key-safe-audit_chain.json"
    kept.write_bytes((state.state_dir() / state.DECLARATION).read_bytes())
    a_new_server(settings, tmp_path)

    output = verify_backup(path, "--no-record", "--declaration", str(kept))
    assert "; audit chain OK under the declaration given (" in output
    installation = manifest_of(path)["installation"]
    assert f"audit chain: checked under the declaration {kept} of installation {installation} (keyed from seq 1)" \
        in output

    # Another server's declaration is not this backup's.
    with pytest.raises(CommandError, match="BACKUP NOT USABLE: the declaration .* is installation .*'s, the backup"):
        verify_backup(path, "--no-record", "--declaration", str(state.state_dir() / state.DECLARATION))
