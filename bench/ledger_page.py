"""Median server time of the ledger page (管理簿) with 100 and with 10,000 handovers, and their ratio.

    DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/ledger_page.py

Runs on its own throwaway SQLite database in a temporary directory. The handovers are written with
bulk_create (the services would take minutes for 10,000 and are not what is measured); the page is
requested through Django's test client, in process, so the time is the server's alone.
Target: the ratio is at most 1.5 (the page is paginated and its query count is fixed).
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="ledger-bench-")
os.environ["DJANGO_VAR_DIR"] = _tmp.name
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 40


def add_handovers(world, kind, start: int, count: int) -> None:
    from handover.models import Handover, HandoverLine, Item

    base = timezone.now() - dt.timedelta(days=400)
    items = Item.objects.bulk_create([
        Item(contract=world.contract, category=Item.Category.MEDIUM, medium_kind=kind, label=f"B-{i:06d}",
             contents="職員属性・調査回答", record_count=3000, state=Item.State.AT_CONTRACTOR,
             state_changed_at=base, holder=world.handler, created_at=base, created_by=world.hr)
        for i in range(start, start + count)
    ], batch_size=1000)
    handovers = Handover.objects.bulk_create([
        Handover(contract=world.contract, number=i + 1, direction=Handover.Direction.DELIVERY,
                 handed_at=base + dt.timedelta(minutes=i), giver=world.hr,
                 recipient=world.handler if i % 2 else world.manager, status=Handover.Status.ACKNOWLEDGED,
                 recorded_at=base + dt.timedelta(minutes=i), recorded_by=world.hr,
                 acknowledged_at=base + dt.timedelta(minutes=i + 5), acknowledged_by=world.handler)
        for i in range(start, start + count)
    ], batch_size=1000)
    HandoverLine.objects.bulk_create([HandoverLine(handover=h, item=item, quantity=1)
                                      for h, item in zip(handovers, items, strict=True)], batch_size=1000)


def median_ms(client, url) -> float:
    for _ in range(10):  # warm caches and connections
        assert client.get(url).status_code == 200
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def main() -> int:
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from handover.models import Handover, MediumKind
    from tests.factories import login_verified, make_world

    world = make_world()
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    client = Client()
    login_verified(client, world.hr)
    url = reverse("handover:ledger", kwargs={"slug": world.contract.slug})

    add_handovers(world, kind, 0, 100)
    small = median_ms(client, url)
    add_handovers(world, kind, 100, 9_900)
    assert Handover.objects.count() == 10_000
    large = median_ms(client, url)
    ratio = large / small
    print(f"ledger page, median of {RUNS} requests (server time, SQLite):")
    print(f"     100 handovers: {small:7.1f} ms")
    print(f"  10,000 handovers: {large:7.1f} ms")
    print(f"  ratio: {ratio:.2f} (target <= 1.5) {'OK' if ratio <= 1.5 else 'OVER TARGET'}")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        _tmp.cleanup()
