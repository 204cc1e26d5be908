"""The checklist's two 事故 items read what the app knows (core.evidence):
operational.12 「業務開始前に、事故、災害、トラブルに対応できる体制及び手順を整備し、委託先と緊急時の連絡体制や対応手順を
確認する。」 and operational.13 「事故が発生した場合…は、直ちに委託先と今後の対応を協議する。」"""

import pytest

from core.evidence import evidence_for
from incidents.evidence import structure_evidence
from incidents.models import IncidentEvent
from incidents.services import incident_event_add
from tests.incidents.helpers import register_paper, report, tokyo

pytestmark = pytest.mark.django_db


def test_the_emergency_structure_is_met_once_both_sides_have_contacts_and_procedures(world):
    """Contacts and procedures on record are half of it; both sides' confirmations before the start are the other
    (tests/checklist/test_confirmations.py)."""
    for side in ("ward", "contractor"):
        [evidence] = evidence_for(world.contract, f"{side}.operational.12")
        assert evidence.met is False
        assert "新宿区 総務部人材育成等担当課の対応手順" in evidence.summary
    for organisation in (world.ward, world.contractor):
        organisation.emergency_procedure = "直ちに電話で連絡する。"
        organisation.save()
    world.contract.refresh_from_db()
    assert structure_evidence(world.contract).summary == "区と委託先の緊急連絡先・対応手順を登録済み"
    [evidence] = evidence_for(world.contract, "ward.operational.12")
    assert evidence.met is False and "対応手順" not in evidence.summary
    assert "区の確認の記録がありません" in evidence.summary


def test_incidents_need_a_consultation_and_no_overdue_report(world, clock):
    [evidence] = evidence_for(world.contract, "contractor.operational.13")
    assert evidence.met is None and evidence.summary == "報告された事故も、記録された対策の変更もありません。"
    incident = report(world, items=[register_paper(world)], affected_count=101)
    [evidence] = evidence_for(world.contract, "ward.operational.13")
    assert evidence.met is False
    assert "区と委託先の協議の記録がないもの 1件・個人情報保護委員会への報告の期限超過 0件" in evidence.summary
    incident_event_add(incident=incident, actor=world.manager, kind=IncidentEvent.Kind.CONSULTED,
                       happened_at=tokyo(2025, 6, 10, 8, 30), note="区と電話で協議した")
    [evidence] = evidence_for(world.contract, "ward.operational.13")
    assert evidence.met is True
    clock.set(tokyo(2025, 6, 16, 9, 0))
    [evidence] = evidence_for(world.contract, "ward.operational.13")
    assert evidence.met is False and "期限超過 1件" in evidence.summary
