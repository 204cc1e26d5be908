"""Every setting's environment variable carries the DJANGO_ prefix; the three that once lacked it still take
their old names, with a warning at start (issue 15)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

RENAMED = [("HANDOVER_MIN_GAP_HOURS", "48"), ("SURVEY_UPLOAD_RETENTION_DAYS", "5"), ("BACKUP_EVIDENCE_MAX_AGE_DAYS", "9"),
           ("STORAGE_CHECK_INTERVAL_DAYS", "14")]
OLD_NAMES = {name for name, _ in RENAMED}


def _read(tmp_path, name, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in OLD_NAMES}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path), "DJANGO_HTTPS": "0",
                **environment})
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("name", "value"), RENAMED)
def test_the_prefixed_name_is_read_and_wins(tmp_path, name, value):
    result = _read(tmp_path, name, **{f"DJANGO_{name}": value, name: "3"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == value and "deprecated" not in result.stderr


@pytest.mark.parametrize(("name", "value"), RENAMED)
def test_the_old_name_still_works_and_is_warned_about(tmp_path, name, value):
    result = _read(tmp_path, name, **{name: value})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == value
    assert f"{name} is deprecated; set DJANGO_{name} instead" in result.stderr


def test_neither_name_set_keeps_the_defaults_quietly(tmp_path):
    for name, default in [("HANDOVER_MIN_GAP_HOURS", ""), ("SURVEY_UPLOAD_RETENTION_DAYS", "14"),
                          ("BACKUP_EVIDENCE_MAX_AGE_DAYS", "31"), ("STORAGE_CHECK_INTERVAL_DAYS", "30")]:
        result = _read(tmp_path, name)
        assert result.returncode == 0 and result.stdout.strip() == default and "deprecated" not in result.stderr
