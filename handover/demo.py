"""Demo data: the handovers of the seed contract's two years (see ``contracts.demo``).

FY2025, the seed contract (令和7年度), a finished year on fixed dates inside its period: HR hands the
disc CD-2025-001 over by hand in the locked bag on 24 June 2025 to the analyst, who acknowledges it
with its SHA-256 and locks it in cabinet B-2; the password notice PN-2025-001 follows two days later to
the handling manager, who locks it in the safe; both are checked every month from July 2025 to January
2026; on 5 February 2026 the contractor returns the notice and HR acknowledges it. The disc is not returned:
the contractor destroys it, and the deletion report the ward accepts says so with the destruction
certificate (``contracts.year_end_demo``, which also closes the contract).

FY2026, the current year (令和8年度), told relative to today (``contracts.demo.live_story_days``, which
keeps the dates inside the contract's period): the disc CD-2026-001 about six weeks ago, acknowledged
with its hash and locked in cabinet B-2; its notice PN-2026-001 the next day; the monthly check of both;
and a second disc CD-2026-002 handed over this morning, still waiting for the contractor's
acknowledgement.

Everything goes through the services, so the seed's rules are checked as for a person. The services
take the time from the clock, so the rows are moved back to the story's dates afterwards with
``queryset.update``; their audit entries are written with the story's times (``audit.services.recorded_at``),
so filtering the log on a ledger date finds that day's events. Safe to run twice.
"""

import datetime as dt
import hashlib

from django.utils import timezone

from audit.services import recorded_at
from contracts.demo import at, live_story_days

from . import services
from .models import Handover, Item, MediumKind, StorageCheck, StorageRecord

DELIVERY, RETURN = Handover.Direction.DELIVERY, Handover.Direction.RETURN
CABINET = "分析室 B-2"  # the kind (キャビネット) is the place chosen beside it
SAFE = "管理室 金庫"
WARD_SAFE = "人材育成等担当 執務室 金庫"

# FY2025: the days of the finished year.
LAST_YEAR_DISC_READY = at(dt.date(2025, 6, 23), 16)
LAST_YEAR_DISC_DELIVERED = at(dt.date(2025, 6, 24), 10)
LAST_YEAR_NOTICE_DELIVERED = at(dt.date(2025, 6, 26), 14)
# Monthly, each within 30 days of the one before (STORAGE_CHECK_INTERVAL_DAYS), on working days.
LAST_YEAR_CHECKS = [dt.date(2025, 7, 22), dt.date(2025, 8, 20), dt.date(2025, 9, 18), dt.date(2025, 10, 17),
                    dt.date(2025, 11, 14), dt.date(2025, 12, 12), dt.date(2026, 1, 9)]
LAST_YEAR_NOTICE_RETURNED = at(dt.date(2026, 2, 5), 14)

MINUTES = dt.timedelta(minutes=1)


