"""Each role signs in with its second factor, sees its own dashboard and nothing of the other contractor."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", ["hr", "manager", "handler", "auditor", "other"])
def test_each_role_signs_in_with_totp_and_sees_only_its_contracts(new_page, sign_in, role):
    world = make_world()
    user = world.user(role)
    page = sign_in(new_page(), user)

    assert page.get_by_role("heading", name="ホーム").is_visible()
    body = page.locator("main").inner_text()
    if role == "other":
        assert "契約B" in body
        assert "契約A" not in body
        page.goto(f"/contracts/{world.contract.slug}/")
        assert page.get_by_role("heading", name="ページが見つかりません").is_visible()
    else:
        assert "契約A" in body
    if role == "hr":
        # HR sees both of its contracts.
        assert "契約B" in body


def test_enrolment_shows_a_server_drawn_qr_code_and_confirms_the_device(new_page, db):
    from django_otp.oath import TOTP

    from tests.factories import PASSWORD

    world = make_world()
    user = world.hr
    TOTPDevice.objects.filter(user=user).delete()
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/accounts/enrol/")
    assert page.locator("figure.qr svg").count() == 1
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("確認コード（6桁）").fill(f"{token:06d}")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/")
    assert page.get_by_text("二要素認証を登録しました").is_visible()
    assert TOTPDevice.objects.get(user=user).confirmed
