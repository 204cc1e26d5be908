"""Reporting an incident: anyone on the contract, at once, with the emergency contacts on the page; refusals
at the field they concern, nothing kept, never a 500, whatever is typed."""

import datetime as dt

import pytest

from audit.models import AuditEntry
from core.errors import DomainError
from incidents.models import Incident, IncidentEvent
from tests.incidents.helpers import delivered_pair, register_paper, report, tokyo

pytestmark = pytest.mark.django_db


def form(world, **overrides):
    data = {"kind": "loss", "discovered_at": "2025-06-10T08:30", "affected_count": "3012",
            "description": "分析室で記録媒体が見当たらない。"}
    data.update(overrides)
    return data


def test_the_handler_reports_from_the_form_and_lands_on_the_incident_with_contacts_and_reason(
        world, cd_r, clock, client_as):
    world.ward.emergency_procedure = "直ちに担当課長へ電話で連絡する。"
    world.ward.save()
    disc, _notice = delivered_pair(world, cd_r, clock)
    client = client_as(world.handler)
    page = client.get(f"/incidents/{world.contract.slug}/new/").content.decode()
    # Before anything is typed, the page says whom to call.
    assert "緊急時の連絡体制" in page and world.ward.emergency_contact_phone in page
    assert "個人情報（氏名、職員番号、回答の内容など）は書かないでください。" in page
    response = client.post(f"/incidents/{world.contract.slug}/new/",
                           form(world, items=[str(disc.pk)], discovered_at="2025-06-12T08:30",
                                password_exposure="other_keeps"))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{world.contract.slug}/{incident.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "事故 No.1（紛失）" in page
    assert "報告は不要" in page and "漏えい等に当たらず" in page
    assert "直ちに担当課長へ電話で連絡する。" in page
    assert "委託先A株式会社" in page and "新宿区 総務部人材育成等担当課" in page
    assert incident.reported_by == world.handler and list(incident.items.all()) == [disc]


def test_the_report_is_audited_with_the_facts_and_the_decision_never_the_description(world, clock):
    paper = register_paper(world)
    incident = report(world, items=[paper], affected_count=150, sensitive=True,
                      description="職員番号10001の回答用紙")
    entry = AuditEntry.objects.get(action="incident.reported")
    assert entry.object_id == str(incident.pk)
    assert entry.payload["items"] == ["P-001"]
    assert entry.payload["affected_count"] == 150
    assert entry.payload["flags"] == ["sensitive"]
    assert entry.payload["ppc_required"] is True
    assert entry.payload["triggers"] == [1, 4]
    assert "10001" not in str(entry.payload)


def test_incidents_are_numbered_per_contract(world, clock):
    first = report(world, items=[register_paper(world)])
    second = report(world, other_data=True)
    from handover import services as handover_services

    other = handover_services.item_register(contract=world.other_contract, actor=world.hr, category="paper",
                                            label="B-1", contents="回答用紙")
    from incidents import services

    elsewhere = services.incident_report(contract=world.other_contract, actor=world.other_manager, kind="loss",
                                         items=[other], discovered_at=tokyo(2025, 6, 10, 8, 0), affected_count=1,
                                         description="紛失")
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)


@pytest.mark.parametrize("overrides, field, message", [
    ({"kind": "flood"}, "kind", "事故の種類を選んでください。"),
    ({"discovered_at": tokyo(2025, 6, 10, 10, 0)}, "discovered_at", "発見日時に未来の日時は入力できません。"),
    ({"discovered_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC)}, "discovered_at", "1989年1月8日から2100年12月31日までの日時を入力してください。"),
    ({"discovered_at": None}, "discovered_at", "発見日時を入力してください。"),
    ({"affected_count": None}, "affected_count", "本人の数を入力してください"),
    ({"affected_count": -1}, "affected_count", "0から2,147,483,647までの数を入力してください。"),
    ({"affected_count": 2_147_483_648}, "affected_count", "0から2,147,483,647までの数を入力してください。"),
    ({"description": "  "}, "description", "事故の概要を入力してください（個人情報は書かないでください）。"),
    ({"description": "あ" * 2001}, "description", "2,000文字以内で入力してください（いま2,001文字です）。"),
    ({"description": "a\x00b"}, "description", "使えない文字（NUL）が含まれています。"),
    ({"items": [], "other_data": False}, "items", "関係する記録媒体等を選ぶか"),
])
def test_the_service_refuses_what_a_ward_would_not_accept_and_keeps_nothing(world, clock, overrides, field, message):
    arguments = {"items": [register_paper(world)], "discovered_at": tokyo(2025, 6, 10, 8, 0)}
    arguments.update(overrides)
    with pytest.raises(DomainError) as refused:
        report(world, **arguments)
    assert refused.value.field == field
    assert message in str(refused.value)
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(action="incident.reported").exists()


def test_an_item_of_another_contract_is_refused(world, clock):
    from handover import services as handover_services

    theirs = handover_services.item_register(contract=world.other_contract, actor=world.hr, category="paper",
                                             label="B-1", contents="回答用紙")
    with pytest.raises(DomainError, match="この契約に見つかりません"):
        report(world, items=[theirs])


@pytest.mark.parametrize("overrides", [
    {"kind": ""}, {"kind": "x" * 5000}, {"discovered_at": "0226-04-01T10:00"}, {"discovered_at": "9999-12-31T23:59"},
    {"discovered_at": "2025-13-45T99:99"}, {"affected_count": "9223372036854775808"}, {"affected_count": "-5"},
    {"affected_count": "三千"}, {"description": "あ" * 10000}, {"description": "x\x00"}, {"items": ["999999"]},
    {"items": ["abc"]},
])
def test_the_form_answers_400_with_a_message_never_500(world, clock, client_as, overrides):
    client = client_as(world.manager)
    response = client.post(f"/incidents/{world.contract.slug}/new/", form(world, other_data="on", **overrides))
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_facts_can_be_corrected_and_the_timeline_says_what_changed(world, clock, client_as):
    incident = report(world, items=[register_paper(world)], affected_count=100)
    client = client_as(world.manager)
    page = client.get(f"/incidents/{world.contract.slug}/{incident.pk}/revise/").content.decode()
    assert 'value="100"' in page
    data = form(world, items=[str(incident.items.get().pk)], affected_count="101", discovered_at="2025-06-10T08:00",
                description=incident.description)
    response = client.post(f"/incidents/{world.contract.slug}/{incident.pk}/revise/", data)
    assert response.status_code == 302
    revision = IncidentEvent.objects.get(incident=incident, kind=IncidentEvent.Kind.FACTS_REVISED)
    assert "本人の数: 100人 → 101人" in revision.note
    page = client.get(f"/incidents/{world.contract.slug}/{incident.pk}/").content.decode()
    assert "報告が必要" in page and "本人の数が百人を超える（101人、第4号）" in page
    assert AuditEntry.objects.get(action="incident.revised").payload["changed"] == ["affected_count"]
    # The same facts again change nothing and say so.
    response = client.post(f"/incidents/{world.contract.slug}/{incident.pk}/revise/", data)
    assert response.status_code == 400 and "訂正した項目がありません。" in response.content.decode()
