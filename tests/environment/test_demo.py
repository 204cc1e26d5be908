"""The demo: the FY2025 contractor's accepted profile with an ISMS certificate valid through 2027 (its scan
attached) and its own log-analysis and backup records, and the ward's own accepted profile. Safe to run twice."""

import datetime as dt

import pytest

from attachments.selectors import files_for
from contracts import demo as contracts_demo
from contracts.demo import demo_contracts
from core.evidence import evidence_for
from environment.demo import add_to_demo
from environment.models import Certificate, EnvironmentProfile, OperationReport

pytestmark = pytest.mark.django_db


def test_the_demo_contractor_and_ward_have_accepted_profiles_backing_every_system_item():
    world = demo_contracts()
    contracts_demo.add_to_demo(world)  # FY2026's approved subcontractor
    add_to_demo(world)
    add_to_demo(world)
    profile = EnvironmentProfile.objects.get(organisation=world.contract.contractor)
    assert profile.is_accepted and not profile.is_stale()
    [isms] = Certificate.objects.filter(profile=profile)
    assert isms.kind == "isms" and isms.valid_until == dt.date(2027, 10, 31)
    assert [f.name for f in files_for(isms)] == ["ISMS登録証（デモ）.pdf"]
    assert OperationReport.objects.filter(profile=profile, kind="restore_test").exists()
    for contract in (world.contract, world.current_contract):
        for number in range(1, 12):
            [found] = evidence_for(contract, f"contractor.system.{number:02d}")
            assert found.met is True, (contract.slug, number, found.summary)
        [s04] = evidence_for(contract, "contractor.system.04")
        assert any(f.name == "ISMS登録証（デモ）.pdf" and len(f.sha256) == 64 for f in s04.files)
    ward = EnvironmentProfile.objects.get(is_ward=True)
    assert ward.is_accepted
    for number in ("01", "02", "03", "04", "05", "10", "11"):
        [found] = evidence_for(world.current_contract, f"ward.system.{number}")
        assert found.met is True and found.summary.startswith("区:")
    # FY2026's approved subcontractor processes the data too: its own accepted profile and records.
    [sub] = EnvironmentProfile.objects.filter(organisation__kind="subcontractor")
    assert sub.is_accepted and OperationReport.objects.filter(profile=sub, kind="backup_check").exists()
    [found] = evidence_for(world.current_contract, "contractor.system.08")
    assert "再委託先 株式会社新宿データエントリー（デモ）: " in found.summary
