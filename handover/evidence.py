"""What the ledger knows about the checklist's handover controls, for one contract.

Registered in ``HandoverConfig.ready`` with the evidence registry (``core.evidence``);
each provider is a few aggregate queries, since the checklist page asks them on every view.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import Evidence

from . import rules
from .models import Handover, Item


def _ledger_url(contract) -> str:
    return reverse("handover:ledger", kwargs={"slug": contract.slug})


def _items_url(contract) -> str:
    return reverse("handover:items", kwargs={"slug": contract.slug})


def _live_handovers(contract):
    return Handover.objects.filter(contract=contract).exclude(status=Handover.Status.CANCELLED)


def separation_evidence(contract) -> Evidence:
    """別の機会: every medium and its password notice travelled on separate occasions, counting every
    moment the ledger knows of each handover (stated, recorded, acknowledged), as the rule does."""
    pairs = 0
    breaches = 0
    moments = ("handed_at", "recorded_at", "acknowledged_at")
    notice_moves = list(
        _live_handovers(contract).filter(lines__item__opens__isnull=False)
        .values_list("direction", "lines__item__opens_id", *moments)
    )
    medium_moves: dict[tuple[str, int], list] = {}
    medium_ids = {row[1] for row in notice_moves}
    for direction, item_id, *times in _live_handovers(contract).filter(lines__item_id__in=medium_ids).values_list(
        "direction", "lines__item_id", *moments
    ):
        medium_moves.setdefault((direction, item_id), []).append([t for t in times if t])
    for direction, medium_id, *times in notice_moves:
        notice_times = [t for t in times if t]
        for medium_times in medium_moves.get((direction, medium_id), []):
            pairs += 1
            if not all(rules.separate_occasions(a, b) for a in medium_times for b in notice_times):
                breaches += 1
    if breaches:
        return Evidence(met=False, url=_ledger_url(contract),
                        summary=_("媒体とパスワード通知書が同じ機会に受け渡された記録が %(n)s組あります。") % {"n": breaches})
    if not pairs:
        return Evidence(met=None, url=_ledger_url(contract),
                        summary=_("媒体とパスワード通知書の受渡しはまだ両方そろっていません。"))
    return Evidence(met=True, url=_ledger_url(contract),
                    summary=_("媒体とパスワード通知書の受渡し %(n)s組は、すべて別の機会に行われました。") % {"n": pairs})


def carrying_evidence(contract) -> Evidence:
    """鍵付きカバン等を使用して手渡し: every handover recorded as by hand, in a locked container."""
    counts = _live_handovers(contract).aggregate(
        total=Count("pk"), off=Count("pk", filter=Q(by_hand=False) | Q(container="")),
    )
    if not counts["total"]:
        return Evidence(met=None, url=_ledger_url(contract), summary=_("受渡しの記録はまだありません。"))
    if counts["off"]:
        return Evidence(met=False, url=_ledger_url(contract),
                        summary=_("手渡し・鍵付きカバン等によらない受渡しが %(off)s件あります。") % counts)
    return Evidence(met=True, url=_ledger_url(contract),
                    summary=_("受渡し %(total)s件すべてを鍵付きカバン等で手渡し") % counts)


def ledger_evidence(contract) -> Evidence:
    """管理簿に記載: every handover is in the ledger; acknowledgements are not left waiting."""
    overdue_before = timezone.now() - rules.ACKNOWLEDGEMENT_DUE
    counts = _live_handovers(contract).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(status=Handover.Status.IN_TRANSIT)),
        overdue=Count("pk", filter=Q(status=Handover.Status.IN_TRANSIT, handed_at__lt=overdue_before)),
    )
    if not counts["total"]:
        return Evidence(met=None, url=_ledger_url(contract), summary=_("管理簿への記載はまだありません。"))
    summary = _("管理簿に受渡し %(total)s件（受領確認待ち %(pending)s件）") % counts
    if counts["overdue"]:
        return Evidence(met=False, url=_ledger_url(contract),
                        summary=summary + _("。受領確認が1日以上遅れているものが %(overdue)s件あります。") % counts)
    return Evidence(met=True, url=_ledger_url(contract), summary=summary)


def storage_evidence(contract) -> Evidence:
    """施錠できる金庫又はキャビネット等に保管: every item the contractor holds has its place recorded."""
    limit = timezone.now() - rules.storage_check_interval()
    counts = Item.objects.filter(contract=contract).aggregate(
        held=Count("pk", filter=Q(state=Item.State.AT_CONTRACTOR)),
        unstored=Count("pk", filter=Q(state=Item.State.AT_CONTRACTOR, storage__isnull=True)),
        overdue=Count("pk", filter=Q(state=Item.State.AT_CONTRACTOR, last_checked_at__lt=limit)),
    )
    if counts["unstored"] or counts["overdue"]:
        return Evidence(met=False, url=_items_url(contract), summary=_(
            "委託先で保管中 %(held)s点のうち、保管場所が未記録 %(unstored)s点・定期確認の期限超過 %(overdue)s点"
        ) % counts)
    if not counts["held"]:
        return Evidence(met=None, url=_items_url(contract), summary=_("委託先で保管中の記録媒体等はありません。"))
    return Evidence(met=True, url=_items_url(contract), summary=_(
        "委託先で保管中 %(held)s点すべての保管場所を記録し、定期確認も期限内"
    ) % counts)


def ward_storage_evidence(contract) -> Evidence:
    """施錠できる金庫又はキャビネット等に保管 (the ward's own list): every disc, paper and notice the WARD holds — not
    yet handed over, or returned — has the locked place it is kept in recorded (the ward records it as the side
    that holds it, ``handover.permissions.may_store``). What the contractor holds is the contractor side's item."""
    at_ward = Q(state__in=[Item.State.PREPARED, Item.State.RETURNED])
    counts = Item.objects.filter(contract=contract).aggregate(
        held=Count("pk", filter=at_ward),
        unstored=Count("pk", filter=at_ward & Q(storage__isnull=True)),
    )
    if not counts["held"]:
        return Evidence(met=None, url=_items_url(contract), summary=_("区で保管中の記録媒体等はありません。"))
    if counts["unstored"]:
        return Evidence(met=False, url=_items_url(contract), summary=_(
            "区で保管中 %(held)s点のうち、施錠できる保管場所が未記録 %(unstored)s点") % counts)
    return Evidence(met=True, url=_items_url(contract), summary=_(
        "区で保管中 %(held)s点すべての施錠できる保管場所を記録済み") % counts)


PROVIDERS = {
    "operational.06": storage_evidence,     # 定期的に確認する体制
    "operational.07": separation_evidence,  # 媒体とパスワード通知書は別の機会に
    "operational.08": carrying_evidence,    # 鍵付きカバン等を使用して運搬
    "operational.09": ledger_evidence,      # 管理簿に記載
}
# 施錠できる金庫又はキャビネット等に保管: each side's list counts what that side holds.
SIDE_PROVIDERS = {
    "ward.operational.10": ward_storage_evidence,
    "contractor.operational.10": storage_evidence,
}


def register_all() -> None:
    from core import evidence

    for key, provider in PROVIDERS.items():
        for side in ("ward", "contractor"):
            evidence.register(f"{side}.{key}", provider)
    for key, provider in SIDE_PROVIDERS.items():
        evidence.register(key, provider)
