"""The server log never repeats what a request sent (issue 13, attack probe): Django's security records
quoted the request word for word ("The field <10,000 characters> cannot be referenced.", a Host header, an
Origin); they now say the kind of refusal and the path, and the path any record carries is cut short and
keeps an enrolment link's token out."""

import logging

import pytest
from django.test import Client

from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db

FUZZ = "ｘ" * 10_000


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.WARNING)
    return caplog


def _lines(caplog, prefix="django.") -> list[str]:
    return [logging.Formatter().format(r) for r in caplog.records if r.name.startswith(prefix)]


def _assert_not_repeated(caplog, text):
    assert caplog.records
    for line in _lines(caplog, ""):
        assert text not in line and text[:20] not in line, line[:300]


def test_an_admin_to_field_of_ten_thousand_characters_is_not_repeated(client, world, log):
    superuser = make_user("kanri", world.ward)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    login_verified(client, superuser)
    assert client.get("/admin/auth/user/", {"_to_field": FUZZ}).status_code == 400
    _assert_not_repeated(log, FUZZ)
    [line] = _lines(log, "django.security.")
    assert line == f"DisallowedModelAdminToField: /admin/auth/user/ [GET 400 user={superuser.pk}]"


def test_an_admin_lookup_not_allowed_is_not_repeated(client, world, log):
    superuser = make_user("kanri", world.ward)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    login_verified(client, superuser)
    key = "groups__permissions__codename" + "__x" * 3000
    assert client.get("/admin/auth/user/", {key: "1"}).status_code == 400
    _assert_not_repeated(log, key[29:])
    [line] = _lines(log, "django.security.")
    assert line.startswith("DisallowedModelAdminLookup: /admin/auth/user/ [GET 400")


def test_a_host_header_is_not_repeated(log):
    host = "evil" + "x" * 500 + ".example"
    assert Client().get("/accounts/login/", HTTP_HOST=host).status_code == 400
    _assert_not_repeated(log, host)
    [line] = _lines(log, "django.security.")
    assert line == "DisallowedHost: /accounts/login/ [GET 400 user=-]"


def test_a_csrf_refusal_names_its_reason_without_the_origin_it_was_sent(log):
    origin = "https://evil" + "y" * 500 + ".example"
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "a", "password": "b",
                                                "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
                           HTTP_ORIGIN=origin)
    assert response.status_code == 403
    _assert_not_repeated(log, origin)
    [line] = _lines(log, "django.security.")
    assert line == "CSRF (Origin checking failed): /accounts/login/ [POST 403 user=-]"


def test_a_long_path_is_cut_short_in_the_log(client, log):
    path = "/" + "z" * 5000 + "/"
    assert client.get(path).status_code == 404
    [line] = _lines(log, "django.request")
    assert "z" * 200 not in line and len(line) < 300
    assert line.startswith("Not Found: /zzzz") and "…" in line


def test_an_enrolment_links_token_stays_out_of_a_security_record(log):
    token = "secret-token-abcdef123456"
    assert Client().get(f"/accounts/welcome/{token}/", HTTP_HOST="evil.example").status_code == 400
    _assert_not_repeated(log, token)
    [line] = _lines(log, "django.security.")
    assert line == "DisallowedHost: /accounts/welcome/[redacted]/ [GET 400 user=-]"
