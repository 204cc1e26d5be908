"""What supervising the contractor costs: the checklist's sides with every item backed by records, and evidence files.

    DJANGO_HTTPS=0 DJANGO_MANIFEST_STATIC=0 .venv/bin/python bench/supervision.py

Runs on its own throwaway SQLite database and file store in a temporary directory, with the demo loaded
(``load_demo``: inspections, a finding, status reports, subcontracting, the environment profiles, certificates,
confirmations). Measured in process through Django's test client, in CPU time (the server's alone, whatever else runs):

- each checklist side page of this year's contract as HR: its 24 items each ask the evidence registry
  (``core.evidence``), whose providers read inspections, reports, profiles, files…; the median over
  {RUNS} requests, the number of queries, and the same after 300 more evidence files are attached to the records
  behind the items (the page lists every file with its SHA-256): target, the ratio at most 1.5 and the page
  under 500 ms;
- one 10 MiB evidence file (a PDF) kept and read back through ``attachments.services`` (hashing, AES-256-GCM,
  the 600-mode file): target, each at most 1 s.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="supervision-bench-")
os.environ["DJANGO_VAR_DIR"] = _tmp.name
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 20
PAGE_TARGET_MS = 500.0
FILE_TARGET_S = 1.0


def median_ms(client, url) -> tuple[float, int]:
    for _ in range(3):  # warm caches and connections
        assert client.get(url).status_code == 200
    queries = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (queries.append(sql),
                                                                                 execute(sql, params, many, context))[1]):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        response = client.get(url)
        times.append((time.process_time() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(queries)


def more_files(contract, count: int) -> int:
    """``count`` more file rows on the records that back the items (rows only: the page reads rows, not files)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from attachments.models import EvidenceFile
    from statusreports.models import StatusReport
    from supervision.models import Inspection

    targets = list(Inspection.objects.filter(contract=contract)) + list(StatusReport.objects.filter(contract=contract))
    assert targets, "the demo has inspections and status reports on this year's contract"
    user = contract.memberships.first().user
    rows = []
    for n in range(count):
        target = targets[n % len(targets)]
        rows.append(EvidenceFile(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk, slot="bench",
            contract=contract, version=n // len(targets) + 1, name=f"資料{n}.pdf", size=1000,
            sha256=f"{n:064x}", media_type="application/pdf", token=f"bench-{n}", uploaded_at=timezone.now(),
            uploaded_by=user))
    EvidenceFile.objects.bulk_create(rows)
    return len(targets)


def main() -> int:
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    from django.contrib.auth import get_user_model

    from attachments import registry, services
    from contracts.models import Contract
    from tests.factories import login_verified

    contract = Contract.objects.get(slug="shinjuku-engagement-2026")
    hr = get_user_model().objects.get(username="sato")
    client = Client()
    login_verified(client, hr)
    ok = True
    print("checklist side pages of this year's contract as HR, every item asking its records "
          f"(median CPU time of {RUNS} requests in process, SQLite):")
    before = {side: median_ms(client, reverse("checklist:side", kwargs={"slug": contract.slug, "side": side}))
              for side in ("ward", "contractor")}
    records = more_files(contract, 300)
    for side, (small, small_queries) in before.items():
        large, large_queries = median_ms(client, reverse("checklist:side", kwargs={"slug": contract.slug, "side": side}))
        ratio = large / small
        good = ratio <= 1.5 and large <= PAGE_TARGET_MS
        ok &= good
        print(f"  {side:<10} demo records: {small:6.1f} ms, {small_queries} queries; with 300 more files on "
              f"{records} records: {large:6.1f} ms, {large_queries} queries; ratio {ratio:.2f} "
              f"(target <= 1.5, <= {PAGE_TARGET_MS:.0f} ms) {'OK' if good else 'OVER TARGET'}")

    # One 10 MiB PDF kept and read back (the largest file the default limit allows).
    from tests.attachments.helpers import register_contract

    class World:
        pass

    world = World()
    world.hr = hr
    world.manager = get_user_model().objects.get(username="tanaka")
    already = registry.target_for(contract) if hasattr(registry, "target_for") else None
    if already is None:
        register_contract(world)
    body = b"%PDF-1.7\n" + os.urandom(10 * 1024 * 1024 - 9)
    start = time.process_time()
    kept = services.attach(target=contract, upload=SimpleUploadedFile("bench.pdf", body, "application/pdf"),
                           actor=hr, slot="bench")
    keep_s = time.process_time() - start
    start = time.process_time()
    back = services.read(kept, actor=hr)
    read_s = time.process_time() - start
    assert back == body
    good = keep_s <= FILE_TARGET_S and read_s <= FILE_TARGET_S
    ok &= good
    print(f"evidence file of 10 MiB: kept (hashed, sealed, written) in {keep_s:.3f} s, read back (opened, "
          f"checked against its SHA-256) in {read_s:.3f} s (target <= {FILE_TARGET_S:.1f} s each) "
          f"{'OK' if good else 'OVER TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        _tmp.cleanup()
