"""An open finding blocks locking the checklist side it concerns and closing the contract, with a link to it;
an accepted one no longer does."""

import pytest

from checklist import services as checklist
from checklist.locking import LockBlocked
from checklist.models import ChecklistSide
from contracts.closing import closing_blockers
from tests.checklist.helpers import accept_all, attest_side, finalise_plan
from tests.supervision.helpers import accept, finding, respond


def _side_accepted(world, side):
    attest_side(world, side, world.manager if side == "contractor" else world.hr)
    checklist.side_submit(contract=world.contract, side=side,
                          actor=world.manager if side == "contractor" else world.hr)
    accept_all(world, side)
    return ChecklistSide.objects.get(checklist__contract=world.contract, side=side)


@pytest.mark.django_db
def test_an_open_finding_blocks_locking_its_side_quoting_it_with_a_link(world):
    finalise_plan(world)
    found = finding(world, item_key="contractor.operational.07")
    assert _side_accepted(world, "contractor").is_accepted
    with pytest.raises(LockBlocked) as refused:
        checklist.side_lock(contract=world.contract, side="contractor", actor=world.hr)
    message = str(refused.value.message)
    assert "指摘事項 No.1「分析室の保管庫の鍵が机の上に置かれていた" in message
    assert f'href="/supervision/{world.contract.slug}/inspections/{found.inspection_id}/findings/1/"' in message
    assert not ChecklistSide.objects.get(checklist__contract=world.contract, side="contractor").is_locked


@pytest.mark.django_db
def test_a_finding_on_a_contractor_item_leaves_the_ward_side_free(world):
    finalise_plan(world)
    finding(world, item_key="contractor.operational.07")
    _side_accepted(world, "ward")
    assert checklist.side_lock(contract=world.contract, side="ward", actor=world.hr).is_locked


@pytest.mark.django_db
def test_a_finding_without_an_item_blocks_both_sides(world):
    from checklist.locking import blockers

    finding(world, item_key="")
    assert len(blockers(world.contract, "ward")) == 1
    assert len(blockers(world.contract, "contractor")) == 1


@pytest.mark.django_db
def test_an_accepted_finding_unblocks_locking(world):
    finalise_plan(world)
    found = finding(world, item_key="contractor.operational.07")
    respond(world, found)
    accept(world, found)
    _side_accepted(world, "contractor")
    assert checklist.side_lock(contract=world.contract, side="contractor", actor=world.hr).is_locked


@pytest.mark.django_db
def test_the_side_page_shows_the_refusal_with_a_link_to_the_finding(world, client_as):
    finalise_plan(world)
    found = finding(world, item_key="contractor.operational.07")
    _side_accepted(world, "contractor")
    response = client_as(world.hr).post(f"/checklist/{world.contract.slug}/side/contractor/lock/")
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="/supervision/{world.contract.slug}/inspections/{found.inspection_id}/findings/1/">' in html


@pytest.mark.django_db
def test_an_open_finding_blocks_closing_and_an_accepted_one_does_not(world):
    found = finding(world, item_key="ward.operational.02")
    texts = [b.text for b in closing_blockers(world.contract)]
    assert any("指摘事項 No.1" in text and "対応が完了していません" in text for text in texts)
    respond(world, found)
    assert any("指摘事項 No.1" in b.text and "確認待ち" in b.text for b in closing_blockers(world.contract))
    accept(world, found)
    assert not any("指摘事項" in b.text for b in closing_blockers(world.contract))
