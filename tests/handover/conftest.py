import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from handover import services
from handover.models import Handover, HandoverLine, Item, MediumKind, StorageCheck, StorageRecord

TOKYO = dt.timezone(dt.timedelta(hours=9))
DISC_SHA256 = hashlib.sha256(b"encrypted package").hexdigest()


def tokyo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


class Clock:
    """The time services read from ``django.utils.timezone.now``; tests move it forward."""

    def __init__(self, monkeypatch):
        self._now = None
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self):
        return self._now if self._now is not None else dt.datetime.now(dt.UTC)

    def set(self, when: dt.datetime):
        self._now = when.astimezone(dt.UTC)
        return self._now

    def advance(self, **delta):
        return self.set(self.now() + dt.timedelta(**delta))


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(tokyo(2025, 6, 10, 9, 0))
    return clock


@pytest.fixture
def cd_r(db):
    return MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})[0]


def register_disc(world, cd_r, label="CD-001", **extra):
    fields = {"contents": "職員属性・調査回答", "record_count": 3012, "file_name": "engagement.xlsx",
              "sha256": DISC_SHA256}
    fields.update(extra)
    return services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=cd_r, label=label, **fields)


def register_notice(world, disc, label="PN-001"):
    return services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.NOTICE,
                                  label=label, contents="パスワード通知書", opens=disc)


def register_paper(world, label="P-001"):
    return services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                  label=label, contents="回答用紙の写し", pieces=2)


def deliver(world, items, recipient=None, **extra):
    return services.handover_record(contract=world.contract, actor=world.hr,
                                    direction=Handover.Direction.DELIVERY,
                                    recipient=recipient or world.handler, items=items, **extra)


def give_back(world, items, actor=None, recipient=None, **extra):
    return services.handover_record(contract=world.contract, actor=actor or world.handler,
                                    direction=Handover.Direction.RETURN, recipient=recipient or world.hr,
                                    items=items, **extra)


def acknowledge(handover, actor, **extra):
    """The recipient's acknowledgement as the page sends it: the stated time confirmed and, unless the
    test says otherwise, the SHA-256 of each hashed medium computed correctly from the disc."""
    extra.setdefault("time_confirmed", True)
    if "hashes" not in extra and "not_computed" not in extra:
        extra["hashes"] = {line.item_id: line.item.sha256 for line in handover.lines.select_related("item")
                           if line.item.sha256}
    return services.handover_acknowledge(handover=handover, actor=actor, **extra)


@pytest.fixture
def disc(world, cd_r, clock):
    return register_disc(world, cd_r)


@pytest.fixture
def notice(world, disc):
    return register_notice(world, disc)


def snapshot() -> dict:
    """Every row the handover app owns, as plain values, to compare before and after a refusal."""
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Item, Handover, HandoverLine, StorageRecord, StorageCheck)}
