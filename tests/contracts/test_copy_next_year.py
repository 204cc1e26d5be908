"""Copying a recurring contract into the next fiscal year (付議事項: 「次年度以降も、同様の業務委託を行う。」).

Issue 7, B.15: the copy first shows what it carries — the auditors' access, the checklist plan as a draft to
finalise again, the designations as reports waiting for approval — then copies exactly that. A.8: copying a
non-recurring contract was allowed by the service, and one copy wrote two audit entries.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from checklist.models import Checklist, ChecklistEvent, Mark
from contracts import services
from contracts.models import Contract, Designation
from contracts.permissions import can
from core.errors import DomainError
from tests.checklist.helpers import finalise_plan
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOT_NEEDED_KEY = "ward.operational.03"


def _copy(world, **selection):
    return services.contract_copy_to_next_year(contract=world.contract, actor=world.hr, **selection)


def test_the_copy_is_the_next_fiscal_year_a_year_later(world):
    copy = _copy(world)
    assert (copy.fiscal_year, copy.start_date, copy.end_date) == (2026, dt.date(2026, 5, 1), dt.date(2027, 3, 31))
    assert copy.previous == world.contract and copy.title == world.contract.title
    assert copy.status == Contract.Status.DRAFT
    assert not any(step.is_done for step in copy.steps.all())
    assert copy.slug.startswith("2026-") and copy.slug != world.contract.slug


def test_one_copy_writes_one_audit_entry_that_says_what_was_carried(world):
    finalise_plan(world, **{NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")})
    before = AuditEntry.objects.count()
    copy = _copy(world)
    entries = AuditEntry.objects.filter(seq__gt=before)
    assert [e.action for e in entries] == ["contract.copied"]
    assert entries[0].contract == copy
    assert entries[0].payload == {"from": world.contract.slug, "slug": copy.slug, "fiscal_year": 2026,
                                       "auditors": 1, "designations": 2, "plan_items": 48}


def test_auditors_keep_reading_the_new_year(world):
    copy = _copy(world)
    assert can(world.auditor, copy, "audit")
    assert copy.memberships.filter(user=world.auditor, role="auditor", revoked_at__isnull=True).count() == 1


def test_designations_are_carried_as_reports_waiting_for_the_wards_approval(world):
    copy = _copy(world)
    carried = {d.user.username: d for d in copy.designations.all()}
    assert set(carried) == {"manager_a", "handler_a"}
    assert all(d.status == Designation.Status.REPORTED for d in carried.values())
    assert carried["handler_a"].carried_from == world.contract.designations.get(user=world.handler)
    # Waiting: last year's people do nothing on the new year until the ward approves them again.
    assert not can(world.handler, copy, "view")
    services.designation_approve(designation=carried["handler_a"], actor=world.hr)
    assert can(world.handler, copy, "receive")


def test_the_plan_is_carried_as_a_draft_to_finalise_again(world):
    finalise_plan(world, **{NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")})
    copy = _copy(world)
    checklist = Checklist.objects.get(contract=copy)
    assert checklist.is_draft and checklist.plan_revision == 0
    not_needed = checklist.items.get(template_item__key=NOT_NEEDED_KEY)
    assert (not_needed.mark, not_needed.mark_reason) == (Mark.NOT_NEEDED, "再委託なし")
    assert checklist.items.filter(mark=Mark.PLANNED).count() == 47
    event = ChecklistEvent.objects.get(checklist=checklist)
    assert "前年度（令和7年度）の確定した計画を下書きとして引き継ぎました。" == event.text


def test_only_what_was_ticked_is_carried(world):
    finalise_plan(world)
    manager = world.contract.designations.get(user=world.manager)
    copy = _copy(world, memberships=[], designations=[manager.pk], carry_plan=False)
    assert not copy.memberships.filter(role="auditor").exists()
    assert [d.user for d in copy.designations.all()] == [world.manager]
    assert not Checklist.objects.filter(contract=copy).exists()


def test_what_changed_since_the_preview_is_refused_and_nothing_is_made(world):
    handler = world.contract.designations.get(user=world.handler)
    services.designation_revoke(designation=handler, actor=world.hr, note="退職")
    with pytest.raises(DomainError, match="確認したときから変わっています") as refused:
        _copy(world, designations=[handler.pk])
    assert refused.value.field == "designations"
    assert not Contract.objects.filter(previous=world.contract).exists()


def test_people_who_left_or_were_revoked_are_not_offered(world):
    services.designation_revoke(designation=world.contract.designations.get(user=world.handler), actor=world.hr)
    leaver = make_user("leaver", world.contractor)
    services.designation_approve(
        designation=services.designation_report(contract=world.contract, user=leaver, kind="handler",
                                                actor=world.hr), actor=world.hr)
    leaver.is_active = False
    leaver.save()
    from contracts.selectors import copy_preview

    assert [d.user for d in copy_preview(world.contract).designations] == [world.manager]


def test_a_contract_that_does_not_recur_cannot_be_copied_even_by_the_service(world):
    Contract.objects.filter(pk=world.contract.pk).update(recurring=False)
    world.contract.refresh_from_db()
    with pytest.raises(DomainError, match="次年度以降も同様の委託を行う"):
        _copy(world)
    assert not Contract.objects.filter(previous=world.contract).exists()


def test_a_second_copy_is_refused(world):
    _copy(world)
    with pytest.raises(DomainError, match="翌年度（令和8年度）の契約はすでにあります。"):
        _copy(world)
    assert Contract.objects.filter(previous=world.contract).count() == 1


def test_only_hr_of_the_contract_copies_it(world):
    for person in (world.manager, world.auditor):
        with pytest.raises(PermissionDenied):
            services.contract_copy_to_next_year(contract=world.contract, actor=person)
    assert not Contract.objects.filter(previous=world.contract).exists()


def test_the_preview_page_shows_what_is_carried_before_anything_is_made(world, client_as):
    finalise_plan(world, **{NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")})
    client = client_as(world.hr)
    response = client.get(reverse("contracts:copy", args=[world.contract.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("令和8年度", "令和8年5月1日から令和9年3月31日まで", "鈴木 一郎", "田中 誠・取扱責任者",
                  "山田 美咲・取扱者", "○ 47項目・ー 1項目", "「報告済み（承認待ち）」として写します"):
        assert shown in page, shown
    assert not Contract.objects.filter(previous=world.contract).exists()

    # Untick the auditor and the plan; exactly the rest is copied.
    handler = world.contract.designations.get(user=world.handler)
    manager = world.contract.designations.get(user=world.manager)
    response = client.post(reverse("contracts:copy", args=[world.contract.slug]),
                           {"designations": [handler.pk, manager.pk]})
    copy = Contract.objects.get(previous=world.contract)
    assert response.status_code == 302 and response.url == reverse("contracts:edit", args=[copy.slug])
    assert copy.designations.count() == 2
    assert not copy.memberships.filter(role="auditor").exists()
    assert not Checklist.objects.filter(contract=copy).exists()


def test_the_page_offers_no_copy_for_a_contract_that_does_not_recur(world, client_as):
    Contract.objects.filter(pk=world.contract.pk).update(recurring=False)
    client = client_as(world.hr)
    detail = client.get(reverse("contracts:detail", args=[world.contract.slug])).content.decode()
    assert "翌年度の契約としてコピーする" not in detail
    page = client.get(reverse("contracts:copy", args=[world.contract.slug])).content.decode()
    assert "翌年度にコピーできません" in page and "の契約を作成する" not in page
    response = client.post(reverse("contracts:copy", args=[world.contract.slug]), {})
    assert response.status_code == 400
    assert not Contract.objects.filter(previous=world.contract).exists()
