"""What an auditor reads of an incident in the audit trail: actions in Japanese, the facts and the decision as
a sentence, never a code, a username, or the free texts (which may hold what the forms ask not to write)."""

import pytest

from incidents.models import IncidentEvent
from incidents.services import incident_close, incident_event_add, incident_revise
from tests.audit.conftest import assert_reads_in_words, table_text
from tests.incidents.helpers import register_paper, report, tokyo

pytestmark = pytest.mark.django_db


def test_an_incident_reads_as_what_happened(world, clock, client_as):
    paper = register_paper(world)
    incident = report(world, world.handler, items=[paper], affected_count=100, description="氏名入りの用紙")
    incident_revise(incident=incident, actor=world.manager, kind="loss", items=[paper], affected_count=101,
                    discovered_at=incident.discovered_at, description="氏名入りの用紙", sensitive=True)
    incident_event_add(incident=incident, actor=world.hr, kind=IncidentEvent.Kind.PPC_PRELIMINARY,
                       happened_at=tokyo(2025, 6, 10, 8, 30), note="受付番号 A-1")
    incident_close(incident=incident, actor=world.hr, summary="回収済み", missing_reports_reason="委員会と協議済み")
    text = table_text(client_as(world.auditor).get("/audit/?contract=contract-a").content.decode())
    assert "事故を報告" in text and "山田 美咲" in text
    assert ("紛失。関係する記録媒体等 P-001。発見 令和7年6月10日 08:00。本人の数 100人。該当 なし。"
            "個人情報保護委員会への報告: 不要") in text
    assert "事故の報告内容を訂正" in text
    assert "訂正した項目: 本人の数、要配慮個人情報" in text
    assert "個人情報保護委員会への報告: 必要（要配慮個人情報が含まれる（第1号）、本人の数が百人を超える（第4号））" in text
    assert "個人情報保護委員会へ速報（令和7年6月10日 08:30）" in text
    assert "報告が必要な事故として終結。記録のない報告等: 確報（個人情報保護委員会）、本人への通知（又は代わりの措置）。" \
           "理由: 委員会と協議済み" in text
    assert "事故 No.1（紛失）" in text
    assert "氏名入りの用紙" not in text and "受付番号 A-1" not in text and "回収済み" not in text
    assert_reads_in_words(text)
