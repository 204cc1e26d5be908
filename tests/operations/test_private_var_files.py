"""The SQLite database in the var directory is the app's alone (mode 600), like the keys beside it
(issue 13, finding 14: var/db.sqlite3 was made 644)."""

import os
import subprocess
import sys

from django.conf import settings


def _run(tmp_path, code):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path), "DJANGO_HTTPS": "0"})
    return subprocess.run([sys.executable, "-c", f"import os; os.umask(0o022); import django; django.setup(); {code}"],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True)


def test_a_fresh_database_file_is_mode_600(tmp_path):
    _run(tmp_path, "from django.db import connection; connection.cursor().execute('CREATE TABLE t (x)')")
    db = tmp_path / "db.sqlite3"
    assert db.stat().st_size > 0  # SQLite wrote to the file made beforehand
    assert db.stat().st_mode & 0o777 == 0o600


def test_a_database_file_made_644_earlier_is_made_private(tmp_path):
    db = tmp_path / "db.sqlite3"
    db.touch()
    db.chmod(0o644)
    _run(tmp_path, "pass")
    assert db.stat().st_mode & 0o777 == 0o600


def test_uploaded_files_are_kept_private():
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
