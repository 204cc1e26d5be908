"""The people of the load test's world (loadtest/build_world.py) at work, through the pages a browser uses.

Each simulated person takes one account of ``world.json`` (LOADTEST_WORLD) and signs in once, with the
password and the TOTP code of the device whose key the world file carries, as the login page asks; no one
fails a login, so no lockout. Then, with a few seconds between clicks as people have:

- HR (10): the dashboard; records deliveries of items still at the ward to a designated person of the
  contract (a form read from the page, the time as the form offers it); acknowledges returns addressed to
  them; reads the ledger and exports it (XLSX); attests ward-side checklist items.
- handling managers (10) and handlers (20): acknowledge the deliveries addressed to them (the named
  recipient only; the time confirmed; the SHA-256 of a disc as computed from it), record where they locked
  each item up, confirm storage periodically, return an item now and then; the manager attests
  contractor-side checklist items and exports the checklist (XLSX).
- auditors (10): the dashboard, the ledgers, the audit trail and the downloads list, exports of the ledger
  (XLSX) and of a checklist (XLSX, now and then PDF), a contract's ward-side checklist.

In the ward's register (build_world.py --sections, the two-server mode) the HR staff are the sections'
clerks (担当課, on their section's contracts), the auditors give way to the privacy office (個人情報保護担当,
ward-wide): the register (委託一覧) and its exports, a contract's audit trail, its checklist, and the
contractor's 誓約書 and 研修記録 read back; and the contractor's people also attach their 誓約書 and
研修記録 (evidence files, stored encrypted in the shared file store). Each such upload's SHA-256 and the
app server that took it (nginx's X-Loadtest-Upstream header, added by the load test's own nginx.conf, not the
shipped site) go to the summary, for loadtest/across.py to read back through the other server. How many
people of each kind come is the world's count of accounts of that kind.

Every request is checked: a page must answer 200 and a form that changes something 302 (a refusal is an
error: these people keep the rules). Traffic goes to the --host given, which scripts/loadtest.sh keeps on
127.0.0.1. The statistics start once everyone has arrived (--reset-stats); the sign-ins before that are
timed on their own, and every failure of the whole run counts. When the run ends, the totals are written
to LOADTEST_SUMMARY for loadtest/report.py.
"""

import hashlib
import json
import os
import random
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from loadtest.totp import totp  # noqa: E402

WORLD = json.loads(open(os.environ["LOADTEST_WORLD"], encoding="utf-8").read())
ACCOUNTS = {role: list(users) for role, users in WORLD["users"].items()}
TOKYO = ZoneInfo("Asia/Tokyo")
# Behind nginx (the two-server mode): the site's name in Host (and the Referer a browser sends, which Django's
# CSRF check asks of an HTTPS form), and the test certificate to trust.
HOST_HEADER = os.environ.get("LOADTEST_HOST_HEADER", "")
# The contractor's people come to the contractor face's host name where nginx has that site.
CONTRACTOR_HOST = os.environ.get("LOADTEST_CONTRACTOR_HOST", "") or HOST_HEADER
CA_FILE = os.environ.get("LOADTEST_CA", "")
UPSTREAM_HEADER = "X-Loadtest-Upstream"

