"""Item 02 asks for both: 「立入り調査等を実施する…委託先に対し速やかに状況報告をさせる」. An inspection held does not make
up for status reports left overdue (statusreports.selectors.report_summary)."""

import datetime as dt

import pytest

from core.evidence import evidence_for
from tests.handover.conftest import Clock, tokyo
from tests.supervision.helpers import plan, record


@pytest.mark.django_db
def test_overdue_status_reports_keep_items_02_unmet_after_an_inspection(world, monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 11, 13, 9, 0))
    record(world, plan(world, planned_on=dt.date(2025, 11, 12)), held_on=dt.date(2025, 11, 12))
    for key in ("ward.operational.02", "contractor.operational.02"):
        (evidence,) = [e for e in evidence_for(world.contract, key) if e.url and "/supervision/" in e.url]
        assert evidence.met is False
        assert "令和7年度の立入り調査等 1回" in evidence.summary
        assert "状況報告: 期限の来たもの 6件、受理 0件、期限超過 6件" in evidence.summary
