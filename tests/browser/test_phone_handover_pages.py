"""HR records handovers on her phone (390×844): the items, the ledger and a handover read without
scrolling sideways. Tables become one card per row, each cell led by its column's name; dates stay on
one line."""

import os

import pytest

from handover import services
from handover.models import Item, MediumKind
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
SCREENSHOTS = os.environ.get("PHONE_SCREENSHOTS")  # a directory, to look at the pages while changing the CSS


def a_year_of_handovers(world):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    disc = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=kind, label="CD-2025-001", contents="職員属性・調査回答（暗号化済み）",
                                  record_count=3012, file_name="engagement-2025.xlsx", sha256="ab" * 32)
    paper = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                   label="P-2025-001", contents="回答用紙の写し", pieces=2)
    first = services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                                     recipient=world.handler, items=[disc])
    services.handover_acknowledge(handover=first, actor=world.handler, time_confirmed=True,
                                  hashes={disc.pk: "ab" * 32})
    services.storage_record(item=disc, actor=world.handler, place="cabinet", location="分析室 キャビネットB-2",
                            locked=True)
    second = services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                                      recipient=world.handler, items=[paper])
    return first, second


def assert_fits_the_phone(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width}px wide on a 390px phone"


def lines(locator) -> float:
    """How many lines of text an element takes."""
    return locator.evaluate("e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)")


def assert_cards(page, table, name):
    """Each cell of the table is a full-width line that says which column it is."""
    cells = page.locator(f"{table} td[data-label]")
    assert cells.count() > 0, name
    for i in range(cells.count()):
        cell = cells.nth(i)
        if not cell.is_visible():
            continue
        label = cell.get_attribute("data-label")
        shown = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert shown == f'"{label}"', (name, label, shown)
        assert cell.bounding_box()["width"] >= 300, (name, label, "squeezed into a column")


def test_hr_reads_items_ledger_and_a_handover_on_her_phone(new_page, sign_in):
    world = make_world()
    first, _second = a_year_of_handovers(world)
    page = sign_in(new_page(**PHONE), world.hr)
    assert_fits_the_phone(page, "dashboard")

    page.goto(f"/handover/{world.contract.slug}/items/")
    assert_fits_the_phone(page, "items")
    assert_cards(page, "table.handover-items", "items")
    # The label reads as a label, not one character per line.
    label = page.locator("table.handover-items td[data-label]").filter(has_text="CD-2025-001").first
    assert lines(label) < 1.6
    assert page.get_by_role("link", name="CD-2025-001").is_visible()

    page.goto(f"/handover/{world.contract.slug}/ledger/")
    assert_fits_the_phone(page, "ledger")
    assert_cards(page, "table.ledger", "ledger")
    when = page.locator("table.ledger td[data-label='受渡し日時']").first
    assert lines(when) < 1.6

    page.goto("/handover/")
    assert_fits_the_phone(page, "ledger-all")
    assert_cards(page, "table.ledger", "ledger across contracts")

    page.goto(f"/handover/{world.contract.slug}/handovers/{first.pk}/")
    assert_fits_the_phone(page, "handover")
    # The dates used to break over three lines beside a 16rem column of headings: now each value has the
    # width of the phone, and the handover time reads on one line.
    values = page.locator("dl.fields dd")
    assert values.count() >= 6
    for i in range(values.count()):
        assert values.nth(i).bounding_box()["width"] >= 300
    assert lines(page.locator("dl.fields dt:text-is('受渡し日時') + dd")) < 1.6
    assert_cards(page, "table.data", "handover lines")


def test_the_recipient_acknowledges_on_her_phone(new_page, sign_in):
    world = make_world()
    _first, second = a_year_of_handovers(world)
    page = sign_in(new_page(**PHONE), world.handler)
    page.goto(f"/handover/{world.contract.slug}/handovers/{second.pk}/")
    assert_fits_the_phone(page, "acknowledge")
    time = page.get_by_label("記録された受渡し日時")
    assert time.bounding_box()["x"] + time.bounding_box()["width"] <= 390
    time.check()
    button = page.get_by_role("button", name="受け取りました（受領確認）")
    assert button.bounding_box()["width"] <= 390
    button.click()
    assert page.get_by_text("受領確認をしました").first.is_visible()
    assert_fits_the_phone(page, "acknowledged")
