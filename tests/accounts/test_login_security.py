"""Login security: TOTP for every account, lockout, idle expiry, headers, password rules."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, current_totp, login_verified

pytestmark = pytest.mark.django_db


def _password_step(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_password_alone_does_not_open_any_page(client, world):
    response = _password_step(client, "hr")
    assert response.status_code == 302 and response.url == "/accounts/verify/"
    for url in ("/", "/contracts/", f"/contracts/{world.contract.slug}/", "/audit/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/accounts/verify/", url


def test_the_totp_code_completes_the_login(client, world):
    _password_step(client, "hr")
    response = client.post("/accounts/verify/", {"token": current_totp(world.hr)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_totp_code_is_refused_in_japanese(client, world):
    _password_step(client, "hr")
    response = client.post("/accounts/verify/", {"token": "000000" if current_totp(world.hr) != "000000" else "111111"})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    assert client.get("/").status_code == 302


def test_an_account_without_a_device_must_enrol_first(client, world):
    TOTPDevice.objects.filter(user=world.hr).delete()
    response = _password_step(client, "hr")
    assert response.url == "/accounts/enrol/"
    page = client.get("/accounts/enrol/").content.decode()
    assert "<svg" in page  # the QR code is drawn by the server
    assert client.get("/").url == "/accounts/enrol/"


def test_the_demo_setting_lets_unenrolled_accounts_in_with_a_banner(client, world, settings):
    settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT = True
    TOTPDevice.objects.filter(user=world.hr).delete()
    response = _password_step(client, "hr")
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "デモ用の設定で動いています" in page.content.decode()


def test_the_demo_banner_is_absent_without_the_setting(client, world):
    login_verified(client, world.hr)
    assert "デモ用の設定" not in client.get("/").content.decode()


def test_the_admin_sits_behind_the_same_second_factor(client, world):
    world.hr.is_staff = world.hr.is_superuser = True
    world.hr.save()
    _password_step(client, "hr")
    assert client.get("/admin/").url == "/accounts/verify/"
    client.post("/accounts/verify/", {"token": current_totp(world.hr)})
    assert client.get("/admin/").status_code == 200
    # The admin's own login form is not a way around the second factor.
    assert client.get("/admin/login/").url.startswith("/accounts/login/")


def test_five_failures_lock_the_username_and_ip_out(client, world):
    for _ in range(4):
        response = _password_step(client, "hr", "wrong password!!")
        assert "正しくありません" in response.content.decode()
    response = _password_step(client, "hr", "wrong password!!")
    assert "15分間ログインできません" in response.content.decode()
    # Even the right password is refused now.
    response = _password_step(client, "hr", PASSWORD)
    assert response.status_code in (403, 429)
    assert "15分間ログインできません" in response.content.decode()
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_the_lockout_is_per_username_and_ip_together(client, world):
    for _ in range(5):
        _password_step(client, "hr", "wrong password!!")
    # Another person at another address is not locked out by those failures.
    response = client.post("/accounts/login/", {"username": "auditor", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, world):
    """Issue 13, finding 9: password spraying (one password on many accounts) locked nothing. Names of no
    account count too (staff00…staff06 are not accounts)."""
    from django.test import Client

    usernames = ["hr", "auditor", "manager_a", "manager_b", "outsider"] + [f"staff{n:02d}" for n in range(7)]
    assert len(set(usernames)) == 12
    for username in usernames:
        _password_step(client, username, "Winter2025!")
    # Even the right password of an account not tried yet is refused from that address now.
    response = _password_step(client, "handler_a", PASSWORD)
    assert response.status_code == 429
    assert "15分間ログインできません" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked.
    assert Client(REMOTE_ADDR="10.0.0.9").post("/accounts/login/", {"username": "handler_a",
                                                                   "password": PASSWORD}).status_code == 302
    assert settings.LOGIN_ADDRESS_USERNAME_LIMIT == 10


def test_an_office_behind_one_address_mistyping_does_not_lock_it(client, world):
    """The address lock counts different user names, not failures: an office behind one NAT or proxy where
    three people each mistype four times (twelve failures) is not locked; nine names are not enough either."""
    from django.test import Client

    for username in ("hr", "auditor", "manager_a"):
        for _ in range(4):
            assert "正しくありません" in _password_step(Client(), username, "wrong password!!").content.decode()
    assert _password_step(client, "manager_b").status_code == 302
    for username in ["handler_a", "outsider"] + [f"staff{n:02d}" for n in range(4)]:
        _password_step(Client(), username, "wrong password!!")
    # Nine names have failed from the address: sign-ins still go through.
    assert _password_step(Client(), "manager_a").status_code == 302


def test_people_at_one_address_who_mistype_and_then_sign_in_do_not_lock_it(client, world):
    # An office behind one address: each success clears that person's failures from the address's count.
    from django.test import Client

    for user in (world.hr, world.auditor, world.manager):
        for _ in range(4):
            _password_step(Client(), user.username, "wrong password!!")
        assert _password_step(Client(), user.username).status_code == 302
    for _ in range(4):
        _password_step(Client(), "handler_a", "wrong password!!")
    assert _password_step(client, "manager_b").status_code == 302


def test_a_password_typed_as_the_username_leaves_no_trace_in_the_audit_trail(client, world):
    """Issue 13, finding 12: the typed username was stored verbatim, so a password typed into it was kept."""
    from accounts.attempts import summarise_finished_minutes
    from accounts.models import AttemptCount
    from audit.models import AuditEntry

    typed = "Kawagoe-Hikawa-1987!"
    for _ in range(7):  # failures, the lockout and the attempts during it
        _password_step(client, typed, "something")
    assert AttemptCount.objects.exists() and typed not in str(list(AttemptCount.objects.values()))
    summarise_finished_minutes(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    entries = AuditEntry.objects.filter(action__in=("auth.login_failed", "auth.locked_out"))
    assert {e.action for e in entries} == {"auth.login_failed", "auth.locked_out"}
    assert typed not in str(list(AuditEntry.objects.values()))
    assert {e.actor_label for e in entries} == {"(unknown)"}
    # A real account's name is kept, so the auditors see whose sign-in failed.
    _password_step(client, "hr", "wrong password!!")
    assert AuditEntry.objects.filter(action="auth.login_failed", actor_label="hr").get().payload == {"username": "hr"}


def test_sessions_expire_after_30_minutes_idle(client, world):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    login_verified(client, world.hr)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Every request pushes the end of the session 30 minutes ahead.
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert 29 * 60 < remaining.total_seconds() <= 30 * 60
    # Thirty-one minutes without a request: the session is gone.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    assert client.get("/").status_code == 302


def test_pages_carry_a_csp_without_inline_script_and_no_store(client, world):
    login_verified(client, world.hr)
    response = client.get(f"/contracts/{world.contract.slug}/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_style_attributes():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    offenders = []
    for root in roots:
        for path in root.rglob("*.html"):
            if "/pdf" in str(path) or path.name.endswith("_pdf.html"):
                continue  # documents rendered to PDF on the server, never served to a browser
            text = path.read_text()
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=\"", text) \
                    or re.search(r"\son[a-z]+=\"", text):
                offenders.append(str(path))
    assert not offenders, offenders


@pytest.mark.parametrize(("password", "ok"), [
    ("short-pass1", False),                          # 11 characters
    ("sakura-tree-42", True),                        # 12 or more
    ("わたしの長いパスフレーズはさくらの木の下で", True),  # long passphrases are welcome
])
def test_passwords_need_at_least_12_characters(password, ok):
    try:
        validate_password(password)
    except ValidationError:
        assert not ok
    else:
        assert ok


def test_no_password_expiry_setting_forces_rotation():
    assert not any("Expir" in v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS)


def test_check_deploy_passes_with_production_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
        "DJANGO_ALLOWED_HOSTS": "itaku.city.example.lg.jp",
        "DJANGO_VAR_DIR": str(tmp_path),
    })
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_in_the_environment_one_is_made_once_and_kept_private(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path)})
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    keys = [subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=settings.BASE_DIR,
                           env=env, capture_output=True, text=True, timeout=120, check=True).stdout.strip()
            for _ in range(2)]
    assert keys[0] == keys[1] and len(keys[0]) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
