"""The restore drills are live evidence for system item 09 of the ward's checklist:

  ward:       「サーバ冗長化、バックアップ等により、事故や障害発生時におけるシステム稼働体制を整備する。」

The contractor's item 09 (「…システム稼働体制を整備させる。」) is about the contractor's systems: this app's drills
say nothing of them, so that item has no evidence from them.

Met while the last verified drill is younger than BACKUP_EVIDENCE_MAX_AGE_DAYS (31 days unless set), unmet
when there is none, stale when it is older, and unmet again when a later drill found the backup unusable."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_log, recorded_at
from checklist.models import Side
from core import evidence
from tests.checklist.helpers import finalise_plan

pytestmark = pytest.mark.django_db

DRILL = {"file": "itaku-backup-20260105-040000.enc", "size": 12_900_000, "sha256": "3f" * 32, "tables": 53,
         "rows": 1234, "files": 3, "audit_entries": 567, "vendor": "postgresql"}
WARD_KEY, CONTRACTOR_KEY = "ward.system.09", "contractor.system.09"
NONE = "バックアップを復元して確かめた記録（復元検証）がありません。"


def _drill(days_ago: float, action: str = "backup.verified", **payload):
    with recorded_at(timezone.now() - dt.timedelta(days=days_ago)):
        return audit_log(action=action, actor_label="manage.py backup_verify", payload={**DRILL, **payload})


def _ward_side(contract):
    found = evidence.evidence_for(contract, WARD_KEY)
    assert len(found) == 1, found
    # The ward's backups are not the contractor's: its item reads the contractor's own records (environment).
    assert all(e.url.startswith("/environment/") for e in evidence.evidence_for(contract, CONTRACTOR_KEY))
    return found[0]


def _drill_rows(client, world, side: str) -> list[tuple[str, str]]:
    """The badges and sentences the checklist page shows for the drills (system item 09's row of ``side``)."""
    page = client.get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side}))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    return re.findall(r'<span class="badge[^"]*">([^<]+)</span> ([^<]*(?:復元|バックアップ)[^<]*)</p>', text)


def _shown(client, world, side: str) -> tuple[str, str]:
    shown = _drill_rows(client, world, side)
    assert len(shown) == 1, shown
    return shown[0]


def test_without_any_drill_the_wards_item_is_unmet(world, client_as):
    found = _ward_side(world.contract)
    assert found.met is False and found.summary == NONE
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD) == ("未達成", NONE)


def test_the_contractors_item_09_is_not_judged_from_the_wards_drills(world, client_as):
    """Issue 14, C.7: with no drill of the ward app's backups, the contractor's item 09 showed 未達成 and was
    flagged when attested; the contractor's systems are not this app. Attestation only, never flagged."""
    from checklist.models import ChecklistItem
    from tests.checklist.helpers import attest_side, item

    assert _ward_side(world.contract).met is False
    finalise_plan(world)
    for user in (world.hr, world.manager):
        assert _drill_rows(client_as(user), world, Side.CONTRACTOR) == []
    attest_side(world, Side.CONTRACTOR, world.manager)
    attested = item(world, CONTRACTOR_KEY)
    assert attested.attestation == ChecklistItem.Attestation.IN_PLACE
    assert attested.flagged is False and "復元" not in attested.app_evidence


def test_a_recent_drill_meets_the_wards_item(world, client_as):
    _drill(days_ago=3)
    found = _ward_side(world.contract)
    assert found.met is True
    assert "（3日前）にバックアップを復元して確認しました。" in found.summary
    assert "「itaku-backup-20260105-040000.enc」（12.3 MB）: 表 53・行 1,234件・保存ファイル 3件・監査証跡 567件" \
        in found.summary
    finalise_plan(world)
    badge, sentence = _shown(client_as(world.hr), world, Side.WARD)
    assert badge == "達成" and sentence == found.summary
    assert _drill_rows(client_as(world.manager), world, Side.CONTRACTOR) == []


def test_a_drill_older_than_the_setting_is_stale(world, client_as):
    _drill(days_ago=40)
    found = _ward_side(world.contract)
    assert found.met is False
    assert re.search(r"最後の復元検証は令和\d+年\d+月\d+日 \d\d:\d\d（40日前）で、31日を過ぎています。", found.summary)
    finalise_plan(world)
    assert _shown(client_as(world.hr), world, Side.WARD)[0] == "未達成"


def test_the_age_limit_is_a_setting_and_younger_than_means_younger(world, settings):
    _drill(days_ago=30.9)
    assert _ward_side(world.contract).met is True
    _drill(days_ago=31)
    assert _ward_side(world.contract).met is False  # the newest drill counts, and 31 days is not younger
    settings.BACKUP_EVIDENCE_MAX_AGE_DAYS = 7
    _drill(days_ago=10)
    found = _ward_side(world.contract)
    assert found.met is False and "（10日前）で、7日を過ぎています。" in found.summary


def test_a_drill_that_failed_after_the_last_good_one_makes_the_item_unmet(world):
    _drill(days_ago=8)
    _drill(days_ago=1, action="backup.verify_failed", file="itaku-backup-20260111-040000.enc", reason="truncated")
    found = _ward_side(world.contract)
    assert found.met is False
    assert "の復元検証で、バックアップが使えないことが分かりました（ファイルが途中で切れている）。" in found.summary
    # Proven again: the failure before the newest good drill no longer counts.
    _drill(days_ago=0)
    assert _ward_side(world.contract).met is True


def test_the_drills_are_registered_for_the_wards_system_item_09_only():
    from environment.evidence import CONTRACTOR_PROVIDERS

    assert WARD_KEY in evidence.registered_keys()
    assert evidence._providers[CONTRACTOR_KEY] == [CONTRACTOR_PROVIDERS[CONTRACTOR_KEY]]


@pytest.mark.django_db(transaction=True)
def test_a_real_drill_of_a_real_backup_meets_the_item(settings, backups):
    from tests.factories import make_world

    from .helpers import make_backup, verify_backup

    world = make_world()
    assert _ward_side(world.contract).met is False
    path = make_backup(backups)
    assert _ward_side(world.contract).met is False  # a backup written is not yet a backup proven
    verify_backup(path)
    found = _ward_side(world.contract)
    assert found.met is True and f"「{path.name}」" in found.summary and "（0日前）" in found.summary
