"""What an auditor reads of the environment profiles in the audit trail: actions in Japanese, whose profile and
which fields, never a code, a username or the descriptions themselves."""

import datetime as dt

import pytest

from environment import services
from tests.audit.conftest import assert_reads_in_words, table_text
from tests.environment.helpers import certificate, filled, report

pytestmark = pytest.mark.django_db


def test_a_profile_reads_as_what_happened(world, client_as):
    profile = filled(world, s01_text="閉域網の秘密の構成")
    services.profile_submit(profile=profile, actor=world.manager)
    services.profile_send_back(profile=profile, actor=world.hr, reason="s01 を詳しく")
    certificate(world, profile, kind="pmark", number="P-17", valid_from=dt.date(2025, 4, 1),
                valid_until=dt.date(2027, 3, 31))
    report(world, profile, "restore_test", dt.date(2026, 2, 1))
    text = table_text(client_as(world.auditor).get("/audit/").content.decode())
    assert "情報セキュリティ環境の届出を作成" in text
    assert "委託先A株式会社の届出。記入した項目: 処理・保管の場所、施設の名称・所在地" in text
    assert "委託先A株式会社の届出（1回目の提出）" in text
    assert "情報セキュリティ環境の届出を差戻し" in text
    assert ("委託先A株式会社のプライバシーマーク（Pマーク）。有効期間 令和7年4月1日〜令和9年3月31日。"
            "裏付ける対策 s06、s07、s10") in text
    assert "委託先A株式会社のバックアップからの復元テスト（実施日 令和8年2月1日）" in text
    assert "閉域網の秘密の構成" not in text and "s01 を詳しく" not in text
    assert_reads_in_words(text)
