"""The shipped nginx site, run in front of the app: each security header once, the health check through TLS,
a request as big as the app takes let through and a bigger one refused in Japanese, and an access log with
no query string and no enrolment token in it."""

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from .nginx import SERVER_NAME, write_config

pytestmark = [pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
              pytest.mark.django_db(transaction=True)]

MIB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def front(live_server, settings, tmp_path):
    """nginx with the shipped site on loopback, proxying to the live app; yields a request function."""
    settings.ALLOWED_HOSTS = [SERVER_NAME]
    settings.PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    https_port = _free_port()
    config = write_config(tmp_path, app_port=int(live_server.url.rsplit(":", 1)[1]), http_port=_free_port(),
                          https_port=https_port)
    (tmp_path / "static/site.css").write_text("body { color: black; }")
    process = subprocess.Popen(["nginx", "-c", str(config), "-p", str(tmp_path), "-g", "daemon off;"],
                               stderr=subprocess.PIPE)
    context = ssl.create_default_context(cafile=str(tmp_path / "server.crt"))

    def request(method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection("127.0.0.1", https_port, context=context, timeout=30)
        connection.sock = context.wrap_socket(socket.create_connection(("127.0.0.1", https_port), timeout=30),
                                              server_hostname=SERVER_NAME)
        connection.request(method, path, body=body, headers={"Host": SERVER_NAME, **(headers or {})})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    log = tmp_path / "logs/itaku-access.log"

    def logged(lines: int) -> str:
        # nginx writes the line once the response is sent, which may be a moment after the client read it.
        for _ in range(200):
            text = log.read_text() if log.exists() else ""
            if text.count("\n") >= lines:
                return text
            time.sleep(0.025)
        return text

    request.logged = logged
    try:
        yield request
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_each_security_header_arrives_once_through_nginx(front):
    response = front("GET", "/accounts/login/")
    assert response.status == 200
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy"):
        assert len(response.headers.get_all(name) or []) == 1, name
    static = front("GET", "/static/site.css")
    assert static.status == 200 and static.headers.get_all("X-Content-Type-Options") == ["nosniff"]


def test_the_health_check_answers_through_tls_and_is_not_logged(front):
    response = front("GET", "/healthz")
    assert response.status == 200 and json.loads(response.body) == {"status": "ok"}
    assert not response.headers.get_all("Set-Cookie")
    front("GET", "/accounts/login/")
    assert "/healthz" not in front.logged(lines=1)


def test_a_request_as_big_as_the_app_takes_reaches_it_and_a_bigger_one_is_refused_in_japanese(front):
    headers = {"Content-Type": "application/octet-stream"}
    fits = front("POST", "/accounts/login/", body=b"x" * (21 * MIB), headers=headers)
    assert fits.status == 403  # the app's CSRF refusal: nginx let it through
    too_big = front("POST", "/accounts/login/", body=b"x" * (23 * MIB), headers=headers)
    assert too_big.status == 413
    assert "送信されたデータが大きすぎます" in too_big.body.decode()


def test_the_access_log_holds_no_query_string_and_no_enrolment_token(front):
    front("GET", "/audit/?person=%E7%94%B0%E4%B8%AD&action=x")
    front("GET", "/accounts/welcome/Zq3-secret-enrolment-token/")
    log = front.logged(lines=2)
    assert '"GET /audit/"' in log
    assert '"GET /accounts/welcome/[redacted]/"' in log
    for secret in ("person", "%E7%94%B0", "田中", "Zq3-secret-enrolment-token", "Mozilla", "python"):
        assert secret not in log, secret
