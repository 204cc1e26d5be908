"""Issue 16, item 4: the contractor's handling manager applies on a phone for a subcontractor (再委託先) and HR
approves it; the contract then shows the chain 委託先 → 再委託先."""

import pytest

from contracts.models import Subcontractor
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


def test_the_manager_applies_on_a_phone_and_hr_approves(new_page, sign_in):
    ensure_template()
    world = make_world()
    page = sign_in(new_page(**PHONE), world.manager)
    page.goto(f"/contracts/{world.contract.slug}/")
    page.get_by_role("link", name="再委託", exact=True).click()
    page.get_by_role("link", name="再委託先の承認を申請する").click()
    page.get_by_label("再委託先の名称").fill("株式会社データ入力サービス")
    page.get_by_label("所在地", exact=True).fill("東京都新宿区西新宿一丁目1番1号")
    page.get_by_label("再委託する業務の内容").fill("紙の回答用紙の入力")
    page.get_by_label("取り扱う個人情報の項目").fill("職員の所属・調査回答内容")
    page.get_by_label("取扱いの場所").fill("本社 3階 入力室")
    page.get_by_label("再委託先の取扱責任者").fill("入力 太郎")
    page.get_by_label("再委託先の取扱者").fill("入力 花子")
    # Without the confirmation that the 特記事項 and the right of inspection flow down, it is not submitted.
    page.get_by_role("button", name="区に提出する").click()
    assert page.locator(".error, .errorlist").filter(has_text="立入り調査等").first.is_visible()
    assert not Subcontractor.objects.filter(status="submitted").exists()
    page.get_by_label("特記事項及び区の立入り調査等の権限を再委託先にも負わせる契約であることを確認しました").check()
    page.get_by_role("button", name="区に提出する").click()
    assert page.get_by_text("の承認を区に申請しました").is_visible()
    assert page.get_by_text("承認待ち").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    hr = sign_in(new_page(), world.hr)
    hr.goto(f"/contracts/{world.contract.slug}/subcontracting/")
    hr.get_by_role("link", name="株式会社データ入力サービス").click()
    hr.get_by_role("button", name="承認する").click()
    assert hr.get_by_text("再委託先「株式会社データ入力サービス」を承認しました。").is_visible()
    assert hr.get_by_text("委託先A株式会社 → 再委託先 株式会社データ入力サービス").is_visible()
    sub = Subcontractor.objects.get()
    assert sub.is_approved and sub.organisation.kind == "subcontractor"

    page.goto(f"/contracts/{world.contract.slug}/subcontracting/")
    assert page.get_by_text("承認", exact=True).first.is_visible()
