"""The auditor records that a month's access log was analysed, with a note: one audited record that keeps
the figures the page showed. Only the auditors may, and only for a month that has begun."""

import html

import pytest
from django.urls import reverse

from audit.analysis import Month, analysis_record
from audit.formatting import present
from audit.models import AuditEntry, LogAnalysis
from core.errors import DomainError
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
