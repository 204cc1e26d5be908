"""`make probe`: the app attacked on loopback as each of its roles, in a throwaway world, with one line at the end:

    probe: N requests, L leaks, E server errors (5xx), C csrf-less POSTs accepted

What it does, in order (details of every problem on stderr; exit 1 if L, E or C is not 0):

1. A world of its own: a temporary DJANGO_VAR_DIR with SQLite (DATABASE_URL is ignored, so nothing real is
   touched), `migrate`, `load_demo`, then the app on 127.0.0.1 at a free port (gunicorn from .venv, else
   runserver), stopped and removed at the end, also on an error or Ctrl-C.
2. Every demo person signs in over HTTP with the login form (the demo lets accounts without a TOTP device in)
   and crawls their own pages: same-origin GET links, bounded, never the logout.
3. Cross-contract and id-guessing: every URL anyone found is asked for by every other person, and every URL
   with a number in its path also with nearby and absurd numbers (±1..±5, 0, 99999999999999999999).
   A LEAK is a 200 that shows someone a contract they have no role on. The truth comes from the database
   (the roles in force, contracts.permissions.memberships_in_force, and the contracts of the sections under the
   unit of each ScopeGrant in force): the URL names that contract's slug, or
   the body (HTML, text, or the XML inside an XLSX) holds its slug, its name with its fiscal year
   (Contract.display_name), its title (when no contract of theirs shares it) or its contractor's name (when
   no contract of theirs has that contractor). The admin site is the superuser's, so it is not judged there.
4. Every <form method=post> found is sent once without its CSRF token (it must answer 403), then with one
   field at a time replaced by an extreme value (dates like 20260-01-01, 99999999999999999999, 10,000
   characters, NUL, 「፩」, empty; files get junk bytes) with the token; any 5xx or dropped connection counts.
   The logout, the admin's deletions, bulk actions and password setting are not sent (listed on stderr).

Settings (environment): PROBE_MAX_REQUESTS (no limit), PROBE_MAX_SECONDS (480, after the world is built; each phase gets its share of
both bounds), PROBE_PAGES_PER_USER (400), PROBE_CLIENTS (3 requests in flight), PROBE_WORKERS (2 gunicorn
workers), PROBE_SEED (1, the order of the samples), PROBE_KEEP=1 keeps the temporary directory.
"""

import html
import http.client
import io
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

MAX_REQUESTS = int(os.environ.get("PROBE_MAX_REQUESTS", "0")) or None
MAX_SECONDS = float(os.environ.get("PROBE_MAX_SECONDS", "480"))
PAGES_PER_USER = int(os.environ.get("PROBE_PAGES_PER_USER", "400"))
CLIENTS = max(1, int(os.environ.get("PROBE_CLIENTS", "3")))
WORKERS = max(1, int(os.environ.get("PROBE_WORKERS", "2")))
SEED = int(os.environ.get("PROBE_SEED", "1"))
KEEP = os.environ.get("PROBE_KEEP", "") == "1"
REQUEST_TIMEOUT = 120  # a request that takes longer counts as a server error

# Each phase's share of the request and time bounds (the CSRF-less POSTs are few and always sent).
SHARES = {"crawl": 0.25, "cross": 0.45, "fuzz": 0.30}
# A path pattern (numbers as N) is crawled at most this many times per person, and a path with at most this
# many query strings: the admin's filters and the log's pages would otherwise fill any bound.
PER_PATTERN = 6
PER_PATH_QUERIES = 3
NEAR_IDS = [d for n in range(1, 6) for d in (n, -n)]
HUGE_ID = "99999999999999999999"
FUZZ_VALUES = ["20260-01-01", HUGE_ID, "あ" * 10_000, "a\x00b", "፩", "", "-1", "0001-01-01T00:00"]
FIELDS_PER_FORM = 12
# Never followed or sent: they end the session, or (in the admin) delete rows, act on all selected rows or set
# someone's password.
SKIP_GET = re.compile(r"^/(accounts/logout/|admin/logout/|static/|media/)")
SKIP_POST = [
    (re.compile(r"/logout/$"), "logout"),
    (re.compile(r"^/admin/.*/delete/$"), "admin deletion"),
    (re.compile(r"^/admin/.*/password/$"), "admin sets a password"),
    (re.compile(r"^/admin/password_change/$"), "admin's own password"),
]


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"== {time.monotonic() - STARTED:4.0f}s {message}", file=sys.stderr, flush=True)


