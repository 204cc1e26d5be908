"""The monthly analysis is live evidence for system item 08 of the ward's checklist:

  ward:       「システム・ネットワークの状態、機器操作、サービス利用等の監視及びアクセスログ等を取得する。
               取得したログは、定期的に分析する。」

The rule: met while last month or this month (Asia/Tokyo) has been analysed; unmet when no month ever was;
stale (unmet, naming the last month analysed) when the last analysis is of an older month.

The contractor's item 08 (「…アクセスログ等を取得させる。取得したログは、定期的に分析させる。」) is about the
contractor's systems: the ward app's log says nothing of them, so that item has no evidence from it."""

import html
import re

import pytest
from django.urls import reverse

from audit.analysis import Month, analysis_evidence, analysis_record
from checklist.models import Side
from core import evidence
from tests.checklist.helpers import finalise_plan
from tests.handover.conftest import tokyo

pytestmark = pytest.mark.django_db

WARD_KEY, CONTRACTOR_KEY = "ward.system.08", "contractor.system.08"
NONE = "アクセスログを分析した記録がありません（監査担当が毎月、前月分を分析して記録します）。"


def _ward_side(contract):
    found = [e for e in evidence.evidence_for(contract, WARD_KEY) if "分析" in e.summary]
    assert len(found) == 1, found
    # The ward's log is not the contractor's: its item reads the contractor's own records (environment).
    assert all(e.url.startswith("/environment/") for e in evidence.evidence_for(contract, CONTRACTOR_KEY))
    return found[0]


def _analysis_rows(client, world, side: str) -> list[tuple[str, str]]:
    """The badges and sentences the checklist page shows for the analysis (system item 08's row)."""
    page = client.get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side}))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    return re.findall(r'<span class="badge[^"]*">([^<]+)</span> ([^<]*アクセスログ[^<]*分析[^<]*)</p>', text)


def _shown(client, world, side: str) -> tuple[str, str]:
    shown = _analysis_rows(client, world, side)
    assert len(shown) == 1, shown
    return shown[0]


def test_without_any_analysis_the_wards_item_is_unmet(world, client_as, clock):
    clock.set(tokyo(2025, 6, 3, 10, 0))
    found = _ward_side(world.contract)
    assert found.met is False and found.summary == NONE
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD) == ("未達成", NONE)


def test_the_contractors_item_08_is_not_judged_from_the_wards_log(world, client_as, clock):
    """Issue 14, C.7: with no analysis of the ward app's log, the contractor's item 08 showed 未達成 and was
    flagged when attested; the contractor's systems are not this app. Attestation only, never flagged."""
    from checklist.models import ChecklistItem
    from tests.checklist.helpers import attest_side, item

    clock.set(tokyo(2025, 6, 3, 10, 0))
    assert _ward_side(world.contract).met is False
    finalise_plan(world)
    for user in (world.hr, world.manager):
        assert _analysis_rows(client_as(user), world, Side.CONTRACTOR) == []
    attest_side(world, Side.CONTRACTOR, world.manager)
    attested = item(world, CONTRACTOR_KEY)
    assert attested.attestation == ChecklistItem.Attestation.IN_PLACE
    assert attested.flagged is False and "分析" not in attested.app_evidence


def test_last_months_analysis_meets_the_wards_item(world, client_as, clock):
    clock.set(tokyo(2025, 6, 3, 10, 0))
    analysis_record(month=Month(2025, 5), actor=world.auditor, note="問題なし")
    found = _ward_side(world.contract)
    assert found.met is True
    assert found.summary == "令和7年5月分のアクセスログを監査担当が分析しました（令和7年6月3日 10:00 記録）。"
    finalise_plan(world)
    for user in (world.hr, world.auditor):
        assert _shown(client_as(user), world, Side.WARD) == ("達成", found.summary)
    assert _analysis_rows(client_as(world.manager), world, Side.CONTRACTOR) == []


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
    found = _ward_side(world.contract)
    assert found.met is False
    assert found.summary == ("最後に分析したアクセスログは令和7年4月分（令和7年5月2日 09:00 記録）で、"
                             "令和7年6月分の分析が記録されていません。")
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD)[0] == "未達成"
    analysis_record(month=Month(2025, 6), actor=world.auditor, note="遅れて分析")
    assert _ward_side(world.contract).met is True


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
    found = _ward_side(world.contract)
    assert found.met is True
    assert found.summary == ("令和7年5月分のアクセスログを監査担当が分析しました（令和7年6月3日 10:00 記録）。"
                             "分析者自身の操作（執務時間外の操作 1件）を含む月です。分析者の申告:「休日に障害対応でログインした。」")
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD) == ("達成", found.summary)
