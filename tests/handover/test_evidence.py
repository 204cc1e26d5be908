"""What the ledger tells the checklist about the handover controls (live evidence)."""

import pytest

from core.evidence import evidence_for
from handover import services
from handover.models import StorageRecord
from tests.handover.conftest import acknowledge, deliver, give_back, tokyo
from yearend import deletion

pytestmark = pytest.mark.django_db


def _evidence(world, key):
    (evidence,) = evidence_for(world.contract, key)
    return evidence


def test_nothing_to_judge_before_any_handover(world, disc):
    for key in ("ward.operational.07", "contractor.operational.08", "ward.operational.09", "contractor.operational.10"):
        assert _evidence(world, key).met is None, key


def test_a_medium_and_its_notice_on_separate_days_meet_the_separation_control(world, disc, notice, clock):
    """別紙: 「電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し…」"""
    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 6, 11, 10, 0))
    acknowledge(deliver(world, [notice]), world.handler)
    evidence = _evidence(world, "ward.operational.07")
    assert evidence.met is True
    assert "1組" in evidence.summary
    assert _evidence(world, "contractor.operational.08").met is True
    ledger = _evidence(world, "ward.operational.09")
    assert ledger.met is True and "受渡し 2件" in ledger.summary


def test_a_pair_back_dated_before_the_rule_looked_at_recording_times_shows_unmet(world, disc, notice, clock):
    """A ledger written before the separation rule also looked at when a handover was really recorded
    and acknowledged (issue 7, A.6) may hold such a pair: the checklist shows it."""
    from handover.models import Handover

    acknowledge(deliver(world, [disc]), world.handler)       # recorded and acknowledged on 10 June
    clock.set(tokyo(2025, 6, 11, 10, 0))
    later = acknowledge(deliver(world, [notice]), world.handler)
    assert _evidence(world, "ward.operational.07").met is True
    # As an old version allowed: written on the 10th, a second after the disc, stated as the 11th.
    Handover.objects.filter(pk=later.pk).update(recorded_at=tokyo(2025, 6, 10, 9, 0, 1))
    evidence = _evidence(world, "ward.operational.07")
    assert evidence.met is False and "1組" in evidence.summary


def test_an_item_held_without_a_recorded_place_shows_the_storage_control_unmet(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    assert _evidence(world, "contractor.operational.10").met is False
    services.storage_record(item=disc, actor=world.handler, place=StorageRecord.Place.CABINET,
                            location="キャビネットB-2", locked=True)
    assert _evidence(world, "contractor.operational.10").met is True
    clock.advance(days=45)
    overdue = _evidence(world, "contractor.operational.10")
    assert overdue.met is False and "期限超過 1点" in overdue.summary


def test_an_acknowledgement_left_waiting_shows_the_ledger_control_unmet(world, disc, clock):
    deliver(world, [disc])
    assert _evidence(world, "ward.operational.09").met is True
    clock.advance(days=2)
    assert _evidence(world, "ward.operational.09").met is False


def test_items_still_out_after_the_contract_ends_show_the_return_control_unmet(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    assert _evidence(world, "ward.operational.11").met is None
    clock.set(tokyo(2026, 4, 2, 9, 0))  # the contract ended on 31 March 2026
    assert _evidence(world, "ward.operational.11").met is False
    acknowledge(give_back(world, [disc]), world.hr)
    # Returned, but the seed asks for the deletion report too (…電子データは消去させる。また、区に電子データの
    # 消去を行ったことの報告書を提出させる。).
    unmet = _evidence(world, "ward.operational.11")
    assert unmet.met is False and "消去報告書は受理されていません" in unmet.summary
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    deletion.deletion_report_accept(report=deletion.deletion_report_submit(report=report, actor=world.manager),
                                    actor=world.hr)
    met = _evidence(world, "ward.operational.11")
    assert met.met is True and "返却済み 1点" in met.summary and "消去報告書 No.1 を受理済み" in met.summary
