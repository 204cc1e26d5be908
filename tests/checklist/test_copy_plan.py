"""Issue 7, B.15: copying a contract to the next year carries "the checklist plan as a draft to finalise
again" (journeys, April: HR copies last year's contract and marks the two checklists ○/ー).
``checklist_copy_plan`` is what the contract copy calls."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from checklist import services
from checklist.models import Checklist, ChecklistEvent, ChecklistItem, Mark
from core.errors import DomainError
from tests.checklist.helpers import attest_side, finalise_plan, item
from tests.factories import make_contract

pytestmark = pytest.mark.django_db

NOT_NEEDED = {"ward.operational.03": (Mark.NOT_NEEDED, "再委託を認めない契約のため")}


def next_year(world):
    return make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-a-2026",
                         title="契約A", fiscal_year=2026)


def test_the_plan_arrives_as_a_draft_with_the_same_marks_and_reasons(world):
    finalise_plan(world, **NOT_NEEDED)
    attest_side(world, "contractor", world.manager)
    target = next_year(world)

    checklist = services.checklist_copy_plan(source_contract=world.contract, target_contract=target, actor=world.hr)

    assert checklist.is_draft and checklist.plan_revision == 0
    items = {i.template_item.key: i for i in ChecklistItem.objects.filter(checklist=checklist)
             .select_related("template_item")}
    assert len(items) == 48
    assert (items["ward.operational.03"].mark, items["ward.operational.03"].mark_reason) == NOT_NEEDED[
        "ward.operational.03"]
    assert sum(1 for i in items.values() if i.is_planned) == 47
    # The year's own work is not carried.
    assert not any(i.is_attested for i in items.values())
    assert {side.status for side in checklist.sides.all()} == {"open"}
    # ...and HR finalises it again for the council, as in April.
    services.plan_finalise(contract=target, actor=world.hr)
    assert Checklist.objects.get(contract=target).is_finalised


def test_the_copy_is_on_the_record(world):
    finalise_plan(world)
    target = next_year(world)
    before = AuditEntry.objects.count()
    checklist = services.checklist_copy_plan(source_contract=world.contract, target_contract=target, actor=world.hr)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "checklist.plan.copied" and entry.contract_id == target.pk
    assert entry.payload["copied_from"] == "contract-a" and entry.payload["from_fiscal_year"] == 2025
    event = ChecklistEvent.objects.get(checklist=checklist)
    assert event.kind == ChecklistEvent.Kind.PLAN_SAVED and event.text == "令和7年度の計画を下書きとしてコピー"


def test_a_draft_plan_is_carried_as_it_stands(world):
    services.plan_save(contract=world.contract, marks={"ward.operational.01": ("planned", "")}, actor=world.hr)
    target = next_year(world)
    checklist = services.checklist_copy_plan(source_contract=world.contract, target_contract=target, actor=world.hr)
    marked = ChecklistItem.objects.filter(checklist=checklist).exclude(mark="")
    assert [i.template_item.key for i in marked.select_related("template_item")] == ["ward.operational.01"]


def test_nothing_to_carry_without_a_plan(world):
    target = next_year(world)
    assert services.checklist_copy_plan(source_contract=world.contract, target_contract=target, actor=world.hr) is None
    assert not Checklist.objects.filter(contract=target).exists()


def test_a_plan_already_there_is_not_overwritten(world):
    finalise_plan(world)
    target = next_year(world)
    services.plan_save(contract=target, marks={"ward.operational.01": (Mark.NOT_NEEDED, "今年は不要")}, actor=world.hr)
    with pytest.raises(DomainError, match="すでにチェックリストの計画があります"):
        services.checklist_copy_plan(source_contract=world.contract, target_contract=target, actor=world.hr)
    kept = ChecklistItem.objects.get(checklist__contract=target, template_item__key="ward.operational.01")
    assert (kept.mark, kept.mark_reason) == (Mark.NOT_NEEDED, "今年は不要")
    assert ChecklistItem.objects.filter(checklist__contract=target).exclude(mark="").count() == 1


def test_only_hr_of_both_contracts_copies(world):
    finalise_plan(world)
    target = next_year(world)
    for actor in (world.manager, world.auditor, world.other_manager):
        with pytest.raises(PermissionDenied):
            services.checklist_copy_plan(source_contract=world.contract, target_contract=target, actor=actor)
    with pytest.raises(DomainError):
        services.checklist_copy_plan(source_contract=world.contract, target_contract=world.contract, actor=world.hr)
    assert not Checklist.objects.filter(contract=target).exists()
    assert item(world, "ward.operational.01").is_planned
