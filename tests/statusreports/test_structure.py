"""The contractor's written report of its management structure: the first once the contract is in force, a new
one after a designation is approved or revoked; accepted or sent back by HR; item 04's evidence follows."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import Designation
from core.dashboard import waiting_for
from core.errors import DomainError
from statusreports import evidence, selectors, services
from tests.factories import designate, make_user
from tests.handover.conftest import tokyo

pytestmark = pytest.mark.django_db


def _accepted(world):
    report = services.structure_create(contract=world.contract, actor=world.manager,
                                       effective_on=timezone.localdate(), changes="契約締結時の体制")
    report = services.structure_submit(report=report, actor=world.manager, effective_on=report.effective_on,
                                       changes=report.changes)
    return services.structure_accept(report=report, actor=world.hr)


def test_the_first_report_is_wanted_once_the_contract_is_in_force(world, clock):
    assert "まだ受理されていません" in selectors.structure_wanted(world.contract)
    assert evidence.structure_evidence(world.contract).met is False
    assert any(w.title.startswith("管理体制を書面で報告してください") for w in waiting_for(world.manager))
    clock.set(tokyo(2025, 4, 20, 9, 0))  # before 1 May
    assert selectors.structure_wanted(world.contract) is None
    assert evidence.structure_evidence(world.contract).met is None


def test_the_report_keeps_who_was_designated_and_is_accepted(world):
    report = _accepted(world)
    assert [(p["kind"], p["name"]) for p in report.people] == [("handler", "山田 美咲"), ("manager", "田中 誠")]
    assert selectors.structure_wanted(world.contract) is None
    assert evidence.structure_evidence(world.contract).met is True


def test_a_designation_approved_after_the_last_accepted_report_wants_a_new_one(world):
    _accepted(world)
    designate(world.contract, make_user("newcomer", world.contractor, display_name="新人 一郎"), actor=world.hr)
    assert "承認または取消があります" in selectors.structure_wanted(world.contract)
    assert evidence.structure_evidence(world.contract).met is False


def test_a_designation_revoked_after_the_last_accepted_report_wants_a_new_one(world):
    _accepted(world)
    handler = Designation.objects.get(contract=world.contract, user=world.handler, status="approved")
    contract_services.designation_revoke(designation=handler, actor=world.hr)
    assert selectors.structure_wanted(world.contract) is not None


def test_sent_back_with_a_reason_and_submitted_again(world):
    report = services.structure_create(contract=world.contract, actor=world.manager,
                                       effective_on=dt.date(2025, 5, 9), changes="体制")
    report = services.structure_submit(report=report, actor=world.manager, effective_on=report.effective_on,
                                       changes="体制")
    report = services.structure_send_back(report=report, actor=world.hr, reason="連絡体制が書かれていない")
    assert report.is_returned
    report = services.structure_submit(report=report, actor=world.manager, effective_on=report.effective_on,
                                       changes="体制。責任者の連絡先: 本社 管理室")
    assert report.is_submitted and report.submission_count == 2


def test_a_date_to_come_and_an_empty_change_are_refused(world):
    with pytest.raises(DomainError) as refused:
        services.structure_create(contract=world.contract, actor=world.manager,
                                  effective_on=timezone.localdate() + dt.timedelta(days=1), changes="体制")
    assert refused.value.field == "effective_on"
    with pytest.raises(DomainError) as refused:
        services.structure_create(contract=world.contract, actor=world.manager, effective_on=dt.date(2025, 5, 9),
                                  changes="")
    assert refused.value.field == "changes"


@pytest.mark.parametrize("who", ["hr", "handler", "auditor", "other_manager"])
def test_only_the_manager_reports(world, who):
    with pytest.raises(PermissionDenied):
        services.structure_create(contract=world.contract, actor=getattr(world, who),
                                  effective_on=dt.date(2025, 5, 9), changes="体制")
