"""Items 03 (both sides): 「再委託先がある場合には、委託先との間に立入り調査等ができる契約内容を付すとともに、必要に応じて
又は定期的に立入り調査等を実施」 — each approved subcontractor is inspected in the year, and only approved ones may be."""

import datetime as dt

import pytest

from contracts import services as contract_services
from core.dashboard import waiting_for
from core.errors import DomainError
from core.evidence import evidence_for
from tests.handover.conftest import Clock, tokyo
from tests.matrix.contracts import APPLICATION
from tests.supervision.helpers import plan, record

KEYS_03 = ("ward.operational.03", "contractor.operational.03")


def _ours(contract, key):
    (evidence,) = [e for e in evidence_for(contract, key) if e.url and "/supervision/" in e.url]
    return evidence


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 10, 1, 9, 0))
    return clock


def _applied(world):
    return contract_services.subcontractor_apply(contract=world.contract, actor=world.manager, submit=True,
                                                 **APPLICATION)


@pytest.mark.django_db
def test_an_approved_subcontractor_without_an_inspection_turns_items_03_unmet_until_one_is_held(world, clock):
    sub = contract_services.subcontractor_approve(subcontractor=_applied(world), actor=world.hr)
    for key in KEYS_03:
        evidence = _ours(world.contract, key)
        assert evidence.met is False and "「株式会社データ入力サービス」: 立入り調査等が計画されていません" in evidence.summary
    assert any("再委託先「株式会社データ入力サービス」への立入り調査等が計画されていません" in w.title
               for w in waiting_for(world.hr))
    inspection = plan(world, planned_on=dt.date(2025, 11, 20), subcontractor=sub)
    assert inspection.target_name == "再委託先「株式会社データ入力サービス」"
    assert _ours(world.contract, "ward.operational.03").met is True
    clock.set(tokyo(2025, 11, 21, 9, 0))
    assert _ours(world.contract, "ward.operational.03").met is False  # planned date passed, not held
    record(world, inspection, held_on=dt.date(2025, 11, 20))
    evidence = _ours(world.contract, "contractor.operational.03")
    assert evidence.met is True and "令和7年11月20日に実施" in evidence.summary


@pytest.mark.django_db
def test_only_an_approved_subcontractor_can_be_inspected(world, clock):
    pending = _applied(world)
    with pytest.raises(DomainError) as refused:
        plan(world, subcontractor=pending)
    assert refused.value.field == "subcontractor"
