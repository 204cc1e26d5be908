"""After the two-server load test: no file written through one app server is missing for the other.

Every evidence file attached during the run (a row newer than the world's last, attachments.EvidenceFile) is
downloaded again straight from an app server's own port, bypassing nginx: from the OTHER server than the one
that took the upload (named by nginx's X-Loadtest-Upstream header, in Locust's summary), or from every server
when the run did not learn which one took it. The bytes must have the SHA-256 the row keeps and the uploader
computed. That holds only when the servers share the file store (DJANGO_EVIDENCE_DATA_DIR), the data key
(DJANGO_DATA_KEY) and the database, as the README's "Several app servers" asks.

The reader is a privacy-office account of the world kept for this check (world.json's "readers", one per
server, so no TOTP code is used twice), signing in on each server with its password and code as anyone does.
Requests go as nginx sends them: the site's name in Host, X-Forwarded-Proto https, X-Forwarded-For.
"""

from __future__ import annotations

import hashlib
import http.client
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from attachments.models import EvidenceFile

from .totp import totp


class Direct:
    """A person's browser talking to one app server on its own port, as nginx would forward it."""

    def __init__(self, address: str, host_header: str):
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.host_header = host_header
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Host": self.host_header, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1",
                   "Referer": f"https://{self.host_header}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, dict(response.headers), data

    def sign_in(self, username: str, password: str, key: str) -> None:
        for _attempt in range(3):
            self.cookies.clear()
            self.request("GET", "/accounts/login/")
            status, headers, _ = self.request("POST", "/accounts/login/", {"username": username,
                                                                          "password": password})
            if status != 302 or headers.get("Location") != "/accounts/verify/":
                raise RuntimeError(f"{username} could not sign in on {self.host}:{self.port} ({status})")
            status, headers, _ = self.request("POST", "/accounts/verify/", {"token": totp(key)})
            if status == 302 and headers.get("Location") == "/":
                return
            time.sleep(31 - time.time() % 30)  # a code already used: the next one
        raise RuntimeError(f"{username} could not confirm the code on {self.host}:{self.port}")


def files_across(world: dict, uploads: list[dict], servers: list[str], host_header: str) -> tuple[int, int, list[str]]:
    """(files read back as written, files written, problems)."""
    problems: list[str] = []
    rows = list(EvidenceFile.objects.filter(pk__gt=world["evidence_before"]).order_by("pk")
                .values_list("pk", "sha256"))
    took = {upload["sha256"]: upload["upstream"] for upload in uploads}
    missing = set(took) - {sha for _pk, sha in rows}
    if missing:
        problems.append(f"{len(missing)} uploads answered 302 but have no file row")
    unknown = {upload["upstream"] for upload in uploads} - set(servers)
    if unknown:
        problems.append(f"uploads taken by servers not in the test: {sorted(unknown)}")
    readers = {}
    for server, reader in zip(servers, world["readers"], strict=False):
        readers[server] = Direct(server, host_header)
        readers[server].sign_in(reader["username"], world["password"], reader["key"])
    good = 0
    for pk, sha in rows:
        others = [server for server in servers if server != took.get(sha)]
        ok = True
        for server in others:
            status, _headers, data = readers[server].request("GET", f"/files/{pk}/")
            if status != 200:
                problems.append(f"file {pk} (written through {took.get(sha, '?')}): {status} from {server}")
                ok = False
            elif hashlib.sha256(data).hexdigest() != sha:
                problems.append(f"file {pk}: other bytes from {server} than were written")
                ok = False
        good += ok
    return good, len(rows), problems


def share(uploads: list[dict]) -> dict[str, int]:
    """How many uploads each app server took."""
    counts: dict[str, int] = {}
    for upload in uploads:
        counts[upload["upstream"]] = counts.get(upload["upstream"], 0) + 1
    return counts

