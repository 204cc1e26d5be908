"""The checklist's system items read the environment profiles (core.evidence): the contractor's side
(「…させる」) from the contractor's and each approved subcontractor's accepted profile, the ward's side s01–s05,
s10, s11 from the ward's own."""

import datetime as dt

import pytest
from django.utils import timezone

from core.evidence import evidence_for
from environment import services
from tests.environment.helpers import accepted, certificate, filled, ward_keeper

pytestmark = pytest.mark.django_db


def one(contract, key):
    [evidence] = evidence_for(contract, key)
    return evidence


def test_no_profile_judges_nothing_and_an_accepted_one_backs_every_item(world):
    assert one(world.contract, "contractor.system.01").met is None
    assert "環境の届出がありません" in one(world.contract, "contractor.system.01").summary
    profile = filled(world)
    assert one(world.contract, "contractor.system.04").met is None  # not yet accepted
    services.profile_submit(profile=profile, actor=world.manager)
    services.profile_accept(profile=profile, actor=world.hr)
    for number in ("01", "02", "03", "04", "05", "06", "07", "10", "11"):
        evidence = one(world.contract, f"contractor.system.{number}")
        assert evidence.met is True, (number, evidence.summary)
        assert f"委託先 委託先A株式会社: s{number} の対策を実施（テスト）" in evidence.summary
    # Contract B's contractor has filed nothing: A's profile says nothing about B.
    assert one(world.other_contract, "contractor.system.01").met is None


def test_an_item_not_in_place_is_unmet_and_one_that_does_not_apply_is_not_judged(world):
    accepted(world, s03_status="not_applicable", s03_text="通信を行わない", s10_status="not_in_place",
             s10_text="入退室の記録なし")
    assert one(world.contract, "contractor.system.03").met is None
    assert "該当しない（通信を行わない）" in one(world.contract, "contractor.system.03").summary
    assert one(world.contract, "contractor.system.10").met is False


def test_servers_under_japanese_law_need_the_data_in_japan(world):
    """「システムを提供するサーバは日本国内の法が適用される安全性が確保された環境にさせる。」"""
    profile = filled(world, s11_status="not_in_place", s11_text="海外リージョン", country="シンガポール")
    with pytest.raises(Exception, match="日本の場合です"):
        services.profile_save(profile=profile, actor=world.manager, s11_status="in_place")
    services.profile_submit(profile=profile, actor=world.manager)
    services.profile_accept(profile=profile, actor=world.hr)
    assert one(world.contract, "contractor.system.11").met is False


def test_an_expired_certificate_turns_the_items_it_backs_unmet_until_renewed(world):
    """A certificate past its validity turns the items it backs unmet (issue 16, item 5)."""
    profile = accepted(world)
    today = timezone.localdate()
    # The contract ended on 2026-03-31: it is judged as it stood then.
    lapsed = certificate(world, profile, kind="pmark", valid_from=dt.date(2023, 4, 1), valid_until=dt.date(2026, 3, 1),
                         number="P-1")
    assert lapsed.covers == ["06", "07", "10"]
    assert one(world.contract, "contractor.system.06").met is False
    assert "有効期限が切れています" in one(world.contract, "contractor.system.06").summary
    assert one(world.contract, "contractor.system.04").met is True  # Pマーク does not back s04
    # A renewed Pマーク takes its place.
    certificate(world, profile, kind="pmark", valid_from=dt.date(2026, 3, 2), valid_until=today + dt.timedelta(days=700),
                number="P-2")
    assert one(world.contract, "contractor.system.06").met is True
    # On a contract still running, today's validity counts.
    from tests.factories import make_contract

    running = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="running",
                            start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=200),
                            fiscal_year=today.year if today.month >= 4 else today.year - 1)
    isms = certificate(world, profile, kind="isms", valid_from=dt.date(2024, 1, 1), valid_until=today - dt.timedelta(days=1))
    for number in ("01", "04", "09"):
        assert one(running, f"contractor.system.{number}").met is False
    assert isms.display_name in one(running, "contractor.system.04").summary


def test_a_profile_accepted_over_a_year_ago_is_stale(world):
    profile = accepted(world)
    from environment.models import EnvironmentProfile

    EnvironmentProfile.objects.filter(pk=profile.pk).update(accepted_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    evidence = one(world.contract, "contractor.system.01")
    assert evidence.met is False and "1年を過ぎています" in evidence.summary
    # Accepted within the year before the contract's end: in date for it.
    EnvironmentProfile.objects.filter(pk=profile.pk).update(accepted_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert one(world.contract, "contractor.system.01").met is True


def test_a_profile_under_review_is_not_read(world):
    profile = accepted(world)
    services.profile_revise(profile=profile, actor=world.manager)
    evidence = one(world.contract, "contractor.system.01")
    assert evidence.met is None and "見直し中" in evidence.summary


def test_the_ward_side_reads_the_wards_own_profile_only(world):
    assert one(world.contract, "ward.system.01").met is None
    accepted(world)  # the contractor's profile says nothing of the ward
    assert one(world.contract, "ward.system.01").met is None
    keeper = ward_keeper(world.outsider)
    ward = services.profile_start(organisation=None, actor=keeper)
    from tests.environment.helpers import answers

    services.profile_save(profile=ward, actor=keeper, **answers(s02_status="not_in_place", s02_text="未整備"))
    services.profile_submit(profile=ward, actor=keeper)
    services.profile_accept(profile=ward, actor=world.hr)
    assert one(world.contract, "ward.system.01").met is True
    assert one(world.contract, "ward.system.02").met is False
    assert one(world.contract, "ward.system.01").summary.startswith("区:")
    for number in ("06", "07", "08", "09"):
        assert all("区:" not in e.summary for e in evidence_for(world.contract, f"ward.system.{number}"))


def test_the_cloud_a_party_uses_is_told_for_item_01(world):
    from environment.evidence import cloud_use

    accepted(world)
    assert cloud_use(world.contract) == []
    profile = services.profile_revise(profile=contractor_profile(world), actor=world.manager)
    services.profile_save(profile=profile, actor=world.manager, premises="cloud", cloud_service="デモクラウド",
                          cloud_provider="デモ社", cloud_guideline="in_place", ismap="in_place")
    services.profile_submit(profile=profile, actor=world.manager)
    services.profile_accept(profile=profile, actor=world.hr)
    [row] = cloud_use(world.contract)
    assert row["service"] == "デモクラウド" and row["guideline"] and row["ismap"] and row["role"] == "委託先"


def contractor_profile(world):
    from environment.models import EnvironmentProfile

    return EnvironmentProfile.objects.get(organisation=world.contractor)
