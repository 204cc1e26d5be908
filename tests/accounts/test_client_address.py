"""Behind the documented proxy, lockouts and the audit trail use the address the proxy reports; without
the proxy settings, X-Forwarded-For is the client's to forge and is ignored (issue 7, A.4)."""

import pytest
from django.test import RequestFactory

from audit.models import AuditEntry
from audit.services import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "wrong password!!"


def _login(client, username, password, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _locked(response) -> bool:
    return "15分間ログインできません" in response.content.decode()


@pytest.fixture
def behind_one_proxy(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.PROXY_COUNT = 1


def test_six_failures_from_six_forwarded_addresses_do_not_lock_the_user_out_for_a_seventh(client, world,
                                                                                          behind_one_proxy):
    for n in range(1, 7):
        response = _login(client, "hr", WRONG, f"203.0.113.{n}")
        assert not _locked(response), n
    response = _login(client, "hr", PASSWORD, "203.0.113.7")
    assert response.status_code == 302 and response.url == "/accounts/verify/"


def test_five_failures_from_one_forwarded_address_lock_that_address_only(client, world, behind_one_proxy):
    for _ in range(5):
        response = _login(client, "hr", WRONG, "198.51.100.20")
    assert _locked(response)
    assert _locked(_login(client, "hr", PASSWORD, "198.51.100.20"))
    # The client may prepend whatever it likes; the proxy's own entry (the last) is what counts.
    assert _locked(_login(client, "hr", PASSWORD, "192.0.2.1, 198.51.100.20"))
    assert _login(client, "hr", PASSWORD, "198.51.100.20, 198.51.100.21").status_code == 302


def test_audit_entries_carry_the_forwarded_address(client, world, behind_one_proxy):
    _login(client, "hr", WRONG, "10.1.2.3, 203.0.113.44")
    _login(client, "hr", PASSWORD, "203.0.113.45")
    assert AuditEntry.objects.get(action="auth.login_failed").ip_address == "203.0.113.44"
    assert AuditEntry.objects.get(action="auth.login").ip_address == "203.0.113.45"


def test_without_the_proxy_settings_x_forwarded_for_is_ignored(client, world, settings):
    assert settings.PROXY_COUNT == 0
    for n in range(1, 6):
        response = _login(client, "hr", WRONG, f"203.0.113.{n}")
    assert _locked(response)
    # A forged header does not buy a fresh address: the connection's address is still locked.
    assert _locked(_login(client, "hr", PASSWORD, "203.0.113.99"))
    assert set(AuditEntry.objects.filter(action="auth.login_failed").values_list("ip_address", flat=True)) == {
        "127.0.0.1"}


@pytest.mark.parametrize(("count", "forwarded", "remote", "expected"), [
    (1, "203.0.113.7", "10.0.0.1", "203.0.113.7"),
    (1, "1.1.1.1, 203.0.113.7", "10.0.0.1", "203.0.113.7"),              # the client's own entry is ignored
    (2, "1.1.1.1, 203.0.113.7, 10.0.0.2", "10.0.0.1", "203.0.113.7"),    # two proxies: second from the right
    (2, "203.0.113.7", "10.0.0.1", "10.0.0.1"),                          # did not pass both proxies
    (1, "", "10.0.0.1", "10.0.0.1"),
    (1, "not an address", "10.0.0.1", "10.0.0.1"),
    (1, "203.0.113.7:51234", "10.0.0.1", "203.0.113.7"),                 # a proxy that adds the port
    (1, "[2001:db8::7]:443", "10.0.0.1", "2001:db8::7"),
    (1, "::ffff:203.0.113.7", "10.0.0.1", "203.0.113.7"),
    (0, "203.0.113.7", "10.0.0.1", "10.0.0.1"),                          # no proxy configured
    (0, "", "garbage", None),
])
def test_client_ip_takes_the_nth_address_from_the_right(settings, count, forwarded, remote, expected):
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_a_proxy_count_without_the_proxy_setting_is_refused(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path),
                "DJANGO_PROXY_COUNT": "1"})
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "DJANGO_PROXY_COUNT needs DJANGO_BEHIND_TLS_PROXY=1" in result.stderr
    env["DJANGO_BEHIND_TLS_PROXY"] = "1"
    env["DJANGO_HTTPS"] = "0"
    code += "; from django.conf import settings; print(settings.PROXY_COUNT)"
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "1", result.stderr
