"""The auditor records that a month's access log was analysed, with a note: one audited record that keeps
the figures the page showed. Only the auditors may, and only for a month that has begun."""

import html

import pytest
from django.urls import reverse

from audit.analysis import Month, analysis_record
from audit.formatting import present
from audit.models import AuditEntry, LogAnalysis
from contracts.roles import AUDIT_GROUP
from core.errors import DomainError
from tests.factories import make_user
from tests.handover.conftest import tokyo

pytestmark = pytest.mark.django_db

MAY = Month(2025, 5)


@pytest.fixture(autouse=True)
def _june(clock):
    clock.set(tokyo(2025, 6, 3, 10, 0))


def _record_url(month):
    return reverse("audit:analysis_record", kwargs={"year": month.year, "month": month.month})


def test_the_auditor_records_the_month_with_a_note(world, client_as):
    client = client_as(world.auditor)
    response = client.post(_record_url(MAY), {"note": "ログインの失敗は入力誤り。不審な出力なし。"})
    assert response.status_code == 302
    record = LogAnalysis.objects.get()
    assert (record.month, record.recorded_by, record.note) == (MAY.first_day, world.auditor,
                                                                "ログインの失敗は入力誤り。不審な出力なし。")
    assert set(record.figures) == {"failed_sign_ins", "lockouts", "downloads", "after_hours", "unused_accounts",
                                   "admin_actions"}
    page = html.unescape(client.get(response.url).content.decode())
    assert "令和7年5月分のアクセスログを分析したことを記録しました。" in page
    assert "令和7年6月3日 10:00 鈴木 一郎" in page and "ログインの失敗は入力誤り。不審な出力なし。" in page

    entry = AuditEntry.objects.get(action="audit.analysis.recorded")
    assert entry.actor == world.auditor and entry.contract is None
    assert entry.payload["month"] == "2025-05" and entry.payload["note"] == record.note
    shown = present([entry])[0]
    assert shown.action == "アクセスログの月次分析を記録"
    assert shown.object == "令和7年5月分のアクセスログの分析"
    assert shown.detail.startswith("令和7年5月分（ログインの失敗 0件、ロックアウト 0件、")
    assert shown.detail.endswith("所見: 「ログインの失敗は入力誤り。不審な出力なし。」")


def test_a_note_is_required_and_said_at_the_field(world, client_as):
    response = client_as(world.auditor).post(_record_url(MAY), {"note": "   "})
    assert response.status_code == 400
    assert "分析の所見を入力してください" in response.content.decode()
    assert not LogAnalysis.objects.exists()
    assert not AuditEntry.objects.filter(action="audit.analysis.recorded").exists()


def test_a_note_over_two_thousand_characters_is_refused(world, client_as):
    response = client_as(world.auditor).post(_record_url(MAY), {"note": "長" * 2001})
    assert response.status_code == 400 and not LogAnalysis.objects.exists()


def test_a_month_not_yet_begun_cannot_be_recorded(world, client_as):
    assert client_as(world.auditor).post(_record_url(Month(2025, 7)), {"note": "先取り"}).status_code == 404
    with pytest.raises(DomainError, match="まだ始まっていない月"):
        analysis_record(month=Month(2025, 7), actor=world.auditor, note="先取り")
    assert not LogAnalysis.objects.exists()


def test_the_current_month_may_be_analysed_early_and_again_later(world):
    analysis_record(month=Month(2025, 6), actor=world.auditor, note="月の途中で確認")
    analysis_record(month=Month(2025, 6), actor=world.auditor, note="月末に再確認")
    assert list(LogAnalysis.objects.order_by("recorded_at").values_list("note", flat=True)) == [
        "月の途中で確認", "月末に再確認"]


@pytest.mark.parametrize("role", ["hr", "manager", "handler", "other", "outsider"])
def test_nobody_but_an_auditor_opens_or_records_it(world, client_as, role):
    user = world.user(role)
    client = client_as(user)
    assert client.get(reverse("audit:analysis")).status_code == 403
    assert client.get(reverse("audit:analysis_month", kwargs={"year": 2025, "month": 5})).status_code == 403
    assert client.post(_record_url(MAY), {"note": "記録したい"}).status_code == 403
    with pytest.raises(DomainError, match="監査担当だけ"):
        analysis_record(month=MAY, actor=user, note="記録したい")
    assert not LogAnalysis.objects.exists()


def test_the_index_lists_twelve_months_and_which_were_analysed(world, client_as):
    analysis_record(month=MAY, actor=world.auditor, note="問題なし")
    page = html.unescape(client_as(world.auditor).get(reverse("audit:analysis")).content.decode())
    assert page.count('href="/audit/analysis/') == 12
    assert "令和7年6月" in page and "令和6年7月" in page and "令和6年6月" not in page
    assert "分析済み</span> 令和7年6月3日 10:00 鈴木 一郎" in page


