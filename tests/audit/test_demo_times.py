"""The demo's audit trail carries the story's times, so filtering the log on the ledger's dates finds
those events (issue 7, B.18). The sequence numbers keep the order of seeding, and the chain verifies."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from audit.services import verify
from contracts.demo import SEED_SLUG
from core.dates import to_local_date
from handover.models import Handover, StorageCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    return get_user_model().objects.get(username="suzuki")


def _on(auditor, day, **filters):
    return audit_entries_for(auditor, date_from=day, date_to=day).filter(**filters)


def test_filtering_the_log_on_a_ledger_date_finds_that_handovers_events(demo):
    auditor = demo
    handovers = list(Handover.objects.filter(contract__slug=SEED_SLUG).order_by("number"))
    assert len(handovers) == 3  # the disc is destroyed, not returned (deletion report)
    for handover in handovers:
        day = to_local_date(handover.handed_at)
        mine = {"object_type": "handover.handover", "object_id": str(handover.pk)}
        assert _on(auditor, day, action="handover.recorded", **mine).exists(), (handover.number, day)
        assert _on(auditor, to_local_date(handover.acknowledged_at), action="handover.acknowledged", **mine).exists()
        # The day before shows none of it: the filter finds the day, not the day the demo was seeded.
        assert not _on(auditor, day - dt.timedelta(days=1), **mine).exists()


def test_the_finished_years_log_reads_on_its_own_days(demo):
    auditor = demo
    first = Handover.objects.get(contract__slug=SEED_SLUG, number=1)
    entries = _on(auditor, dt.date(2025, 6, 24), contract__slug=SEED_SLUG)
    assert {"handover.recorded", "handover.acknowledged", "handover.storage.recorded"} <= set(
        entries.values_list("action", flat=True))
    assert entries.filter(object_id=str(first.pk)).exists()
    for check in StorageCheck.objects.filter(item__contract__slug=SEED_SLUG):
        assert _on(auditor, to_local_date(check.checked_at), action="handover.storage.checked",
                   object_id=str(check.item_id)).exists()
    # The contract's own story: prepared in April 2025, people approved in May 2025.
    assert _on(auditor, dt.date(2025, 4, 8), contract__slug=SEED_SLUG).exists()
    assert _on(auditor, dt.date(2025, 5, 2), contract__slug=SEED_SLUG, action="contract.designation.approved").exists()


def test_sequence_numbers_keep_the_order_of_seeding_and_the_chain_verifies(demo):
    seqs = list(AuditEntry.objects.order_by("created_at", "seq").values_list("seq", flat=True))
    assert seqs != sorted(seqs)  # told out of order in time (the two years), ...
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, len(seqs) + 1))
    assert verify().broken is None  # ... appended in one unbroken chain
