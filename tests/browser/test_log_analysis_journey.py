"""Ms. Suzuki (監査) analyses last month's access log from her dashboard and records it with a note; the
checklist's system item 08 (…アクセスログ等を取得する。取得したログは、定期的に分析する。) then shows the
analysis as met on the ward's side (not on the contractor's: that item is about the contractor's systems)."""

import re

import pytest

from audit.analysis import Month
from tests.checklist.helpers import ensure_template, finalise_plan
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_auditor_analyses_last_month_and_the_checklist_shows_it(new_page, sign_in):
    ensure_template()
    world = make_world()
    finalise_plan(world)
    last_month = Month.current().previous()

    # Someone mistypes a password this month: the analysis of this month lists it by account and address.
    stranger = new_page(viewport={"width": 1280, "height": 900})
    stranger.goto("/accounts/login/")
    stranger.get_by_label("ユーザー名").fill(world.manager.username)
    stranger.get_by_label("パスワード").fill("not the passphrase")
    stranger.get_by_role("button", name="次へ").click()
    assert stranger.get_by_text("ユーザー名またはパスワードが正しくありません。").is_visible()

    page = sign_in(new_page(viewport={"width": 1280, "height": 900}), world.auditor)
    page.get_by_role("link", name=f"{last_month.label}分のアクセスログを分析して記録する").click()
    page.get_by_role("heading", level=1, name=f"{last_month.label}分のアクセスログの分析").wait_for()
    for section in ("ログインの失敗とロックアウト（アカウント・IPアドレス別）", "個人情報の出力（人・時間帯別）",
                    "執務時間外の操作", "90日以上使われていないアカウント", "管理画面での操作"):
        assert page.get_by_role("region", name=section).is_visible(), section

    page.get_by_label("所見").fill("ログインの失敗・時間外の操作とも業務上のもので、不審なものはなかった。")
    page.get_by_role("button", name="この月を分析したことを記録する").click()
    assert page.get_by_text(f"{last_month.label}分のアクセスログを分析したことを記録しました。").is_visible()
    record = page.get_by_role("region", name="分析の記録")
    assert record.get_by_text("ログインの失敗・時間外の操作とも業務上のもので、不審なものはなかった。").is_visible()
    assert record.get_by_text("鈴木 一郎").is_visible()

    this_month = Month.current()
    page.get_by_role("link", name=f"{this_month.label}分へ").click()
    sign_ins = page.get_by_role("region", name="ログインの失敗とロックアウト（アカウント・IPアドレス別）")
    row = sign_ins.get_by_role("row").filter(has_text="田中 誠")
    assert row.get_by_role("cell").nth(2).inner_text() == "1"  # one wrong password

    # The ward's checklist: item 08 shows the analysis as met. The contractor's item 08 is about the
    # contractor's systems, so this app's log analysis is not shown there.
    sentence = re.compile(f"{last_month.label}分のアクセスログを監査担当が分析しました")
    page.goto(f"/checklist/{world.contract.slug}/side/ward/")
    shown = page.locator("p", has_text=sentence)
    assert shown.is_visible()
    assert shown.locator(".badge").inner_text() == "達成"
    page.goto(f"/checklist/{world.contract.slug}/side/contractor/")
    assert page.locator("p", has_text=sentence).count() == 0
