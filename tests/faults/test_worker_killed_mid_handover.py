"""A gunicorn worker killed (SIGKILL) in the middle of a handover POST, after its first write and inside its
transaction: PostgreSQL rolls the transaction back, so nothing is half-written (no handover without its
lines, no item whose state disagrees with its last handover), the audit chain verifies, the person who was
cut off gets an error rather than a page that says it worked, and the same form sent again works once."""

import http.client
import os
import signal
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.services import verify_chain
from handover import services
from handover.models import Handover, HandoverLine, Item
from tests.factories import make_world
from tests.faults.checks import assert_consistent
from tests.faults.server import AppServer, Client, usable_password

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (the PostgreSQL phase of make test)")


def _paused_worker(marker, timeout=20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text().strip():
            return int(marker.read_text())
        time.sleep(0.02)
    raise AssertionError("no worker reached the pause")


def _in_background(call):
    outcome = {}

    def run():
        try:
            outcome["response"] = call()
        except (http.client.HTTPException, OSError) as error:  # the connection dropped with the worker
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _kill_mid_request(tmp_path, call):
    marker = tmp_path / "paused"
    thread, outcome = _in_background(call)
    os.kill(_paused_worker(marker), signal.SIGKILL)
    thread.join(timeout=30)
    return outcome


def _paper(world, label):
    return services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                  label=label, contents="回答用紙の写し")


def test_a_worker_killed_while_recording_a_handover_leaves_nothing_and_the_retry_records_it_once(tmp_path):
    world = make_world()
    paper = _paper(world, "P-001")
    usable_password(world.hr)
    server = AppServer(tmp_path, env={"DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE": f"handover.handover:{tmp_path}/paused"})
    try:
        hr = Client(server).sign_in(world.hr)
        url = reverse("handover:handover_create", kwargs={"slug": world.contract.slug})
        form = {"items": [paper.pk], "recipient": world.handler.pk, "by_hand": "on", "container": "鍵付きカバン",
                "handed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}

        outcome = _kill_mid_request(tmp_path, lambda: hr.post(url, form))
        # Cut off: no answer at all (behind nginx, its 502 page in Japanese), never a page saying it worked.
        assert "error" in outcome, outcome
        assert not Handover.objects.exists() and not HandoverLine.objects.exists()
        assert Item.objects.get(pk=paper.pk).state == Item.State.PREPARED
        assert verify_chain()[1] is None
        assert_consistent()

        # gunicorn has started another worker; the session is still valid; the same form works, once.
        retry = hr.post(url, form)
        assert retry.status == 302, retry.text[:1000]
        handover = Handover.objects.get()
        assert retry.location == reverse("handover:handover_detail",
                                         kwargs={"slug": world.contract.slug, "pk": handover.pk})
        assert handover.number == 1 and list(handover.lines.values_list("item_id", flat=True)) == [paper.pk]
        assert Item.objects.get(pk=paper.pk).state == Item.State.IN_TRANSIT
        assert verify_chain()[1] is None
        assert_consistent()
    finally:
        server.stop()


def test_a_worker_killed_while_acknowledging_leaves_the_handover_waiting_and_the_retry_acknowledges_once(
        tmp_path):
    world = make_world()
    paper = _paper(world, "P-001")
    handover = services.handover_record(contract=world.contract, actor=world.hr, direction=Handover.Direction.DELIVERY,
                                        recipient=world.handler, items=[paper],
                                        )
    usable_password(world.handler)
    server = AppServer(tmp_path, env={"DJANGO_TEST_FAULT_PAUSE_AFTER_SAVE": f"handover.handover:{tmp_path}/paused"})
    try:
        handler = Client(server).sign_in(world.handler)
        url = reverse("handover:handover_acknowledge", kwargs={"slug": world.contract.slug, "pk": handover.pk})

        outcome = _kill_mid_request(tmp_path, lambda: handler.post(url, {"time_confirmed": "on"}))
        assert "error" in outcome, outcome
        handover.refresh_from_db()
        assert handover.status == Handover.Status.IN_TRANSIT and handover.acknowledged_at is None
        assert Item.objects.get(pk=paper.pk).state == Item.State.IN_TRANSIT
        assert_consistent()

        retry = handler.post(url, {"time_confirmed": "on"})
        assert retry.status == 302, retry.text[:1000]
        handover.refresh_from_db()
        assert handover.status == Handover.Status.ACKNOWLEDGED and handover.acknowledged_by == world.handler
        assert Item.objects.get(pk=paper.pk).state == Item.State.AT_CONTRACTOR
        # Sent a third time (a double click, a back button): refused in words, not acknowledged twice.
        again = handler.post(url, {"time_confirmed": "on"})
        assert again.status in (400, 403) and again.status != 500
        assert_consistent()
        assert verify_chain()[1] is None
    finally:
        server.stop()
