"""The dashboards and the daily e-mails: HR is reminded of an inspection before its date and after it passes
unrecorded, of a fiscal year without any inspection, and of responses to review; the contractor of findings to
answer, with their due date."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from core.dashboard import waiting_for
from core.errors import DomainError
from supervision import notifications, services
from tests.handover.conftest import Clock, tokyo
from tests.supervision.helpers import finding, plan, record, respond


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 10, 1, 9, 0))
    return clock


def _titles(user):
    """What waits for ``user`` on contract A (HR has contract B too)."""
    return [w.title for w in waiting_for(user) if w.contract is not None and w.contract.slug == "contract-a"]


@pytest.mark.django_db
def test_hr_is_told_of_a_year_without_an_inspection_until_one_is_planned(world, clock):
    assert "令和7年度の立入り調査等が計画されていません" in _titles(world.hr)
    plan(world, planned_on=dt.date(2025, 11, 12))
    assert "令和7年度の立入り調査等が計画されていません" not in _titles(world.hr)


@pytest.mark.django_db
def test_hr_is_reminded_before_the_planned_date_and_flagged_after_it(world, clock):
    plan(world, planned_on=dt.date(2025, 11, 12))
    assert not any("No.1" in t for t in _titles(world.hr))  # six weeks ahead: nothing yet
    clock.set(tokyo(2025, 11, 1, 9, 0))
    assert "立入り調査等 No.1（委託先A株式会社）: 令和7年11月12日に実施予定です" in _titles(world.hr)
    clock.set(tokyo(2025, 11, 13, 9, 0))
    (row,) = [w for w in waiting_for(world.hr) if "No.1" in w.title and w.contract.slug == "contract-a"]
    assert row.overdue and "予定日 令和7年11月12日を過ぎましたが、実施が記録されていません" in row.title


@pytest.mark.django_db
def test_findings_wait_for_the_owner_then_for_hr(world, clock):
    clock.set(tokyo(2025, 11, 13, 9, 0))
    inspection = record(world, plan(world, planned_on=dt.date(2025, 11, 12)))
    found = finding(world, inspection, owner=world.handler, due_on=dt.date(2025, 12, 12))
    (row,) = [w for w in waiting_for(world.handler) if "指摘事項" in w.title]
    assert row.title == "指摘事項 No.1: 対応して回答してください" and not row.overdue
    assert row.url.endswith(f"/inspections/{inspection.pk}/findings/1/")
    assert any("指摘事項 No.1" in t for t in _titles(world.manager))  # the handling manager sees it too
    clock.set(tokyo(2025, 12, 13, 9, 0))
    assert [w for w in waiting_for(world.handler) if "指摘事項" in w.title][0].overdue
    respond(world, found, actor=world.handler)
    assert not any("指摘事項" in t for t in _titles(world.handler))
    assert "指摘事項 No.1: 委託先の回答を確認してください（受理・差戻し）" in _titles(world.hr)


@pytest.mark.django_db
def test_the_daily_job_mails_hr_and_the_owner_and_is_audited(world, clock):
    clock.set(tokyo(2025, 11, 13, 9, 0))
    inspection = record(world, plan(world, planned_on=dt.date(2025, 11, 12)))
    plan(world, planned_on=dt.date(2025, 11, 17))
    finding(world, inspection, owner=world.handler, due_on=dt.date(2025, 11, 14))
    line = notifications.daily_reminders(actor_label="manage.py send_reminders")
    assert line.startswith("3 supervision reminder mails sent (1 inspections, 1 findings")
    by_person = {message.to[0]: message.body for message in mail.outbox}
    assert "令和7年11月17日に実施予定です" in by_person[world.hr.email]
    assert "対応の期限は令和7年11月14日です" in by_person[world.handler.email]
    assert "対応の期限は令和7年11月14日です" in by_person[world.manager.email]
    assert "鍵が机の上" not in "".join(by_person.values())  # never the finding's text
    assert AuditEntry.objects.filter(action="supervision.reminders.sent").count() == 1


def _mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.mark.django_db
def test_each_is_reminded_once_before_and_once_after_its_date(world, clock):
    clock.set(tokyo(2025, 11, 13, 9, 0))
    found = finding(world, record(world, plan(world, planned_on=dt.date(2025, 11, 12))), owner=world.handler,
                    due_on=dt.date(2025, 11, 14))
    assert notifications.send_reminders()[0] == 2  # the owner and the handling manager
    (before,) = _mails_to(world.handler)
    assert "対応の期限は令和7年11月14日です" in before.body and "【期限超過】" not in before.body
    assert notifications.send_reminders() == (0, 0, 0)  # the next run (or the next day) sends nothing again
    clock.set(tokyo(2025, 11, 14, 9, 0))
    assert notifications.send_reminders() == (0, 0, 0)
    clock.set(tokyo(2025, 11, 15, 9, 0))
    assert notifications.send_reminders()[0] == 2
    after = _mails_to(world.handler)[-1]
    assert "【期限超過】" in after.body and "対応の期限 令和7年11月14日を過ぎています" in after.body
    assert after.subject == "【督促】立入り調査等・指摘事項の期限を過ぎています"
    clock.set(tokyo(2025, 11, 20, 9, 0))
    assert notifications.send_reminders() == (0, 0, 0)
    assert len(_mails_to(world.handler)) == 2
    assert AuditEntry.objects.filter(action="supervision.reminders.sent").count() == 2  # only runs that sent
    found.refresh_from_db()
    assert found.reminded_before_at is not None and found.reminded_after_at is not None


@pytest.mark.django_db
def test_a_person_with_two_overdue_findings_gets_one_mail_listing_both(world, clock):
    clock.set(tokyo(2025, 11, 13, 9, 0))
    inspection = record(world, plan(world, planned_on=dt.date(2025, 11, 12)))
    finding(world, inspection, owner=world.handler, due_on=dt.date(2025, 11, 14))
    finding(world, inspection, owner=world.handler, due_on=dt.date(2025, 11, 15), item_key="")
    clock.set(tokyo(2025, 11, 20, 9, 0))
    mails, inspections, findings = notifications.send_reminders()
    assert (inspections, findings) == (0, 2)
    (message,) = _mails_to(world.handler)
    assert message.body.count("【期限超過】") == 2
    assert "指摘事項 No.1: 対応の期限 令和7年11月14日を過ぎています" in message.body
    assert "指摘事項 No.2: 対応の期限 令和7年11月15日を過ぎています" in message.body
    assert len(_mails_to(world.manager)) == 1
    assert AuditEntry.objects.filter(action="supervision.reminders.sent").count() == 1


@pytest.mark.django_db
def test_a_replanned_inspection_is_reminded_of_again(world, clock):
    clock.set(tokyo(2025, 11, 13, 9, 0))
    inspection = plan(world, planned_on=dt.date(2025, 11, 17))
    notifications.send_reminders()
    assert "令和7年11月17日に実施予定です" in _mails_to(world.hr)[0].body
    assert notifications.send_reminders() == (0, 0, 0)
    services.inspection_replan(inspection=inspection, actor=world.hr, planned_on=dt.date(2025, 11, 19))
    assert notifications.send_reminders()[1] == 1
    assert "令和7年11月19日に実施予定です" in _mails_to(world.hr)[-1].body
    assert len(_mails_to(world.hr)) == 2
    entry = AuditEntry.objects.get(action="supervision.inspection.replanned")
    assert entry.payload["previous"] and "佐藤" not in str(entry.payload)
    clock.set(tokyo(2025, 11, 20, 9, 0))  # the new day passes unrecorded: once more, marked overdue
    notifications.send_reminders()
    assert "【期限超過】" in _mails_to(world.hr)[-1].body and len(_mails_to(world.hr)) == 3


@pytest.mark.django_db
def test_replanning_refuses_the_same_day_and_a_day_outside_the_contract(world, clock):
    inspection = plan(world, planned_on=dt.date(2025, 11, 17))
    with pytest.raises(DomainError, match="同じ日"):
        services.inspection_replan(inspection=inspection, actor=world.hr, planned_on=dt.date(2025, 11, 17))
    with pytest.raises(DomainError, match="契約の期間"):
        services.inspection_replan(inspection=inspection, actor=world.hr, planned_on=dt.date(2030, 1, 1))
    with pytest.raises(PermissionDenied):
        services.inspection_replan(inspection=inspection, actor=world.handler, planned_on=dt.date(2025, 11, 18))


@pytest.mark.django_db
def test_a_finding_sent_back_with_a_new_due_date_is_reminded_of_again(world, clock):
    clock.set(tokyo(2025, 11, 13, 9, 0))
    found = finding(world, record(world, plan(world, planned_on=dt.date(2025, 11, 12))), owner=world.handler,
                    due_on=dt.date(2025, 11, 14))
    clock.set(tokyo(2025, 11, 15, 9, 0))
    notifications.send_reminders()
    assert len(_mails_to(world.handler)) == 1  # the before-window was missed: only the overdue mail
    respond(world, found, actor=world.handler)
    services.finding_send_back(finding=found, actor=world.hr, reason="写真では鍵の管理が確認できない。",
                               due_on=dt.date(2025, 11, 30))
    clock.set(tokyo(2025, 11, 28, 9, 0))
    notifications.send_reminders()
    assert "対応の期限は令和7年11月30日です" in _mails_to(world.handler)[-1].body
    clock.set(tokyo(2025, 12, 1, 9, 0))
    notifications.send_reminders()
    assert "【期限超過】" in _mails_to(world.handler)[-1].body and len(_mails_to(world.handler)) == 3
    assert AuditEntry.objects.get(action="supervision.finding.returned").payload["due_on"]


@pytest.mark.django_db
def test_a_new_due_date_in_the_past_is_refused_at_the_field(world, clock):
    clock.set(tokyo(2025, 11, 20, 9, 0))
    found = finding(world, record(world, plan(world, planned_on=dt.date(2025, 11, 12))), owner=world.handler,
                    due_on=dt.date(2025, 11, 30))
    respond(world, found, actor=world.handler)
    with pytest.raises(DomainError) as refused:
        services.finding_send_back(finding=found, actor=world.hr, reason="不十分", due_on=dt.date(2025, 11, 19))
    assert refused.value.field == "due_on"
