"""Contractor s08 and s09 read the contractor's own records, never the ward app's (issue 16, item 7):
「システム・ネットワークの状態…アクセスログ等を取得させる。取得したログは、定期的に分析させる。」 and
「サーバ冗長化、バックアップ等により、事故や障害発生時におけるシステム稼働体制を整備させる。」 — the contractor's
systems. The ward's access-log analysis (audit) and restore drills (operations) prove this app, the ward's."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.analysis import Month, analysis_record
from audit.services import audit_log
from core.evidence import evidence_for
from environment.evidence import BACKUP_MONTHS, LOG_ANALYSIS_MONTHS
from tests.environment.helpers import accepted, report

pytestmark = pytest.mark.django_db

KEYS = ("contractor.system.08", "contractor.system.09")
END = dt.date(2026, 3, 31)  # contract A's end: the records are judged as they stood then


def snapshot(contract):
    return {key: [(e.met, e.summary, e.files) for e in evidence_for(contract, key)] for key in KEYS}


def ward_side_records(world):
    analysis_record(month=Month(2026, 2), actor=world.auditor, note="問題なし")
    audit_log(action="backup.verified", actor_label="manage.py backup_verify",
              payload={"file": "itaku-backup-20260301-040000.enc", "size": 1000, "sha256": "ab" * 32, "tables": 5,
                       "rows": 10, "files": 0, "audit_entries": 3, "vendor": "sqlite"})


def test_the_wards_analysis_and_drills_change_nothing_on_the_contractors_side(world):
    accepted(world)
    before = snapshot(world.contract)
    assert all(e[0] is False for rows in before.values() for e in rows)  # no report of the contractor's own yet
    ward_side_records(world)
    assert evidence_for(world.contract, "ward.system.08") and evidence_for(world.contract, "ward.system.09")
    assert snapshot(world.contract) == before


def test_the_contractors_own_reports_meet_the_items_within_their_windows(world):
    profile = accepted(world)
    assert LOG_ANALYSIS_MONTHS == 3 and BACKUP_MONTHS == 12
    ward_side_records(world)
    # A log analysis four months before the end is too old; one within three months meets s08.
    report(world, profile, "log_analysis", dt.date(2025, 11, 20))
    [s08] = evidence_for(world.contract, "contractor.system.08")
    assert s08.met is False and "令和7年12月31日以降のアクセスログ等の分析の記録がありません" in s08.summary
    report(world, profile, "log_analysis", dt.date(2026, 2, 28))
    [s08] = evidence_for(world.contract, "contractor.system.08")
    assert s08.met is True and "直近の記録 アクセスログ等の分析 令和8年2月28日" in s08.summary
    # A backup check within the year meets s09; a log analysis does not.
    [s09] = evidence_for(world.contract, "contractor.system.09")
    assert s09.met is False
    report(world, profile, "restore_test", dt.date(2025, 6, 1))
    [s09] = evidence_for(world.contract, "contractor.system.09")
    assert s09.met is True and "バックアップからの復元テスト 令和7年6月1日" in s09.summary


def test_a_report_after_the_contracts_end_does_not_count_for_it(world):
    profile = accepted(world)
    report(world, profile, "log_analysis", timezone.localdate())
    [s08] = evidence_for(world.contract, "contractor.system.08")
    assert END < timezone.localdate() and s08.met is False
