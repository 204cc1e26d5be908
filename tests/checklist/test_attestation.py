"""Attestation and review: the contractor's manager attests its side, HR reviews item by item and
locks; HR records the ward side the same way. Refused actions leave every row as it was."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from checklist import services
from checklist.models import ChecklistItem, ChecklistSide, Mark, Side
from core.dashboard import waiting_for
from core.errors import DomainError
from tests.checklist.helpers import (
    accept_all,
    attest_data,
    attest_side,
    attest_url,
    finalise_plan,
    item,
    side_items,
    snapshot,
)

pytestmark = pytest.mark.django_db

IN_PLACE = ChecklistItem.Attestation.IN_PLACE
NOT_YET = ChecklistItem.Attestation.NOT_YET
ACCEPT = ChecklistItem.Review.ACCEPTED
RETURN = ChecklistItem.Review.RETURNED
C1 = "contractor.operational.01"
W1 = "ward.operational.01"


def state(world, side) -> ChecklistSide:
    return ChecklistSide.objects.get(checklist__contract=world.contract, side=side)


def test_nothing_is_attested_before_the_plan_is_finalised(world):
    services.plan_save(contract=world.contract, marks={}, actor=world.hr)
    with pytest.raises(DomainError, match="計画を確定するまで"):
        services.item_attest(item=item(world, C1), attestation=IN_PLACE, note="実施", actor=world.manager)


def test_the_full_round_send_back_fix_resubmit_accept_lock(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    assert state(world, Side.CONTRACTOR).is_submitted

    services.item_review(item=item(world, C1), decision=RETURN, comment="特記事項の写しを添付してください", actor=world.hr)
    accept_all(world, Side.CONTRACTOR)
    side = state(world, Side.CONTRACTOR)
    assert side.status == ChecklistSide.Status.RETURNED
    assert item(world, C1).review_comment == "特記事項の写しを添付してください"

    services.item_attest(item=item(world, C1), attestation=IN_PLACE, note="特記事項を遵守", evidence="契約書の写し",
                         actor=world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    assert state(world, Side.CONTRACTOR).submission_count == 2
    services.item_review(item=item(world, C1), decision=ACCEPT, actor=world.hr)
    assert state(world, Side.CONTRACTOR).is_accepted

    services.side_lock(contract=world.contract, side=Side.CONTRACTOR, actor=world.hr)
    side = state(world, Side.CONTRACTOR)
    assert side.is_locked and side.locked_by == world.hr
    accepted = item(world, C1)
    assert accepted.reviewed_by == world.hr and accepted.attested_by == world.manager


def test_hr_records_the_ward_side_the_same_way(world):
    finalise_plan(world)
    attest_side(world, Side.WARD, world.hr)
    services.side_submit(contract=world.contract, side=Side.WARD, actor=world.hr)
    accept_all(world, Side.WARD)
    services.side_lock(contract=world.contract, side=Side.WARD, actor=world.hr)
    assert state(world, Side.WARD).is_locked
    assert state(world, Side.CONTRACTOR).status == ChecklistSide.Status.OPEN


def test_not_yet_needs_a_reason_and_cannot_be_accepted(world):
    finalise_plan(world)
    with pytest.raises(DomainError) as refused:
        services.item_attest(item=item(world, C1), attestation=NOT_YET, note="", actor=world.manager)
    assert refused.value.field == "note"
    with pytest.raises(DomainError):
        services.item_attest(item=item(world, C1), attestation=IN_PLACE, note="", evidence="", actor=world.manager)
    assert item(world, C1).attestation == ChecklistItem.Attestation.BLANK

    attest_side(world, Side.CONTRACTOR, world.manager, skip={"contractor.operational.11"})
    services.item_attest(item=item(world, "contractor.operational.11"), attestation=NOT_YET,
                         note="業務履行後に返却・消去する", actor=world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    with pytest.raises(DomainError, match="未実施の項目は確認済みにできません"):
        services.item_review(item=item(world, "contractor.operational.11"), decision=ACCEPT, actor=world.hr)
    with pytest.raises(DomainError) as refused:
        services.item_review(item=item(world, "contractor.operational.11"), decision=RETURN, comment="",
                             actor=world.hr)
    assert refused.value.field == "comment"


def test_submitting_with_an_item_unattested_is_refused_and_names_it(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager, skip={"contractor.system.08"})
    before = snapshot(world)
    with pytest.raises(DomainError) as refused:
        services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    assert "委託事業者に行わせる対策・システム上の対策 8" in str(refused.value)
    assert snapshot(world) == before


def test_a_not_needed_item_is_not_attested(world):
    finalise_plan(world, **{"contractor.operational.03": (Mark.NOT_NEEDED, "再委託なし")})
    with pytest.raises(DomainError, match="対策の必要なし"):
        services.item_attest(item=item(world, "contractor.operational.03"), attestation=IN_PLACE, note="x",
                             actor=world.manager)
    # ...and the side can be submitted without it.
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)


def test_a_contractor_cannot_attest_the_ward_side(world, client_as):
    finalise_plan(world)
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        services.item_attest(item=item(world, W1), attestation=IN_PLACE, note="実施", actor=world.manager)
    with pytest.raises(PermissionDenied):
        services.side_submit(contract=world.contract, side=Side.WARD, actor=world.manager)
    client = client_as(world.manager)
    assert client.post(attest_url(world, "ward"), attest_data(world, {W1: (IN_PLACE, "実施", "")})).status_code == 403
    assert client.get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "ward"})).status_code == 403
    assert snapshot(world) == before


def test_a_contractor_cannot_review_or_lock(world, client_as):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        services.item_review(item=item(world, C1), decision=ACCEPT, actor=world.manager)
    with pytest.raises(PermissionDenied):
        services.side_lock(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    client = client_as(world.manager)
    url = reverse("checklist:item_review", kwargs={"slug": world.contract.slug, "pk": item(world, C1).pk})
    assert client.post(url, {"decision": ACCEPT}).status_code == 403
    url = reverse("checklist:side_lock", kwargs={"slug": world.contract.slug, "side": "contractor"})
    assert client.post(url).status_code == 403
    assert snapshot(world) == before


def test_hr_cannot_attest_for_the_contractor(world):
    finalise_plan(world)
    with pytest.raises(PermissionDenied):
        services.item_attest(item=item(world, C1), attestation=IN_PLACE, note="代理で記入", actor=world.hr)


def test_a_locked_checklist_cannot_be_changed(world, client_as):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    accept_all(world, Side.CONTRACTOR)
    services.side_lock(contract=world.contract, side=Side.CONTRACTOR, actor=world.hr)
    before = snapshot(world)
    with pytest.raises(DomainError, match="確定"):
        services.item_attest(item=item(world, C1), attestation=NOT_YET, note="やはり未実施", actor=world.manager)
    with pytest.raises(DomainError, match="確定"):
        services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    with pytest.raises(DomainError, match="確定"):
        services.item_review(item=item(world, C1), decision=RETURN, comment="再確認", actor=world.hr)
    with pytest.raises(DomainError, match="すでに確定"):
        services.side_lock(contract=world.contract, side=Side.CONTRACTOR, actor=world.hr)
    with pytest.raises(DomainError, match="確定したチェックリストの項目は変更できません"):
        services.plan_revise(contract=world.contract, marks={C1: (Mark.NOT_NEEDED, "不要")}, reason="変更",
                             actor=world.hr)
    client = client_as(world.manager)
    response = client.post(attest_url(world, "contractor"), attest_data(world, {C1: (NOT_YET, "やはり未実施", "")}))
    assert response.status_code == 400
    assert "確定したチェックリストは変更できません" in response.content.decode()
    assert snapshot(world) == before
    # The ward side, not locked, may still change its plan.
    services.plan_revise(contract=world.contract, marks={W1: (Mark.NOT_NEEDED, "不要になった")}, reason="変更",
                         actor=world.hr)


def test_locking_before_every_item_is_accepted_is_refused(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    accept_all(world, Side.CONTRACTOR, except_keys={C1})
    before = snapshot(world)
    with pytest.raises(DomainError, match="確認済みにしてから確定"):
        services.side_lock(contract=world.contract, side=Side.CONTRACTOR, actor=world.hr)
    assert snapshot(world) == before


def test_a_submitted_side_waits_for_the_review(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    with pytest.raises(DomainError, match="確認を依頼中"):
        services.item_attest(item=item(world, C1), attestation=IN_PLACE, note="追記", actor=world.manager)


def test_a_contractor_of_another_contract_gets_404(world, client_as):
    finalise_plan(world)
    entry = item(world, C1)
    client = client_as(world.other_manager)
    slug = world.contract.slug
    for url in (
        reverse("checklist:overview", kwargs={"slug": slug}),
        reverse("checklist:side", kwargs={"slug": slug, "side": "contractor"}),
        reverse("checklist:history", kwargs={"slug": slug}),
        reverse("checklist:export", kwargs={"slug": slug, "side": "contractor", "fmt": "pdf"}),
    ):
        assert client.get(url).status_code == 404, url
    before = snapshot(world)
    data = {f"item-{entry.pk}-attestation": IN_PLACE, f"item-{entry.pk}-note": "x"}
    assert client.post(reverse("checklist:side_attest", kwargs={"slug": slug, "side": "contractor"}),
                       data).status_code == 404
    # Contract A's item through contract B's page: B's manager may attest B, but A's item is not on B's
    # list, so it is not even read (and B has no plan yet).
    response = client.post(reverse("checklist:side_attest", kwargs={"slug": world.other_contract.slug,
                                                                    "side": "contractor"}), data)
    assert response.status_code == 400
    assert snapshot(world) == before


def test_attesting_while_the_app_shows_the_control_unmet_is_allowed_but_flagged(world, client_as):
    """Seed: 取扱責任者及び取扱者をあらかじめ指定させ、区に報告させる — with no approved manager the app says unmet."""
    from contracts.services import designation_revoke
    from statusreports import services as structure

    finalise_plan(world)
    # The contractor's written report of its structure, accepted: item 04's other evidence (statusreports).
    report = structure.structure_create(contract=world.contract, actor=world.manager,
                                        effective_on=world.contract.start_date, changes="契約締結時の体制")
    report = structure.structure_submit(report=report, actor=world.manager, effective_on=report.effective_on,
                                        changes=report.changes)
    structure.structure_accept(report=report, actor=world.hr)
    manager_designation = world.contract.designations.get(user=world.manager)
    key = "contractor.operational.04"
    services.item_attest(item=item(world, key), attestation=IN_PLACE, note="指定済み", actor=world.manager)
    assert not item(world, key).flagged

    # HR attests the ward's matching item after the ward withdrew the manager's approval.
    designation_revoke(designation=manager_designation, actor=world.hr)
    attested = services.item_attest(item=item(world, "ward.operational.04"), attestation=IN_PLACE,
                                    note="指定を報告させた", actor=world.hr)
    assert attested.flagged
    assert "承認された取扱責任者がいません" in attested.app_evidence
    entry = AuditEntry.objects.filter(action="checklist.item.attested").latest("seq")
    assert entry.payload["flagged"] is True
    page = client_as(world.hr).get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "ward"}))
    assert "記入時、アプリの記録では未達成でした" in page.content.decode()


def test_every_step_writes_one_audit_entry_and_one_history_row(world):
    from checklist.models import ChecklistEvent

    finalise_plan(world)
    count, events = AuditEntry.objects.count(), ChecklistEvent.objects.count()
    services.item_attest(item=item(world, C1), attestation=IN_PLACE, note="実施", actor=world.manager)
    assert (AuditEntry.objects.count(), ChecklistEvent.objects.count()) == (count + 1, events + 1)
    attest_side(world, Side.CONTRACTOR, world.manager, skip={C1})
    count, events = AuditEntry.objects.count(), ChecklistEvent.objects.count()
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.item_review(item=item(world, C1), decision=RETURN, comment="根拠を", actor=world.hr)
    assert (AuditEntry.objects.count(), ChecklistEvent.objects.count()) == (count + 2, events + 2)
    assert AuditEntry.objects.latest("seq").action == "checklist.item.returned"


def test_the_dashboard_shows_who_the_checklist_waits_for(world):
    titles = [w.title for w in waiting_for(world.hr)]
    assert any("計画（○/ー）を確定してください" in t for t in titles)
    finalise_plan(world)
    assert any("記入して提出してください" in w.title for w in waiting_for(world.manager))
    assert not any("チェックリスト" in w.title for w in waiting_for(world.handler))
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    assert any("確認依頼があります" in w.title for w in waiting_for(world.hr))
    assert not any("委託事業者" in w.title for w in waiting_for(world.manager))
    services.item_review(item=item(world, C1), decision=RETURN, comment="根拠を", actor=world.hr)
    accept_all(world, Side.CONTRACTOR)
    assert any("差し戻された項目" in w.title for w in waiting_for(world.manager))
    assert not any("差し戻" in w.title for w in waiting_for(world.other_manager))


def test_the_side_page_shows_the_review_forms_only_to_hr_once_submitted(world, client_as):
    finalise_plan(world)
    url = reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "contractor"})
    page = client_as(world.manager).get(url).content.decode()
    assert "記入した内容をすべて保存する" in page and "差し戻す" not in page
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    page = client_as(world.hr).get(url).content.decode()
    assert page.count('name="decision" value="accepted"') == len([i for i in side_items(world, Side.CONTRACTOR) if i.is_planned])
    assert "記入した内容をすべて保存する" not in page
