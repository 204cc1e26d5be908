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
