"""The monthly analysis is live evidence for system item 08 of both checklists:

  ward:       「システム・ネットワークの状態、機器操作、サービス利用等の監視及びアクセスログ等を取得する。
               取得したログは、定期的に分析する。」
  contractor: 「…アクセスログ等を取得させる。取得したログは、定期的に分析させる。」

The rule: met while last month or this month (Asia/Tokyo) has been analysed; unmet when no month ever was;
stale (unmet, naming the last month analysed) when the last analysis is of an older month."""

import html
import re

import pytest
from django.urls import reverse

from audit.analysis import Month, analysis_evidence, analysis_record
from checklist import evidence
from checklist.models import Side
from tests.checklist.helpers import finalise_plan
from tests.handover.conftest import tokyo

pytestmark = pytest.mark.django_db

KEYS = ("ward.system.08", "contractor.system.08")
NONE = "アクセスログを分析した記録がありません（監査担当が毎月、前月分を分析して記録します）。"


def _both_sides(contract):
    found = [[e for e in evidence.evidence_for(contract, key) if "分析" in e.summary] for key in KEYS]
    assert all(len(rows) == 1 for rows in found), found
    assert found[0] == found[1]  # the log is the installation's: the same record on both sides
    return found[0][0]


def _shown(client, world, side: str) -> tuple[str, str]:
    """The badge and the sentence the checklist page shows for the analysis in system item 08's row."""
    page = client.get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side}))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    shown = re.findall(r'<span class="badge[^"]*">([^<]+)</span> ([^<]*アクセスログ[^<]*分析[^<]*)</p>', text)
    assert len(shown) == 1, shown
    return shown[0]


def test_without_any_analysis_the_item_is_unmet_on_both_sides(world, client_as, clock):
    clock.set(tokyo(2025, 6, 3, 10, 0))
    found = _both_sides(world.contract)
    assert found.met is False and found.summary == NONE
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD) == ("未達成", NONE)
    assert _shown(client_as(world.manager), world, Side.CONTRACTOR) == ("未達成", NONE)


def test_last_months_analysis_meets_the_item_on_both_sides(world, client_as, clock):
    clock.set(tokyo(2025, 6, 3, 10, 0))
    analysis_record(month=Month(2025, 5), actor=world.auditor, note="問題なし")
    found = _both_sides(world.contract)
    assert found.met is True
    assert found.summary == "令和7年5月分のアクセスログを監査担当が分析しました（令和7年6月3日 10:00 記録）。"
    finalise_plan(world)
    for user, side in ((world.hr, Side.WARD), (world.manager, Side.CONTRACTOR), (world.auditor, Side.CONTRACTOR)):
        assert _shown(client_as(user), world, side) == ("達成", found.summary)


def test_this_months_analysis_meets_it_too(world, clock):
    clock.set(tokyo(2025, 6, 25, 17, 0))
    analysis_record(month=Month(2025, 6), actor=world.auditor, note="月の途中で確認")
    assert analysis_evidence(world.contract).met is True


def test_an_older_analysis_is_stale_once_a_month_has_passed_without_one(world, client_as, clock):
    clock.set(tokyo(2025, 5, 2, 9, 0))
    analysis_record(month=Month(2025, 4), actor=world.auditor, note="問題なし")
    clock.set(tokyo(2025, 5, 31, 23, 59))
    assert analysis_evidence(world.contract).met is True
    # From the first of July (Tokyo), May's analysis no longer covers last month (June).
    clock.set(tokyo(2025, 7, 1, 0, 0))
    found = _both_sides(world.contract)
    assert found.met is False
    assert found.summary == ("最後に分析したアクセスログは令和7年4月分（令和7年5月2日 09:00 記録）で、"
                             "令和7年6月分の分析が記録されていません。")
    finalise_plan(world)
    assert _shown(client_as(world.manager), world, Side.CONTRACTOR)[0] == "未達成"
    analysis_record(month=Month(2025, 6), actor=world.auditor, note="遅れて分析")
    assert _both_sides(world.contract).met is True


def test_the_analysis_of_a_month_long_ago_does_not_count_for_last_month(world, clock):
    clock.set(tokyo(2025, 6, 3, 10, 0))
    analysis_record(month=Month(2024, 12), actor=world.auditor, note="昨年の分を今になって")
    assert analysis_evidence(world.contract).met is False


def test_an_analysis_of_a_month_with_the_recorders_own_actions_shows_the_declaration(world, client_as, clock):
    clock.set(tokyo(2025, 5, 24, 22, 0))  # the auditor signs in on a Saturday night
    client_as(world.auditor)
    clock.set(tokyo(2025, 6, 3, 10, 0))
    analysis_record(month=Month(2025, 5), actor=world.auditor, note="問題なし", own_actions_declared=True,
                    own_actions_reason="休日に障害対応でログインした。")
    found = _both_sides(world.contract)
    assert found.met is True
    assert found.summary == ("令和7年5月分のアクセスログを監査担当が分析しました（令和7年6月3日 10:00 記録）。"
                             "分析者自身の操作（執務時間外の操作 1件）を含む月です。分析者の申告:「休日に障害対応でログインした。」")
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD) == ("達成", found.summary)
