"""Issue 16, item 6: the contractor's handling manager, on a phone, files the firm's information security
environment (where the data is kept and the eleven system measures) with its ISMS certificate, and HR accepts
it; the contractor's system items then read it."""

import pytest

from core.evidence import evidence_for
from environment.models import SYSTEM_ITEMS, Certificate, EnvironmentProfile
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_manager_files_the_environment_on_a_phone_and_hr_accepts(new_page, sign_in, tmp_path):
    ensure_template()
    world = make_world()
    page = sign_in(new_page(**PHONE), world.manager)
    page.goto(f"/contracts/{world.contract.slug}/")
    page.get_by_role("link", name="委託先の情報セキュリティ環境").click()
    page.get_by_label("組織").select_option(label="委託先A株式会社")
    page.get_by_role("button", name="届出を作成する").click()
    assert page.get_by_text("環境の届出を作成しました").is_visible()
    page.get_by_label("処理・保管の場所").select_option(label="データセンター")
    page.get_by_label("施設の名称・所在地").fill("東京都内のデータセンター")
    for number, label in SYSTEM_ITEMS.items():
        page.get_by_label(f"s{number} {label}", exact=True).select_option(label="実施している")
        page.get_by_label(f"s{number} の具体的な内容（実施していない・該当しないときはその理由）").fill(
            f"s{number} の対策を実施")
    page.get_by_role("button", name="保存する").click()
    assert page.get_by_text("届出を保存しました").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="認証を登録する").click()
    page.get_by_label("ISMS（ISO/IEC 27001）").check()
    page.get_by_label("登録番号").fill("IS 654321")
    page.get_by_label("認証機関").fill("テスト認証機構")
    page.get_by_label("有効期間（開始）").fill("2024-04-01")
    page.get_by_label("有効期間（終了）").fill("2027-03-31")
    scan = tmp_path / "ISMS登録証.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("認証の登録証（PDF・画像）").set_input_files(str(scan))
    page.get_by_role("button", name="登録する").click()
    assert page.get_by_text("ISMS（ISO/IEC 27001） 登録番号 IS 654321 を登録しました。").is_visible()
    assert page.get_by_text("ISMS登録証.pdf").first.is_visible()
    page.get_by_role("button", name="区に提出する").click()
    assert page.get_by_text("届出を区に提出しました").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    profile = EnvironmentProfile.objects.get(organisation=world.contractor)
    hr = sign_in(new_page(), world.hr)
    hr.goto("/")
    hr.get_by_role("link", name="委託先A株式会社の情報セキュリティ環境の届出を確認してください（受理または差戻し）").click()
    hr.get_by_label("受理する").check()
    hr.get_by_role("button", name="確認の結果を記録する").click()
    assert hr.get_by_text("届出を受理しました").is_visible()
    profile.refresh_from_db()
    assert profile.is_accepted
    assert Certificate.objects.get(profile=profile).covers == list(SYSTEM_ITEMS)
    [found] = evidence_for(world.contract, "contractor.system.04")
    assert found.met is True and any(f.name == "ISMS登録証.pdf" for f in found.files)
