"""Demo data: a realistic season of the seed contract's handovers, ending today.

The disc went to the contractor about six weeks ago and was acknowledged and locked in cabinet B-2;
its password notice followed the next day; both were checked a month later; a second disc was handed
over this morning and still waits for the contractor's acknowledgement.

Everything goes through the services, so the seed's rules are checked as for a person. The services
take the time from the clock, so the rows are moved back to the story's dates afterwards; the audit
trail keeps the true time the demo was seeded.
"""

import datetime as dt
import hashlib

from django.utils import timezone

from . import services
from .models import Handover, Item, MediumKind, StorageCheck, StorageRecord

FIRST_DISC = "CD-2025-001"


def _backdate(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed(world) -> None:
    contract = world.contract
    if Item.objects.filter(contract=contract, label=FIRST_DISC).exists():
        return
    hr, manager, handler = world.users["hr"], world.users["manager"], world.users["handler"]
    cd_r, _ = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    MediumKind.objects.get_or_create(name="DVD-R", defaults={"sort_order": 20})
    today = timezone.localdate()
    day0 = today - dt.timedelta(days=45)

    disc = services.item_register(
        contract=contract, actor=hr, category=Item.Category.MEDIUM, medium_kind=cd_r, label=FIRST_DISC,
        contents="職員属性・調査回答（暗号化済みファイル）", record_count=3012, pieces=1,
        file_name="engagement-2025.xlsx", sha256=hashlib.sha256(b"demo encrypted package 2025").hexdigest(),
    )
    notice = services.item_register(
        contract=contract, actor=hr, category=Item.Category.NOTICE, label="PN-2025-001",
        contents="CD-2025-001 のパスワード通知書", opens=disc,
    )
    for item in (disc, notice):
        _backdate(Item, item.pk, created_at=_at(day0 - dt.timedelta(days=1), 16),
                  state_changed_at=_at(day0 - dt.timedelta(days=1), 16))

    # Day 0: the disc, by hand in the locked bag, to the analyst; acknowledged with the hash; cabinet B-2.
    first = services.handover_record(contract=contract, actor=hr, direction=Handover.Direction.DELIVERY,
                                     recipient=handler, items=[disc], handed_at=_at(day0, 10),
                                     notes="委託先事務所にて手交")
    services.handover_acknowledge(handover=first, actor=handler, hashes={disc.pk: disc.sha256})
    _backdate(Handover, first.pk, recorded_at=_at(day0, 10, 5), acknowledged_at=_at(day0, 10, 10))
    _backdate(Item, disc.pk, state_changed_at=_at(day0, 10, 10))
    record = services.storage_record(item=disc, actor=handler, place="cabinet", location="分析室 キャビネットB-2",
                                     locked=True)
    _backdate(StorageRecord, record.pk, recorded_at=_at(day0, 10, 40))
    _backdate(Item, disc.pk, last_checked_at=_at(day0, 10, 40))

    # Day 1: the notice, on another occasion, to the handling manager; locked in the safe.
    day1 = day0 + dt.timedelta(days=1)
    second = services.handover_record(contract=contract, actor=hr, direction=Handover.Direction.DELIVERY,
                                      recipient=manager, items=[notice], handed_at=_at(day1, 14))
    services.handover_acknowledge(handover=second, actor=manager)
    _backdate(Handover, second.pk, recorded_at=_at(day1, 14, 5), acknowledged_at=_at(day1, 14, 5))
    _backdate(Item, notice.pk, state_changed_at=_at(day1, 14, 5))
    record = services.storage_record(item=notice, actor=manager, place="safe", location="管理室 金庫", locked=True)
    _backdate(StorageRecord, record.pk, recorded_at=_at(day1, 14, 20))
    _backdate(Item, notice.pk, last_checked_at=_at(day1, 14, 20))

    # A month later: the monthly check of both.
    checked = _at(day0 + dt.timedelta(days=31), 9, 30)
    for item in (disc, notice):
        check = services.storage_check_record(item=item, actor=manager, note="月次確認")
        _backdate(StorageCheck, check.pk, checked_at=checked)
        _backdate(Item, item.pk, last_checked_at=checked)

    # This morning: a corrected attribute file on a second disc, not yet acknowledged.
    extra = services.item_register(
        contract=contract, actor=hr, category=Item.Category.MEDIUM, medium_kind=cd_r, label="CD-2025-002",
        contents="職員属性の差替えデータ（暗号化済みファイル）", record_count=42, pieces=1,
        file_name="engagement-2025-fix.xlsx",
        sha256=hashlib.sha256(b"demo encrypted package 2025 fix").hexdigest(),
    )
    morning = min(timezone.now() - dt.timedelta(minutes=30), _at(today, 9, 30))
    _backdate(Item, extra.pk, created_at=morning - dt.timedelta(hours=16),
              state_changed_at=morning - dt.timedelta(hours=16))
    services.handover_record(contract=contract, actor=hr, direction=Handover.Direction.DELIVERY,
                             recipient=handler, items=[extra], handed_at=morning)
