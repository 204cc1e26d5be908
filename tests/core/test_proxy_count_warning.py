"""DJANGO_PROXY_COUNT is only safe when nothing but the proxy reaches the app's port.

Issue 13, 15: 「With DJANGO_PROXY_COUNT=1 the app trusts X-Forwarded-For whenever its port is reachable directly; the
README's deployment binds gunicorn to loopback, so say in the README and in a start-up warning that the setting is
only safe when the app port is not reachable except through the proxy.」
"""

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks

from core import proxy


def _warnings() -> list[checks.CheckMessage]:
    return [message for message in checks.run_checks(tags=[checks.Tags.security]) if message.id == proxy.CHECK_ID]


@pytest.mark.parametrize("bind", ["0.0.0.0:8001", "192.0.2.10:8001", "[::]:8001", "itaku.city.example.lg.jp:8001"])
def test_a_port_reachable_without_the_proxy_is_warned_about(settings, bind):
    settings.PROXY_COUNT, settings.APP_BIND = 1, bind
    [warning] = _warnings()
    assert warning.level == checks.WARNING
    assert bind in warning.msg and "X-Forwarded-For" in warning.msg
    assert "only safe when the app's port cannot be reached except through the proxy" in warning.msg


def test_an_unknown_bind_address_is_warned_about_too(settings):
    settings.PROXY_COUNT, settings.APP_BIND = 1, ""
    [warning] = _warnings()
    assert "Set DJANGO_APP_BIND" in warning.msg and "only safe" in warning.msg


@pytest.mark.parametrize("bind", ["127.0.0.1:8001", "127.0.0.2:8001", "localhost:8001", "[::1]:8001",
                                  "unix:/run/itaku/gunicorn.sock"])
def test_loopback_or_no_proxy_count_says_nothing(settings, bind):
    settings.PROXY_COUNT, settings.APP_BIND = 1, bind
    assert _warnings() == []
    settings.PROXY_COUNT, settings.APP_BIND = 0, "0.0.0.0:8001"
    assert _warnings() == []


def test_gunicorn_loading_the_app_logs_the_address_it_was_really_told(settings, caplog):
    # DJANGO_APP_BIND says loopback, but the command line gunicorn runs with binds every interface.
    settings.PROXY_COUNT, settings.APP_BIND = 1, "127.0.0.1:8001"
    argv = ["/opt/itaku/app/.venv/bin/gunicorn", "config.wsgi:application", "--workers", "3", "-b", "0.0.0.0:8001"]
    with caplog.at_level(logging.WARNING, logger="core.proxy"):
        text = proxy.warn_at_start(argv)
    assert "0.0.0.0:8001" in text and [r.getMessage() for r in caplog.records] == [text]
    caplog.clear()
    assert proxy.warn_at_start(["/usr/bin/gunicorn", "config.wsgi", "--bind=127.0.0.1:8001"]) == ""
    assert proxy.warn_at_start(["manage.py", "runserver", "0.0.0.0:8000"]) == ""  # not gunicorn: DJANGO_APP_BIND
    assert not caplog.records


def test_the_check_runs_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path), "DJANGO_HTTPS": "0",
                "DJANGO_BEHIND_TLS_PROXY": "1", "DJANGO_PROXY_COUNT": "1", "DJANGO_APP_BIND": "0.0.0.0:8001"})
    result = subprocess.run([sys.executable, "manage.py", "check", "--fail-level", "WARNING"], cwd=settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "core.W001" in result.stderr and "0.0.0.0:8001" in result.stderr
