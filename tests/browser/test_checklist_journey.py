"""The checklist journey (issues 4 and 7), in Chromium: HR finalises the plan; the contractor's manager
fills in his whole side and submits it with one button; HR sends one item back while the others still
await her; the manager, told so on his dashboard, corrects that item at once; HR accepts everything left
with one confirmation and locks the list; the auditor downloads the PDF, which prints what was written."""

import re
import subprocess

import pytest

from checklist.models import ChecklistSide, TemplateItem
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

RETURNED_KEY = "contractor.system.08"  # アクセスログ等を取得させる。取得したログは、定期的に分析させる。


def anchor(key: str) -> str:
    return "#item-" + key.replace(".", "-")


def test_plan_attest_send_back_fix_lock_and_the_auditor_downloads_the_pdf(new_page, sign_in):
    ensure_template()
    world = make_world()
    slug = world.contract.slug
    contractor_keys = list(TemplateItem.objects.filter(template__version=1, side="contractor")
                           .order_by("position").values_list("key", flat=True))

    # HR plans every item ○ (the choices say what they mean) and finalises the plan for the council.
    hr = sign_in(new_page(), world.hr)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    hr.on("dialog", answer)
    hr.goto(f"/contracts/{slug}/")
    hr.get_by_role("link", name="個人情報保護対策チェックリスト").click()
    hr.get_by_role("link", name="計画を記入する").click()
    first = hr.locator("#plan-item-ward-operational-01")
    assert first.get_by_label("○ 実施する", exact=True).is_visible()
    assert first.get_by_label("ー 不要（理由を記入）", exact=True).is_visible()
    hr.get_by_role("button", name="すべて「○」にする").click()
    with hr.expect_navigation():
        hr.get_by_role("button", name="下書きを保存する").click()
    assert hr.get_by_text("計画を下書きとして保存しました。").is_visible()
    with hr.expect_navigation():
        hr.get_by_role("button", name="計画を確定する").click()
    assert hr.get_by_text("計画を確定しました。").is_visible()
    assert hr.get_by_text("確定済み").first.is_visible()

    # The contractor's manager fills in every item of his side and submits it all with one button.
    manager = sign_in(new_page(), world.manager)
    manager.goto(f"/checklist/{slug}/side/contractor/")
    assert manager.get_by_role("heading", name="委託事業者に行わせる 個人情報保護対策").is_visible()
    assert manager.get_by_text("委託事業者の取扱責任者が、「○」の未記入 24件に実施状況を記入してください。").is_visible()
    for number, key in enumerate(contractor_keys, start=1):
        item = manager.locator(anchor(key))
        item.get_by_label("実施済み", exact=True).check()
        item.get_by_label("実施内容・未実施の理由").fill(f"社内規程に定め、担当者に周知した（{number}）。")
    with manager.expect_navigation():
        manager.get_by_role("button", name="保存して区に確認を依頼する").click()
    assert manager.get_by_text("24件の実施状況を保存しました。").is_visible()
    assert manager.get_by_text("区に確認を依頼しました。").is_visible()
    assert manager.get_by_text("区（人材育成等担当）が確認してください（確認待ち 24件）。").is_visible()

    # HR sends one item back with a comment; the other 23 still await her.
    hr.goto(f"/checklist/{slug}/side/contractor/")
    returned = hr.locator(anchor(RETURNED_KEY))
    returned.get_by_label("コメント（差し戻すときは必須）").fill("ログの分析記録（月次）を根拠資料に記入してください。")
    with hr.expect_navigation():
        returned.get_by_role("button", name="差し戻す").click()
    assert hr.locator(anchor(RETURNED_KEY)).get_by_text("差戻し", exact=True).first.is_visible()

    # The manager's dashboard says so, and his page lets him correct that item now.
    manager.goto("/")
    manager.get_by_role("link", name=re.compile("差し戻された項目があります（1件）")).click()
    assert manager.get_by_text("委託事業者の取扱責任者が、差し戻された 1件を直して保存してください。").is_visible()
    fixed = manager.locator(anchor(RETURNED_KEY))
    assert fixed.get_by_text("ログの分析記録（月次）を根拠資料に記入してください。").is_visible()
    assert manager.locator(anchor(contractor_keys[0])).get_by_label("実施内容・未実施の理由").count() == 0
    fixed.get_by_label("根拠資料（資料名・保管場所など）").fill("アクセスログ分析報告書（毎月）")
    with manager.expect_navigation():
        manager.get_by_role("button", name="記入した内容をすべて保存する").click()
    assert manager.get_by_text("1件の実施状況を保存しました。").is_visible()
    assert manager.get_by_text("区（人材育成等担当）が確認してください（確認待ち 24件）。").is_visible()

    # HR accepts all that remain with one confirmation; the items attested while the app's own records
    # showed the control unmet (flagged 要確認) are left for her to look at one by one.
    hr.goto(f"/checklist/{slug}/side/contractor/")
    flagged = hr.locator("tbody.checklist-item.flagged")
    n_flagged = flagged.count()
    n_rest = 24 - n_flagged
    with hr.expect_navigation():
        hr.get_by_role("button", name=f"確認待ちの{n_rest}件をすべて確認済みにする").click()
    assert dialogs[-1] == f"確認待ちの{n_rest}件（実施済み）をすべて確認済みにします。よろしいですか？"
    assert hr.get_by_text(f"{n_rest}件を確認済みにしました。").is_visible()
    for _ in range(n_flagged):
        with hr.expect_navigation():
            hr.locator("tbody.checklist-item.flagged").first.get_by_role("button", name="確認済みにする").click()
    assert hr.get_by_text("「○」の全項目が確認済みです。区（人材育成等担当）がチェックリストを確定してください。").is_visible()
    with hr.expect_navigation():
        hr.get_by_role("button", name="チェックリストを確定する").click()
    assert hr.get_by_text("チェックリストを確定しました。以後は変更できません。").is_visible()
    assert ChecklistSide.objects.get(checklist__contract=world.contract, side="contractor").is_locked
    # Locked: no form to change anything is offered any more.
    manager.goto(f"/checklist/{slug}/side/contractor/")
    assert manager.get_by_role("button", name="記入した内容をすべて保存する").count() == 0
    assert manager.get_by_text("確定済みです。これ以上の記入・確認はありません。").is_visible()

    # The auditor downloads the PDF of both lists: numbers, what was written, the evidence.
    auditor = sign_in(new_page(), world.auditor)
    auditor.goto(f"/checklist/{slug}/")
    with auditor.expect_download() as download_info:
        auditor.locator(f"a[href='/checklist/{slug}/export/both.pdf']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", "-raw", download.path(), "-"], capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    assert "4取扱責任者及び取扱者をあらかじめ指定させ、区に報告させる。" in flat
    assert "【実施済み】社内規程に定め、担当者に周知した（24）。" in flat
    assert "根拠資料:アクセスログ分析報告書（毎月）" in flat
    assert "確定" in flat and "契約A" in flat
