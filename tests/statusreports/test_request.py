"""HR asks for a report, with a due date and what to report; it goes the same way as a scheduled one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dashboard import waiting_for
from core.errors import DomainError
from statusreports import services
from statusreports.models import StatusReport

pytestmark = pytest.mark.django_db


def test_hr_requests_and_the_manager_sees_and_submits_it(world, clock):
    due = timezone.localdate() + dt.timedelta(days=20)
    report = services.report_request(contract=world.contract, actor=world.hr, due_on=due,
                                     request_text="記録媒体の保管場所の点検結果")
    assert report.is_requested and report.label == "区の求めによる報告 No.1" and report.due_on == due
    titles = [w.title for w in waiting_for(world.manager)]
    assert "区から状況報告を求められています: 区の求めによる報告 No.1" in titles
    report = services.report_submit(report=report, actor=world.manager, text="金庫で保管を確認した")
    services.report_accept(report=report, actor=world.hr)


def test_a_request_needs_a_due_date_to_come_and_what_to_report(world, clock):
    with pytest.raises(DomainError) as refused:
        services.report_request(contract=world.contract, actor=world.hr, due_on=timezone.localdate()
                                - dt.timedelta(days=1), request_text="点検結果")
    assert refused.value.field == "due_on"
    with pytest.raises(DomainError) as refused:
        services.report_request(contract=world.contract, actor=world.hr, due_on=timezone.localdate(), request_text="")
    assert refused.value.field == "request_text"


def test_a_due_date_after_the_contracts_end_is_refused_at_the_field(world, clock, client_as):
    """Attack probe: a report requested with a due date after the contract's end (31 March 2026) was accepted."""
    with pytest.raises(DomainError, match="契約の期間（令和7年5月1日〜令和8年3月31日）の中の日にしてください") as refused:
        services.report_request(contract=world.contract, actor=world.hr, due_on=dt.date(2026, 4, 1),
                                request_text="点検結果")
    assert refused.value.field == "due_on"
    last = services.report_request(contract=world.contract, actor=world.hr, due_on=dt.date(2026, 3, 31),
                                   request_text="点検結果")
    assert last.due_on == dt.date(2026, 3, 31)
    # The page offers exactly those days, and refuses another at the field.
    client = client_as(world.hr)
    page = client.get(reverse("statusreports:list", args=[world.contract.slug])).content.decode()
    assert 'min="2025-06-01"' in page and 'max="2026-03-31"' in page
    response = client.post(reverse("statusreports:request", args=[world.contract.slug]),
                           {"due_on": "2027-01-31", "request_text": "点検結果"})
    assert response.status_code == 400
    assert "契約の期間（令和7年5月1日〜令和8年3月31日）の中の日にしてください" in response.content.decode()
    assert StatusReport.objects.filter(kind=StatusReport.Kind.REQUESTED).count() == 1
