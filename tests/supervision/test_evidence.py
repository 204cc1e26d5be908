"""Items 02 and 03 (both sides) read the inspections: 「契約履行の間、特記事項に基づき立入り調査等を実施する」."""

import datetime as dt

import pytest

from core.evidence import evidence_for
from supervision.models import Inspection
from tests.handover.conftest import Clock, tokyo
from tests.supervision.helpers import plan, record

KEYS_02 = ("ward.operational.02", "contractor.operational.02")
KEYS_03 = ("ward.operational.03", "contractor.operational.03")


def _ours(contract, key):
    return [e for e in evidence_for(contract, key) if e.url and "/supervision/" in e.url]


@pytest.fixture(autouse=True)
def _status_reports_in_order(monkeypatch):
    """The status reports are counted with item 02 (test_an_overdue_status_report_turns_items_02_unmet); here every
    one is in order, so that the inspections alone decide."""
    from supervision import evidence

    monkeypatch.setattr(evidence, "_status_reports", lambda contract: ("", False, ()))


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 10, 1, 9, 0))
    return clock


@pytest.mark.django_db
def test_an_inspection_less_year_flags_items_02_on_both_sides_after_its_planned_date(world, clock):
    plan(world, planned_on=dt.date(2025, 11, 12))
    for key in KEYS_02:
        (before,) = _ours(world.contract, key)
        assert before.met is None and "令和7年11月12日に予定" in before.summary
    clock.set(tokyo(2025, 11, 13, 9, 0))
    for key in KEYS_02:
        (after,) = _ours(world.contract, key)
        assert after.met is False
        assert "予定日（令和7年11月12日）を過ぎましたが" in after.summary


@pytest.mark.django_db
def test_an_inspection_held_on_site_meets_items_02(world, clock):
    inspection = plan(world, planned_on=dt.date(2025, 11, 12))
    clock.set(tokyo(2025, 11, 13, 9, 0))
    record(world, inspection, held_on=dt.date(2025, 11, 12))
    for key in KEYS_02:
        (evidence,) = _ours(world.contract, key)
        assert evidence.met is True
        assert "令和7年度の立入り調査等 1回（直近 令和7年11月12日、実地（立入り））" in evidence.summary


@pytest.mark.django_db
def test_a_remote_inspection_counts_with_its_reason(world, clock):
    inspection = plan(world, planned_on=dt.date(2025, 11, 12), method=Inspection.Method.REMOTE, reason="遠隔地")
    clock.set(tokyo(2025, 11, 13, 9, 0))
    record(world, inspection, held_on=dt.date(2025, 11, 12), method=Inspection.Method.REMOTE,
           reason="事業所が遠隔地のため映像で確認")
    (evidence,) = _ours(world.contract, "ward.operational.02")
    assert evidence.met is True and "理由: 事業所が遠隔地のため映像で確認" in evidence.summary


@pytest.mark.django_db
def test_a_year_that_ends_without_an_inspection_is_unmet(world):
    # Today is after contract A's period (令和7年度): nothing was ever planned.
    (evidence,) = _ours(world.contract, "contractor.operational.02")
    assert evidence.met is False and "実施されないまま契約の期間が終わりました" in evidence.summary


@pytest.mark.django_db
def test_items_03_have_nothing_to_judge_without_an_approved_subcontractor(world):
    for key in KEYS_03:
        (evidence,) = _ours(world.contract, key)
        assert evidence.met is None and "再委託先はありません" in evidence.summary


@pytest.mark.django_db
def test_an_overdue_status_report_turns_items_02_unmet_even_with_an_inspection_held(world, clock, monkeypatch):
    from supervision import evidence

    inspection = plan(world, planned_on=dt.date(2025, 11, 12))
    clock.set(tokyo(2025, 11, 13, 9, 0))
    record(world, inspection, held_on=dt.date(2025, 11, 12))
    monkeypatch.setattr(evidence, "_status_reports", lambda contract: ("状況報告: 期限超過 1件", True, ()))
    (found,) = _ours(world.contract, "ward.operational.02")
    assert found.met is False and "状況報告: 期限超過 1件" in found.summary


@pytest.mark.django_db
def test_items_02_list_the_inspections_files_with_their_sha256(world, clock):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import services as attachments
    from tests.supervision.helpers import finding

    inspection = plan(world, planned_on=dt.date(2025, 11, 12))
    clock.set(tokyo(2025, 11, 13, 9, 0))
    record(world, inspection, held_on=dt.date(2025, 11, 12))
    found = finding(world, inspection)
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 48
    attachments.attach(target=found, upload=SimpleUploadedFile("cabinet.png", photo), actor=world.manager,
                       slot="response")
    (evidence,) = _ours(world.contract, "contractor.operational.02")
    assert [(f.name, f.sha256) for f in evidence.files] == [("cabinet.png", hashlib.sha256(photo).hexdigest())]


@pytest.mark.django_db
def test_an_inspection_held_after_the_contracts_end_does_not_meet_items_02(world, clock):
    """「契約履行の間…立入り調査等」: one held after the last day of the contract, in the same fiscal year, was not held
    during the contract; one on its last day was."""
    from contracts.models import Contract

    Contract.objects.filter(pk=world.contract.pk).update(end_date=dt.date(2026, 2, 28))
    world.contract.refresh_from_db()
    inspection = plan(world, planned_on=dt.date(2026, 2, 20))
    clock.set(tokyo(2026, 3, 11, 9, 0))
    record(world, inspection, held_on=dt.date(2026, 2, 28))
    for key in KEYS_02:
        (evidence,) = _ours(world.contract, key)
        assert evidence.met is True
    Inspection.objects.filter(pk=inspection.pk).update(held_on=dt.date(2026, 3, 10))
    for key in KEYS_02:
        (evidence,) = _ours(world.contract, key)
        assert evidence.met is not True
        assert "令和8年3月10日" not in evidence.summary
