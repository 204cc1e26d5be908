"""Two HR staff reviewing the same item at the same moment: one decision stands, the other is told why."""

import threading

import pytest
from django.db import connection, connections

from audit.models import AuditEntry
from checklist import services
from checklist.models import ChecklistItem, Side
from contracts.roles import HR_GROUP
from contracts.services import membership_grant
from core.errors import DomainError
from tests.checklist.helpers import attest_side, ensure_template, finalise_plan, item
from tests.factories import make_user, make_world

KEY = "contractor.operational.01"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reviews_of_one_item_give_one_decision_and_one_message():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks across two connections")
    ensure_template()
    world = make_world()
    second_hr = make_user("hr2", world.ward, display_name="高橋 次郎", groups=[HR_GROUP])
    membership_grant(contract=world.contract, user=second_hr, role="hr", actor=world.hr)
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def attempt(user, decision):
        try:
            barrier.wait(timeout=10)
            services.item_review(item=ChecklistItem.objects.get(pk=item(world, KEY).pk), decision=decision,
                                 comment="根拠資料を追加してください", actor=user)
            results[user.username] = "ok"
        except DomainError as error:
            results[user.username] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=args) for args in (
        (world.hr, ChecklistItem.Review.ACCEPTED), (second_hr, ChecklistItem.Review.RETURNED))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(results.values(), key=lambda r: r != "ok")
    assert outcomes[0] == "ok", results
    assert isinstance(outcomes[1], DomainError) and "確認の対象ではありません" in outcomes[1].message, results
    reviewed = item(world, KEY)
    assert reviewed.review != ChecklistItem.Review.NONE
    assert AuditEntry.objects.filter(action__in=["checklist.item.accepted", "checklist.item.returned"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_accept_all_racing_a_correction_never_accepts_what_hr_did_not_see(monkeypatch):
    """HR presses 「すべて確認済みにする」 while the contractor saves his correction of the item she sent back:
    whichever comes first, the correction is never accepted unseen."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks across two connections")
    from core import evidence

    monkeypatch.setattr(evidence, "_providers", {})  # no item flagged: accept-all would take every one
    ensure_template()
    world = make_world()
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    returned_key = "contractor.system.08"
    services.item_review(item=item(world, returned_key), decision=ChecklistItem.Review.RETURNED,
                         comment="ログ分析の記録を", actor=world.hr)
    shown = {entry.pk: services.attestation_version(entry) for entry in services.accept_all_candidates(
        ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=Side.CONTRACTOR)
        .select_related("template_item"))}
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def attempt(name, action):
        try:
            barrier.wait(timeout=10)
            action()
            results[name] = "ok"
        except DomainError as error:
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=("accept", lambda: services.side_accept_all(
            contract=world.contract, side=Side.CONTRACTOR, shown=shown, actor=world.hr))),
        threading.Thread(target=attempt, args=("correct", lambda: services.item_attest(
            item=item(world, returned_key), attestation=ChecklistItem.Attestation.IN_PLACE, note="毎月分析",
            evidence="分析報告書", actor=world.manager))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results["correct"] == "ok", results
    corrected = item(world, returned_key)
    assert corrected.awaits_review and corrected.evidence == "分析報告書"
    if results["accept"] != "ok":  # the correction came first: the list HR saw is no longer the list
        assert "画面を開いた後に" in results["accept"].message
        assert not any(i.is_accepted for i in ChecklistItem.objects.filter(checklist__contract=world.contract))
    else:  # accept-all came first: it took the 23 HR saw, not the correction
        assert ChecklistItem.objects.filter(checklist__contract=world.contract,
                                            review=ChecklistItem.Review.ACCEPTED).count() == 23
