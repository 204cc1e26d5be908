"""At once on report, HR of the contract, its handling managers and both organisations' emergency addresses
are e-mailed (the seed: 委託先と緊急時の連絡体制や対応手順を確認する); ``send_reminders`` reminds HR of each
report to the Commission from the day before its deadline until it is recorded."""

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from core.errors import DomainError
from incidents.models import IncidentEvent
from incidents.notifications import collect_reminders, send_incident_reminders
from incidents.services import incident_close, incident_event_add
from tests.incidents.helpers import delivered_pair, register_paper, report, tokyo

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_the_managers_and_both_emergency_addresses_are_mailed_at_once(world, clock, mailoutbox):
    world.ward.emergency_contact_email = "kinkyu@example.lg.jp"
    world.ward.emergency_procedure = "直ちに担当課長へ電話で連絡する。"
    world.ward.save()
    world.contractor.emergency_contact_email = world.manager.email  # the same person: one mail
    world.contractor.save()
    incident = report(world, world.handler, items=[register_paper(world)], affected_count=150,
           description="職員番号10001の回答用紙を紛失")
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([world.hr.email, world.manager.email, "kinkyu@example.lg.jp"])
    assert world.handler.email not in recipients and world.other_manager.email not in recipients
    mail = next(m for m in mailoutbox if m.to == [world.hr.email])
    assert mail.subject == "【事故の報告】契約A（令和7年度） 事故 No.1（紛失）"
    assert "佐藤 花子 様" in mail.body
    assert "報告者: 山田 美咲" in mail.body
    assert "個人情報保護委員会への報告: 必要" in mail.body
    assert "速報（個人情報保護委員会）: 令和7年6月13日〜令和7年6月15日（3〜5日以内（目安））" in mail.body
    assert "確報（個人情報保護委員会）: 令和7年7月10日まで（30日以内）" in mail.body
    assert "直ちに担当課長へ電話で連絡する。" in mail.body and world.contractor.emergency_contact_phone in mail.body
    assert f"/incidents/{world.contract.slug}/{incident.pk}/" in mail.body
    # The free text may hold what the form asks not to write: it stays in the app.
    assert "10001" not in mail.body


def test_a_refused_report_mails_no_one(world, clock, mailoutbox):
    with pytest.raises(DomainError):
        report(world, items=[], other_data=False)
    assert mailoutbox == []


def _reminded(now):
    return {reminder.user: [(incident.number, step.kind, overdue) for incident, step, overdue in reminder.rows]
            for reminder in collect_reminders(now).values()}


def test_reminders_start_the_day_before_each_deadline_and_stop_when_recorded(world, clock):
    incident = report(world, items=[register_paper(world)], affected_count=101,
                      discovered_at=tokyo(2025, 6, 10, 8, 0))
    # 速報 window 13–15 June, 確報 10 July.
    assert _reminded(tokyo(2025, 6, 11, 9, 0)) == {}
    assert _reminded(tokyo(2025, 6, 12, 9, 0)) == {world.hr: [(1, "ppc_preliminary", False)]}
    assert _reminded(tokyo(2025, 6, 15, 9, 0)) == {world.hr: [(1, "ppc_preliminary", False)]}
    assert _reminded(tokyo(2025, 6, 16, 9, 0)) == {world.hr: [(1, "ppc_preliminary", True)]}
    clock.set(tokyo(2025, 6, 16, 10, 0))
    incident_event_add(incident=incident, actor=world.hr, kind=IncidentEvent.Kind.PPC_PRELIMINARY,
                       happened_at=tokyo(2025, 6, 16, 9, 30))
    assert _reminded(tokyo(2025, 6, 17, 9, 0)) == {}
    assert _reminded(tokyo(2025, 7, 9, 9, 0)) == {world.hr: [(1, "ppc_final", False)]}
    assert _reminded(tokyo(2025, 7, 10, 9, 0)) == {world.hr: [(1, "ppc_final", False)]}
    assert _reminded(tokyo(2025, 7, 11, 9, 0)) == {world.hr: [(1, "ppc_final", True)]}
    clock.set(tokyo(2025, 7, 11, 10, 0))
    incident_close(incident=incident, actor=world.hr, summary="対応済み", missing_reports_reason="協議により確報は不要")
    assert _reminded(tokyo(2025, 7, 12, 9, 0)) == {}


def test_an_incident_that_is_not_reportable_is_never_reminded_of(world, cd_r, clock):
    _disc, notice = delivered_pair(world, cd_r, clock)
    report(world, items=[notice], kind="misdelivery")
    assert _reminded(tokyo(2025, 6, 20, 9, 0)) == {}


def test_send_reminders_mails_hr_and_is_audited(world, clock, mailoutbox):
    report(world, items=[register_paper(world)], affected_count=101, discovered_at=tokyo(2025, 6, 10, 8, 0))
    mailoutbox.clear()
    clock.set(tokyo(2025, 6, 16, 7, 0))
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "1 incident reminder mails sent (1 reports to the PPC due or overdue)." in out.getvalue()
    mail = next(m for m in mailoutbox if m.subject == "【督促】事故の報告期限（個人情報保護委員会への速報・確報）")
    assert mail.to == [world.hr.email]
    assert "契約A（令和7年度） 事故 No.1（紛失）" in mail.body
    assert "速報（個人情報保護委員会）: 令和7年6月13日〜令和7年6月15日（3〜5日以内（目安）） 【期限超過】" in mail.body
    assert AuditEntry.objects.get(action="incident.reminders.sent").payload == {"mails": 1, "reports": 1}


def test_nothing_to_remind_sends_nothing_and_writes_nothing(world, clock, mailoutbox):
    assert send_incident_reminders() == (0, 0)
    assert not AuditEntry.objects.filter(action="incident.reminders.sent").exists()
