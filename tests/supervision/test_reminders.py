"""The dashboards and the daily e-mails: HR is reminded of an inspection before its date and after it passes
unrecorded, of a fiscal year without any inspection, and of responses to review; the contractor of findings to
answer, with their due date."""

import datetime as dt

import pytest
from django.core import mail

from audit.models import AuditEntry
from core.dashboard import waiting_for
from supervision import notifications
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
