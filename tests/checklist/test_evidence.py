"""Live evidence: one small registry that other apps add to; the providers that exist now."""

import pytest
from django.urls import reverse

from audit.evidence import access_log_evidence
from checklist.evidence import designation_evidence
from checklist.models import Side
from core import evidence
from tests.checklist.helpers import finalise_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """A registry of its own for the test, so that registrations do not leak."""
    monkeypatch.setattr(evidence, "_providers", {})
    return evidence


def test_another_app_registers_a_provider_and_the_side_page_shows_it(world, client_as, registry):
    calls = []

    def ledger(contract):
        calls.append(contract.pk)
        return evidence.Evidence(met=False, summary="管理簿に記録された受渡しはまだありません", url="/handover/")

    registry.register("contractor.operational.09", ledger)
    registry.register("contractor.operational.09", ledger)  # twice is harmless
    registry.register("ward.operational.09", ledger)
    finalise_plan(world)
    page = client_as(world.hr).get(reverse("checklist:side", kwargs={"slug": world.contract.slug,
                                                                     "side": Side.CONTRACTOR}))
    html = page.content.decode()
    assert html.count("管理簿に記録された受渡しはまだありません") == 1
    assert calls == [world.contract.pk]  # the contractor side only asked once


def test_a_failing_provider_does_not_break_the_page(world, client_as, registry):
    def broken(contract):
        raise RuntimeError("boom")

    registry.register("contractor.system.01", broken)
    finalise_plan(world)
    response = client_as(world.manager).get(reverse("checklist:side", kwargs={"slug": world.contract.slug,
                                                                              "side": Side.CONTRACTOR}))
    assert response.status_code == 200
    assert "アプリの記録を読み取れませんでした" in response.content.decode()


def test_designation_evidence_reads_the_approved_manager_and_handlers(world):
    found = designation_evidence(world.contract)
    assert found.met is True
    assert "取扱責任者 1名・取扱者 1名" in found.summary
    assert found.url == reverse("contracts:designations", kwargs={"slug": world.contract.slug})


def test_access_log_evidence_rehashes_the_contracts_audit_entries(world):
    found = access_log_evidence(world.contract)
    assert found.met is True and "ハッシュ検証済み" in found.summary
    assert f"contract={world.contract.slug}" in found.url


def test_the_builtin_providers_are_registered_at_startup():
    assert {"ward.operational.04", "contractor.operational.04", "ward.system.08"} <= evidence.registered_keys()


def test_a_designation_whose_period_has_ended_names_nobody_for_item_04(world):
    """An approved manager whose designated period ended before the day judged (today, or the contract's last day)
    is not a manager in place: item 04 says there is none, not 「1名を区が承認済み」."""
    import datetime as dt

    from contracts.models import Designation

    world.contract.designations.filter(kind=Designation.Kind.MANAGER).update(
        valid_until=world.contract.end_date - dt.timedelta(days=1))
    found = designation_evidence(world.contract)
    assert found.met is False
    assert "取扱責任者 0名" in found.summary
