"""The restore drills are live evidence for system item 09 of both checklists:

  ward:       「サーバ冗長化、バックアップ等により、事故や障害発生時におけるシステム稼働体制を整備する。」
  contractor: 「サーバ冗長化、バックアップ等により、事故や障害発生時におけるシステム稼働体制を整備させる。」

Met while the last verified drill is younger than BACKUP_EVIDENCE_MAX_AGE_DAYS (31 days unless set), unmet
when there is none, stale when it is older, and unmet again when a later drill found the backup unusable."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_log, recorded_at
from checklist import evidence
from checklist.models import Side
from tests.checklist.helpers import finalise_plan

pytestmark = pytest.mark.django_db

DRILL = {"file": "itaku-backup-20260105-040000.enc", "size": 12_900_000, "sha256": "3f" * 32, "tables": 53,
         "rows": 1234, "files": 3, "audit_entries": 567, "vendor": "postgresql"}
KEYS = ("ward.system.09", "contractor.system.09")
NONE = "バックアップを復元して確かめた記録（復元検証）がありません。"


def _drill(days_ago: float, action: str = "backup.verified", **payload):
    with recorded_at(timezone.now() - dt.timedelta(days=days_ago)):
        return audit_log(action=action, actor_label="manage.py backup_verify", payload={**DRILL, **payload})


def _both_sides(contract):
    found = [evidence.evidence_for(contract, key) for key in KEYS]
    assert all(len(rows) == 1 for rows in found), found
    assert found[0] == found[1]  # the backups serve the whole installation: the same drill on both sides
    return found[0][0]


def _shown(client, world, side: str) -> tuple[str, str]:
    """The badge and the sentence the checklist page shows in system item 09's row of ``side``."""
    page = client.get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side}))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    shown = re.findall(r'<span class="badge[^"]*">([^<]+)</span> ([^<]*(?:復元|バックアップ)[^<]*)</p>', text)
    assert len(shown) == 1, shown
    return shown[0]


def test_without_any_drill_the_item_is_unmet_on_both_sides(world, client_as):
    found = _both_sides(world.contract)
    assert found.met is False and found.summary == NONE
    finalise_plan(world)
    client = client_as(world.hr)
    assert _shown(client, world, Side.WARD) == ("未達成", NONE)
    assert _shown(client, world, Side.CONTRACTOR) == ("未達成", NONE)


def test_a_recent_drill_meets_the_item_on_both_sides(world, client_as):
    _drill(days_ago=3)
    found = _both_sides(world.contract)
    assert found.met is True
    assert "（3日前）にバックアップを復元して確認しました。" in found.summary
    assert "「itaku-backup-20260105-040000.enc」（12.3 MB）: 表 53・行 1,234件・保存ファイル 3件・監査証跡 567件" \
        in found.summary
    finalise_plan(world)
    for user, side in ((world.hr, Side.WARD), (world.hr, Side.CONTRACTOR), (world.manager, Side.CONTRACTOR)):
        badge, sentence = _shown(client_as(user), world, side)
        assert badge == "達成" and sentence == found.summary


def test_a_drill_older_than_the_setting_is_stale(world, client_as):
    _drill(days_ago=40)
    found = _both_sides(world.contract)
    assert found.met is False
    assert re.search(r"最後の復元検証は令和\d+年\d+月\d+日 \d\d:\d\d（40日前）で、31日を過ぎています。", found.summary)
    finalise_plan(world)
    assert _shown(client_as(world.manager), world, Side.CONTRACTOR)[0] == "未達成"


def test_the_age_limit_is_a_setting_and_younger_than_means_younger(world, settings):
    _drill(days_ago=30.9)
    assert _both_sides(world.contract).met is True
    _drill(days_ago=31)
    assert _both_sides(world.contract).met is False  # the newest drill counts, and 31 days is not younger
    settings.BACKUP_EVIDENCE_MAX_AGE_DAYS = 7
    _drill(days_ago=10)
    found = _both_sides(world.contract)
    assert found.met is False and "（10日前）で、7日を過ぎています。" in found.summary


def test_a_drill_that_failed_after_the_last_good_one_makes_the_item_unmet(world):
    _drill(days_ago=8)
    _drill(days_ago=1, action="backup.verify_failed", file="itaku-backup-20260111-040000.enc", reason="truncated")
    found = _both_sides(world.contract)
    assert found.met is False
    assert "の復元検証で、バックアップが使えないことが分かりました（ファイルが途中で切れている）。" in found.summary
    # Proven again: the failure before the newest good drill no longer counts.
    _drill(days_ago=0)
    assert _both_sides(world.contract).met is True


def test_the_drills_are_registered_for_system_item_09_of_both_sides():
    assert set(KEYS) <= evidence.registered_keys()


@pytest.mark.django_db(transaction=True)
def test_a_real_drill_of_a_real_backup_meets_the_item(settings, backups):
    from tests.factories import make_world

    from .helpers import make_backup, verify_backup

    world = make_world()
    assert _both_sides(world.contract).met is False
    path = make_backup(backups)
    assert _both_sides(world.contract).met is False  # a backup written is not yet a backup proven
    verify_backup(path)
    found = _both_sides(world.contract)
    assert found.met is True and f"「{path.name}」" in found.summary and "（0日前）" in found.summary
