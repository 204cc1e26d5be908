"""Who may do what with an environment profile: the contractor's handling manager keeps its firm's profile and
its approved subcontractors'; HR of a contract the firm works on accepts or sends back; handlers and auditors read;
another contractor's people find nothing. The ward's own profile: kept by the IT section, accepted by HR, read by
ward staff, never seen by a contractor."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from contracts import services as contract_services
from contracts.models import Designation
from core.evidence import evidence_for
from environment import permissions, services
from tests.environment.helpers import accepted, answers, filled, ward_keeper

pytestmark = pytest.mark.django_db

SUBCONTRACTOR = {
    "name": "株式会社データ入力サービス", "address": "東京都新宿区西新宿一丁目1番1号", "country": "日本",
    "work": "調査回答の入力・集計", "data_items": "職員の所属・職名・調査回答内容", "place": "再委託先の本社 入力室",
    "manager_name": "入力 太郎", "handlers": "入力 花子", "flows_down": True,
}


def test_the_manager_keeps_hr_decides_the_others_read(world):
    profile = filled(world)
    assert permissions.may_edit(world.manager, profile)
    for user in (world.hr, world.handler, world.auditor):
        assert permissions.may_view(user, profile)
        assert permissions.may_edit(user, profile).forbidden
    for user in (world.other_manager, world.outsider):
        assert not permissions.may_view(user, profile)
    with pytest.raises(PermissionDenied):
        services.profile_save(profile=profile, actor=world.hr, s01_text="HRが書き換え")
    profile = services.profile_submit(profile=profile, actor=world.manager)
    # The manager does not accept his own profile; the handler neither.
    for user in (world.manager, world.handler, world.auditor, world.other_manager):
        with pytest.raises(PermissionDenied):
            services.profile_accept(profile=profile, actor=user)
    # Submitted, it waits for the ward: the manager cannot change it meanwhile.
    assert not permissions.may_edit(world.manager, profile)
    assert "区の確認待ちです" in permissions.may_edit(world.manager, profile).message
    services.profile_accept(profile=profile, actor=world.hr)


def test_a_manager_whose_designation_has_ended_keeps_nothing(world):
    profile = filled(world)
    Designation.objects.filter(contract=world.contract, user=world.manager).update(valid_until=dt.date(2025, 6, 30))
    assert not permissions.may_view(world.manager, profile)
    assert permissions.may_edit(world.manager, profile).forbidden


def test_another_contractors_manager_cannot_start_this_firms_profile(world):
    with pytest.raises(PermissionDenied):
        services.profile_start(organisation=world.contractor, actor=world.other_manager)
    filled(world)
    answer = permissions.may_start(world.manager, world.contractor)
    assert not answer and "すでにあります" in answer.message


def test_an_approved_subcontractors_profile_is_kept_by_the_contractors_manager_and_read_for_the_contract(world):
    application = contract_services.subcontractor_apply(contract=world.contract, actor=world.manager, submit=True,
                                                        **SUBCONTRACTOR)
    sub = contract_services.subcontractor_approve(subcontractor=application, actor=world.hr)
    accepted(world)
    # The subcontractor processes the data too: until its own profile is accepted, the item is not met.
    [found] = evidence_for(world.contract, "contractor.system.01")
    assert found.met is None and "再委託先 株式会社データ入力サービス: 環境の届出がありません" in found.summary
    profile = accepted(world, sub.organisation, s10_status="not_in_place", s10_text="入退室の記録なし")
    assert not permissions.may_view(world.other_manager, profile)
    [found] = evidence_for(world.contract, "contractor.system.01")
    assert found.met is True
    [found] = evidence_for(world.contract, "contractor.system.10")
    assert found.met is False and "再委託先 株式会社データ入力サービス: 実施していない（入退室の記録なし）" in found.summary


def test_the_wards_profile_is_kept_by_the_it_section_and_accepted_by_hr(world):
    keeper = ward_keeper(world.outsider)
    with pytest.raises(PermissionDenied):
        services.profile_start(organisation=None, actor=world.hr)
    profile = services.profile_start(organisation=None, actor=keeper)
    services.profile_save(profile=profile, actor=keeper, **answers())
    services.profile_submit(profile=profile, actor=keeper)
    for user in (keeper, world.auditor, world.manager):
        with pytest.raises(PermissionDenied):
            services.profile_accept(profile=profile, actor=user)
    assert permissions.may_view(world.auditor, profile)
    for user in (world.manager, world.handler, world.other_manager):
        assert not permissions.may_view(user, profile)
    services.profile_accept(profile=profile, actor=world.hr)
    with pytest.raises(Exception, match="区のアクセスログの分析"):
        services.report_record(profile=profile, actor=keeper, kind="log_analysis", period_from=dt.date(2026, 1, 1),
                               period_until=dt.date(2026, 1, 31), done_on=dt.date(2026, 2, 1), text="x")


def own_manager(world, contract, organisation, username="sub_manager"):
    """A person of the subcontractor designated in force on ``contract``: a handler (取扱者), since a subcontractor's
    person is never the contract's 取扱責任者; the one who keeps the subcontractor's own profile."""
    from django.utils import timezone

    from contracts.models import Role
    from contracts.services._common import membership_add
    from tests.factories import make_user

    person = make_user(username, organisation, display_name="入力 太郎")
    Designation.objects.create(contract=contract, user=person, kind=Designation.Kind.HANDLER,
                               status=Designation.Status.APPROVED, reported_at=timezone.now(), reported_by=world.hr,
                               decided_at=timezone.now(), decided_by=world.hr)
    membership_add(contract=contract, user=person, role=Role.CONTRACTOR_HANDLER, actor=world.hr, audit=False)
    return person


def test_a_subcontractors_manager_keeps_his_own_firms_profile_not_the_contractors(world):
    application = contract_services.subcontractor_apply(contract=world.contract, actor=world.manager, submit=True,
                                                        **SUBCONTRACTOR)
    sub = contract_services.subcontractor_approve(subcontractor=application, actor=world.hr)
    person = own_manager(world, world.contract, sub.organisation)
    contractor_profile = filled(world)
    assert permissions.may_view(person, contractor_profile)
    assert permissions.may_edit(person, contractor_profile).forbidden
    own = services.profile_start(organisation=sub.organisation, actor=person)
    assert permissions.may_edit(person, own) and permissions.may_edit(world.manager, own)


def test_a_subcontractor_shared_by_two_contractors_is_kept_only_by_its_own_managers(world):
    """Attack probe: contractor A applies under the name of contractor B's approved subcontractor X; once HR
    confirms it is the same company, A's manager reads X's profile but can no longer edit, submit or reopen it
    (which would turn B's system items unmet); neither can B's. X's own designated manager keeps it."""
    theirs = contract_services.subcontractor_approve(
        subcontractor=contract_services.subcontractor_apply(contract=world.other_contract, actor=world.other_manager,
                                                            submit=True, **SUBCONTRACTOR), actor=world.hr)
    x = theirs.organisation
    profile = filled(world, x, keeper=world.other_manager)
    # Approved under B alone: B's manager keeps it, A's people do not even see it.
    assert permissions.may_edit(world.other_manager, profile)
    assert not permissions.may_view(world.manager, profile)
    ours = contract_services.subcontractor_approve(
        subcontractor=contract_services.subcontractor_apply(contract=world.contract, actor=world.manager,
                                                            submit=True, **SUBCONTRACTOR),
        actor=world.hr, same_company=True)
    assert ours.organisation == x
    for manager in (world.manager, world.other_manager):
        assert permissions.may_view(manager, profile)
        assert permissions.may_edit(manager, profile).forbidden
        assert permissions.may_record(manager, profile).forbidden
        with pytest.raises(PermissionDenied):
            services.profile_save(profile=profile, actor=manager, s01_text="書き換え")
        with pytest.raises(PermissionDenied):
            services.profile_submit(profile=profile, actor=manager)
    assert permissions.may_view(world.handler, profile) and permissions.may_view(world.auditor, profile)
    person = own_manager(world, world.other_contract, x)
    assert permissions.may_edit(person, profile)
    profile = services.profile_submit(profile=profile, actor=person)
    profile = services.profile_accept(profile=profile, actor=world.hr)
    with pytest.raises(PermissionDenied):
        services.profile_revise(profile=profile, actor=world.manager)
    assert permissions.may_revise(person, profile)
    # Its own manager whose designation has ended keeps nothing.
    Designation.objects.filter(user=person).update(valid_until=dt.date(2025, 6, 30))
    assert not permissions.may_revise(person, profile)
