"""A built package goes into the ledger as a disc and its password notice, prepared to hand over.

Seed 資料2-1 ③: データ取りまとめ及びCD-R等で送付. 別紙: 「電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、
それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行う」 — the two items are a pair from the start.
"""

import json

import pytest

from audit.models import AuditEntry
from core.errors import DomainError
from engagement.services import survey_notice_printed, survey_package_register
from handover.models import Item
from tests.engagement.helpers import master_rows, survey_rows


def test_registering_a_package_makes_a_disc_and_its_notice(world, built):
    medium, notice = survey_package_register(contract=world.contract, actor=world.hr, built=built,
                                             medium_label="CD-2025-001")

    assert medium.is_medium and notice.is_notice
    assert (medium.state, notice.state) == (Item.State.PREPARED, Item.State.PREPARED)
    assert medium.sha256 == built.sha256
    assert medium.file_name == built.filename
    assert medium.record_count == 24
    assert str(medium.medium_kind) == "CD-R"
    assert "k=" in medium.contents
    assert notice.label == "PN-CD-2025-001"
    assert notice.opens == medium
    entry = AuditEntry.objects.get(action="engagement.package.built")
    assert entry.payload["sha256"] == built.sha256
    assert entry.payload["rows"] == 24 and entry.payload["k_reached"] == built.k_reached
    assert entry.payload["medium"] == "CD-2025-001" and entry.payload["notice"] == "PN-CD-2025-001"


def test_no_value_from_the_file_and_never_the_password_in_any_audit_payload(world, built):
    medium, notice = survey_package_register(contract=world.contract, actor=world.hr, built=built,
                                             medium_label="CD-2025-001")
    survey_notice_printed(contract=world.contract, actor=world.hr, notice=notice)

    payloads = json.dumps([e.payload for e in AuditEntry.objects.all()], ensure_ascii=False)
    assert built.password not in payloads
    values = {cell for row in survey_rows() for cell in row} | {cell for row in master_rows() for cell in row}
    # Short cells (an answer "3", a gender) could appear in any sentence; everything that could tell a
    # person apart must not.
    leaked = {v for v in values if len(v) >= 4 and v in payloads}
    assert leaked == set()
    assert AuditEntry.objects.filter(action="engagement.notice.printed", object_id=str(notice.pk)).exists()


def test_only_hr_of_the_contract_registers_and_then_neither_item_exists(world, built):
    for person in (world.manager, world.auditor, world.outsider):
        with pytest.raises(DomainError):
            survey_package_register(contract=world.contract, actor=person, built=built, medium_label="CD-2025-001")

    assert not Item.objects.filter(contract=world.contract).exists()
    assert not AuditEntry.objects.filter(action="engagement.package.built").exists()


def test_a_label_in_use_refuses_both_items(world, built):
    survey_package_register(contract=world.contract, actor=world.hr, built=built, medium_label="CD-2025-001")

    with pytest.raises(DomainError, match="すでに使われています"):
        survey_package_register(contract=world.contract, actor=world.hr, built=built, medium_label="CD-2025-002",
                                notice_label="PN-CD-2025-001")

    assert sorted(Item.objects.values_list("label", flat=True)) == ["CD-2025-001", "PN-CD-2025-001"]


def test_a_notice_of_another_contract_is_refused(world, built):
    _medium, notice = survey_package_register(contract=world.contract, actor=world.hr, built=built,
                                              medium_label="CD-2025-001")

    with pytest.raises(DomainError):
        survey_notice_printed(contract=world.other_contract, actor=world.hr, notice=notice)
