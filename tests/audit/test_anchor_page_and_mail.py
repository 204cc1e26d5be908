"""Today's anchor is on the auditors' page and in the auditors' daily mail, ready to print and to give
back to verify_audit --anchor (issue 7, A.2)."""

import io
import re

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from audit.services import audit_log, parse_anchor, verify

pytestmark = pytest.mark.django_db

# The subjects of the handover reminders' daily mail (handover.notifications), which carries the anchor.
HANDOVER_SUBJECTS = {"【監査証跡】本日のアンカー（印刷して保管）", "【督促】受領確認・保管状況の定期確認のお願い"}
LINE = re.compile(r"audit-anchor seq=\d+ digest=[0-9a-f ]+ at=\S+")


def _anchor_in(text: str):
    match = LINE.search(text)
    assert match, text
    return parse_anchor(match.group(0))


def test_the_auditors_page_shows_todays_anchor_to_print(client_as, auditor):
    audit_log(action="test.event")
    page = client_as(auditor).get("/audit/").content.decode()
    assert "本日のアンカー（印刷して保管）" in page
    anchor = _anchor_in(page)
    assert AuditEntry.objects.get(seq=anchor.seq).hash == anchor.digest
    assert verify(anchors=[anchor]).ok


def test_only_those_who_verify_the_chain_are_offered_the_anchor(client_as, hr):
    page = client_as(hr).get("/audit/")
    assert page.status_code == 200
    assert "本日のアンカー" not in page.content.decode()


def test_the_daily_mail_to_auditors_carries_the_anchor(world, mailoutbox):
    call_command("send_reminders", stdout=io.StringIO())
    [mail] = [m for m in mailoutbox if m.to == [world.auditor.email]]
    assert mail.subject == "【監査証跡】本日のアンカー（印刷して保管）"
    anchor = _anchor_in(mail.body)
    assert verify(anchors=[anchor]).ok
    # Nobody else is sent an anchor. (Other apps' daily reminders, e.g. status reports the world's contracts
    # owe, go to their people in mails of their own: see tests/statusreports.)
    assert [m.to for m in mailoutbox if LINE.search(m.body) or "【監査証跡】" in m.subject] == [[world.auditor.email]]
    # Nothing of the handovers is late: the anchor mail is the only one of the handover reminders' job.
    assert [m.to for m in mailoutbox if m.subject in HANDOVER_SUBJECTS] == [[world.auditor.email]]


def test_an_anchor_from_the_mail_catches_a_later_truncation(world, mailoutbox):
    from tests.audit.helpers import append, truncate

    append(6)
    call_command("send_reminders", stdout=io.StringIO())
    anchor = _anchor_in(mailoutbox[0].body)
    truncate(4)
    assert not verify(anchors=[anchor]).ok
