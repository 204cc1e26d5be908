"""HR closes an incident. The rule: a closing states the result; a reportable incident needs its 速報 and 確報
(施行規則第44条) and the notice to the people concerned (法第68条第2項: 「本人に対し…当該事態が生じた旨を通知しなければ
ならない」) on its timeline, or HR says why it closes without them. Until then it is open, and an open incident
blocks closing the contract (``open_incidents``)."""

import pytest

from audit.models import AuditEntry
from core.errors import DomainError
from incidents.models import Incident, IncidentEvent
from incidents.selectors import open_incidents
from incidents.services import incident_close, incident_event_add
from tests.incidents.helpers import delivered_pair, register_paper, report, tokyo

pytestmark = pytest.mark.django_db


def test_an_incident_that_is_not_reportable_closes_with_its_result(world, cd_r, clock, client_as):
    _disc, notice = delivered_pair(world, cd_r, clock)
    incident = report(world, items=[notice], kind="misdelivery", affected_count=0)
    client = client_as(world.hr)
    url = f"/incidents/{world.contract.slug}/{incident.pk}/close/"
    response = client.post(url, {"summary": ""})
    assert response.status_code == 400 and "このフィールドは必須です。" in response.content.decode()
    response = client.post(url, {"summary": "未開封で回収した。受渡しの手順を改めた。"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_closed and incident.closed_by == world.hr and incident.missing_reports_reason == ""
    page = client.get(f"/incidents/{world.contract.slug}/{incident.pk}/").content.decode()
    assert "終結" in page and "未開封で回収した。受渡しの手順を改めた。" in page
    assert AuditEntry.objects.get(action="incident.closed").payload == {"number": 1, "ppc_required": False,
                                                                         "missing": []}


def test_a_reportable_incident_without_its_reports_is_refused_with_each_one_named(world, clock, client_as):
    incident = report(world, items=[register_paper(world)], affected_count=101)
    client = client_as(world.hr)
    page = client.get(f"/incidents/{world.contract.slug}/{incident.pk}/").content.decode()
    assert "記録しないまま終結する理由" in page  # the field is offered only when something is missing
    response = client.post(f"/incidents/{world.contract.slug}/{incident.pk}/close/", {"summary": "対応済み"})
    assert response.status_code == 400
    assert ("個人情報保護委員会への報告が必要な事故ですが、速報（個人情報保護委員会）・確報（個人情報保護委員会）・"
            "本人への通知（又は代わりの措置）が記録されていません。") in response.content.decode()
    assert Incident.objects.get().is_open


def test_recording_the_reports_lets_hr_close(world, clock, client_as):
    incident = report(world, items=[register_paper(world)], affected_count=101)
    client = client_as(world.hr)
    for kind, when in (("ppc_preliminary", "2025-06-10T08:30"), ("ppc_final", "2025-06-10T08:40"),
                       ("persons_notified", "2025-06-10T08:50")):
        assert client.post(f"/incidents/{world.contract.slug}/{incident.pk}/events/",
                           {"kind": kind, "happened_at": when, "note": ""}).status_code == 302
    page = client.get(f"/incidents/{world.contract.slug}/{incident.pk}/").content.decode()
    assert "記録しないまま終結する理由" not in page
    assert client.post(f"/incidents/{world.contract.slug}/{incident.pk}/close/",
                       {"summary": "速報・確報・本人通知を済ませた"}).status_code == 302
    assert Incident.objects.get().is_closed


def test_hr_may_close_without_a_report_only_by_saying_why(world, clock):
    incident = report(world, items=[register_paper(world)], affected_count=101)
    incident_event_add(incident=incident, actor=world.hr, kind=IncidentEvent.Kind.PPC_PRELIMINARY,
                       happened_at=tokyo(2025, 6, 10, 8, 30))
    with pytest.raises(DomainError) as refused:
        incident_close(incident=incident, actor=world.hr, summary="対応済み")
    assert refused.value.field == "missing_reports_reason"
    assert "確報（個人情報保護委員会）・本人への通知（又は代わりの措置）が記録されていません" in str(refused.value)
    incident_close(incident=incident, actor=world.hr, summary="対応済み",
                   missing_reports_reason="委員会と協議し、確報は速報の内容で足りるとされた")
    incident.refresh_from_db()
    assert incident.is_closed
    assert incident.missing_reports_reason == "委員会と協議し、確報は速報の内容で足りるとされた"
    payload = AuditEntry.objects.get(action="incident.closed").payload
    assert payload["missing"] == ["確報（個人情報保護委員会）", "本人への通知（又は代わりの措置）"]
    assert payload["reason"] == "委員会と協議し、確報は速報の内容で足りるとされた"


def test_a_reason_too_long_or_a_second_closing_is_refused(world, clock):
    incident = report(world, items=[register_paper(world)], affected_count=101)
    with pytest.raises(DomainError, match="300文字以内"):
        incident_close(incident=incident, actor=world.hr, summary="対応済み", missing_reports_reason="あ" * 301)
    with pytest.raises(DomainError, match="2,000文字以内"):
        incident_close(incident=incident, actor=world.hr, summary="あ" * 2001, missing_reports_reason="理由")
    incident_close(incident=incident, actor=world.hr, summary="対応済み", missing_reports_reason="理由")
    with pytest.raises(DomainError, match="すでに終結しています"):
        incident_close(incident=incident, actor=world.hr, summary="もう一度", missing_reports_reason="理由")
    assert AuditEntry.objects.filter(action="incident.closed").count() == 1


def test_open_incidents_are_what_blocks_closing_the_contract(world, clock):
    assert list(open_incidents(world.contract)) == []
    first = report(world, other_data=True, affected_count=1)
    second = report(world, other_data=True, affected_count=1)
    assert list(open_incidents(world.contract)) == [first, second]
    assert list(open_incidents(world.other_contract)) == []
    incident_close(incident=first, actor=world.hr, summary="対応済み")
    assert list(open_incidents(world.contract)) == [second]


def test_an_event_before_the_discovery_or_in_the_future_is_refused(world, clock):
    incident = report(world, other_data=True, affected_count=1)
    with pytest.raises(DomainError, match="発見日時（令和7年6月10日 08:00）より後"):
        incident_event_add(incident=incident, actor=world.hr, kind="ppc_preliminary",
                           happened_at=tokyo(2025, 6, 10, 7, 59))
    with pytest.raises(DomainError, match="未来の日時"):
        incident_event_add(incident=incident, actor=world.hr, kind="ppc_preliminary",
                           happened_at=tokyo(2025, 6, 11, 9, 0))
    with pytest.raises(DomainError, match="行ったことを記録してください"):
        incident_event_add(incident=incident, actor=world.manager, kind="measure", happened_at=tokyo(2025, 6, 10, 8, 30))
    assert not IncidentEvent.objects.exists()
