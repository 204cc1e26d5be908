"""The demo: FY2025 has its monthly status reports accepted (August's sent back once) and an accepted structure
report, all before the contract was closed; FY2026 has the monthly schedule with the reports so far. Safe to run
twice."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from contracts.demo import CURRENT_SLUG, SEED_SLUG
from contracts.models import Contract
from statusreports.models import StatusReport, StatusSchedule, StructureReport

pytestmark = pytest.mark.django_db


def test_both_years_have_their_reports_and_a_second_run_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    entries = AuditEntry.objects.filter(action__startswith="st").count()
    call_command("load_demo", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action__startswith="st").count() == entries

    finished = Contract.objects.get(slug=SEED_SLUG)
    assert finished.is_closed
    reports = StatusReport.objects.filter(contract=finished).order_by("due_on")
    assert [r.period_key for r in reports] == [f"2025-{m:02d}" for m in range(5, 13)] + ["2026-01", "2026-02"]
    assert all(r.is_accepted for r in reports)
    closed_at = finished.closing_events.get().happened_at
    assert all(r.decided_at < closed_at for r in reports)
    august = reports.get(period_key="2025-08")
    assert august.submission_count == 2
    structure = StructureReport.objects.get(contract=finished)
    assert structure.is_accepted and {p["name"] for p in structure.people} == {"田中 誠", "山田 美咲"}

    current = Contract.objects.get(slug=CURRENT_SLUG)
    assert StatusSchedule.objects.get(contract=current).kind == "monthly"
    today = timezone.localdate()
    due = StatusReport.objects.filter(contract=current, due_on__lte=today).order_by("due_on")
    if due:
        assert [r.status for r in due][-1] == "submitted"
        assert all(r.is_accepted for r in list(due)[:-1])
    assert StructureReport.objects.get(contract=current).is_accepted
