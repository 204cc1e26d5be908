"""After the plan is finalised, HR revises it with a reason (ー needs its own reason), the history shows
the new revision, and HR records the ward side's measures."""

import pytest

from checklist.models import Checklist
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

# 再委託先がある場合には…立入り調査等を実施するよう指導する: not needed where there is no subcontractor.
SUBCONTRACT_KEY = "ward.operational.03"


def test_hr_revises_the_finalised_plan_sees_the_history_and_attests_a_ward_item(new_page, sign_in):
    ensure_template()
    world = make_world()
    slug = world.contract.slug
    hr = sign_in(new_page(), world.hr)
    hr.on("dialog", lambda dialog: dialog.accept())
    hr.goto(f"/checklist/{slug}/plan/")
    hr.get_by_role("button", name="すべて「○」にする").click()
    hr.get_by_role("button", name="下書きを保存する").click()
    hr.get_by_role("button", name="計画を確定する").click()
    assert hr.get_by_text("計画を確定しました。").is_visible()

    # Revising: ー without a reason is refused at the item, and nothing changes.
    hr.goto(f"/checklist/{slug}/plan/")
    row = hr.locator("#plan-item-" + SUBCONTRACT_KEY.replace(".", "-"))
    not_needed = row.get_by_label("ー 不要（理由を記入）", exact=True)  # the mark says what it means
    not_needed.check()
    hr.get_by_label("変更の理由").fill("再委託を行わないことが契約で確認できたため")
    hr.get_by_role("button", name="計画を変更する").click()
    assert row.locator(".error").first.is_visible()
    checklist = Checklist.objects.get(contract=world.contract)
    assert checklist.plan_revision == 1
    not_needed.check()
    row.locator("input[type=text]").fill("再委託なし（契約書第5条）")
    hr.get_by_role("button", name="計画を変更する").click()
    checklist.refresh_from_db()
    assert checklist.plan_revision == 2

    hr.goto(f"/checklist/{slug}/history/")
    assert hr.get_by_role("heading", name="チェックリストの履歴").is_visible()
    assert hr.get_by_text("再委託を行わないことが契約で確認できたため").first.is_visible()
    assert hr.get_by_text("第2版").first.is_visible()

    # HR records a ward-side measure as in place.
    hr.goto(f"/checklist/{slug}/side/ward/")
    item = hr.locator("#item-ward-operational-04")
    item.get_by_label("実施済み", exact=True).check()
    item.get_by_label("実施内容・未実施の理由").fill("取扱者指定を承認済み（アプリの記録のとおり）")
    with hr.expect_navigation():
        hr.get_by_role("button", name="記入した内容をすべて保存する").click()
    assert hr.locator("#item-ward-operational-04").get_by_text("実施済み").first.is_visible()
