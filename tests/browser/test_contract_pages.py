"""Main paths of the contract, designation, audit and password pages, in Chromium."""

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from contracts.models import Contract, Designation
from tests.factories import make_user, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_registers_a_contract_then_edits_it_and_marks_a_step(new_page, sign_in):
    world = make_world()
    page = sign_in(new_page(), world.hr)
    page.get_by_role("link", name="委託契約", exact=True).click()
    page.get_by_role("link", name="契約を登録する").click()
    fields = {
        "件名": "新しい委託について", "事業名": "新しい事業", "担当部課": "総務部人材育成等担当課",
        "要綱の根拠": "第3条第1項第3号（業務委託）", "目的": "テスト", "対象者": "区職員", "対象者数": "約 100 人",
        "事業内容": "内容", "保有課（担当課）": "人材育成等担当課", "登録業務の名称": "新しい業務",
        "委託に伴い事業者処理させる情報項目（だれの、どのような項目か）": "属性", "処理させる情報項目の記録媒体": "電磁的記録(CD-R等)",
        "委託理由": "理由", "委託の内容": "内容", "年度（西暦）": "2026",
    }
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("担当課（組織）").select_option(label=world.ward.name)
    page.get_by_label("委託先", exact=True).select_option(label=world.contractor.name)
    page.get_by_label("委託の開始時期").fill("2026-05-01")
    page.get_by_label("委託の期限", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="保存する").click()
    # Refused at the field, nothing saved, everything typed still there.
    # At the field (exact), and in the error summary at the top as a link to it.
    assert page.get_by_text("委託の期限は開始時期より後の日付にしてください。", exact=True).is_visible()
    assert page.get_by_role("link", name="委託の期限: 委託の期限は開始時期より後の日付にしてください。").is_visible()
    assert not Contract.objects.filter(title="新しい委託について").exists()
    assert page.get_by_label("件名", exact=True).input_value() == "新しい委託について"
    page.get_by_label("委託の期限", exact=True).fill("2027-03-31")
    page.get_by_role("button", name="保存する").click()
    assert page.get_by_text("契約を登録しました。").is_visible()
    assert page.get_by_role("heading", name="新しい委託について").is_visible()

    page.get_by_role("link", name="契約を編集する").click()
    page.get_by_label("目的", exact=True).fill("職員エンゲージメント向上のため")
    page.get_by_role("button", name="保存する").click()
    assert page.get_by_text("契約を更新しました。").is_visible()
    page.locator("ol.steps li").first.get_by_role("link", name="完了にする").click()
    page.get_by_label("備考").fill("通知文を送付")
    page.get_by_role("button", name="完了として記録する").click()
    assert page.get_by_text("を完了として記録しました。").is_visible()
    contract = Contract.objects.get(title="新しい委託について")
    assert contract.slug.startswith("2026-")
    assert contract.steps.get(step=1).is_done and contract.steps.get(step=1).note == "通知文を送付"


def test_the_manager_reports_a_handler_and_hr_approves_it(new_page, sign_in):
    world = make_world()
    make_user("analyst", world.contractor, display_name="分析 次郎")
    manager_page = sign_in(new_page(), world.manager)
    manager_page.goto(f"/contracts/{world.contract.slug}/designations/")
    report = manager_page.get_by_role("region", name="指定を報告する（利用者登録済みの方）")
    report.get_by_label("氏名").select_option(label="分析 次郎")
    report.get_by_label("区分").select_option(label="取扱者")
    report.get_by_label("担当業務").fill("集計・分析")
    report.get_by_role("button", name="区に報告する").click()
    assert manager_page.get_by_text("取扱者の指定を区に報告しました。").is_visible()

    hr_page = sign_in(new_page(), world.hr)
    hr_page.get_by_role("link", name="取扱者指定の承認待ち: 分析 次郎（取扱者）").click()
    designation = Designation.objects.get(user__username="analyst")
    hr_page.locator(f"#designation-{designation.pk}").get_by_role("button", name="承認する").click()
    assert hr_page.get_by_text("指定を承認しました。").is_visible()

    manager_page.reload()
    assert manager_page.locator(f"#designation-{designation.pk}").get_by_text("承認済み").is_visible()


def test_the_auditor_filters_the_log_checks_it_and_downloads_xlsx(new_page, sign_in, tmp_path):
    world = make_world()
    page = sign_in(new_page(), world.auditor)
    page.get_by_role("link", name="監査証跡").click()
    page.get_by_label("契約").select_option(label="契約A（令和7年度）")
    page.get_by_label("操作（語句）").fill("取扱者指定")
    page.get_by_role("button", name="絞り込む").click()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == AuditEntry.objects.filter(contract=world.contract,
                                                     action__startswith="contract.designation").count()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel（XLSX）で出力").click()
    path = tmp_path / "log.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    actions = [row[3] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert actions and all(a.startswith("取扱者指定を") for a in actions)
    page.goto("/audit/")
    page.get_by_role("link", name="改ざんがないか検証する").click()
    assert page.get_by_text("監査証跡は改ざんされていません").is_visible()


def test_a_person_changes_their_password(new_page, sign_in):
    from tests.factories import PASSWORD

    world = make_world()
    page = sign_in(new_page(), world.handler)
    page.get_by_role("link", name="パスワード変更").click()
    page.get_by_label("元のパスワード").fill(PASSWORD)
    page.get_by_label("新しいパスワード", exact=True).fill("short")
    page.get_by_label("新しいパスワード(確認用)").fill("short")
    page.get_by_role("button", name="変更する").click()
    assert page.locator(".error").first.is_visible()
    new = "夕焼けの多摩川を自転車で走る"
    page.get_by_label("新しいパスワード", exact=True).fill(new)
    page.get_by_label("新しいパスワード(確認用)").fill(new)
    page.get_by_label("元のパスワード").fill(PASSWORD)
    page.get_by_role("button", name="変更する").click()
    assert page.get_by_text("パスワードを変更しました。").is_visible()
    world.handler.refresh_from_db()
    assert world.handler.check_password(new)


def test_hr_gives_an_auditor_access_and_copies_the_contract_into_next_year(new_page, sign_in):
    from contracts.roles import AUDIT_GROUP

    world = make_world()
    make_user("auditor2", world.ward, display_name="監査 二郎", groups=[AUDIT_GROUP])
    page = sign_in(new_page(), world.hr)
    page.goto(f"/contracts/{world.contract.slug}/")
    page.get_by_label("職員").select_option(label="監査 二郎")
    page.get_by_label("役割").select_option(label="監査")
    page.get_by_role("button", name="区の職員を登録する").click()
    assert page.get_by_text("利用者を登録しました。").is_visible()
    assert page.get_by_role("cell", name="監査 二郎").is_visible()

    page.get_by_role("link", name="翌年度の契約としてコピーする").click()
    # First what the copy carries: both auditors, ticked.
    assert page.get_by_label("監査 二郎").is_checked() and page.get_by_label("鈴木 一郎").is_checked()
    page.get_by_role("button", name="令和8年度の契約を作成する").click()
    assert page.get_by_text("翌年度の契約を作成しました。").is_visible()
    copy = Contract.objects.get(previous=world.contract)
    assert copy.fiscal_year == 2026
    assert page.get_by_label("委託の開始時期").input_value() == "2026-05-01"
    assert copy.memberships.filter(role="auditor", revoked_at__isnull=True).count() == 2