def _backdate(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


def _register(contract, hr, when, **fields) -> Item:
    with recorded_at(when):
        item = services.item_register(contract=contract, actor=hr, **fields)
    _backdate(Item, item.pk, created_at=when, state_changed_at=when)
    return item


def _hand_over(contract, *, giver, recipient, items, when, direction=DELIVERY, notes="") -> Handover:
    # Told after the fact, so the service sees a late entry; in the story it was written five minutes
    # after the hand-over, on time, and is no late entry once moved back there.
    with recorded_at(when + 5 * MINUTES):
        handover = services.handover_record(contract=contract, actor=giver, direction=direction,
                                            recipient=recipient, items=items, handed_at=when, notes=notes,
                                            late_reason="デモデータの作成")
    _backdate(Handover, handover.pk, recorded_at=when + 5 * MINUTES, late_reason="")
    return handover


def _acknowledge(handover, *, actor, when, hashes=None) -> None:
    with recorded_at(when):
        services.handover_acknowledge(handover=handover, actor=actor, hashes=hashes, time_confirmed=True)
    _backdate(Handover, handover.pk, acknowledged_at=when)
    Item.objects.filter(handover_lines__handover=handover).update(state_changed_at=when)


def _store(item, *, actor, place, location, when) -> None:
    with recorded_at(when):
        record = services.storage_record(item=item, actor=actor, place=place, location=location, locked=True)
    _backdate(StorageRecord, record.pk, recorded_at=when)
    _backdate(Item, item.pk, last_checked_at=when)


def _check(item, *, actor, when) -> None:
    with recorded_at(when):
        check = services.storage_check_record(item=item, actor=actor, note="月次確認")
    _backdate(StorageCheck, check.pk, checked_at=when)
    _backdate(Item, item.pk, last_checked_at=when)


def _disc_and_notice(contract, hr, cd_r, *, year: int, when) -> tuple[Item, Item]:
    disc = _register(
        contract, hr, when, category=Item.Category.MEDIUM, medium_kind=cd_r, label=f"CD-{year}-001",
        contents="職員属性・調査回答（暗号化済みファイル）", record_count=3012, pieces=1,
        file_name=f"engagement-{year}.xlsx", sha256=hashlib.sha256(f"demo encrypted package {year}".encode()).hexdigest(),
    )
    notice = _register(contract, hr, when, category=Item.Category.NOTICE, label=f"PN-{year}-001",
                       contents=f"CD-{year}-001 のパスワード通知書", opens=disc)
    return disc, notice


def add_to_demo(world) -> None:
    cd_r, _ = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    MediumKind.objects.get_or_create(name="DVD-R", defaults={"sort_order": 20})
    seed_finished_year(world, cd_r)
    if world.current_contract is not None:
        seed_current_year(world, cd_r)
    # The second section's 印刷・封入封緘 contract, its data sent over LGWAN (handover.printing_demo).
    from .printing_demo import add_printing_contract

    add_printing_contract(world)


def seed_finished_year(world, cd_r) -> None:
    """FY2025 on its own dates: delivered in June 2025, checked monthly, returned in February 2026."""
    contract = world.contract
    if Item.objects.filter(contract=contract, label="CD-2025-001").exists():
        return
    if timezone.now() < LAST_YEAR_NOTICE_RETURNED + dt.timedelta(hours=1):
        return  # a clock set before February 2026: the services refuse handovers dated in the future
    hr, manager, handler = world.users["hr"], world.users["manager"], world.users["handler"]
    disc, notice = _disc_and_notice(contract, hr, cd_r, year=2025, when=LAST_YEAR_DISC_READY)

    # The disc, by hand in the locked bag, to the analyst; acknowledged with the hash; cabinet B-2.
    when = LAST_YEAR_DISC_DELIVERED
    first = _hand_over(contract, giver=hr, recipient=handler, items=[disc], when=when, notes="委託先事務所にて手交")
    _acknowledge(first, actor=handler, when=when + 10 * MINUTES, hashes={disc.pk: disc.sha256})
    _store(disc, actor=handler, place="cabinet", location=CABINET, when=when + 40 * MINUTES)

    # Two days later, on another occasion, the notice to the handling manager; locked in the safe.
    when = LAST_YEAR_NOTICE_DELIVERED
    second = _hand_over(contract, giver=hr, recipient=manager, items=[notice], when=when)
    _acknowledge(second, actor=manager, when=when + 5 * MINUTES)
    _store(notice, actor=manager, place="safe", location=SAFE, when=when + 20 * MINUTES)

    for day in LAST_YEAR_CHECKS:
        for item in (disc, notice):
            _check(item, actor=manager, when=at(day, 9, 30))

    # February 2026, the work done: the notice back to HR. The disc stays to be destroyed (deletion report).
    when = LAST_YEAR_NOTICE_RETURNED
    third = _hand_over(contract, giver=manager, recipient=hr, items=[notice], when=when, direction=RETURN,
                       notes="業務完了により返却")
    _acknowledge(third, actor=hr, when=when + 5 * MINUTES)
    # The ward keeps what came back locked up too (the ward's item 10).
    _store(notice, actor=hr, place="safe", location=WARD_SAFE, when=when + 30 * MINUTES)


def seed_current_year(world, cd_r) -> None:
    """FY2026, relative to today and inside its period (``live_story_days``)."""
    contract = world.current_contract
    if Item.objects.filter(contract=contract, label="CD-2026-001").exists():
        return
    story = live_story_days(contract)
    if story is None:
        return  # the clock is too early in (or before) the period for any handover to have happened
    hr, manager, handler = world.users["hr"], world.users["manager"], world.users["handler"]
    disc, notice = _disc_and_notice(contract, hr, cd_r, year=2026, when=at(story.disc - dt.timedelta(days=1), 16))

    # Day 0: the disc, by hand in the locked bag, to the analyst; acknowledged with the hash; cabinet B-2.
    when = at(story.disc, 10)
    first = _hand_over(contract, giver=hr, recipient=handler, items=[disc], when=when, notes="委託先事務所にて手交")
    _acknowledge(first, actor=handler, when=when + 10 * MINUTES, hashes={disc.pk: disc.sha256})
    _store(disc, actor=handler, place="cabinet", location=CABINET, when=when + 40 * MINUTES)

    # Day 1: the notice, on another occasion, to the handling manager; locked in the safe.
    when = at(story.notice, 14)
    second = _hand_over(contract, giver=hr, recipient=manager, items=[notice], when=when)
    _acknowledge(second, actor=manager, when=when + 5 * MINUTES)
    _store(notice, actor=manager, place="safe", location=SAFE, when=when + 20 * MINUTES)

    # A month later: the monthly check of both.
    if story.check is not None:
        for item in (disc, notice):
            _check(item, actor=manager, when=at(story.check, 9, 30))

    # This morning (or the period's last morning, once the period is over): a corrected attribute file on
    # a second disc, not yet acknowledged.
    morning = at(story.today, 9, 30)
    if story.today == timezone.localdate():
        morning = min(timezone.now() - 30 * MINUTES, morning)
    extra = _register(
        contract, hr, morning - dt.timedelta(hours=16), category=Item.Category.MEDIUM, medium_kind=cd_r,
        label="CD-2026-002", contents="職員属性の差替えデータ（暗号化済みファイル）", record_count=42, pieces=1,
        file_name="engagement-2026-fix.xlsx", sha256=hashlib.sha256(b"demo encrypted package 2026 fix").hexdigest(),
    )
    _hand_over(contract, giver=hr, recipient=handler, items=[extra], when=morning)
