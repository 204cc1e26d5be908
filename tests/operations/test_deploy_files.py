"""deploy/: the production environment passes ``check --deploy``; nginx lets through exactly what the app
accepts, adds none of the app's security headers, and logs no query string or enrolment token; the
systemd units start what the README says, when it says."""

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
NGINX = (DEPLOY / "nginx/itaku.conf").read_text()
SYSTEMD = DEPLOY / "systemd"
MIB = 1024 * 1024


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines as systemd's EnvironmentFile reads them (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _env(values: dict, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "BACKUP_"))}
    env.update(values)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # The example's directories are the server's; this machine's test gets its own.
    for name in ("DJANGO_VAR_DIR", "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT", "DJANGO_SURVEY_DATA_DIR",
                 "DJANGO_EVIDENCE_DATA_DIR", "DJANGO_AUDIT_STATE_DIR"):
        env[name] = str(tmp_path / name.lower())
    return env


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def _filled(values: dict) -> dict:
    # What the installer does: each CHANGE-ME replaced by a fresh random value (README, step 4).
    import secrets

    return {name: re.sub(r"CHANGE-ME[\w-]*", lambda _m: secrets.token_urlsafe(48), value)
            for name, value in values.items()}


def test_the_example_environment_with_its_placeholders_filled_passes_check_deploy(tmp_path):
    values = read_env_file(DEPLOY / "itaku.env.example")
    assert {"DJANGO_SECRET_KEY", "DJANGO_AUDIT_KEY", "DJANGO_DATA_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS",
            "DJANGO_CSRF_TRUSTED_ORIGINS", "DJANGO_BEHIND_TLS_PROXY", "DJANGO_PROXY_COUNT"} <= set(values)
    assert not {"DJANGO_DEBUG", "DJANGO_HTTPS", "DJANGO_DEMO_SKIP_TWO_FACTOR_ENROLMENT"} & set(values)
    assert "DJANGO_BACKUP_KEY" not in values  # only the backup units read it (deploy/backup.env.example)
    result = _check_deploy(_env(_filled(values), tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_app_refuses_to_start_with_a_placeholder_left_in_place(tmp_path):
    values = _filled(read_env_file(DEPLOY / "itaku.env.example"))
    values["DJANGO_AUDIT_KEY"] = read_env_file(DEPLOY / "itaku.env.example")["DJANGO_AUDIT_KEY"]
    result = _check_deploy(_env(values, tmp_path))
    assert result.returncode != 0
    assert "Replace the CHANGE-ME placeholder in: DJANGO_AUDIT_KEY" in result.stderr


def test_the_backup_key_example_is_a_placeholder_too():
    assert read_env_file(DEPLOY / "backup.env.example") == {"DJANGO_BACKUP_KEY": "CHANGE-ME-backup-key"}


# --- nginx ----------------------------------------------------------------------------------------


def _blocks(text: str, opening: str) -> list[str]:
    """The text of every ``opening { ... }`` block (nested braces counted)."""
    found = []
    for match in re.finditer(re.escape(opening) + r"[^{;]*\{", text):
        depth, at = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        found.append(text[match.start():at])
    return found


def _directives(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.MULTILINE)


def test_nginx_takes_exactly_the_request_size_the_app_takes_and_keeps_it_in_memory():
    limit = settings.UPLOAD_MAX_FILE_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    expected = f"{math.ceil(limit / MIB)}m"
    assert (settings.UPLOAD_MAX_FILE_SIZE, settings.DATA_UPLOAD_MAX_MEMORY_SIZE) == (20 * MIB, 2 * MIB)
    assert _directives(NGINX, "client_max_body_size") == [expected]
    assert _directives(NGINX, "client_body_buffer_size") == [expected]
    assert _directives(NGINX, "proxy_max_temp_file_size") == ["0"]
    assert "20MB" in (DEPLOY / "nginx/errors/413.html").read_text()


def test_nginx_adds_none_of_the_headers_the_app_sets(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600  # as with HTTPS on
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/accounts/login/", secure=True)
    app_sets = {name.lower() for name in response.headers} & {
        "strict-transport-security", "content-security-policy", "x-frame-options", "x-content-type-options",
        "referrer-policy", "cross-origin-opener-policy", "permissions-policy", "cache-control"}
    assert {"strict-transport-security", "content-security-policy", "x-frame-options",
            "x-content-type-options", "referrer-policy", "cross-origin-opener-policy"} <= app_sets
    for location in _blocks(NGINX, "location"):
        added = {header.split()[0].lower() for header in _directives(location, "add_header")}
        if "proxy_pass" in location:
            assert not added, location
        else:
            assert not added & app_sets or "alias /var/lib/itaku/static/" in location, location
    outside_locations = NGINX
    for location in _blocks(NGINX, "location"):
        outside_locations = outside_locations.replace(location, "")
    assert not _directives(outside_locations, "add_header")
    assert not _directives(NGINX, "proxy_hide_header")


def test_nginx_serves_the_static_root_of_the_example_environment():
    static_root = read_env_file(DEPLOY / "itaku.env.example")["DJANGO_STATIC_ROOT"]
    static = [b for b in _blocks(NGINX, "location") if b.startswith(f"location /{settings.STATIC_URL.strip('/')}/")]
    assert len(static) == 1 and _directives(static[0], "alias") == [static_root.rstrip("/") + "/"]


def test_nginx_logs_no_query_string_user_agent_referrer_or_enrolment_token():
    formats = dict(re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", NGINX))
    assert set(formats) == {"itaku", "itaku_welcome"}
    for name, text in formats.items():
        for variable in ("$request ", "$request\"", "$request_uri", "$args", "$query_string", "$arg_",
                         "$http_referer", "$http_user_agent", "$http_cookie", "$remote_user"):
            assert variable not in text, (name, variable)
    assert "$uri" in formats["itaku"] and "$uri" not in formats["itaku_welcome"]
    assert "/accounts/welcome/[redacted]/" in formats["itaku_welcome"]
    for log in _directives(NGINX, "access_log"):
        assert log == "off" or log.split()[-1] in formats, log
    welcome = [b for b in _blocks(NGINX, "location") if b.startswith("location /accounts/welcome/")]
    assert len(welcome) == 2  # on port 80 (redirected) and on 443
    for block in welcome:
        assert _directives(block, "access_log")[0].endswith(" itaku_welcome")


def test_nginx_passes_the_client_address_as_proxy_count_1_expects_and_probes_go_unlogged():
    env = read_env_file(DEPLOY / "itaku.env.example")
    assert env["DJANGO_BEHIND_TLS_PROXY"] == "1" and env["DJANGO_PROXY_COUNT"] == "1"
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in _directives(NGINX, "proxy_set_header")
    assert "X-Forwarded-Proto $scheme" in _directives(NGINX, "proxy_set_header")
    health = [b for b in _blocks(NGINX, "location") if b.startswith("location = /healthz")]
    assert len(health) == 1 and _directives(health[0], "access_log") == ["off"]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path):
    from .nginx import write_config

    config = write_config(tmp_path, app_port=8001, http_port=18080, https_port=18443)
    result = subprocess.run(["nginx", "-t", "-c", str(config), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- systemd --------------------------------------------------------------------------------------


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    text = (SYSTEMD / name).read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _sep, value = line.partition("=")
            values.setdefault(key.strip(), []).append(" ".join(value.split()))
    return values


def test_gunicorn_listens_where_nginx_sends_and_keeps_no_access_log():
    unit = _unit("itaku.service")
    command = unit["ExecStart"][0]
    assert command.startswith("/opt/itaku/app/.venv/bin/gunicorn config.wsgi:application")
    env = read_env_file(DEPLOY / "itaku.env.example")
    assert "--bind ${DJANGO_APP_BIND}" in command and env["DJANGO_APP_BIND"] == "127.0.0.1:8001"
    assert "server 127.0.0.1:8001;" in NGINX
    assert "access-log" not in command and "--error-logfile -" in command
    assert unit["EnvironmentFile"] == ["/etc/itaku/itaku.env"] and unit["User"] == ["itaku"]
    writable = unit["ReadWritePaths"][0].split()
    for name in ("DJANGO_VAR_DIR", "DJANGO_MEDIA_ROOT", "DJANGO_SURVEY_DATA_DIR", "DJANGO_EVIDENCE_DATA_DIR"):
        assert any(env[name].startswith(path) for path in writable), name


def test_every_unit_that_writes_audit_entries_may_append_to_the_shared_audit_state():
    state = read_env_file(DEPLOY / "itaku.env.example")["DJANGO_AUDIT_STATE_DIR"]
    assert state.startswith("/srv/itaku-files/")  # shared by the app servers, as README "Several app servers"
    for name in ("itaku", "itaku-reminders", "itaku-backup", "itaku-backup-verify"):
        writable = _unit(f"{name}.service")["ReadWritePaths"][0].split()
        assert any(state.startswith(path) for path in writable), name


TIMERS = {
    "itaku-reminders": ("manage.py send_reminders", "*-*-* 07:30:00"),
    "itaku-backup": ("manage.py backup --out /var/backups/itaku --keep 14", "*-*-* 02:30:00"),
    "itaku-backup-verify": ("manage.py backup_verify /var/backups/itaku", "Sun *-*-* 04:00:00"),
}


@pytest.mark.parametrize("name", TIMERS)
def test_each_timer_starts_its_command_on_its_calendar(name):
    command, calendar = TIMERS[name]
    service, timer = _unit(f"{name}.service"), _unit(f"{name}.timer")
    assert service["Type"] == ["oneshot"] and service["User"] == ["itaku"]
    assert service["ExecStart"] == [f"/opt/itaku/app/.venv/bin/python {command}"]
    assert timer["OnCalendar"] == [calendar] and timer["Persistent"] == ["true"]
    backup_key = "/etc/itaku/backup.env" in service["EnvironmentFile"]
    assert backup_key == name.startswith("itaku-backup")  # only the backup units hold the backup key
    if shutil.which("systemd-analyze"):
        parsed = subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True, text=True)
        assert parsed.returncode == 0, parsed.stderr


def test_the_verify_drill_runs_after_the_backup_of_the_same_night():
    backup_time = TIMERS["itaku-backup"][1].split()[-1]
    verify_time = TIMERS["itaku-backup-verify"][1].split()[-1]
    assert backup_time < verify_time