WAITING_ACK = re.compile(r'<a href="(/handover/[\w-]+/handovers/\d+/)">(?:返却の)?受領確認をしてください')
ITEM_LINK = re.compile(r'href="(/handover/([\w-]+)/items/(\d+)/)"')
CHOICE = re.compile(r'name="items" value="(\d+)"')
RECIPIENT = re.compile(r'<option value="(\d+)"')
HASH_FIELD = re.compile(r'name="sha256_(\d+)"')
ATTEST_FIELD = re.compile(r'name="item-(\d+)-attestation"')
UPLOAD_FORM = re.compile(r'<form method="post" action="(/files/\d+/\d+/upload/)"[^>]*>(.*?)</form>', re.S)
SLOT = re.compile(r'name="slot" value="([^"]*)"')
FILE_LINK = re.compile(r'href="(/files/\d+/)"')
XLSX_LINK = re.compile(r'href="(/register/[^"]*\.xlsx[^"]*|/register/[^"]*export[^"]*)"')


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        if not ACCOUNTS[self.role]:
            raise StopUser()
        self.account = ACCOUNTS[self.role].pop()
        if HOST_HEADER:
            host = CONTRACTOR_HOST if self.role in ("manager", "handler") else HOST_HEADER
            self.client.headers.update({"Host": host, "Referer": f"https://{host}/"})
            self.client.verify = CA_FILE or True
        self.contracts = self.account["contracts"]
        self.stored: list[tuple[str, str]] = []  # items this person locked up: (slug, item pk)
        self.page("/accounts/login/", name="/accounts/login/")
        self.submit("/accounts/login/", {"username": self.account["username"], "password": WORLD["password"]},
                    expect="/accounts/verify/")
        self.verify_code()

    def verify_code(self) -> None:
        """Type the code the device shows. A code is good for its 30 s step and the one after: when the answer
        comes later than that (a machine under more load than it can take), the person types the next code,
        as anyone would; it is counted (LATE_CODES), and a second refusal is an error."""
        for attempt in (1, 2):
            sent = time.time()
            data = {"token": totp(self.account["key"]), "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
            with self.client.post("/accounts/verify/", data=data, name="/accounts/verify/", catch_response=True,
                                  allow_redirects=False) as response:
                if response.status_code == 302 and response.headers.get("Location") == "/":
                    self.page("/", name="/")
                    return
                if attempt == 1 and response.status_code == 200 and time.time() - sent > 30:
                    response.success()
                    LATE_CODES.append(time.time() - sent)
                    time.sleep(30 - time.time() % 30 + 1)  # the next code, not the one just refused
                    continue
                response.failure(f"{response.status_code} for /accounts/verify/ ({time.time() - sent:.0f} s)")
                return

    # --- requests, checked as a person would notice ---------------------------------------------

    def page(self, url: str, *, name: str | None = None) -> str:
        with self.client.get(url, name=name or url, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
                return ""
            return response.text

    def download(self, url: str, *, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200 or "attachment" not in response.headers.get("Content-Disposition", ""):
                response.failure(f"{response.status_code}, no file, for {url}")

    def submit(self, url: str, data: dict, *, name: str | None = None, expect: str | None = None,
               files: dict | None = None) -> str | None:
        """POST a form as the page would; a refusal (400 with the reason on the page) is an error."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(url, data=data, files=files, name=name or url, catch_response=True,
                              allow_redirects=False) as response:
            location = response.headers.get("Location", "")
            self.upstream = response.headers.get(UPSTREAM_HEADER, "")
            if response.status_code != 302 or (expect is not None and location != expect):
                reason = re.search(r'class="error[^"]*"[^>]*>(.*?)</', response.text or "", re.S)
                response.failure(f"{response.status_code} for {url}: {reason.group(1).strip() if reason else ''}")
                return None
        if location and not location.startswith("/accounts/"):
            self.page(location, name=_pattern(location))
        return location

    def contract(self) -> str:
        return random.choice(self.contracts)

    # --- journeys every role has ------------------------------------------------------------------

    def acknowledge_waiting(self, dashboard: str) -> bool:
        """Acknowledge one handover the dashboard asks this person to; lock up what was delivered."""
        waiting = WAITING_ACK.findall(dashboard)
        if not waiting:
            return False
        url = random.choice(waiting)
        detail = self.page(url, name="/handover/[slug]/handovers/[pk]/")
        if "受け取りました（受領確認）" not in detail:
            return False
        form = {"time_confirmed": "on"}
        for pk in HASH_FIELD.findall(detail):
            form[f"sha256_{pk}"] = WORLD["sha256"][pk]
        if self.submit(url + "acknowledge/", form, name="/handover/[slug]/handovers/[pk]/acknowledge/") is None:
            return True
        if self.role == "hr":
            return True  # a return: the item is back at the ward, nothing to lock up at the contractor
        for item_url, slug, pk in {m for m in ITEM_LINK.findall(detail)}:
            if self.submit(item_url + "storage/", {"place": "cabinet", "location": "分析室 キャビネットB-2",
                                                   "locked": "on"}, name="/handover/[slug]/items/[pk]/storage/"):
                self.stored.append((slug, pk))
        return True

    def dashboard(self) -> str:
        return self.page("/", name="/")

    def records(self, slug: str) -> str:
        return self.page(f"/files/contract/{slug}/records/", name="/files/contract/[slug]/records/")

    def attach_file(self):
        """Attach a 誓約書 or a 研修記録 (a small PDF, different every time) through a form the records page
        offers this person; note its SHA-256 and the app server that took it."""
        slug = self.contract()
        forms = UPLOAD_FORM.findall(self.records(slug))
        if not forms:
            return
        action, body = random.choice(forms)
        slot = SLOT.search(body)
        data = b"%PDF-1.4\n%" + os.urandom(random.randint(2_000, 60_000)) + b"\n%%EOF\n"
        if self.submit(action, {"slot": slot.group(1) if slot else "", "next": f"/files/contract/{slug}/records/"},
                       files={"file": ("誓約書.pdf", data, "application/pdf")},
                       name="/files/[ct]/[pk]/upload/") is not None:
            UPLOADS.append({"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                            "upstream": self.upstream, "user": self.account["username"]})

    def read_file(self) -> None:
        """Open a contract's records and download one of its files, if it has any."""
        links = FILE_LINK.findall(self.records(self.contract()))
        if links:
            self.download(random.choice(links), name="/files/[pk]/")


def _pattern(url: str) -> str:
    """A URL as the statistics group it: /handover/load-01/handovers/7/ -> /handover/[slug]/handovers/[pk]/."""
    url = re.sub(r"load-\d+", "[slug]", url.split("?", 1)[0].split("#", 1)[0])
    url = re.sub(r"^/files/\d+/\d+/", "/files/[ct]/[pk]/", url)
    return re.sub(r"/side/(ward|contractor)/", "/side/[side]/", re.sub(r"/\d+/", "/[pk]/", url))


class HR(Person):
    role = "hr"

    @task(3)
    def deliver(self):
        slug = self.contract()
        url = f"/handover/{slug}/handovers/new/"
        form = self.page(url, name="/handover/[slug]/handovers/new/")
        items, recipients = CHOICE.findall(form), RECIPIENT.findall(form)
        if not items or not recipients:
            return
        self.submit(url, {"items": random.choice(items), "recipient": random.choice(recipients), "by_hand": "on",
                          "container": "鍵付きカバン",
                          "handed_at": datetime.now(TOKYO).strftime("%Y-%m-%dT%H:%M")},
                    name="/handover/[slug]/handovers/new/")

    @task(3)
    def dashboard_and_returns(self):
        self.acknowledge_waiting(self.dashboard())

    @task(2)
    def ledger(self):
        slug = self.contract()
        self.page(f"/handover/{slug}/ledger/", name="/handover/[slug]/ledger/")
        self.page(f"/handover/{slug}/items/", name="/handover/[slug]/items/")

    @task(1)
    def export_ledger(self):
        self.download(f"/handover/{self.contract()}/ledger.xlsx", name="/handover/[slug]/ledger.xlsx")

    @task(1)
    def attest_ward_side(self):
        attest(self, "ward")


class Contractor(Person):
    abstract = True

    @task(4)
    def dashboard_and_acknowledge(self):
        self.acknowledge_waiting(self.dashboard())

    @task(2)
    def periodic_check(self):
        if not self.stored:
            self.page(f"/handover/{self.contract()}/items/", name="/handover/[slug]/items/")
            return
        slug, pk = random.choice(self.stored)
        self.page(f"/handover/{slug}/items/{pk}/", name="/handover/[slug]/items/[pk]/")
        self.submit(f"/handover/{slug}/items/{pk}/check/", {"note": "施錠を確認"},
                    name="/handover/[slug]/items/[pk]/check/")

    @task(1)
    def give_back(self):
        if not self.stored:
            return
        slug, pk = self.stored[0]
        url = f"/handover/{slug}/handovers/new/"
        form = self.page(url, name="/handover/[slug]/handovers/new/")
        if f'name="items" value="{pk}"' not in form:
            self.stored.pop(0)
            return
        recipients = RECIPIENT.findall(form.split('name="recipient"', 1)[-1])
        if self.submit(url, {"items": pk, "recipient": recipients[0], "by_hand": "on", "container": "鍵付きカバン",
                             "handed_at": datetime.now(TOKYO).strftime("%Y-%m-%dT%H:%M")},
                       name="/handover/[slug]/handovers/new/"):
            self.stored.pop(0)

    @task(1)
    def ledger(self):
        self.page(f"/handover/{self.contract()}/ledger/", name="/handover/[slug]/ledger/")

    @task(2)
    def evidence(self):
        if "sections" in WORLD:  # the ward's register: the contractor's people keep their 誓約書 here
            self.attach_file()


class Manager(Contractor):
    role = "manager"

    @task(1)
    def attest_contractor_side(self):
        attest(self, "contractor")

    @task(1)
    def export_checklist(self):
        self.download(f"/checklist/{self.contract()}/export/contractor.xlsx",
                      name="/checklist/[slug]/export/contractor.xlsx")


class Handler(Contractor):
    role = "handler"


class Auditor(Person):
    role = "auditor"

    @task(2)
    def dashboard_and_ledgers(self):
        self.dashboard()
        self.page("/handover/", name="/handover/")

    @task(2)
    def audit_trail(self):
        self.page("/audit/", name="/audit/")
        self.page(f"/audit/?contract={self.contract()}", name="/audit/?contract=[slug]")

    @task(1)
    def downloads(self):
        self.page("/audit/downloads/", name="/audit/downloads/")

    @task(2)
    def checklist(self):
        self.page(f"/checklist/{self.contract()}/side/ward/", name="/checklist/[slug]/side/[side]/")

    @task(1)
    def export_ledger(self):
        self.download(f"/handover/{self.contract()}/ledger.xlsx", name="/handover/[slug]/ledger.xlsx")

    @task(1)
    def export_checklist(self):
        fmt = "pdf" if random.random() < 0.2 else "xlsx"
        self.download(f"/checklist/{self.contract()}/export/both.{fmt}", name=f"/checklist/[slug]/export/both.{fmt}")


class Privacy(Person):
    """The privacy office (個人情報保護担当), ward-wide: the register of every contract, and any contract's
    trail, checklist and files."""

    role = "privacy"

    @task(3)
    def register(self):
        if not WORLD.get("register"):
            self.dashboard()  # no register in this version (see the summary's "register")
            return
        page = self.page("/register/", name="/register/")
        exports = XLSX_LINK.findall(page)
        if exports and random.random() < 0.3:
            link = random.choice(exports).replace("&amp;", "&")
            self.download(link, name=_pattern(link))

    @task(1)
    def dashboard_page(self):
        self.dashboard()

    @task(1)
    def audit_trail(self):
        self.page(f"/audit/?contract={self.contract()}", name="/audit/?contract=[slug]")

    @task(1)
    def checklist(self):
        self.page(f"/checklist/{self.contract()}/side/ward/", name="/checklist/[slug]/side/[side]/")

    @task(2)
    def files(self):
        self.read_file()


# As many people of each kind as the world has accounts of it; a kind it has none of does not come.
for _kind in (HR, Manager, Handler, Auditor, Privacy):
    _kind.fixed_count = len(ACCOUNTS.get(_kind.role, []))
    _kind.abstract = not _kind.fixed_count
del _kind  # not a user class of its own to Locust


def attest(person: Person, side: str) -> None:
    """Attest two to four items of one side as in place, with a note, through the side's one form."""
    slug = person.contract()
    page = person.page(f"/checklist/{slug}/side/{side}/", name="/checklist/[slug]/side/[side]/")
    items = sorted(set(ATTEST_FIELD.findall(page)))
    if not items:
        return
    form = {}
    for pk in random.sample(items, min(len(items), random.randint(2, 4))):
        form.update({f"item-{pk}-attestation": "in_place", f"item-{pk}-note": "規程に基づき実施している",
                     f"item-{pk}-evidence": "社内規程 第3条"})
    person.submit(f"/checklist/{slug}/side/{side}/attest/", form, name="/checklist/[slug]/side/[side]/attest/")


PEAK = {"users": 0}
# Sign-ins happen while the people arrive; the run's statistics start once all have (--reset-stats), so
# their times are kept here and reported on their own.
SIGN_INS: list[float] = []
# Every failure of the whole run, arrival included (the reset clears Locust's own list).
FAILURES: dict[str, int] = {}
# Every evidence file attached during the run, arrival included: SHA-256, size, the app server that took it.
UPLOADS: list[dict] = []
# Sign-ins whose code had expired by the time the server read it (seconds the answer took).
LATE_CODES: list[float] = []


@events.request.add_listener
def _whole_run(request_type, name, response_time, exception, **kwargs):
    if exception is not None:
        kind = f"{request_type} {name}: {exception}"
        FAILURES[kind] = FAILURES.get(kind, 0) + 1
    elif name.startswith("/accounts/"):
        SIGN_INS.append(response_time)


@events.spawning_complete.add_listener
def _peak(user_count, **kwargs):
    PEAK["users"] = max(PEAK["users"], user_count)


@events.quitting.add_listener
def _write_summary(environment, **kwargs):
    target = os.environ.get("LOADTEST_SUMMARY")
    if not target:
        return
    total = environment.stats.total
    by_name = sorted(((s.method, s.name, s.num_requests, s.num_failures, s.get_response_time_percentile(0.5),
                       s.get_response_time_percentile(0.95), s.max_response_time)
                      for s in environment.stats.entries.values()), key=lambda row: -row[5])
    with open(target, "w", encoding="utf-8") as f:
        json.dump({"users": PEAK["users"],
                   "requests": total.num_requests, "errors": sum(FAILURES.values()),
                   "p50": total.get_response_time_percentile(0.5), "p95": total.get_response_time_percentile(0.95),
                   "started": total.start_time, "last": total.last_request_timestamp,
                   "errors_by_kind": FAILURES, "by_name": by_name, "uploads": UPLOADS, "late_codes": LATE_CODES,
                   "sign_ins": {"requests": len(SIGN_INS), "p50": _percentile(SIGN_INS, 0.5),
                                "p95": _percentile(SIGN_INS, 0.95)}}, f, ensure_ascii=False)


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
