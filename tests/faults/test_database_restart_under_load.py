"""PostgreSQL stopped and started again while several people work: each request that meets the database
gone gets the Japanese 503 page (never a 500, never a traceback), the people retry once it is back and
their work is recorded once, and afterwards nothing is half-written and the audit chain verifies.

The server restarted is the throwaway one of scripts/pg_test_server.sh that the PostgreSQL phase of
``make test`` started (its directory from PGTEST_DIR); any other server is left alone and the test skipped."""

import os
import shlex
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.urls import reverse
from django.utils import timezone

from audit.services import verify_chain
from handover import services
from handover.models import Handover, Item
from tests.factories import make_world
from tests.faults.checks import assert_consistent
from tests.faults.server import AppServer, Client, usable_password

# alone: it stops the server every other worker of the run is using (scripts/suite.sh runs it by itself).
pytestmark = [pytest.mark.postgres_only, pytest.mark.alone, pytest.mark.django_db(transaction=True)]

UNAVAILABLE = "データベースに接続できなかったため、この操作を最後まで処理できませんでした。"
PAPERS = 8


def _our_server() -> Path:
    """The data directory of the throwaway server this test database lives on, or skip."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (the PostgreSQL phase of make test)")
    directory = Path(os.environ.get("PGTEST_DIR", "/tmp/itaku-pgtest"))
    if connection.settings_dict["HOST"] != str(directory / "sock") or not (directory / "data/postmaster.pid").exists():
        pytest.skip(f"the database is not on the throwaway server of scripts/pg_test_server.sh in {directory} "
                    "(PGTEST_DIR): another server is never restarted")
    return directory / "data"


def _pg_ctl(data: Path, *args: str) -> None:
    binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))[-1]
    command = [str(binary), "-D", str(data), *args]
    if os.geteuid() == 0:  # scripts/pg_test_server.sh runs the server as the postgres user
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _start_options(data: Path) -> str:
    """The options the server was started with (postmaster.opts), for starting it again the same way."""
    words = shlex.split((data / "postmaster.opts").read_text())[1:]
    if "-D" in words:
        del words[words.index("-D"):words.index("-D") + 2]
    return shlex.join(words)


class Person(threading.Thread):
    """One person repeating a task until told to stop; every answer is kept."""

    def __init__(self, client: Client, task, stop: threading.Event):
        super().__init__()
        self.client, self.task, self.stop_event = client, task, stop
        self.statuses: list[int] = []
        self.unavailable_pages: list[str] = []

    def answer(self, response):
        self.statuses.append(response.status)
        if response.status == 503:
            self.unavailable_pages.append(response.text)
        return response

    def run(self):
        try:
            while not self.stop_event.is_set():
                try:
                    self.task(self)
                except (OperationalError, InterfaceError):
                    # The test's own look-up (what waits for acknowledgement) met the restart too.
                    connections.close_all()
                    time.sleep(0.1)
        finally:
            connections.close_all()


def test_a_database_restart_under_load_answers_503_and_the_work_is_recorded_once_after_it(tmp_path):
    data = _our_server()
    world = make_world()
    papers = [services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                     label=f"P-{n:03d}", contents="回答用紙の写し") for n in range(PAPERS)]
    usable_password(world.hr, world.handler, world.auditor)
    server = AppServer(tmp_path, workers=3)
    slug = world.contract.slug
    try:
        clients = {user: Client(server).sign_in(user) for user in (world.hr, world.handler, world.auditor)}
        todo = list(papers)

        def deliver(person):
            # HR records the next paper; a 503 means "try again": the same paper, the same form.
            if not todo:
                time.sleep(0.05)
                return
            response = person.answer(person.client.post(reverse("handover:handover_create", kwargs={"slug": slug}), {
                "items": [todo[0].pk], "recipient": world.handler.pk, "by_hand": "on", "container": "鍵付きカバン",
                "handed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}))
            # 302: recorded. 400 after a 503: the first attempt had been committed before the cut; the form
            # says the paper is no longer at the ward. Either way it is in the ledger once.
            if response.status in (302, 400):
                todo.pop(0)

        def acknowledge(person):
            waiting = list(Handover.objects.filter(recipient=world.handler, status=Handover.Status.IN_TRANSIT)
                           .values_list("pk", flat=True)[:1]) if not person.stop_event.is_set() else []
            if not waiting:
                person.answer(person.client.get("/"))
                return
            person.answer(person.client.post(
                reverse("handover:handover_acknowledge", kwargs={"slug": slug, "pk": waiting[0]}),
                {"time_confirmed": "on"}))

        def read(person):
            person.answer(person.client.get(reverse("handover:ledger", kwargs={"slug": slug})))

        stop = threading.Event()
        people = [Person(clients[world.hr], deliver, stop), Person(clients[world.handler], acknowledge, stop),
                  Person(clients[world.auditor], read, stop)]
        for person in people:
            person.start()
        time.sleep(1.0)
        _pg_ctl(data, "-m", "fast", "-w", "stop")
        stopped_at = time.monotonic()
        # Down until the people have met it (each 503 answered while it is down), at most a few seconds.
        while time.monotonic() - stopped_at < 5 and sum(len(p.unavailable_pages) for p in people) < 3:
            time.sleep(0.05)
        _pg_ctl(data, "-w", "start", "-l", str(data.parent / "server.log"), "-o", _start_options(data))
        deadline = time.monotonic() + 20
        while todo and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        stop.set()
        for person in people:
            person.join(timeout=30)
        connection.close()  # this process's own connection went with the restart

        statuses = [status for person in people for status in person.statuses]
        assert 503 in statuses and 500 not in statuses, statuses
        assert set(statuses) <= {200, 302, 400, 503}, statuses
        for page in (page for person in people for page in person.unavailable_pages):
            assert UNAVAILABLE in page and "Traceback" not in page
        # Every paper HR set out to deliver is in the ledger exactly once.
        assert not todo
        assert sorted(Handover.objects.values_list("lines__item__label", flat=True)) == [p.label for p in papers]
        assert Item.objects.filter(state=Item.State.PREPARED).count() == 0
        assert_consistent()
        assert verify_chain()[1] is None
        # After the restart the people go on as before.
        assert clients[world.auditor].get(reverse("handover:ledger", kwargs={"slug": slug})).status == 200
    finally:
        server.stop()
