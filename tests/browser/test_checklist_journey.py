"""The checklist journey of issue 4, in Chromium: HR finalises the plan; the contractor's manager
attests its side and submits; HR sends one item back; the manager fixes it and resubmits; HR locks
the list; the auditor downloads the PDF."""

import subprocess

import pytest

from checklist.models import ChecklistSide, TemplateItem
from tests.checklist.helpers import ensure_template
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

RETURNED_KEY = "contractor.system.08"  # アクセスログ等を取得させる。取得したログは、定期的に分析させる。


def anchor(key: str) -> str:
    return "#item-" + key.replace(".", "-")


def accept_dialogs(page):
    # Finalising and locking ask "are you sure?" (data-confirm): the person says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_plan_attest_send_back_fix_lock_and_the_auditor_downloads_the_pdf(new_page, sign_in):
    ensure_template()
    world = make_world()
    slug = world.contract.slug
    contractor_keys = list(TemplateItem.objects.filter(template__version=1, side="contractor")
                           .order_by("position").values_list("key", flat=True))

    # HR plans every item ○ and finalises the plan for the council.
    hr = accept_dialogs(sign_in(new_page(), world.hr))
    hr.goto(f"/contracts/{slug}/")
    hr.get_by_role("link", name="個人情報保護対策チェックリスト").click()
    hr.get_by_role("link", name="計画を記入する").click()
    hr.get_by_role("button", name="すべて「○」にする").click()
    hr.get_by_role("button", name="下書きを保存する").click()
    assert hr.get_by_text("計画を下書きとして保存しました。").is_visible()
    hr.get_by_role("button", name="計画を確定する").click()
    assert hr.get_by_text("計画を確定しました。").is_visible()
    assert hr.get_by_text("確定済み").first.is_visible()

    # The contractor's manager attests every item of its side and asks the ward to review.
    manager = sign_in(new_page(), world.manager)
    manager.goto(f"/checklist/{slug}/side/contractor/")
    assert manager.get_by_role("heading", name="委託事業者に行わせる 個人情報保護対策").is_visible()
    for key in contractor_keys:
        item = manager.locator(anchor(key))
        item.get_by_label("実施済み", exact=True).check()
        item.get_by_label("実施内容・未実施の理由").fill("社内規程に定め、担当者に周知した。")
        with manager.expect_navigation():
            item.get_by_role("button", name="記録する").click()
    manager.get_by_role("button", name="区に確認を依頼する").click()
    assert manager.get_by_text("区に確認を依頼しました。").is_visible()

    # HR sends one item back with a comment and accepts the rest.
    hr.goto(f"/checklist/{slug}/side/contractor/")
    returned = hr.locator(anchor(RETURNED_KEY))
    returned.get_by_label("コメント（差し戻すときは必須）").fill("ログの分析記録（月次）を根拠資料に記入してください。")
    with hr.expect_navigation():
        returned.get_by_role("button", name="差し戻す").click()
    for key in contractor_keys:
        if key == RETURNED_KEY:
            continue
        with hr.expect_navigation():
            hr.locator(anchor(key)).get_by_role("button", name="確認済みにする").click()
    assert hr.get_by_text("差戻し", exact=True).first.is_visible()

    # The manager sees the comment, fixes the item and resubmits.
    manager.goto(f"/checklist/{slug}/side/contractor/")
    fixed = manager.locator(anchor(RETURNED_KEY))
    assert fixed.get_by_text("ログの分析記録（月次）を根拠資料に記入してください。").is_visible()
    fixed.get_by_label("根拠資料（資料名・保管場所など）").fill("アクセスログ分析報告書（毎月）")
    with manager.expect_navigation():
        fixed.get_by_role("button", name="記録する").click()
    manager.get_by_role("button", name="区に確認を依頼する").click()
    assert manager.get_by_text("区に確認を依頼しました。").is_visible()

    # HR accepts the fixed item and locks the list.
    hr.goto(f"/checklist/{slug}/side/contractor/")
    with hr.expect_navigation():
        hr.locator(anchor(RETURNED_KEY)).get_by_role("button", name="確認済みにする").click()
    hr.get_by_role("button", name="チェックリストを確定する").click()
    assert hr.get_by_text("チェックリストを確定しました。以後は変更できません。").is_visible()
    assert ChecklistSide.objects.get(checklist__contract=world.contract, side="contractor").is_locked
    # Locked: no form to change anything is offered any more.
    manager.goto(f"/checklist/{slug}/side/contractor/")
    assert manager.get_by_role("button", name="記録する").count() == 0

    # The auditor downloads the PDF of both lists.
    auditor = sign_in(new_page(), world.auditor)
    auditor.goto(f"/checklist/{slug}/")
    with auditor.expect_download() as download_info:
        auditor.locator(f"a[href='/checklist/{slug}/export/both.pdf']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", download.path(), "-"], capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    assert "取扱責任者及び取扱者をあらかじめ指定させ、区に報告させる。" in flat
    assert "確定" in flat and "契約A" in flat
