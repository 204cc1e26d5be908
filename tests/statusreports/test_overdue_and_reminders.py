"""A report not submitted by its due date shows as overdue (its page, the list, both dashboards), and the daily
job e-mails once before the due date and once after it, never twice."""

import pytest
from django.core import mail

from audit.models import AuditEntry
from core.dashboard import waiting_for
from statusreports import notifications, selectors, services
from tests.handover.conftest import tokyo

from .helpers import scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _contract_b_reports_nothing(world):
    # Contract B runs over the same months: only contract A's reports are counted here.
    services.schedule_set(contract=world.other_contract, actor=world.hr, kind="none", reason="テストのため")


def test_a_missing_report_is_overdue_on_the_pages_and_dashboards(world, clock, client_as):
    clock.set(tokyo(2025, 6, 11, 9, 0))  # May's report was due yesterday and nobody opened the page
    overdue = [w for w in waiting_for(world.manager) if w.overdue and "状況報告" in w.title]
    assert [w.title for w in overdue] == ["状況報告を提出してください: 令和7年5月分"]
    assert [w.title for w in waiting_for(world.hr) if w.overdue and "状況報告" in w.title] == [
        "状況報告が期限を過ぎても提出されていません: 令和7年5月分"]
    assert selectors.report_summary(world.contract) == {"due": 1, "accepted": 0, "submitted": 0, "overdue": 1,
                                                        "requested": 0}
    page = client_as(world.hr).get(f"/status-reports/{world.contract.slug}/").content.decode()
    assert page.count("期限超過</span>") == 1


def test_due_soon_shows_on_the_managers_dashboard_a_week_before(world, clock):
    clock.set(tokyo(2025, 6, 2, 9, 0))
    assert not [w for w in waiting_for(world.manager) if "状況報告" in w.title]
    clock.set(tokyo(2025, 6, 3, 9, 0))
    assert [w.title for w in waiting_for(world.manager) if "状況報告" in w.title] == [
        "状況報告を提出してください: 令和7年5月分"]


def test_reminded_once_before_and_once_after_the_due_date(world, clock):
    clock.set(tokyo(2025, 6, 7, 8, 0))  # three days before 10 June
    assert notifications.send_report_reminders() == (1, 1)
    assert mail.outbox[0].to == [world.manager.email]
    assert "提出期限が近づいています" in mail.outbox[0].subject and "令和7年6月10日" in mail.outbox[0].body
    assert notifications.send_report_reminders() == (0, 0)
    clock.set(tokyo(2025, 6, 9, 8, 0))
    assert notifications.send_report_reminders() == (0, 0)
    clock.set(tokyo(2025, 6, 11, 8, 0))
    assert notifications.send_report_reminders() == (2, 1)
    assert {m.to[0] for m in mail.outbox[1:]} == {world.manager.email, world.hr.email}
    assert "【督促】" in mail.outbox[1].subject
    clock.set(tokyo(2025, 6, 12, 8, 0))
    assert notifications.send_report_reminders() == (0, 0)
    assert AuditEntry.objects.filter(action="statusreport.reminders.sent").count() == 2


def test_a_submitted_report_is_not_reminded_of(world, clock):
    clock.set(tokyo(2025, 6, 5, 8, 0))
    services.report_submit(report=scheduled(world)[0], actor=world.manager, text="準備のみ")
    clock.set(tokyo(2025, 6, 11, 8, 0))
    assert notifications.send_report_reminders() == (0, 0)


def test_a_manager_owing_several_reports_gets_one_mail_listing_them_all(world, clock):
    # Nobody opened the reports for months: May to August are overdue, September's is due in three days.
    clock.set(tokyo(2025, 10, 7, 8, 0))
    assert notifications.send_report_reminders() == (2, 5)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {world.manager.email, world.hr.email} and len(mail.outbox) == 2
    manager = by_person[world.manager.email]
    assert manager.subject == "【督促】状況報告の提出期限を過ぎています（5件）"
    for month in ("5月分", "6月分", "7月分", "8月分", "9月分"):
        assert f"令和7年{month}" in manager.body
    assert manager.body.count("【期限超過】") == 4 and "提出期限が近づいています" in manager.body
    # HR hears of the overdue ones only.
    assert by_person[world.hr.email].subject == "【督促】状況報告の提出期限を過ぎています（4件）"
    assert "令和7年9月分" not in by_person[world.hr.email].body
    # Each report is reminded of once per kind: the next days bring nothing new until September's is late.
    clock.set(tokyo(2025, 10, 8, 8, 0))
    assert notifications.send_report_reminders() == (0, 0)
    clock.set(tokyo(2025, 10, 11, 8, 0))
    assert notifications.send_report_reminders() == (2, 1)
    assert "令和7年9月分" in mail.outbox[2].subject
