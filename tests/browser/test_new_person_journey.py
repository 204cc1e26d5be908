"""A new person, end to end: the manager reports him, HR approves, and he sets himself up from the e-mail.

Issue 7, B.17. The enrolment page is opened on a phone (390×844), as a link in an e-mail usually is.
"""

import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.models import Designation
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "夕焼けの多摩川を自転車で走る"


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_the_manager_reports_a_new_person_who_enrols_from_the_mail(new_page, sign_in, live_server):
    world = make_world()
    manager_page = sign_in(new_page(), world.manager)
    manager_page.goto(f"/contracts/{world.contract.slug}/designations/")
    report = manager_page.get_by_role("region", name="新しい方を報告する（まだ利用者登録のない方）")
    report.get_by_role("button", name="区に報告する").click()
    # Nothing typed: refused at the fields, nothing made.
    assert manager_page.get_by_role("region", name="新しい方を報告する（まだ利用者登録のない方）").get_by_label(
        "氏名").get_attribute("aria-invalid") == "true"
    assert not Designation.objects.filter(new_account=True).exists()
    report = manager_page.get_by_role("region", name="新しい方を報告する（まだ利用者登録のない方）")
    report.get_by_label("氏名").fill("分析 次郎")
    report.get_by_label("メールアドレス").fill("jiro.bunseki@example.co.jp")
    report.get_by_label("区分").select_option(label="取扱者")
    report.get_by_label("担当業務").fill("集計・分析")
    report.get_by_role("button", name="区に報告する").click()
    assert manager_page.get_by_text("新しい方の指定を区に報告しました。").is_visible()
    designation = Designation.objects.get(new_account=True)

    hr_page = sign_in(new_page(), world.hr)
    hr_page.get_by_role("link", name="取扱者指定の承認待ち: 分析 次郎（取扱者）").click()
    row = hr_page.locator(f"#designation-{designation.pk}")
    assert row.get_by_text("jiro.bunseki@example.co.jp").is_visible()
    assert row.get_by_text("新しい方（承認するとアカウントを作成）").is_visible()
    assert hr_page.get_by_role("button", name="指定を登録する（紙の報告を入力）", exact=True).is_visible()
    row.get_by_role("button", name="承認する").click()
    assert hr_page.get_by_text("本人に利用開始の案内メール（72時間有効のリンク）を送りました。").is_visible()
    assert hr_page.locator(f"#designation-{designation.pk}").get_by_text("利用開始の手続き待ち").is_visible()

    message = mail.outbox[-1]
    assert message.to == ["jiro.bunseki@example.co.jp"]
    link = re.search(r"https?://\S+/accounts/welcome/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/{path}")
    phone.wait_for_url("**/accounts/welcome/")
    assert phone.get_by_role("heading", name="利用開始の手続き").is_visible()
    # Opening the link shows only a button (a mail scanner's visit takes nothing); pressing it shows the QR code.
    assert phone.locator("figure.qr").count() == 0
    phone.get_by_role("button", name="登録を始める").click()
    phone.locator("figure.qr").wait_for()
    assert phone.get_by_text("jiro.bunseki", exact=True).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    person = designation.user
    phone.get_by_label("パスワード", exact=True).fill("ZZZZZZZZZZZZ")
    phone.get_by_label("パスワード（確認のためもう一度）").fill("ZZZZZZZZZZZZ")
    phone.get_by_label("確認コード（6桁）").fill(_code(person))
    phone.get_by_role("button", name="設定して利用を始める").click()
    assert phone.get_by_text("同じ文字の繰り返しや、連続した文字（abcd、1234 など）だけのパスワードは使えません。",
                             exact=True).first.is_visible()
    phone.get_by_label("パスワード", exact=True).fill(PASSWORD)
    phone.get_by_label("パスワード（確認のためもう一度）").fill(PASSWORD)
    phone.get_by_label("確認コード（6桁）").fill(_code(person))
    phone.get_by_role("button", name="設定して利用を始める").click()
    assert phone.get_by_text("利用の準備ができました。").is_visible()
    assert phone.get_by_text("契約A").first.is_visible()

    # The link is spent.
    other = new_page()
    other.goto(f"{live_server.url}/{path}")
    assert other.get_by_text("このリンクはすでに使われています。").is_visible()

    hr_page.reload()
    assert hr_page.locator(f"#designation-{designation.pk}").get_by_text("利用開始の手続き待ち").count() == 0
