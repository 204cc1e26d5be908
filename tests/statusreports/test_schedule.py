"""The schedule: monthly by default (the 10th of the next month, within the contract's period), dates HR sets,
or none with a reason; only HR sets it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from core.errors import DomainError
from statusreports import schedule, services
from statusreports.models import StatusReport, StatusSchedule

from .helpers import scheduled

pytestmark = pytest.mark.django_db


def test_without_a_schedule_each_month_is_reported_by_the_10th_of_the_next_within_the_period(world):
    plans = schedule.planned(world.contract)
    # 1 May 2025 – 31 March 2026: May to February; March's work goes into the year's-end report.
    assert [p.key for p in plans] == ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11",
                                      "2025-12", "2026-01", "2026-02"]
    assert plans[0].due_on == dt.date(2025, 6, 10) and plans[-1].due_on == dt.date(2026, 3, 10)
    assert plans[0].label == "令和7年5月分"
    assert len(scheduled(world)) == 10


def test_writing_the_scheduled_reports_again_changes_nothing(world):
    first = scheduled(world)
    seq = AuditEntry.objects.count()
    assert services.scheduled_reports_sync(contract=world.contract) == 0
    assert [r.pk for r in scheduled(world)] == [r.pk for r in first]
    assert AuditEntry.objects.count() == seq


def test_hr_sets_another_day_of_the_month(world):
    services.schedule_set(contract=world.contract, actor=world.hr, kind="monthly", day=15)
    reports = scheduled(world)
    assert {r.due_on.day for r in reports} == {15}
    assert AuditEntry.objects.filter(action="statusreport.schedule.set").count() == 1


def test_hr_sets_dates_within_the_period(world):
    with pytest.raises(DomainError) as refused:
        services.schedule_set(contract=world.contract, actor=world.hr, kind="dates", dates=[dt.date(2026, 4, 30)])
    assert refused.value.field == "dates" and "契約の期間" in refused.value.message
    services.schedule_set(contract=world.contract, actor=world.hr, kind="dates",
                          dates=[dt.date(2025, 9, 30), dt.date(2026, 3, 15), dt.date(2025, 9, 30)])
    reports = scheduled(world)
    assert [r.due_on for r in reports] == [dt.date(2025, 9, 30), dt.date(2026, 3, 15)]
    assert reports[0].label == "令和7年9月30日期限分"


def test_none_needs_a_reason(world):
    with pytest.raises(DomainError) as refused:
        services.schedule_set(contract=world.contract, actor=world.hr, kind="none", reason="  ")
    assert refused.value.field == "reason"
    assert StatusSchedule.objects.count() == 0
    scheduled(world)
    services.schedule_set(contract=world.contract, actor=world.hr, kind="none",
                          reason="業務が短期間で、完了時の報告書で足りるため")
    assert scheduled(world) == []


def test_a_changed_schedule_keeps_what_was_submitted(world):
    reports = scheduled(world)
    services.report_submit(report=reports[0], actor=world.manager, text="準備のみ")
    services.schedule_set(contract=world.contract, actor=world.hr, kind="none", reason="短期間のため")
    assert list(StatusReport.objects.filter(contract=world.contract)) == [reports[0]]


@pytest.mark.parametrize("who", ["manager", "handler", "auditor"])
def test_only_hr_sets_the_schedule(world, who):
    with pytest.raises(PermissionDenied):
        services.schedule_set(contract=world.contract, actor=getattr(world, who), kind="monthly", day=10)


def test_the_page_sets_the_schedule_and_refuses_none_without_a_reason(world, client_as):
    client = client_as(world.hr)
    url = f"/status-reports/{world.contract.slug}/schedule/"
    response = client.post(url, {"kind": "none", "reason": ""})
    assert response.status_code == 400
    assert "定期の状況報告を求めない理由を入力してください" in response.content.decode()
    response = client.post(url, {"kind": "dates", "dates": "2025-09-30\n2025/12/26"})
    assert response.status_code == 302
    page = client.get(f"/status-reports/{world.contract.slug}/").content.decode()
    assert "令和7年9月30日期限分" in page and "令和7年12月26日期限分" in page
    response = client.post(url, {"kind": "dates", "dates": "九月末"})
    assert response.status_code == 400 and "日付として読めません" in response.content.decode()


def test_next_years_copy_keeps_the_schedule_its_dates_a_year_later(world):
    from contracts import services as contract_services

    services.schedule_set(contract=world.contract, actor=world.hr, kind="dates",
                          dates=[dt.date(2025, 9, 30), dt.date(2026, 3, 15)])
    copy = contract_services.contract_copy_to_next_year(contract=world.contract, actor=world.hr)
    sched = StatusSchedule.objects.get(contract=copy)
    assert sched.kind == "dates" and sched.dates == ["2026-09-30", "2027-03-15"]
    assert not StatusReport.objects.filter(contract=copy).exists()  # written once the copy is in force
