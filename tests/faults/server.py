"""The app as it runs in production, for the fault tests: gunicorn with several workers on a free loopback
port, against the test database of the PostgreSQL phase, and a small client that signs in as a person does
(password, then the TOTP code) and keeps its cookies."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD, current_totp

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database (pytest-django's ``test_…``) as a DATABASE_URL the web processes can use."""
    db = connection.settings_dict
    host = urllib.parse.quote(db["HOST"] or "", safe="")
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def usable_password(*users) -> None:
    """The web processes check passwords with the production hashers (the tests' MD5 is not among them):
    a PBKDF2 hash with few iterations, which the first sign-in upgrades as Django does."""
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "faulttestsalt", iterations=1000)
    for user in users:
        type(user).objects.filter(pk=user.pk).update(password=encoded)


class AppServer:
    def __init__(self, tmp_path: Path, *, workers: int = 2, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "gunicorn.log"
        environment = {
            **os.environ, "DATABASE_URL": database_url(), "DJANGO_HTTPS": "0", "DJANGO_MANIFEST_STATIC": "0",
            # The same keys as this test process, so what the workers append to the chain verifies here.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_AUDIT_KEY": settings.AUDIT_KEY,
            "DJANGO_DATA_KEY": settings.DATA_KEY, "DJANGO_VAR_DIR": str(tmp_path / "var"),
            # And the same audit state (declaration, head file) as this test's, as servers sharing it would.
            "DJANGO_AUDIT_STATE_DIR": str(settings.AUDIT_STATE_DIR),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # As deploy/itaku.env.example: connections kept between requests, checked before reuse.
            "DJANGO_CONN_MAX_AGE": "60", **(env or {}),
        }
        self.process = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--timeout", "60", "--graceful-timeout", "5", "--preload", "--chdir", str(settings.BASE_DIR)],
            env=environment, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-2000:]}")
            try:
                if Client(self).get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """One person's browser, as far as the app can tell: cookies, the CSRF token, no redirects followed."""

    def __init__(self, server: AppServer):
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 30) -> Response:
        body, headers = None, {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            fields = dict(data or {})
            fields.setdefault("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return result

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        return self.request("POST", path, data, **kwargs)

    def sign_in(self, user) -> "Client":
        self.get("/accounts/login/")
        step = self.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert step.status == 302 and step.location == "/accounts/verify/", (step.status, step.text[:500])
        done = self.post("/accounts/verify/", {"token": current_totp(user)})
        assert done.status == 302, (done.status, done.text[:500])
        return self
