"""Reads that depend on who asks: ledgers, item lists, histories and what waits on the dashboard."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import contracts_where, people_who_can
from contracts.selectors import contracts_for, display_name
from contracttypes.parts import uses
from core.dashboard import Link, Waiting
from core.dates import wareki_datetime

from . import permissions, rules
from .models import Handover, HandoverLine, Item, OnlineTransfer, StorageCheck, StorageRecord


def _people(*fields: str) -> list[str]:
    return [f"{f}__profile" for f in fields]


def items_of(contract: Contract):
    return (contract.handover_items.select_related("medium_kind", "holder__profile", "storage", "opens")
            .order_by("category", "label"))


def eligible_items(contract: Contract, direction: str, user=None):
    """Items that may go on a new handover in ``direction``: at the ward for a delivery; for a return,
    the items at the contractor that ``user`` may return (their own, or as the handling manager, any)."""
    items = contract.handover_items.select_related("medium_kind", "opens", "holder__profile").order_by("label")
    if direction == Handover.Direction.DELIVERY:
        return items.filter(state=Item.State.PREPARED)
    items = items.filter(state=Item.State.AT_CONTRACTOR)
    if user is not None:
        wanted = [item.pk for item in items if permissions.may_return(user, _on(item, contract))]
        items = items.filter(pk__in=wanted)
    return items


def _on(item: Item, contract: Contract) -> Item:
    # The contract the view loaded carries the person's roles for this request: one query, not one per item.
    item.contract = contract
    return item


def recipients_for(contract: Contract, direction: str):
    """Who may be handed items: the approved designees in force on a delivery, the HR members on a return."""
    return permissions.recipients(contract, direction).select_related("profile__organisation").order_by("username")


def _lines_prefetch():
    return Prefetch("lines", queryset=HandoverLine.objects.select_related("item__medium_kind").order_by("item__label"))


def ledger_for(user, *, contract: Contract | None = None, date_from: dt.date | None = None,
               date_to: dt.date | None = None, category: str = "", direction: str = "", status: str = "",
               contract_filter: Contract | None = None):
    """The ledger (管理簿) rows this person may read, newest entry first, with everything a row shows.

    Rows run in the order they were written in the ledger (a late entry, 事後記録, where it was written,
    with its stated time); exports reverse this to read oldest first, as a paper 管理簿 does.

    The query count does not depend on the number of rows: people come by join, lines by one prefetch.
    """
    if contract is not None:
        qs = Handover.objects.filter(contract=contract)
    else:
        qs = Handover.objects.filter(contract__in=contracts_for(user))
        if contract_filter is not None:
            qs = qs.filter(contract=contract_filter)
    # Whole days in Tokyo, as bounds on the indexed column rather than a function of it. A bound at the
    # very ends of the calendar bounds nothing (and has no UTC equivalent to query with).
    if date_from and date_from > dt.date.min:
        qs = qs.filter(handed_at__gte=_day_start(date_from))
    if date_to and date_to < dt.date.max - dt.timedelta(days=1):
        qs = qs.filter(handed_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if category:
        qs = qs.filter(Exists(HandoverLine.objects.filter(handover=OuterRef("pk"), item__category=category)))
    if direction:
        qs = qs.filter(direction=direction)
    if status:
        qs = qs.filter(status=status)
    return (qs.select_related("contract__contractor", "giver__profile__organisation",
                              "recipient__profile__organisation",
                              *_people("given_for", "acknowledged_by", "acknowledged_for", "cancelled_by"))
            .prefetch_related(_lines_prefetch()).order_by("-recorded_at", "-number"))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=rules.RULE_TIMEZONE)


def handover_detail(handover: Handover) -> Handover:
    return (Handover.objects.select_related("contract__contractor", "giver__profile__organisation",
                                            "recipient__profile__organisation",
                                            *_people("given_for", "acknowledged_by", "acknowledged_for",
                                                     "cancelled_by", "recorded_by"))
            .prefetch_related(_lines_prefetch()).get(pk=handover.pk))


def hash_mismatches(handover: Handover):
    """The refused acknowledgements of this handover whose SHA-256 did not match (from the audit trail)."""
    from audit.models import AuditEntry

    return AuditEntry.objects.filter(action="handover.hash_mismatch", object_type="handover.handover",
                                     object_id=str(handover.pk)).select_related("actor__profile").order_by("seq")


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    title: str
    person: object = None
    detail: str = ""
    url: str = ""


# function(item) -> list[Event], registered by the apps above handover (handover names none of them).
_history_providers: list = []


def register_item_history(provider) -> None:
    if provider not in _history_providers:
        _history_providers.append(provider)


def item_history(item: Item) -> list[Event]:
    """Everything that happened to one item, oldest first: registration, each handover and its
    acknowledgement or cancellation, each storage record and periodic check."""
    slug = item.contract.slug
    events = [Event(item.created_at, _("登録"), item.created_by, item.contents)]
    lines = item.handover_lines.select_related("handover", *_people(
        "handover__giver", "handover__recipient", "handover__acknowledged_by", "handover__cancelled_by"))
    for line in lines:
        h = line.handover
        url = reverse("handover:handover_detail", kwargs={"slug": slug, "pk": h.pk})
        events.append(Event(h.handed_at, _("受渡し No.%(n)s（%(direction)s）") % {
            "n": h.number, "direction": h.get_direction_display()}, h.giver,
            _("受け取った者: %(name)s・%(method)s") % {"name": display_name(h.recipient), "method": method_text(h)}, url))
        if h.acknowledged_at:
            detail = _("SHA-256一致を確認") if line.hash_verified else ""
            events.append(Event(h.acknowledged_at, _("受領確認（受渡し No.%(n)s）") % {"n": h.number},
                                h.acknowledged_by, detail, url))
        if h.cancelled_at:
            events.append(Event(h.cancelled_at, _("受渡しの取消（No.%(n)s）") % {"n": h.number}, h.cancelled_by,
                                h.cancel_reason, url))
    for record in StorageRecord.objects.filter(item=item).select_related("recorded_by__profile"):
        events.append(Event(record.recorded_at, _("保管場所の記録"), record.recorded_by, str(record)))
    for check in StorageCheck.objects.filter(item=item).select_related("checked_by__profile", "storage"):
        events.append(Event(check.checked_at, _("定期確認（所在を確認）"), check.checked_by,
                            f"{check.storage}{'・' + check.note if check.note else ''}"))
    # What the apps above know of it (the year's end: its destruction in an accepted deletion report).
    for provider in _history_providers:
        events.extend(provider(item))
    return sorted(events, key=lambda e: e.at)


def method_text(handover: Handover) -> str:
    parts = [_("手渡し")] if handover.by_hand else []
    if handover.container:
        parts.append(rules.container_label(handover.container))
    return "・".join(parts)


# --- what waits for whom -------------------------------------------------------------------------


def pending_acknowledgements(*, now=None, overdue_only=False, contracts=None, direction: str = ""):
    qs = Handover.objects.filter(status=Handover.Status.IN_TRANSIT)
    if contracts is not None:
        qs = qs.filter(contract__in=contracts)
    if direction:
        qs = qs.filter(direction=direction)
    if overdue_only:
        qs = qs.filter(handed_at__lt=(now or timezone.now()) - rules.ACKNOWLEDGEMENT_DUE)
    return qs.select_related("contract", *_people("giver", "recipient")).order_by("handed_at")


def overdue_storage_checks(*, now=None, contracts=None):
    """Items at the contractor whose last confirmation is older than the check interval."""
    limit = (now or timezone.now()) - rules.storage_check_interval()
    qs = Item.objects.filter(state=Item.State.AT_CONTRACTOR, last_checked_at__lt=limit)
    if contracts is not None:
        qs = qs.filter(contract__in=contracts)
    return qs.select_related("contract", "holder__profile", "medium_kind").order_by("last_checked_at")


def unstored_items(*, contracts=None):
    """Items received by the contractor whose storage place is not recorded yet."""
    qs = Item.objects.filter(state=Item.State.AT_CONTRACTOR, storage__isnull=True)
    if contracts is not None:
        qs = qs.filter(contract__in=contracts)
    return qs.select_related("contract", "medium_kind").order_by("state_changed_at")


def notices_to_hand_over(*, contracts):
    """(notice, medium, earliest time) for each password notice still at the ward whose medium is at the
    contractor: the second half of the pair, which may travel from the next occasion after the medium's
    delivery. Two queries, however many contracts."""
    notices = list(Item.objects.filter(contract__in=contracts, category=Item.Category.NOTICE,
                                       state=Item.State.PREPARED, opens__state=Item.State.AT_CONTRACTOR)
                   .select_related("contract", "opens").order_by("contract_id", "label"))
    if not notices:
        return []
    deliveries: dict[int, Handover] = {}
    for line in (HandoverLine.objects.filter(item_id__in=[n.opens_id for n in notices],
                                             handover__direction=Handover.Direction.DELIVERY,
                                             handover__status=Handover.Status.ACKNOWLEDGED)
                 .select_related("handover").order_by("item_id", "-handover__recorded_at")):
        deliveries.setdefault(line.item_id, line.handover)
    rows = []
    for notice in notices:
        delivery = deliveries.get(notice.opens_id)
        if delivery is not None:
            rows.append((notice, notice.opens, rules.earliest_partner_time(max(rules.occasion_moments(delivery)))))
    return rows


def hr_people(contract_ids) -> dict[int, list]:
    """The contracts' 担当課 now, by contract: whoever may manage it (a membership, or a ScopeGrant on its
    section), as contracts.permissions.people_who_can answers (one query a contract; the daily reminders only)."""
    return {contract.pk: list(people_who_can(contract, "manage").select_related("profile").order_by("pk"))
            for contract in Contract.objects.filter(pk__in=set(contract_ids))}


def _labels(handover: Handover) -> str:
    labels = [line.item.label for line in handover.lines.all()]
    return "、".join(labels)


def waiting_handovers(user):
    """Dashboard rows: designees see deliveries to acknowledge, items to store and overdue checks; HR
    sees returns to acknowledge, deliveries the contractor has not acknowledged yet and overdue checks."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    rows: list[Waiting] = []
    receiving = contracts_where(user, "receive")
    managing = contracts_where(user, "manage")

    def handover_row(h, title):
        return Waiting(title=title, url=reverse("handover:handover_detail", kwargs={"slug": h.contract.slug, "pk": h.pk}),
                       contract=h.contract, due=h.acknowledgement_due, overdue=h.acknowledgement_due < now)

    pending = pending_acknowledgements(contracts=receiving | managing).prefetch_related(
        Prefetch("lines", queryset=HandoverLine.objects.select_related("item").order_by("item__label")))
    receiving_ids = set(receiving.values_list("pk", flat=True))
    managing_ids = set(managing.values_list("pk", flat=True))
    for h in pending:
        names = {"n": h.number, "items": _labels(h), "name": display_name(h.recipient)}
        # Only the named recipient is asked; the others of that side see it waits (and may stand in).
        mine = h.recipient_id == user.pk
        if h.is_delivery and h.contract_id in receiving_ids:
            title = (_("受領確認をしてください: 受渡し No.%(n)s（%(items)s）") if mine
                     else _("%(name)sさんの受領確認待ち: 受渡し No.%(n)s（%(items)s）")) % names
            rows.append(handover_row(h, title))
        elif h.is_delivery and h.contract_id in managing_ids:
            rows.append(handover_row(h, _("委託先の受領確認待ち: 受渡し No.%(n)s（%(items)s）") % names))
        elif h.is_return and h.contract_id in managing_ids:
            title = (_("返却の受領確認をしてください: 受渡し No.%(n)s（%(items)s）") if mine
                     else _("%(name)sさんの返却の受領確認待ち: 受渡し No.%(n)s（%(items)s）")) % names
            rows.append(handover_row(h, title))

    watched = receiving | managing
    for item in unstored_items(contracts=receiving):
        due = item.state_changed_at + rules.STORAGE_RECORD_DUE
        rows.append(Waiting(title=_("保管場所を記録してください: %(item)s") % {"item": item},
                            url=reverse("handover:item_detail", kwargs={"slug": item.contract.slug, "pk": item.pk}),
                            contract=item.contract, due=due, overdue=due < now))
    for notice, disc, after in notices_to_hand_over(contracts=managing):
        # Nothing else tells HR that the disc's other half is still at the ward (SEPARATION_RULE: another occasion).
        rows.append(Waiting(
            title=_("パスワード通知書 %(notice)s を渡してください（%(disc)s とは別の機会に。%(after)s以降）")
            % {"notice": notice.label, "disc": disc.label, "after": wareki_datetime(after)},
            url=reverse("handover:handover_create", kwargs={"slug": notice.contract.slug}) + f"?item={notice.pk}",
            contract=notice.contract))
    for item in overdue_storage_checks(now=now, contracts=watched):
        rows.append(Waiting(title=_("保管状況の定期確認が期限を過ぎています: %(item)s") % {"item": item},
                            url=reverse("handover:item_detail", kwargs={"slug": item.contract.slug, "pk": item.pk}),
                            contract=item.contract, due=item.next_check_due, overdue=True))
    return rows


