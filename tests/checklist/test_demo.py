"""The demo's two years carry the records behind items 01, 05 and 12, and running it again adds none."""

import io

import pytest
from django.core.management import call_command

from checklist.models import Confirmation
from contracts.models import Contract
from core.evidence import evidence_for

pytestmark = pytest.mark.django_db


def test_both_years_have_their_confirmations_and_a_second_run_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    years = list(Contract.objects.filter(slug__startswith="shinjuku-engagement-").order_by("fiscal_year"))
    assert [c.fiscal_year for c in years] == [2025, 2026]
    for contract in years:
        for key in ("ward.operational.01", "contractor.operational.05", "ward.operational.12"):
            [evidence] = evidence_for(contract, key)
            assert evidence.met is True, (contract.fiscal_year, key, evidence.summary)
    count = Confirmation.objects.count()
    assert count == 12
    call_command("load_demo", stdout=io.StringIO())
    assert Confirmation.objects.count() == count
