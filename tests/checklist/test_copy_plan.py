"""Issue 7, B.15: copying a contract to the next year carries "the checklist plan as a draft to finalise
again" (journeys, April: HR copies last year's contract and marks the two checklists ○/ー).
``plan_carry_over`` is what ``contracts.services.contract_copy_to_next_year`` calls; the copy's one audit
entry records it (see tests/contracts/test_copy_next_year.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from checklist import services
from checklist.models import Checklist, ChecklistEvent, ChecklistItem, Mark, Side
from core.errors import DomainError
from tests.checklist.helpers import attest_side, finalise_plan
from tests.factories import make_contract

pytestmark = pytest.mark.django_db

NOT_NEEDED = {"ward.operational.03": (Mark.NOT_NEEDED, "再委託を認めない契約のため")}


def next_year(world, *, previous=True):
    copy = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-a-2026",
                         title="契約A", fiscal_year=2026)
    if previous:
        copy.previous = world.contract
        copy.save(update_fields=["previous"])
    return copy


def test_the_plan_arrives_as_a_draft_with_the_same_marks_and_reasons(world):
    finalise_plan(world, **NOT_NEEDED)
    attest_side(world, Side.CONTRACTOR, world.manager)
    target = next_year(world)

    assert services.plan_carry_over(contract=target, actor=world.hr) == 48

    checklist = Checklist.objects.get(contract=target)
    assert checklist.is_draft and checklist.plan_revision == 0
    items = {i.template_item.key: i for i in ChecklistItem.objects.filter(checklist=checklist)
             .select_related("template_item")}
    assert len(items) == 48
    carried = items["ward.operational.03"]
    assert (carried.mark, carried.mark_reason) == NOT_NEEDED["ward.operational.03"]
    assert sum(1 for i in items.values() if i.is_planned) == 47
    # The year's own work is not carried.
    assert not any(i.is_attested for i in items.values())
    assert {side.status for side in checklist.sides.all()} == {"open"}
    # ...and HR finalises it again for this year's council, as in April.
    services.plan_finalise(contract=target, actor=world.hr)
    assert Checklist.objects.get(contract=target).is_finalised


def test_the_history_says_where_the_plan_came_from_and_the_copy_writes_the_audit_entry(world):
    finalise_plan(world)
    target = next_year(world)
    before = AuditEntry.objects.count()
    services.plan_carry_over(contract=target, actor=world.hr)
    # No entry of its own: the contract copy that calls it writes the one entry for the whole copy.
    assert AuditEntry.objects.count() == before
    event = ChecklistEvent.objects.get(checklist__contract=target)
    assert event.kind == ChecklistEvent.Kind.PLAN_SAVED and event.actor == world.hr
    assert event.text == "前年度（令和7年度）の確定した計画を下書きとして引き継ぎました。"
    assert len(event.detail["changes"]) == 48 and event.detail["copied_from"] == "contract-a"


def test_a_plan_never_finalised_is_not_carried(world):
    services.plan_save(contract=world.contract, marks={"ward.operational.01": (Mark.PLANNED, "")}, actor=world.hr)
    target = next_year(world)
    assert services.plan_carry_over(contract=target, actor=world.hr) == 0
    assert not Checklist.objects.filter(contract=target).exists()


def test_a_plan_already_there_is_not_overwritten(world):
    finalise_plan(world)
    target = next_year(world)
    services.plan_save(contract=target, marks={"ward.operational.01": (Mark.NOT_NEEDED, "今年は不要")}, actor=world.hr)
    with pytest.raises(DomainError, match="すでにチェックリストの計画があります"):
        services.plan_carry_over(contract=target, actor=world.hr)
    kept = ChecklistItem.objects.get(checklist__contract=target, template_item__key="ward.operational.01")
    assert (kept.mark, kept.mark_reason) == (Mark.NOT_NEEDED, "今年は不要")
    assert ChecklistItem.objects.filter(checklist__contract=target).exclude(mark="").count() == 1


def test_only_hr_carries_a_plan_and_only_from_last_year(world):
    finalise_plan(world)
    target = next_year(world)
    for actor in (world.manager, world.auditor, world.other_manager):
        with pytest.raises(PermissionDenied):
            services.plan_carry_over(contract=target, actor=actor)
    orphan = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-c",
                           title="契約C", fiscal_year=2026)
    with pytest.raises(DomainError, match="前年度の契約がない"):
        services.plan_carry_over(contract=orphan, actor=world.hr)
    assert not Checklist.objects.filter(contract__in=[target, orphan]).exists()
