"""A report is submitted by the handling manager and accepted or sent back (with a reason) by HR; a closed
contract takes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from contracts.models import Contract
from core.errors import DomainError
from statusreports import services

from .helpers import first_report, submitted

pytestmark = pytest.mark.django_db


def test_the_manager_submits_and_hr_accepts(world):
    report = submitted(world)
    assert report.is_submitted and report.submitted_by == world.manager and report.submission_count == 1
    report = services.report_accept(report=report, actor=world.hr)
    assert report.is_accepted and report.decided_by == world.hr
    assert list(AuditEntry.objects.filter(action__startswith="statusreport.").exclude(
        action="statusreport.reports.scheduled").values_list("action", flat=True).order_by("seq")) == [
        "statusreport.submitted", "statusreport.accepted"]


def test_sent_back_with_a_reason_and_submitted_again(world):
    report = submitted(world)
    with pytest.raises(DomainError) as refused:
        services.report_send_back(report=report, actor=world.hr, reason=" ")
    assert refused.value.field == "reason"
    report = services.report_send_back(report=report, actor=world.hr, reason="保管場所の点検結果がない")
    assert report.is_returned and report.return_reason == "保管場所の点検結果がない"
    report = services.report_submit(report=report, actor=world.manager, text="点検結果: 金庫で保管を確認")
    assert report.is_submitted and report.submission_count == 2


def test_an_empty_report_is_refused(world):
    with pytest.raises(DomainError) as refused:
        services.report_submit(report=first_report(world), actor=world.manager, text="  ")
    assert refused.value.field == "text"


def test_a_submitted_report_waits_for_the_ward(world):
    report = submitted(world)
    with pytest.raises(DomainError, match="区の確認待ち"):
        services.report_submit(report=report, actor=world.manager, text="追記")


@pytest.mark.parametrize("who", ["handler", "hr", "auditor"])
def test_only_the_manager_submits(world, who):
    with pytest.raises(PermissionDenied):
        services.report_submit(report=first_report(world), actor=getattr(world, who), text="報告")


@pytest.mark.parametrize("who", ["manager", "handler", "auditor"])
def test_only_hr_decides(world, who):
    report = submitted(world)
    with pytest.raises(PermissionDenied):
        services.report_accept(report=report, actor=getattr(world, who))


def test_a_closed_contract_takes_nothing(world):
    report = submitted(world)
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    with pytest.raises(DomainError, match="完了しているため"):
        services.report_accept(report=report, actor=world.hr)
    with pytest.raises(DomainError, match="完了しているため"):
        services.report_request(contract=world.contract, actor=world.hr, due_on=None, request_text="x")
    assert services.scheduled_reports_sync(contract=world.contract) == 0
