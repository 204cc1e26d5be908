from pathlib import Path

import pytest

BACKUP_KEY = "test-backup-key-" + "b" * 40


@pytest.fixture
def backups(settings, tmp_path) -> Path:
    """A backup key, stored files and working space of the test's own; returns the backup directory."""
    settings.BACKUP_KEY = BACKUP_KEY
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR.mkdir()
    return tmp_path / "backups"
