"""Items 01, 05 and 12 rest on dated confirmations, each recorded by the side it belongs to (checklist.records).

Seed (別紙5): 01 「契約にあたり、「特記事項」を付す…また、クラウドサービスを利用する場合は…」; 05 「全体の業務フローを
作成し、委託先と共有する」/「区が作成した業務フローに基づき、業務を行わせる」; 12 「業務開始前に…委託先と緊急時の連絡体制や
対応手順を確認する」."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from checklist import records
from checklist.models import Confirmation, Side
from core.errors import DomainError
from core.evidence import evidence_for

pytestmark = pytest.mark.django_db

K = Confirmation.Kind
BEFORE_START = dt.date(2025, 4, 20)  # the world's contract starts on 2025-05-01


def confirm(world, kind, side, actor=None, *, on=BEFORE_START, **fields):
    actor = actor or (world.hr if side == Side.WARD else world.manager)
    return records.confirmation_record(contract=world.contract, kind=kind, side=side, confirmed_on=on, actor=actor,
                                       **fields)


def only(world, key):
    [evidence] = evidence_for(world.contract, key)
    return evidence


def test_item_01_needs_the_special_terms_and_the_cloud_declaration(world):
    for key in ("ward.operational.01", "contractor.operational.01"):
        evidence = only(world, key)
        assert evidence.met is False
        assert "特記事項を付した記録" in evidence.summary and "クラウドサービス" in evidence.summary
    confirm(world, K.SPECIAL_TERMS, Side.WARD, reference="令和7年4月1日改定版")
    assert only(world, "ward.operational.01").met is False
    confirm(world, K.CLOUD, Side.CONTRACTOR, cloud_used=False)
    evidence = only(world, "contractor.operational.01")
    assert evidence.met is True
    assert "特記事項（令和7年4月1日改定版）を付した" in evidence.summary
    assert "クラウドサービスは利用しないと委託先が申告" in evidence.summary
    assert AuditEntry.objects.filter(action="checklist.confirmation.recorded").count() == 2


def test_the_special_terms_need_their_version_and_are_hrs_to_record(world):
    with pytest.raises(DomainError) as refused:
        confirm(world, K.SPECIAL_TERMS, Side.WARD, reference="  ")
    assert refused.value.field == "reference"
    with pytest.raises(PermissionDenied):
        confirm(world, K.SPECIAL_TERMS, Side.WARD, actor=world.manager, reference="第1版")
    assert not Confirmation.objects.exists()


def test_a_cloud_in_use_must_be_named_and_a_choice_made(world):
    with pytest.raises(DomainError) as refused:
        confirm(world, K.CLOUD, Side.CONTRACTOR)
    assert refused.value.field == "cloud_used"
    with pytest.raises(DomainError) as refused:
        confirm(world, K.CLOUD, Side.CONTRACTOR, cloud_used=True)
    assert refused.value.field == "note" and "総務省のガイドライン" in refused.value.message
    row = confirm(world, K.CLOUD, Side.CONTRACTOR, cloud_used=True, note="○○クラウド（○○社）、ISMAP登録済み")
    assert row.cloud_used is True
    confirm(world, K.SPECIAL_TERMS, Side.WARD, reference="第1版")
    assert "総務省のガイドラインに沿うと委託先が申告" in only(world, "ward.operational.01").summary


def test_the_contractor_acknowledges_only_a_version_the_ward_shared(world):
    with pytest.raises(DomainError) as refused:
        confirm(world, K.FLOW_ACKNOWLEDGED, Side.CONTRACTOR, reference="第1版")
    assert "まだ業務フローを共有していません" in refused.value.message
    assert only(world, "ward.operational.05").met is False
    confirm(world, K.FLOW_SHARED, Side.WARD, reference="第1版")
    evidence = only(world, "contractor.operational.05")
    assert evidence.met is False and "この版を確認した記録がありません" in evidence.summary
    with pytest.raises(DomainError) as refused:
        confirm(world, K.FLOW_ACKNOWLEDGED, Side.CONTRACTOR, reference="第2版")
    assert "共有済みの版: 第1版" in refused.value.message
    confirm(world, K.FLOW_ACKNOWLEDGED, Side.CONTRACTOR, reference="第1版")
    evidence = only(world, "ward.operational.05")
    assert evidence.met is True and "業務フロー（第1版）" in evidence.summary


def test_a_new_version_of_the_flow_needs_a_new_acknowledgement(world):
    confirm(world, K.FLOW_SHARED, Side.WARD, reference="第1版")
    confirm(world, K.FLOW_ACKNOWLEDGED, Side.CONTRACTOR, reference="第1版")
    confirm(world, K.FLOW_SHARED, Side.WARD, reference="第2版", on=dt.date(2025, 9, 1))
    evidence = only(world, "ward.operational.05")
    assert evidence.met is False and "業務フロー（第2版）" in evidence.summary
    confirm(world, K.FLOW_ACKNOWLEDGED, Side.CONTRACTOR, reference="第2版", on=dt.date(2025, 9, 2))
    assert only(world, "ward.operational.05").met is True


def test_item_12_needs_both_sides_confirmation_before_the_work_starts(world):
    evidence = only(world, "ward.operational.12")
    assert evidence.met is False
    assert "区の確認の記録がありません" in evidence.summary and "委託先の確認の記録がありません" in evidence.summary
    for organisation in (world.ward, world.contractor):
        organisation.emergency_procedure = "直ちに電話で連絡し、30分以内に対応を協議する。"
        organisation.save()
    world.contract.refresh_from_db()
    confirm(world, K.EMERGENCY, Side.WARD)
    assert only(world, "contractor.operational.12").met is False
    confirm(world, K.EMERGENCY, Side.CONTRACTOR, on=dt.date(2025, 5, 8))  # after the start on 5/1
    evidence = only(world, "contractor.operational.12")
    assert evidence.met is False and "委託先の確認（令和7年5月8日）が業務開始（令和7年5月1日）の後です" in evidence.summary
    confirm(world, K.EMERGENCY, Side.CONTRACTOR, on=dt.date(2025, 4, 25))
    evidence = only(world, "ward.operational.12")
    assert evidence.met is True
    assert "業務開始（令和7年5月1日）前に区が 令和7年4月20日、委託先が 令和7年4月25日 に確認" in evidence.summary


def test_emergency_confirmations_do_not_stand_in_for_missing_contacts(world):
    confirm(world, K.EMERGENCY, Side.WARD)
    confirm(world, K.EMERGENCY, Side.CONTRACTOR)
    evidence = only(world, "ward.operational.12")
    assert evidence.met is False and "対応手順" in evidence.summary


def test_each_side_records_only_its_own_emergency_confirmation(world):
    with pytest.raises(PermissionDenied):
        confirm(world, K.EMERGENCY, Side.CONTRACTOR, actor=world.hr)
    with pytest.raises(PermissionDenied):
        confirm(world, K.EMERGENCY, Side.WARD, actor=world.manager)
    with pytest.raises(PermissionDenied):
        confirm(world, K.EMERGENCY, Side.CONTRACTOR, actor=world.handler)
    with pytest.raises(DomainError):
        confirm(world, K.SPECIAL_TERMS, Side.CONTRACTOR, reference="第1版")  # not a pair that exists


def test_a_confirmation_cannot_be_dated_in_the_future(world):
    with pytest.raises(DomainError) as refused:
        confirm(world, K.EMERGENCY, Side.WARD, on=dt.date.today() + dt.timedelta(days=30))
    assert refused.value.field == "confirmed_on"


def test_item_01_reads_the_cloud_in_the_contractors_accepted_environment_profile(world):
    """A 'no cloud' declaration contradicted by the contractor's own accepted profile, or a cloud not following the
    総務省 guideline, leaves item 01 unmet."""
    from tests.environment.helpers import accepted

    confirm(world, K.SPECIAL_TERMS, Side.WARD, reference="第1版")
    confirm(world, K.CLOUD, Side.CONTRACTOR, cloud_used=False)
    assert only(world, "ward.operational.01").met is True
    accepted(world, premises="cloud", cloud_service="分析クラウド", cloud_provider="クラウド社",
             cloud_guideline="not_in_place")
    evidence = only(world, "ward.operational.01")
    assert evidence.met is False
    assert "環境の届出では委託先A株式会社がクラウドサービス（分析クラウド）で処理しています" in evidence.summary
    assert "総務省のガイドラインに沿っていると届け出られていません" in evidence.summary
    confirm(world, K.CLOUD, Side.CONTRACTOR, cloud_used=True, note="分析クラウド（クラウド社）")
    evidence = only(world, "contractor.operational.01")
    assert evidence.met is False and "処理しています" not in evidence.summary
