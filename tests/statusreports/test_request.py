"""HR asks for a report, with a due date and what to report; it goes the same way as a scheduled one."""

import datetime as dt

import pytest
from django.utils import timezone

from core.dashboard import waiting_for
from core.errors import DomainError
from statusreports import services

pytestmark = pytest.mark.django_db


def test_hr_requests_and_the_manager_sees_and_submits_it(world):
    due = timezone.localdate() + dt.timedelta(days=20)
    report = services.report_request(contract=world.contract, actor=world.hr, due_on=due,
                                     request_text="記録媒体の保管場所の点検結果")
    assert report.is_requested and report.label == "区の求めによる報告 No.1" and report.due_on == due
    titles = [w.title for w in waiting_for(world.manager)]
    assert "区から状況報告を求められています: 区の求めによる報告 No.1" in titles
    report = services.report_submit(report=report, actor=world.manager, text="金庫で保管を確認した")
    services.report_accept(report=report, actor=world.hr)


def test_a_request_needs_a_due_date_to_come_and_what_to_report(world):
    with pytest.raises(DomainError) as refused:
        services.report_request(contract=world.contract, actor=world.hr, due_on=timezone.localdate()
                                - dt.timedelta(days=1), request_text="点検結果")
    assert refused.value.field == "due_on"
    with pytest.raises(DomainError) as refused:
        services.report_request(contract=world.contract, actor=world.hr, due_on=timezone.localdate(), request_text="")
    assert refused.value.field == "request_text"
