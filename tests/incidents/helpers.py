"""Small helpers: a disc and its password notice handed over on separate days, stored apart, and incidents
reported through the service as a person would."""

import datetime as dt

from django.utils import timezone

from handover.models import Item
from incidents import services
from tests.handover.conftest import (
    acknowledge,
    deliver,
    register_disc,
    register_notice,
    register_paper,
    tokyo,
)

__all__ = ["delivered_pair", "report", "register_paper", "tokyo"]


def delivered_pair(world, cd_r, clock, *, disc_label="CD-001", notice_label="PN-001", notice_place="管理室 金庫"):
    """The seed's way: the disc on one day to the handler (cabinet B-2), its notice two days later to the
    manager (the safe). Returns (disc, notice), both at the contractor."""
    from handover import services as handover_services

    disc = register_disc(world, cd_r, label=disc_label)
    notice = register_notice(world, disc, label=notice_label)
    acknowledge(deliver(world, [disc]), world.handler)
    handover_services.storage_record(item=disc, actor=world.handler, place="cabinet", location="分析室 キャビネットB-2",
                                     locked=True)
    clock.advance(days=2)
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    handover_services.storage_record(item=notice, actor=world.manager, place="safe", location=notice_place,
                                     locked=True)
    return Item.objects.get(pk=disc.pk), Item.objects.get(pk=notice.pk)


_AN_HOUR_AGO = object()


def report(world, actor=None, *, items=(), kind="loss", affected_count=3012, discovered_at=_AN_HOUR_AGO, **extra):
    extra.setdefault("description", "分析室から記録媒体が見当たらない。")
    # The reporter's answer for an encrypted medium: the seed's way keeps the notice with someone else.
    extra.setdefault("password_exposure", "other_keeps")
    return services.incident_report(
        contract=world.contract, actor=actor or world.manager, kind=kind, items=list(items),
        affected_count=affected_count,
        discovered_at=timezone.now() - dt.timedelta(hours=1) if discovered_at is _AN_HOUR_AGO else discovered_at,
        **extra)

