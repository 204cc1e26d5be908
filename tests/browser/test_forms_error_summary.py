"""A form sent back with errors says so where the eye is: a summary at the top that takes the focus and
links each message to its field; the field is outlined and its message sits right above it. The error
of the long contract form used to sit 4,000 px below the top under 「入力内容を確認してください。」."""

import pytest

from handover import services
from handover.models import Item
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

DANGER = "rgb(164, 22, 26)"


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, summary: e.hasAttribute('data-error-summary')}; }""")


def in_viewport(locator) -> bool:
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return r.top >= 0 && r.bottom <= window.innerHeight; }")


def test_the_long_contract_form_starts_with_what_to_fix(new_page, sign_in):
    world = make_world()
    page = sign_in(new_page(viewport={"width": 1280, "height": 800}), world.hr)
    page.goto("/contracts/new/")
    page.get_by_label("件名", exact=True).fill("令和8年度 職員アンケート分析業務")
    page.get_by_role("button", name="保存する").click()

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible() and in_viewport(summary)
    assert focused(page)["summary"], "the summary takes the focus"
    assert page.title().startswith("エラー：")
    assert summary.get_by_role("heading").inner_text().startswith("入力内容を確認してください")
    # What was typed is kept; what is missing is listed, each linked to its field.
    assert page.get_by_label("件名", exact=True).input_value() == "令和8年度 職員アンケート分析業務"
    links = summary.get_by_role("link")
    assert links.count() >= 10
    assert not summary.get_by_role("link", name="件名: ").count()

    # The last field of the form is far below; its link puts the cursor in it with its label in view.
    link = summary.get_by_role("link", name="委託の期限:")
    assert link.inner_text() == "委託の期限: このフィールドは必須です。"
    link.click()
    assert focused(page)["id"] == "id_end_date"
    end_date = page.locator("#id_end_date")
    assert in_viewport(end_date) and in_viewport(page.locator("label[for=id_end_date]"))
    assert end_date.get_attribute("aria-invalid") == "true"
    message = page.locator("#id_end_date_error")
    assert message.inner_text() == "このフィールドは必須です。"
    assert "id_end_date_error" in end_date.get_attribute("aria-describedby").split()

    # An invalid field without the focus is outlined in red; a valid one is not.
    purpose = page.locator("#id_purpose")
    assert purpose.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert purpose.evaluate("e => getComputedStyle(e).outlineColor") == DANGER
    title = page.locator("#id_title")
    assert title.get_attribute("aria-invalid") is None
    assert title.evaluate("e => getComputedStyle(e).outlineStyle") == "none"


def test_a_choice_missing_on_the_phone_links_to_the_first_choice(new_page, sign_in):
    world = make_world()
    services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                           label="P-2025-001", contents="回答用紙の写し", pieces=2)
    page = sign_in(new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True), world.hr)
    page.goto(f"/handover/{world.contract.slug}/handovers/new/")
    page.get_by_label("受け取る者").select_option(index=1)
    page.get_by_role("button", name="管理簿に記録する").click()

    summary = page.locator("[data-error-summary]")
    assert focused(page)["summary"] and in_viewport(summary)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    summary.get_by_role("link", name="渡すもの:").click()
    assert focused(page)["id"] == "id_items_0"
    group = page.locator("fieldset.field.has-error")
    assert group.locator("legend").inner_text().startswith("渡すもの")
    described = group.get_attribute("aria-describedby").split()
    assert "id_items_error" in described
    assert page.locator("#id_items_error").is_visible()
    # Put right, the handover is recorded and the summary is gone.
    page.get_by_label("紙媒体 P-2025-001").check()
    page.get_by_role("button", name="管理簿に記録する").click()
    assert page.get_by_text("を管理簿に記録しました").is_visible()
    assert page.locator("[data-error-summary]").count() == 0