# --- the world ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def world_env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("DJANGO_")}
    env.update({
        "DJANGO_VAR_DIR": str(var_dir), "DJANGO_HTTPS": "0", "DJANGO_DEMO_SKIP_TWO_FACTOR_ENROLMENT": "1",
        "DJANGO_MANIFEST_STATIC": "0", "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    })
    return env


def build_world(env: dict) -> None:
    py = sys.executable
    for args in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run([py, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_server(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if gunicorn.exists():
        cmd = [str(gunicorn), "config.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(WORKERS),
               "--timeout", str(REQUEST_TIMEOUT), "--log-level", "warning"]
    else:
        cmd = [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the app did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the app did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


CONTRACT_FORM = re.compile(r"^/contracts/(?:new|[^/?]+/edit)/(?:\?|$)")


@dataclass
class Truth:
    """Who has a role on which contract, and what names each contract on a page."""

    superusers: set
    allowed: dict  # username -> set of contract slugs
    markers: dict  # slug -> list of (kind, string)

    def forbidden_markers(self, username: str) -> list[tuple[str, str, str]]:
        mine = self.allowed.get(username, set())
        own_strings = {s for slug in mine for _, s in self.markers[slug]}
        return [(slug, kind, s) for slug, marks in self.markers.items() if slug not in mine
                for kind, s in marks if s not in own_strings]


def read_truth(env: dict) -> Truth:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from contracts.models import SCOPED_ROLES, Contract, ScopeGrant
    from contracts.permissions import memberships_in_force
    from contracts.scopes import units_under

    allowed = defaultdict(set)
    for username, slug in memberships_in_force().values_list("user__username", "contract__slug"):
        allowed[username].add(slug)
    # A role held on a part of the organisation (ScopeGrant, not revoked) reaches every contract whose owning
    # section lies in that unit's subtree; a grant without a unit, every contract of the ward.
    sections = {}
    for username, unit in ScopeGrant.objects.filter(revoked_at__isnull=True, role__in=SCOPED_ROLES,
                                                    user__is_active=True).values_list("user__username", "unit_id"):
        contracts = Contract.objects.all()
        if unit is not None:
            if unit not in sections:
                sections[unit] = units_under(unit)
            contracts = contracts.filter(ward_section_id__in=sections[unit])
        allowed[username].update(contracts.values_list("slug", flat=True))
    markers = {}
    for contract in Contract.objects.select_related("contractor"):
        markers[contract.slug] = [("slug", contract.slug), ("name and year", str(contract.display_name)),
                                  ("title", contract.title), ("contractor", contract.contractor.name)]
    User = get_user_model()
    users = list(User.objects.filter(is_active=True).values_list("username", flat=True))
    superusers = set(User.objects.filter(is_superuser=True).values_list("username", flat=True))
    return Truth(superusers=superusers, allowed={u: allowed.get(u, set()) for u in users}, markers=markers)


# --- HTTP --------------------------------------------------------------------------------------------------


class OutOfBudget(Exception):
    pass


class Budget:
    def __init__(self, requests: int | None, seconds: float):
        self.requests, self.deadline, self.used = requests, time.monotonic() + seconds, 0
        self.lock = threading.Lock()

    def take(self) -> None:
        with self.lock:
            if (self.requests is not None and self.used >= self.requests) or time.monotonic() > self.deadline:
                raise OutOfBudget
            self.used += 1


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Session:
    """One person's cookies; new connection per request (gunicorn's sync workers close them anyway)."""

    def __init__(self, port: int, name: str):
        self.port, self.name, self.cookies, self.lock = port, name, {}, threading.Lock()

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> Response:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "attack-probe"}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)
            for value in raw.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                with self.lock:
                    for key, morsel in jar.items():
                        if morsel["max-age"] == "0" or not morsel.value:
                            self.cookies.pop(key, None)
                        else:
                            self.cookies[key] = morsel.value
            return response
        finally:
            conn.close()


# --- pages -------------------------------------------------------------------------------------------------


@dataclass
class Form:
    page: str
    action: str
    multipart: bool
    fields: list = field(default_factory=list)  # (name, kind, value) as a browser sends them
    first_option: dict = field(default_factory=dict)

    def names(self) -> tuple:
        return tuple(sorted({name for name, _, _ in self.fields}))


class PageParser(HTMLParser):
    """The same-origin links of a page and its POST forms as a browser would submit them."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url, self.links, self.forms = url, [], []
        self.form: Form | None = None
        self.select = None  # (form, name, chosen?)
        self.textarea = None  # (form, name, parts)
        self.by_id = {}

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            action = urljoin(self.url, a.get("action") or self.url)
            if method == "get":
                self.links.append(action.split("?")[0])
                self.form = None
            else:
                self.form = Form(self.url, action, "multipart" in a.get("enctype", ""))
                self.forms.append(self.form)
            if a.get("id") and self.form is not None:
                self.by_id[a["id"]] = self.form
        elif tag in ("input", "select", "textarea", "button", "option"):
            form = self.by_id.get(a["form"]) if a.get("form") else self.form
            if tag == "option":
                if self.select is not None:
                    f, name, state = self.select
                    f.first_option.setdefault(name, a.get("value", ""))
                    if "selected" in a:
                        f.fields.append((name, "choice", a.get("value", "")))
                        state["chosen"] = True
                return
            if form is None or not a.get("name") or "disabled" in a:
                return
            name, kind = a["name"], (a.get("type") or "text").lower()
            if tag == "select":
                self.select = (form, name, {"chosen": False})
            elif tag == "textarea":
                self.textarea = (form, name, [])
            elif tag == "button" or kind in ("submit", "image"):
                if not any(k == "button" for _, k, _ in form.fields):
                    form.fields.append((name, "button", a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, kind, a.get("value", "on")))
            elif kind == "file":
                form.fields.append((name, "file", ""))
            elif kind not in ("reset",):
                form.fields.append((name, kind, a.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            f, name, state = self.select
            if not state["chosen"] and name in f.first_option:
                f.fields.append((name, "choice", f.first_option[name]))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            f, name, parts = self.textarea
            f.fields.append((name, "textarea", "".join(parts).removeprefix("\n")))
            self.textarea = None


def path_of(url: str, port: int) -> str | None:
    """The path and query of a same-origin URL, without its fragment; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in (f"{HOST}:{port}", f"localhost:{port}"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path.split("?")[0])


def id_variants(path: str) -> list[str]:
    """The path with each number in it replaced by nearby and absurd ones."""
    base, _, query = path.partition("?")
    segments = base.split("/")
    out = []
    pairs = [p.partition("=") for p in query.split("&")] if query else []
    for i, (_key, _, value) in enumerate(pairs):
        if value.isdigit():
            for candidate in [str(int(value) + d) for d in NEAR_IDS if int(value) + d >= 0] + ["0", HUGE_ID]:
                changed = [f"{k}={candidate if j == i else v}" for j, (k, _, v) in enumerate(pairs)]
                out.append(f"{base}?{'&'.join(changed)}")
    for i, seg in enumerate(segments):
        if not seg.isdigit():
            continue
        n = int(seg)
        for candidate in [str(n + d) for d in NEAR_IDS if n + d >= 0] + ["0", HUGE_ID]:
            if candidate != seg:
                out.append("/".join([*segments[:i], candidate, *segments[i + 1:]]) + (f"?{query}" if query else ""))
    return out


def multipart(fields: list[tuple[str, str, object]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, kind, value in fields:
        out.write(f"--{boundary}\r\n".encode())
        if kind == "file":
            content = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
            out.write(f'Content-Disposition: form-data; name="{name}"; filename="probe.xlsx"\r\n'.encode())
            out.write(b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
        else:
            out.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(str(value).encode() + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# --- the probe ---------------------------------------------------------------------------------------------


class Probe:
    def __init__(self, port: int, truth: Truth, budget: Budget):
        self.port, self.truth, self.budget = port, truth, budget
        self.requests = 0
        self.by_phase = Counter()
        self.statuses = defaultdict(Counter)  # phase -> status -> count
        self.control = Counter()  # pages a person may see: judged, and naming one of their own contracts
        self.leaks, self.errors, self.csrf_accepted, self.csrf_other = [], [], [], []
        self.skipped_forms = Counter()
        self.lock = threading.Lock()
        self.sessions: dict[str, Session] = {}
        self.found: dict[str, set] = defaultdict(set)  # username -> paths that answered 200 to a GET
        self.forms: dict[tuple, Form] = {}  # (username, action, field names) -> form

    # one request, counted and judged
    def send(self, user: str, phase: str, method: str, path: str, body=None, content_type="") -> Response | None:
        self.budget.take()
        with self.lock:
            self.requests += 1
            self.by_phase[phase] += 1
        try:
            response = self.sessions[user].request(method, path, body, content_type)
        except (OSError, http.client.HTTPException) as error:
            self.problem(self.errors, f"{user} {method} {path}: no answer ({type(error).__name__}: {error})")
            return None
        with self.lock:
            self.statuses[phase][response.status] += 1
            if response.status == 302 and response.headers.get("location", "").startswith("/accounts/login/"):
                self.statuses[phase]["302 to login"] += 1
            if response.status == 403 and b"CSRF" in response.body:
                self.statuses[phase]["403 CSRF"] += 1
        if response.status >= 500:
            self.problem(self.errors, f"{user} {method} {path}: {response.status}")
        elif response.status == 200:
            self.judge(user, method, path, response)
        return response

    def problem(self, bucket: list, line: str) -> None:
        with self.lock:
            bucket.append(line)
        print(f"   {line}", file=sys.stderr, flush=True)

    def judge(self, user: str, method: str, path: str, response: Response) -> None:
        if user in self.truth.superusers and path.startswith("/admin/"):
            return  # the admin site shows everything to its superuser by design
        forbidden = self.truth.forbidden_markers(user)
        slug_in_url = self.slug_in(path, {s for _, kind, s in forbidden if kind == "slug"})
        if slug_in_url:
            self.problem(self.leaks, f"LEAK {user} {method} {path}: 200 for contract {slug_in_url} (URL names it)")
            return
        text = self.readable(response)
        if user in self.truth.superusers:
            # The superuser's messages can come from the admin site (「組織「…」を変更しました」) and are shown on
            # whatever page it opens next.
            text = re.sub(r'<ul class="messages".*?</ul>', "", text, flags=re.S)
        if CONTRACT_FORM.match(path):
            # The contract's form offers the ward's companies to choose the contractor from: a list of the ward's
            # contractors, which names no contract.
            text = re.sub(r'<select[^>]*\bname="contractor".*?</select>', "", text, flags=re.S)
        if not text:
            return
        mine = self.truth.allowed.get(user, set())
        with self.lock:
            self.control["judged"] += 1
            # The control: the same test finds a person's own contracts on their pages, so it can see.
            if any(s in text for slug in mine for _, s in self.truth.markers[slug]):
                self.control["own contract named"] += 1
        for slug, kind, s in forbidden:
            if s and s in text:
                self.problem(self.leaks, f"LEAK {user} {method} {path}: body holds {kind} 「{s}」 of {slug}")
                return

    @staticmethod
    def readable(response: Response) -> str:
        ctype = response.content_type
        if ctype.startswith(("text/", "application/json")):
            return html.unescape(response.text())
        if response.body[:2] == b"PK":  # XLSX and friends: the XML inside
            try:
                with zipfile.ZipFile(io.BytesIO(response.body)) as z:
                    return html.unescape(" ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                                                  if n.endswith(".xml")))
            except (zipfile.BadZipFile, OSError, ValueError):
                return ""
        return ""

    def run_all(self, tasks) -> None:
        """Run (callable, args) tasks CLIENTS at a time until done or out of budget."""
        stop = threading.Event()

        def run(task):
            if stop.is_set():
                return
            try:
                task[0](*task[1:])
            except OutOfBudget:
                stop.set()

        pool = ThreadPoolExecutor(CLIENTS)
        try:
            for future in [pool.submit(run, task) for task in tasks]:
                future.result()
        except BaseException:  # Ctrl-C or SIGTERM: drop what is queued, let what is in flight finish
            stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # phase 1
    def sign_in(self, user: str, password: str) -> None:
        session = self.sessions[user] = Session(self.port, user)
        page = self.send(user, "sign-in", "GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text()) if page else None
        if token is None:
            raise SystemExit(f"{user}: the login page has no CSRF token")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "username": user, "password": password})
        answer = self.send(user, "sign-in", "POST", "/accounts/login/", body.encode(),
                           "application/x-www-form-urlencoded")
        if answer is None or answer.status != 302 or "sessionid" not in session.cookies:
            raise SystemExit(f"{user}: signing in failed ({answer.status if answer else 'no answer'})")
        home = self.send(user, "sign-in", "GET", "/")
        if home is None or home.status != 200:
            raise SystemExit(f"{user}: the dashboard answered {home.status if home else 'nothing'} after sign-in")

    def crawl(self, user: str, budget: Budget) -> None:
        seen, queue, per_pattern, per_path = {"/", "/admin/"}, ["/", "/admin/"], Counter(), Counter()
        pages = 0
        while queue and pages < PAGES_PER_USER:
            path = queue.pop(0)
            budget.take()
            response = self.send(user, "crawl", "GET", path)
            pages += 1
            if response is None or response.status != 200:
                continue
            self.found[user].add(path)
            if not response.content_type.startswith("text/html"):
                continue
            parser = PageParser(f"http://{HOST}:{self.port}{path}")
            parser.feed(response.text())
            for form in parser.forms:
                self.keep_form(user, form)
            for link in parser.links:
                target = path_of(link, self.port)
                if target is None or target in seen or SKIP_GET.match(target):
                    continue
                seen.add(target)
                key = pattern(target)
                if "?" in target:
                    if per_path[target.split("?")[0]] >= PER_PATH_QUERIES:
                        continue
                    per_path[target.split("?")[0]] += 1
                if per_pattern[key + ("?" if "?" in target else "")] >= PER_PATTERN:
                    continue
                per_pattern[key + ("?" if "?" in target else "")] += 1
                queue.append(target)

    def keep_form(self, user: str, form: Form) -> None:
        action = path_of(form.action, self.port)
        if action is None:
            return
        form.action = action
        self.forms.setdefault((user, pattern(action), form.names()), form)

    # phase 2
    def cross_tasks(self, rng: random.Random) -> list:
        everyone = set().union(*self.found.values())
        tasks = []
        for user in self.sessions:
            for path in sorted(everyone - self.found[user]):
                tasks.append((self.send, user, "cross", "GET", path))
        guesses = sorted({v for path in everyone for v in id_variants(path)} - everyone)
        for user in self.sessions:
            tasks.extend((self.send, user, "ids", "GET", path) for path in guesses)
        # Someone else's form, sent with one's own valid token to a contract one has no role on.
        for (owner, _, _), form in sorted(self.forms.items(), key=lambda kv: repr(kv[0])):
            slug = self.slug_in(form.action, set(self.truth.markers))
            if slug is None or self.skip_reason(form):
                continue
            for user in self.sessions:
                if user != owner and slug not in self.truth.allowed.get(user, set()):
                    tasks.append((self.cross_post, user, form, slug))
        rng.shuffle(tasks)  # a bounded run still touches every person and every kind of URL
        return tasks

    @staticmethod
    def slug_in(path: str, slugs) -> str | None:
        return next((slug for slug in slugs if re.search(rf"/{re.escape(slug)}(/|$|\?)", path)), None)

    def cross_post(self, user: str, form: Form, slug: str) -> None:
        token = self.sessions[user].cookies.get("csrftoken", "")
        fields = [(n, k, token if n == "csrfmiddlewaretoken" else v) for n, k, v in form.fields]
        answer = self.post(user, "cross-post", form, fields)
        if answer is not None and answer.status < 400:
            self.problem(self.leaks, f"LEAK {user} POST {form.action}: {answer.status} for a form of contract {slug}")

    # phase 3
    def skip_reason(self, form: Form) -> str:
        names = {name for name, _, _ in form.fields}
        if "_selected_action" in names or (form.action.startswith("/admin/") and "action" in names):
            return "admin bulk action"
        return next((reason for rx, reason in SKIP_POST if rx.search(form.action.split("?")[0])), "")

    def post(self, user, phase, form: Form, fields: list) -> Response | None:
        if form.multipart:
            body, ctype = multipart(fields)
        else:
            body = urlencode([(n, v) for n, _, v in fields]).encode("utf-8", "surrogatepass")
            ctype = "application/x-www-form-urlencoded"
        return self.send(user, phase, "POST", form.action, body, ctype)

    def csrfless(self, user: str, form: Form) -> None:
        fields = [f for f in form.fields if f[0] != "csrfmiddlewaretoken"]
        answer = self.post(user, "csrf", form, fields)
        if answer is None or answer.status == 403:
            return
        line = f"{user} POST {form.action} without CSRF token: {answer.status}"
        if answer.status < 400:
            self.problem(self.csrf_accepted, f"CSRF {line}")
        else:
            with self.lock:
                self.csrf_other.append(line)

    def fuzz_tasks(self, rng: random.Random, forms: list) -> list:
        tasks = []
        for user, form in forms:
            names = [n for n in dict.fromkeys(n for n, _, _ in form.fields) if n != "csrfmiddlewaretoken"]
            for name in names[:FIELDS_PER_FORM]:
                kind = next(k for n, k, _ in form.fields if n == name)
                for value in FUZZ_VALUES:
                    if kind == "file":
                        value = value.encode("utf-8", "surrogatepass")
                    fields = [(n, k, v) for n, k, v in form.fields if n != name] + [(name, kind, value)]
                    tasks.append((self.post, user, "fuzz", form, fields))
        rng.shuffle(tasks)
        # The admin's changes to people's accounts last (a fuzzed checkbox can deactivate someone).
        tasks.sort(key=lambda task: task[3].action.startswith("/admin/auth/user/"))
        return tasks


def phase_budget(total: Budget, phase: str, used: int) -> Budget:
    """A phase's share of what is left: the later phases get what the earlier ones did not use."""
    later = list(SHARES)[list(SHARES).index(phase):]
    share = SHARES[phase] / sum(SHARES[p] for p in later)
    requests = None if MAX_REQUESTS is None else max(1, int((MAX_REQUESTS - used) * share))
    seconds = max(1.0, (total.deadline - time.monotonic()) * share)
    return Budget(requests, seconds)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="itaku-probe."))
    env = world_env(work / "var")
    server = None
    interrupted = []

    def on_signal(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        say(f"World: migrate and load_demo in {work}")
        build_world(env)
        truth = read_truth(env)
        from contracts.demo import DEMO_PASSWORD

        port = free_port()
        say(f"App on {HOST}:{port}")
        server = start_server(env, port, work / "server.log")
        total = Budget(None, MAX_SECONDS)
        probe = Probe(port, truth, total)
        users = sorted(truth.allowed)
        for user in users:
            probe.sign_in(user, DEMO_PASSWORD)
        say(f"Signed in: {', '.join(users)}; roles: "
            + "; ".join(f"{u} {sorted(truth.allowed[u]) or ('superuser' if u in truth.superusers else '-')}"
                        for u in users))

        crawl_budget = phase_budget(total, "crawl", probe.requests)
        for user in users:
            per_user = Budget(None if crawl_budget.requests is None else crawl_budget.requests // len(users),
                              (crawl_budget.deadline - time.monotonic()) / (len(users) - users.index(user)))
            try:
                probe.crawl(user, per_user)
            except OutOfBudget:
                pass
            say(f"Crawled as {user}: {len(probe.found[user])} pages")
        say(f"Forms found: {len(probe.forms)}")

        rng = random.Random(SEED)
        cross = probe.cross_tasks(rng)
        probe.budget = phase_budget(total, "cross", probe.requests)
        probe.run_all(cross)
        cross_sent = probe.by_phase["cross"] + probe.by_phase["ids"] + probe.by_phase["cross-post"]
        say(f"Cross-contract and id-guessing: {cross_sent} of {len(cross)} sent")

        forms = sorted(((user, form) for (user, _, _), form in probe.forms.items()),
                       key=lambda uf: (uf[0], uf[1].action))
        to_send = []
        for user, form in forms:
            reason = probe.skip_reason(form)
            if reason:
                probe.skipped_forms[f"{reason}: {pattern(form.action)}"] += 1
            else:
                to_send.append((user, form))
        probe.budget = Budget(None, max(5.0, total.deadline - time.monotonic()))
        for user, form in to_send:
            probe.csrfless(user, form)
        say(f"CSRF-less POSTs: {probe.by_phase['csrf']} sent")

        fuzz = probe.fuzz_tasks(rng, to_send)
        probe.budget = phase_budget(total, "fuzz", probe.requests)
        probe.run_all(fuzz)
        say(f"Fuzzed form posts: {probe.by_phase['fuzz']} of {len(fuzz)} sent")

        for line, count in sorted(probe.skipped_forms.items()):
            say(f"not sent: {line} (x{count})")
        if probe.csrf_other:
            say(f"{len(probe.csrf_other)} CSRF-less POSTs refused with another 4xx than 403, e.g. {probe.csrf_other[0]}")
        truncated = len(cross) - cross_sent + len(fuzz) - probe.by_phase["fuzz"]
        if truncated:
            say(f"Bounded run: {truncated} planned requests not sent (PROBE_MAX_REQUESTS / PROBE_MAX_SECONDS)")
        for user in users:  # a fuzzed admin form can end someone's session: then their later answers mean less
            probe.budget = Budget(None, 60)
            answer = probe.send(user, "end", "GET", "/")
            if answer is None or answer.status != 200:
                say(f"{user} was no longer signed in at the end ({answer.status if answer else 'no answer'})")
        if server.poll() is not None:
            probe.problem(probe.errors, f"the app stopped during the probe (exit {server.returncode})")
        log = (work / "server.log").read_text(errors="replace")
        aborts = len(re.findall(r"WORKER TIMEOUT|Worker .* was sent|SIGABRT|Booting worker", log)) - WORKERS
        if aborts > 0:
            probe.problem(probe.errors, f"{aborts} gunicorn worker restarts in the server log")
        for phase, statuses in probe.statuses.items():
            say(f"{phase}: {probe.by_phase[phase]} requests, answers {dict(sorted(statuses.items(), key=str))}")
        hollow = sum(probe.statuses[phase]["403 CSRF"] for phase in ("fuzz", "cross-post"))
        if hollow:
            say(f"WARNING: {hollow} POSTs that carried a token were refused as CSRF failures (the probe's tokens)")
        say(f"Leak control: {probe.control['own contract named']} of {probe.control['judged']} readable 200s "
            "named one of the person's own contracts (so the test sees names where they are)")
        say("done")
        print(f"probe: {probe.requests} requests, {len(probe.leaks)} leaks, {len(probe.errors)} server errors (5xx), "
              f"{len(probe.csrf_accepted)} csrf-less POSTs accepted")
        return 1 if probe.leaks or probe.errors or probe.csrf_accepted else 0
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        stop_server(server)
        if KEEP:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
