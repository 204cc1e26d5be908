"""Settings that would do harm in production stop the app at start: the fault tests' pause (only on a plain
HTTP test run), and office hours the analysis could not read."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _start(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path), **environment})
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_the_fault_pause_is_refused_unless_the_run_is_plain_http(tmp_path):
    refused = _start(tmp_path, DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE="handover.handover:/tmp/marker")
    assert refused.returncode != 0 and "never for production" in refused.stderr
    allowed = _start(tmp_path, DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE="handover.handover:/tmp/marker", DJANGO_HTTPS="0")
    assert allowed.returncode == 0 and "started" in allowed.stdout


@pytest.mark.parametrize("hours", ["8-20", "20:00-08:00", "08:00-08:00", "08:00-24:30", "25:00-26:00", "朝から晩"])
def test_office_hours_that_cannot_be_read_stop_the_app(tmp_path, hours):
    result = _start(tmp_path, DJANGO_HTTPS="0", DJANGO_OFFICE_HOURS=hours)
    assert result.returncode != 0 and "DJANGO_OFFICE_HOURS must read like 08:00-20:00" in result.stderr


@pytest.mark.parametrize("hours", ["08:30-17:15", "00:00-24:00"])
def test_office_hours_in_the_documented_form_are_taken(tmp_path, hours):
    assert _start(tmp_path, DJANGO_HTTPS="0", DJANGO_OFFICE_HOURS=hours).returncode == 0