def transfers_of(contract):
    return OnlineTransfer.objects.filter(contract=contract).select_related(
        "sent_by__profile", "recipient__profile", "acknowledged_by__profile").order_by("-sent_at", "-number")


def waiting_transfers(user):
    """Dashboard rows: the recipient of a file sent over LGWAN acknowledges its receipt (one query)."""
    if not user.is_authenticated:
        return []
    pending = OnlineTransfer.objects.filter(
        recipient=user, acknowledged_at__isnull=True, contract__in=contracts_where(user, "receive"),
    ).exclude(contract__status=Contract.Status.CLOSED).select_related("contract").order_by("sent_at")
    return [Waiting(title=_("送信 No.%(n)s（%(file)s）の受信確認をしてください") % {"n": t.number, "file": t.file_name},
                    url=reverse("handover:transfer_detail", kwargs={"slug": t.contract.slug, "pk": t.pk}),
                    contract=t.contract, since=t.sent_at, since_label=_("送信")) for t in pending]


def handover_links(user, contract):
    if not user.is_authenticated:
        return []
    links = []
    if uses(contract, "media_custody"):  # a type that sends its data online moves no media
        links.append(Link(_("記録媒体等・受渡し"), reverse("handover:items", kwargs={"slug": contract.slug})))
    if uses(contract, "online_transfer"):
        links.append(Link(_("送信（LGWAN等）"), reverse("handover:transfers", kwargs={"slug": contract.slug})))
    links.append(Link(_("管理簿"), reverse("handover:ledger", kwargs={"slug": contract.slug})))
    return links

