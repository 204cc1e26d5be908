"""The demo: FY2025 has an on-site inspection held with one finding closed (accepted) and the contract still
closes; FY2026 has a remote inspection planned with its reason. Safe to run twice."""

import io

import pytest
from django.core.management import call_command

from attachments.selectors import files_for
from contracts.demo import CURRENT_SLUG, SEED_SLUG
from contracts.models import Contract
from supervision.models import Finding, Inspection

pytestmark = pytest.mark.django_db


def test_last_year_has_an_inspection_with_a_closed_finding_and_this_year_a_remote_one_planned():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    last = Inspection.objects.get(contract__slug=SEED_SLUG)
    assert last.is_done and last.method == Inspection.Method.ON_SITE and str(last.held_on) == "2025-11-12"
    assert last.results.count() == 3
    (finding,) = Finding.objects.filter(contract__slug=SEED_SLUG)
    assert finding.is_accepted and finding.response
    assert [f.name for f in files_for(finding, "response")] == ["金庫と鍵の持出し簿.png"]
    assert Contract.objects.get(slug=SEED_SLUG).is_closed  # the accepted finding did not stand in the way
    this_year = Inspection.objects.filter(contract__slug=CURRENT_SLUG, subcontractor__isnull=True).get()
    assert this_year.is_planned and this_year.method == Inspection.Method.REMOTE and this_year.reason
