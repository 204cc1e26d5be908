"""Issue 14 E.14: on a phone, the contractor follows the dashboard's link to the item HR sent back and lands on
it; the items already settled (確認済み, 対象外) are folded to their number and control, so the page is not
13,000px of what needs nothing."""

import pytest

from checklist import services
from checklist.models import ChecklistItem, Side
from tests.checklist.helpers import attest_side, ensure_template, finalise_plan, item
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
RETURNED_KEY = "contractor.operational.09"


def _one_item_sent_back():
    ensure_template()
    world = make_world()
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.item_review(item=item(world, RETURNED_KEY), decision=ChecklistItem.Review.RETURNED,
                         comment="根拠資料の版を書いてください", actor=world.hr)
    for entry in ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=Side.CONTRACTOR,
                                              review=ChecklistItem.Review.NONE, mark="planned"):
        services.item_review(item=entry, decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    return world


def test_the_link_lands_on_the_item_sent_back_and_settled_items_are_folded(new_page, sign_in):
    world = _one_item_sent_back()
    page = sign_in(new_page(**PHONE), world.manager)
    page.get_by_role("link", name="差し戻された項目があります").click()
    anchor = item(world, RETURNED_KEY).template_item.anchor
    page.wait_for_url(f"**#{anchor}")
    target = page.locator(f"#{anchor}")
    box = target.bounding_box()
    assert 0 <= box["y"] < 844, box  # the item is on the screen, not 6,000px below it
    assert target.get_by_label("実施内容・未実施の理由").is_visible()

    folded = page.evaluate("document.documentElement.scrollHeight")
    accepted = page.locator("tbody.checklist-item.settled")
    assert accepted.count() > 20
    for i in (0, 5, accepted.count() - 1):
        assert accepted.nth(i).bounding_box()["height"] < 160, accepted.nth(i).bounding_box()
        assert accepted.nth(i).locator(".checklist-settled-badge").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    page.get_by_role("link", name="すべての項目を詳しく表示する").click()
    full = page.evaluate("document.documentElement.scrollHeight")
    assert folded < full / 2, (folded, full)
    assert page.locator("tbody.checklist-item.settled").first.get_by_text("社内規程").is_visible()
