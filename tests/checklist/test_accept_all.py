"""Issue 7, B.13: HR accepts all remaining items with one confirmation. Items attested as not yet done, or
flagged against the app's records, stay for one-by-one review; a list that changed since the page was
opened is not accepted blind."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from checklist import services
from checklist.models import ChecklistEvent, ChecklistItem, ChecklistSide, Side
from core.errors import DomainError
from tests.checklist.helpers import attest_side, finalise_plan, item, side_items, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_app_records")]

ACCEPT, RETURN = ChecklistItem.Review.ACCEPTED, ChecklistItem.Review.RETURNED
NOT_YET_KEY = "contractor.operational.11"
RETURNED_KEY = "contractor.system.08"


def state(world) -> ChecklistSide:
    return ChecklistSide.objects.get(checklist__contract=world.contract, side=Side.CONTRACTOR)


def shown(world) -> dict[int, str]:
    return {entry.pk: services.attestation_version(entry)
            for entry in services.accept_all_candidates(side_items(world, Side.CONTRACTOR))}


@pytest.fixture
def submitted(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager, skip={NOT_YET_KEY})
    services.item_attest(item=item(world, NOT_YET_KEY), attestation=ChecklistItem.Attestation.NOT_YET,
                         note="業務終了後に返却・消去する", actor=world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    return world


def test_hr_accepts_every_remaining_in_place_item_at_once(submitted):
    world = submitted
    services.item_review(item=item(world, RETURNED_KEY), decision=RETURN, comment="根拠資料を", actor=world.hr)
    audit_before = AuditEntry.objects.count()
    accepted = services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, shown=shown(world),
                                        actor=world.hr)
    assert len(accepted) == 22  # 24, less the one sent back and the one not yet done
    assert all(item(world, entry.template_item.key).is_accepted for entry in accepted)
    assert item(world, RETURNED_KEY).is_returned
    assert item(world, NOT_YET_KEY).awaits_review  # left for one-by-one review
    assert state(world).is_submitted
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "checklist.items.accepted" and entry.payload["count"] == 22
    assert entry.payload["left_for_review"] == 1
    assert ChecklistEvent.objects.filter(kind=ChecklistEvent.Kind.ITEM_ACCEPTED).count() == 22


def test_flagged_items_are_left_for_one_by_one_review(world, without_app_records):
    """Seed: 取扱責任者及び取扱者をあらかじめ指定し、区に報告させる — attested while no manager is approved."""
    from checklist.evidence import designation_evidence
    from contracts.services import designation_revoke

    without_app_records.register("ward.operational.04", designation_evidence)
    finalise_plan(world)
    attest_side(world, Side.WARD, world.hr, skip={"ward.operational.04"})
    designation_revoke(designation=world.contract.designations.get(user=world.manager), actor=world.hr)
    services.item_attest(item=item(world, "ward.operational.04"), attestation=ChecklistItem.Attestation.IN_PLACE,
                         note="指定を報告させた", actor=world.hr)
    assert item(world, "ward.operational.04").flagged
    services.side_submit(contract=world.contract, side=Side.WARD, actor=world.hr)
    candidates = {entry.pk: services.attestation_version(entry)
                  for entry in services.accept_all_candidates(side_items(world, Side.WARD))}
    services.side_accept_all(contract=world.contract, side=Side.WARD, shown=candidates, actor=world.hr)
    assert item(world, "ward.operational.04").awaits_review
    assert sum(1 for entry in side_items(world, Side.WARD) if entry.is_accepted) == 23


def test_accepting_everything_left_makes_the_side_ready_to_lock(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, shown=shown(world), actor=world.hr)
    assert state(world).is_accepted


def test_a_list_changed_since_the_page_was_opened_is_not_accepted(submitted):
    world = submitted
    services.item_review(item=item(world, RETURNED_KEY), decision=RETURN, comment="根拠資料を", actor=world.hr)
    seen = shown(world)
    # Meanwhile the contractor corrects the item sent back: it awaits review again, unseen by this page.
    services.item_attest(item=item(world, RETURNED_KEY), attestation=ChecklistItem.Attestation.IN_PLACE,
                         note="別の内容", evidence="報告書", actor=world.manager)
    before = snapshot(world)
    with pytest.raises(DomainError, match="画面を開いた後に"):
        services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, shown=seen, actor=world.hr)
    assert snapshot(world) == before


def test_a_corrected_item_with_the_same_pk_but_a_new_attestation_is_not_taken_blind(submitted):
    world = submitted
    seen = shown(world)
    services.item_review(item=item(world, RETURNED_KEY), decision=RETURN, comment="根拠資料を", actor=world.hr)
    services.item_attest(item=item(world, RETURNED_KEY), attestation=ChecklistItem.Attestation.IN_PLACE,
                         note="書き直した", actor=world.manager)
    assert set(seen) == set(shown(world))  # the same items wait...
    with pytest.raises(DomainError, match="画面を開いた後に"):  # ...but one is not what the page showed
        services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, shown=seen, actor=world.hr)


def test_only_hr_accepts_and_only_once_submitted(world):
    from django.core.exceptions import PermissionDenied

    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    with pytest.raises(DomainError, match="確認を依頼されていない"):
        services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, shown=shown(world), actor=world.hr)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    with pytest.raises(PermissionDenied):
        services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, shown=shown(world),
                                 actor=world.manager)


def test_the_page_asks_once_and_accepts(submitted, client_as):
    world = submitted
    client = client_as(world.hr)
    url = reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "contractor"})
    page = client.get(url).content.decode()
    button = re.search(r'<button type="submit" data-confirm="([^"]*)">([^<]*)</button>', page)
    assert button is not None
    confirm, label = button.groups()
    assert label == "確認待ちの23件をすべて確認済みにする"
    assert confirm == "確認待ちの23件（実施済み）をすべて確認済みにします。よろしいですか？"
    assert "未実施・要確認の1件は含みません。1件ずつ確認してください。" in page
    data = {"shown": re.findall(r'name="shown" value="([^"]+)"', page)}
    assert len(data["shown"]) == 23

    response = client.post(reverse("checklist:side_accept_all", kwargs={"slug": world.contract.slug,
                                                                        "side": "contractor"}), data)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "23件を確認済みにしました。残りの1件（未実施・要確認）は1件ずつ確認してください。" in page
    assert item(world, NOT_YET_KEY).awaits_review
    assert "すべて確認済みにする" not in page  # nothing left that accept-all would take


def test_a_garbled_or_empty_list_is_refused_with_a_message(submitted, client_as):
    world = submitted
    client = client_as(world.hr)
    url = reverse("checklist:side_accept_all", kwargs={"slug": world.contract.slug, "side": "contractor"})
    before = snapshot(world)
    for data in ({}, {"shown": ["x@y"]}, {"shown": ["12"]}, {"shown": ["9" * 200 + "@"]}, {"shown": [""]}):
        response = client.post(url, data)
        assert response.status_code == 400, data
        page = response.content.decode()
        assert "まとめて確認済みにする項目が送られてきませんでした。画面を開き直してください。" in page, data
    assert snapshot(world) == before