def test_the_auditors_dashboard_asks_for_last_months_analysis_until_it_is_recorded(world, client_as):
    client = client_as(world.auditor)
    assert "令和7年5月分のアクセスログを分析して記録する" in html.unescape(client.get("/").content.decode())
    analysis_record(month=MAY, actor=world.auditor, note="問題なし")
    assert "アクセスログを分析して記録する" not in html.unescape(client.get("/").content.decode())
    assert "アクセスログを分析して記録する" not in html.unescape(client_as(world.hr).get("/").content.decode())


# --- the recorder's own actions (issue 13, finding 5) --------------------------------------------------
# The analysis is the checklist's evidence for item 08; an auditor whose own actions it shows would review
# themselves. They may record it only by declaring so, with a reason, kept on the record and shown.

DECLARED = "監査担当が一人のため。自分の出力は課長が確認した。"


def _exported_in_may(world, client_as, clock):
    clock.set(tokyo(2025, 5, 20, 10, 0))
    assert client_as(world.auditor).get(reverse("audit:export")).status_code == 200
    clock.set(tokyo(2025, 6, 3, 10, 0))


def test_a_month_with_the_recorders_own_download_is_refused_without_a_declaration(world, client_as, clock):
    _exported_in_may(world, client_as, clock)
    client = client_as(world.auditor)
    page = client.get(reverse("audit:analysis_month", kwargs={"year": 2025, "month": 5})).content.decode()
    assert "あなた自身の操作（個人情報の出力 1件）が含まれています" in html.unescape(page)
    response = client.post(_record_url(MAY), {"note": "不審な出力なし。"})
    assert response.status_code == 400
    assert "あなた自身の操作（個人情報の出力 1件）が含まれています" in html.unescape(response.content.decode())
    response = client.post(_record_url(MAY), {"note": "不審な出力なし。", "own_actions_declared": "on"})
    assert response.status_code == 400
    assert "自分自身の操作を含む月を分析する理由を入力してください" in html.unescape(response.content.decode())
    assert not LogAnalysis.objects.exists()
    assert not AuditEntry.objects.filter(action="audit.analysis.recorded").exists()


def test_with_the_declaration_it_is_recorded_and_the_declaration_is_shown(world, client_as, clock):
    _exported_in_may(world, client_as, clock)
    client = client_as(world.auditor)
    response = client.post(_record_url(MAY), {"note": "不審な出力なし。", "own_actions_declared": "on",
                                              "own_actions_reason": DECLARED})
    assert response.status_code == 302
    record = LogAnalysis.objects.get()
    assert (record.own_actions, record.own_actions_reason) == ({"downloads": 1}, DECLARED)
    shown = f"分析者自身の操作（個人情報の出力 1件）を含む月です。分析者の申告:「{DECLARED}」"
    assert shown in html.unescape(client.get(response.url).content.decode())
    entry = present([AuditEntry.objects.get(action="audit.analysis.recorded")])[0]
    assert entry.detail.endswith(f"。分析者自身の操作（個人情報の出力 1件）を含むと申告、理由: 「{DECLARED}」")


def test_signing_in_outside_office_hours_is_an_own_action_too(world, client_as, clock):
    clock.set(tokyo(2025, 5, 24, 22, 0))  # a Saturday night
    client_as(world.auditor)
    clock.set(tokyo(2025, 6, 3, 10, 0))
    with pytest.raises(DomainError, match="執務時間外の操作 1件"):
        analysis_record(month=MAY, actor=world.auditor, note="問題なし")
    record = analysis_record(month=MAY, actor=world.auditor, note="問題なし", own_actions_declared=True,
                             own_actions_reason="休日に障害対応でログインした。")
    assert record.own_actions == {"after_hours": 1}


def test_a_superuser_in_the_auditors_group_declares_its_own_admin_work(world, client_as, clock):
    from django.contrib.auth.models import Group

    root = make_user("kanri", world.ward, display_name="管理 者", groups=[AUDIT_GROUP])
    root.is_staff = root.is_superuser = True
    root.save()
    clock.set(tokyo(2025, 5, 12, 10, 0))
    client_as(root).post("/admin/auth/group/add/", {"name": "臨時の閲覧者"})
    assert Group.objects.filter(name="臨時の閲覧者").exists()
    clock.set(tokyo(2025, 6, 3, 10, 0))
    response = client_as(root).post(_record_url(MAY), {"note": "管理画面の操作は自分の作業。"})
    assert response.status_code == 400
    assert "管理画面での操作" in html.unescape(response.content.decode())
    assert not LogAnalysis.objects.exists()


def test_an_auditor_without_own_actions_in_the_month_needs_no_declaration(world, client_as, clock):
    _exported_in_may(world, client_as, clock)
    second = make_user("auditor2", world.ward, display_name="佐藤 二郎", groups=[AUDIT_GROUP])
    record = analysis_record(month=MAY, actor=second, note="鈴木の出力は業務上のもの。")
    assert (record.own_actions, record.own_actions_reason) == ({}, "")
