"""Item 13: 「事故が発生した場合又は個人情報保護及び情報セキュリティ対策の変更があった場合は、直ちに委託先と今後の対応を
協議する。」 A change of measures is recorded (what, when) with its consultation (when, with whom, the outcome); the
item's evidence counts changes and incidents alike."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from checklist import records
from core.errors import DomainError
from core.evidence import evidence_for

pytestmark = pytest.mark.django_db


def only(world, key):
    [evidence] = evidence_for(world.contract, key)
    return evidence


def change(world, actor=None, **fields):
    values = {"changed_on": dt.date(2025, 7, 1), "what": "分析用PCのOSを更新し、ウイルス対策ソフトを変更した"}
    values.update(fields)
    return records.measure_change_record(contract=world.contract, actor=actor or world.manager, **values)


def test_nothing_to_judge_without_incidents_or_changes(world):
    evidence = only(world, "ward.operational.13")
    assert evidence.met is None and evidence.summary == "報告された事故も、記録された対策の変更もありません。"


def test_a_change_without_its_consultation_leaves_item_13_unmet_until_consulted(world):
    row = change(world)
    evidence = only(world, "contractor.operational.13")
    assert evidence.met is False and "対策の変更 1件（協議の記録がないもの 1件）" in evidence.summary
    records.measure_change_consult(change=row, consulted_on=dt.date(2025, 7, 2), consulted_with="区 人材育成等担当課",
                                   outcome="変更後の設定を確認し、継続して利用することとした", actor=world.hr)
    evidence = only(world, "ward.operational.13")
    assert evidence.met is True and "協議の記録がないもの 0件" in evidence.summary


def test_a_change_recorded_with_its_consultation_at_once(world):
    change(world, actor=world.hr, consulted_on=dt.date(2025, 7, 1), consulted_with="委託先A 取扱責任者",
           outcome="今後の対応を合意")
    assert only(world, "ward.operational.13").met is True


def test_a_consultation_needs_all_three_parts_and_not_before_the_change(world):
    with pytest.raises(DomainError) as refused:
        change(world, consulted_on=dt.date(2025, 7, 2))
    assert refused.value.field == "consulted_with"
    with pytest.raises(DomainError) as refused:
        change(world, consulted_on=dt.date(2025, 6, 30), consulted_with="区", outcome="合意")
    assert refused.value.field == "consulted_on"
    row = change(world)
    records.measure_change_consult(change=row, consulted_on=dt.date(2025, 7, 3), consulted_with="区", outcome="合意",
                                   actor=world.hr)
    with pytest.raises(DomainError) as refused:
        records.measure_change_consult(change=row, consulted_on=dt.date(2025, 7, 4), consulted_with="区",
                                       outcome="再協議", actor=world.hr)
    assert "すでに記録されています" in refused.value.message


def test_what_changed_is_required_and_only_the_parties_record(world):
    with pytest.raises(DomainError) as refused:
        change(world, what=" ")
    assert refused.value.field == "what"
    for outsider in (world.handler, world.auditor, world.other_manager):
        with pytest.raises(PermissionDenied):
            change(world, actor=outsider)
