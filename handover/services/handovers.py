"""Handovers in the ledger: recording one (the separation of a medium and its notice, a return on the
holder's behalf), acknowledging it (the SHA-256 the recipient computed) and cancelling one recorded by mistake."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts import subcontracting
from contracts.models import Contract
from contracts.selectors import display_name
from core import bounds
from core.dates import wareki_datetime
from core.errors import DomainError

from .. import notifications, permissions, rules
from ..models import Handover, HandoverLine, Item
from ..rules import quote
from ..signals import custody_changed
from .items import SHA256_PATTERN, normalise_sha256

CLOCK_TOLERANCE = rules.CLOCK_TOLERANCE


class HashMismatch(DomainError):
    """The SHA-256 the recipient computed from the disc is not the one recorded for the file."""

    def __init__(self, message, *, handover: Handover, item: Item, entered: str):
        super().__init__(message, field=f"sha256_{item.pk}", code="hash_mismatch")
        self.handover = handover
        self.item = item
        self.entered = entered


def _partners(item: Item) -> list[Item]:
    """The other half of each pair ``item`` belongs to: a notice's medium, or a medium's notices."""
    if item.is_notice:
        return [item.opens] if item.opens_id else []
    if item.is_medium:
        return list(item.notices.all())
    return []


def _moments(handover: Handover) -> list[dt.datetime]:
    """When a handover happened as far as the app can tell: the stated time, and the moments it was
    really written in the ledger and acknowledged, which no back-dating can move."""
    return [moment for moment in (handover.handed_at, handover.recorded_at, handover.acknowledged_at) if moment]


def _check_separation(*, direction: str, items: list[Item], handed_at: dt.datetime, now: dt.datetime) -> None:
    """SEPARATION_RULE, in either direction: a medium and its notice never in the same handover, never
    while the other is in transit, and never on the same occasion (same Tokyo day, or the set gap).

    The occasion of each handover is every moment the app knows of it (see :func:`_moments`), so a
    handover stated as "yesterday" but written a second after its partner was acknowledged today is
    on the same occasion as that partner."""
    chosen = {item.pk for item in items}
    ours = [handed_at, now]
    for item in items:
        for partner in _partners(item):
            names = {"item": str(item), "partner": str(partner), "rule": quote(rules.SEPARATION_RULE)}
            if partner.pk in chosen:
                raise DomainError(
                    _("「%(item)s」と「%(partner)s」は対になる記録媒体とパスワード通知書のため、同じ受渡しで渡すことは"
                      "できません。別の機会に分けて渡してください。%(rule)s") % names,
                    field="items", code="same_handover",
                )
            if partner.is_in_transit:
                raise DomainError(
                    _("対になる「%(partner)s」がまだ受渡し中（受領確認待ち）のため、「%(item)s」は渡せません。"
                      "受領確認の後、別の機会に渡してください。%(rule)s") % names,
                    field="items", code="partner_in_transit",
                )
            previous = (
                Handover.objects.filter(lines__item=partner, direction=direction)
                .exclude(status=Handover.Status.CANCELLED).order_by("recorded_at")
            )
            for earlier in previous:
                theirs = _moments(earlier)
                if all(rules.separate_occasions(a, b) for a in theirs for b in ours):
                    continue
                what, field = _what_would_be_accepted(theirs=theirs, items=items, handed_at=handed_at, now=now)
                raise DomainError(
                    _("対になる「%(partner)s」を%(when)sに渡しているため（管理簿への記録 %(recorded)s%(acknowledged)s）、"
                      "「%(item)s」を同じ機会に渡すことはできません。%(what)s%(rule)s")
                    % {**names, "when": wareki_datetime(earlier.handed_at),
                       "recorded": wareki_datetime(earlier.recorded_at),
                       "acknowledged": (_("・受領確認 %(when)s") % {"when": wareki_datetime(earlier.acknowledged_at)}
                                        if earlier.acknowledged_at else ""),
                       "what": what},
                    field=field, code="same_occasion",
                )


def _what_would_be_accepted(*, theirs: list[dt.datetime], items: list[Item], handed_at: dt.datetime,
                            now: dt.datetime) -> tuple[str, str]:
    """The refusal's second half: what would be accepted, given what was entered, and the field to show it at.

    A record made now is on the occasion of its stated time and of the moment it is written. When the
    writing moment meets the partner's occasion no stated time helps, only recording later does; when only
    a late entry's stated time does, the stated times that would pass are named, never one after now or
    before the items' previous record."""
    after = rules.earliest_partner_time(max(theirs))
    if now - handed_at <= CLOCK_TOLERANCE:
        return _("%(earliest)s以降に渡してください。") % {"earliest": wareki_datetime(after)}, "items"
    stated = {"when": wareki_datetime(handed_at), "now": wareki_datetime(now), "earliest": wareki_datetime(after)}
    stated_apart = all(rules.separate_occasions(moment, handed_at) for moment in theirs)
    if not all(rules.separate_occasions(moment, now) for moment in theirs):
        counted = _("事後記録でも、管理簿に記録する時刻（%(now)s）を受渡しの機会に数えます（日時をさかのぼって記入しても"
                    "対になる受渡しと同じ機会になるため）。") % stated
        if stated_apart:
            return counted + _("入力した受渡し日時（%(when)s）のまま、%(earliest)s以降に記録してください。") % stated, "items"
        return counted + _("入力した受渡し日時（%(when)s）も対になる受渡しと同じ機会にあたります。") % stated, "handed_at"
    options = []
    not_before = max(item.state_changed_at.replace(second=0, microsecond=0) for item in items)
    before = rules.partner_time_before(min(theirs))
    if before > not_before:
        options.append(_("%(time)sより前") % {"time": wareki_datetime(before)})
    if (start := max(after, not_before)) <= now:
        options.append(_("%(time)s以降（記録する時刻 %(now)sまで）") % {"time": wareki_datetime(start),
                                                                  "now": wareki_datetime(now)})
    if not options:
        return _("入力した受渡し日時（%(when)s）は対になる受渡しと同じ機会にあたり、この記録で受け付けられる受渡し日時は"
                 "ありません。") % stated, "handed_at"
    return (_("入力した受渡し日時（%(when)s）は対になる受渡しと同じ機会にあたります。受け付けられる受渡し日時は"
              "%(options)sです。") % {**stated, "options": _("、または").join(options)}, "handed_at")


@transaction.atomic
def handover_record(
    *,
    contract: Contract,
    actor,
    direction: str,
    recipient,
    items: Iterable[Item],
    handed_at: dt.datetime | None = None,
    late_reason: str = "",
    on_behalf_reason: str = "",
    by_hand: bool = True,
    container: str = rules.LOCKED_BAG,
    notes: str = "",
    request=None,
) -> Handover:
    """Write one handover in the ledger (LEDGER_RULE); its items are in transit until acknowledged.

    Enforces DESIGNEE_RULE (the recipient is an approved designee in force, or on a return an HR member
    of the contract), HAND_CARRY_RULE (by hand, in a locked bag) and SEPARATION_RULE. A handover time
    more than the clock tolerance before now is a late entry (事後記録) and needs ``late_reason``. A
    return is recorded by the items' holder, or by the handling manager on the holder's behalf with
    ``on_behalf_reason``.
    """
    now = timezone.now()
    # Locking the contract serialises handovers of one contract: two clerks cannot each send one half
    # of a pair at the same moment, and the ledger numbers have no gaps or twins.
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    permissions.may_record(actor, contract, direction).require(field="direction")
    handed_at = handed_at or now
    bounds.check_values(Handover, handed_at=handed_at, late_reason=late_reason, container=container, notes=notes)
    bounds.check_value(Handover, "given_for_reason", on_behalf_reason, field="on_behalf_reason")
    if handed_at > now + CLOCK_TOLERANCE:
        raise DomainError(_("受渡し日時に未来の日時は入力できません。"), field="handed_at")
    late_reason = late_reason.strip() if now - handed_at > CLOCK_TOLERANCE else ""
    if now - handed_at > CLOCK_TOLERANCE and not late_reason:
        raise DomainError(
            _("受渡し日時（%(when)s）が記録する時刻より%(minutes)s分以上前のため、事後記録になります。"
              "記録が遅れた理由を入力してください。") % {"when": wareki_datetime(handed_at),
                                              "minutes": int(CLOCK_TOLERANCE.total_seconds() // 60)},
            field="late_reason", code="late_without_reason",
        )

    permissions.may_be_handed(recipient, contract, direction).require(field="recipient")
    wanted_state = Item.State.PREPARED if direction == Handover.Direction.DELIVERY else Item.State.AT_CONTRACTOR
    if recipient.pk == actor.pk:
        raise DomainError(_("自分自身には渡せません。"), field="recipient")
    if not by_hand or not container.strip():
        raise DomainError(
            _("受渡しは鍵付きカバン等を使用して手渡しで行ってください。%(rule)s") % {"rule": quote(rules.HAND_CARRY_RULE)},
            field="by_hand" if not by_hand else "container", code="hand_carry",
        )

    ids = sorted({item.pk for item in items})
    if not ids:
        raise DomainError(_("渡す記録媒体等を選んでください。"), field="items")
    locked = list(Item.objects.select_for_update(of=("self",)).filter(pk__in=ids, contract=contract)
                  .select_related("medium_kind", "opens__medium_kind").order_by("pk"))
    if len(locked) != len(ids):
        raise DomainError(_("選んだ記録媒体等の一部がこの契約に見つかりません。"), field="items")
    for item in locked:
        if item.state != wanted_state:
            raise DomainError(
                _("「%(item)s」は「%(state)s」のため、この受渡しでは渡せません。")
                % {"item": item, "state": item.get_state_display()}, field="items", code="wrong_state",
            )
        # The form gives minutes: an item registered at 10:15:30 may be handed over "at 10:15".
        if handed_at < item.state_changed_at.replace(second=0, microsecond=0):
            raise DomainError(
                _("受渡し日時が「%(item)s」の前回の記録（%(when)s）より前になっています。")
                % {"item": item, "when": wareki_datetime(item.state_changed_at)}, field="handed_at",
            )
    _check_separation(direction=direction, items=locked, handed_at=handed_at, now=now)
    given_for, on_behalf_reason = _return_on_behalf(actor, locked, on_behalf_reason) if (
        direction == Handover.Direction.RETURN) else (None, "")

    number = (Handover.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    handover = Handover.objects.create(
        contract=contract, number=number, direction=direction, handed_at=handed_at, giver=actor,
        given_for=given_for, given_for_reason=on_behalf_reason, recipient=recipient, by_hand=by_hand,
        container=rules.canonical_container(container), notes=notes.strip(), status=Handover.Status.IN_TRANSIT,
        recorded_at=now, recorded_by=actor, late_reason=late_reason,
    )
    HandoverLine.objects.bulk_create([HandoverLine(handover=handover, item=item, quantity=item.pieces)
                                      for item in locked])
    for item in locked:
        item.state = Item.State.IN_TRANSIT
        item.state_changed_at = handed_at
        item.save(update_fields=["state", "state_changed_at"])
    payload = {"number": number, "direction": direction, "recipient": recipient.get_username(),
               "items": [item.label for item in locked], "handed_at": handed_at,
               "by_hand": by_hand, "container": handover.container}
    if late_reason:
        payload["late_reason"] = late_reason
    if given_for:
        payload.update(on_behalf_of=given_for.get_username(), reason=on_behalf_reason)
    audit_log(action="handover.recorded", actor=actor, contract=contract, obj=handover, request=request,
              payload=payload)
    transaction.on_commit(lambda: notifications.acknowledgement_requested(handover.pk))
    return handover


def _return_on_behalf(actor, items: list[Item], reason: str):
    """Who the actor returns ``items`` for (None: their own), and the reason; refuses a return by someone
    who neither holds the items nor manages the contractor's side."""
    holders = {item.holder_id for item in items}
    if len(holders) > 1:
        raise DomainError(_("保管者が異なる記録媒体等は、保管者ごとに分けて返却を記録してください。"), field="items",
                          code="several_holders")
    answers = [permissions.may_return(actor, item).require(field="items") for item in items]
    given_for = answers[0].on_behalf_of
    reason = reason.strip()
    if given_for is None:
        return None, ""
    if not reason:
        raise DomainError(
            _("%(name)sさんが保管している記録媒体等を代理で返却する理由を入力してください（例: 出張中のため）。")
            % {"name": display_name(given_for)}, field="on_behalf_reason", code="on_behalf_without_reason",
        )
    return given_for, reason


def handover_acknowledge(*, handover: Handover, actor, time_confirmed: bool = False,
                         hashes: dict[int, str] | None = None, not_computed: dict[int, str] | None = None,
                         on_behalf_reason: str = "", request=None) -> Handover:
    """受領確認, once, by the named recipient, or by another approved person of the same side on the
    recipient's behalf with ``on_behalf_reason``; see :func:`_handover_acknowledge`.

    The acknowledgement confirms the stated handover time (``time_confirmed``). For each medium with a
    recorded SHA-256 the recipient enters the hash computed from the disc (``hashes``) or says why it
    cannot be computed (``not_computed``). A mismatch is refused, and the refusal is written to the
    audit trail after the refused transaction has rolled back, so the record of it survives while
    every other row stays as it was.
    """
    try:
        return _handover_acknowledge(handover=handover, actor=actor, time_confirmed=time_confirmed,
                                     hashes=hashes or {}, not_computed=not_computed or {},
                                     on_behalf_reason=on_behalf_reason, request=request)
    except HashMismatch as mismatch:
        audit_log(action="handover.hash_mismatch", actor=actor, contract=mismatch.handover.contract,
                  obj=mismatch.handover, request=request,
                  payload={"number": mismatch.handover.number, "item": mismatch.item.label,
                           "expected_sha256": mismatch.item.sha256, "entered_sha256": mismatch.entered})
        raise


@transaction.atomic
def _handover_acknowledge(*, handover: Handover, actor, time_confirmed: bool, hashes: dict[int, str],
                          not_computed: dict[int, str], on_behalf_reason: str, request=None) -> Handover:
    # The row lock makes a second, simultaneous acknowledgement wait and then see the first one.
    handover = (Handover.objects.select_for_update(of=("self",))
                .select_related("contract", "recipient__profile", "acknowledged_by__profile").get(pk=handover.pk))
    answer = permissions.may_acknowledge(actor, handover).require()
    contract = handover.contract
    if handover.is_delivery:
        # Only parties the ward approved receive personal data (再委託の制限): neither the named recipient nor
        # whoever acknowledges for them may be of a subcontractor not approved for this contract.
        for person in (handover.recipient, actor):
            subcontracting.may_receive(contract, user=person).require()
    if not time_confirmed:
        raise DomainError(
            _("記録された受渡し日時（%(when)s）に受け取ったことを確かめて、確認の欄にチェックしてください。"
              "日時が違うときは受領確認をせず、渡した方に記録の取消と記録し直しを依頼してください。")
            % {"when": wareki_datetime(handover.handed_at)}, field="time_confirmed", code="time_not_confirmed",
        )
    on_behalf_reason = on_behalf_reason.strip() if answer.on_behalf_of else ""
    bounds.check_value(Handover, "acknowledged_for_reason", on_behalf_reason, field="on_behalf_reason")
    if answer.on_behalf_of and not on_behalf_reason:
        raise DomainError(
            _("%(name)sさん宛ての受渡しです。代理で受領確認する理由を入力してください（例: 出張中のため）。")
            % {"name": display_name(handover.recipient)}, field="on_behalf_reason", code="on_behalf_without_reason",
        )

    lines = list(handover.lines.select_related("item").order_by("item__label"))
    items = {item.pk: item for item in Item.objects.select_for_update(of=("self",)).filter(
        pk__in=[line.item_id for line in lines]).select_related("medium_kind").order_by("pk")}
    verified, unverified = [], {}
    for line in lines:
        item = items[line.item_id]
        if not item.sha256:
            continue
        field = f"sha256_{item.pk}"
        entered = normalise_sha256(hashes.get(item.pk, ""))
        why_not = (not_computed.get(item.pk) or "").strip()
        bounds.check_value(HandoverLine, "hash_not_computed_reason", why_not, field=f"not_computed_reason_{item.pk}")
        if entered:
            if not SHA256_PATTERN.match(entered):
                raise DomainError(_("SHA-256は64桁の16進数（0-9、a-f）で入力してください。"), field=field, code="bad_hash")
            if entered != item.sha256:
                raise HashMismatch(
                    _("「%(item)s」のSHA-256が登録された値と一致しません。ディスクが正しいか、計算したファイルが正しいかを"
                      "確認してください。受領確認はしていません。この不一致は記録されました。") % {"item": item},
                    handover=handover, item=item, entered=entered,
                )
            line.hash_verified = True
            verified.append(item.label)
        elif why_not:
            line.hash_not_computed_reason = why_not
            unverified[item.label] = why_not
        else:
            raise DomainError(
                _("「%(item)s」のファイルのSHA-256を計算して入力してください。計算できないときは「計算できない」を選び、"
                  "理由を入力してください。") % {"item": item}, field=field, code="hash_missing",
            )
        line.save(update_fields=["hash_verified", "hash_not_computed_reason"])

    now = timezone.now()
    handover.status = Handover.Status.ACKNOWLEDGED
    handover.acknowledged_at = now
    handover.acknowledged_by = actor
    handover.acknowledged_for = answer.on_behalf_of
    handover.acknowledged_for_reason = on_behalf_reason
    handover.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "acknowledged_for",
                                 "acknowledged_for_reason"])
    new_state = Item.State.AT_CONTRACTOR if handover.is_delivery else Item.State.RETURNED
    for item in items.values():
        item.state = new_state
        item.state_changed_at = now
        # Custody is the named recipient's, also when someone acknowledged for them.
        item.holder_id = handover.recipient_id
        # The new holder records where it is locked up; the old place is no longer where it is.
        item.storage = None
        item.last_checked_at = None
        item.save(update_fields=["state", "state_changed_at", "holder", "storage", "last_checked_at"])
    payload = {"number": handover.number, "direction": handover.direction,
               "items": [items[line.item_id].label for line in lines], "handed_at": handover.handed_at,
               "sha256_verified": verified}
    if handover.is_return:
        # Step ⑤ (報告書…およびデータ返却) follows the returns once the report is accepted (the year's end
        # listens: handover.signals).
        steps = [step for _receiver, moved in custody_changed.send(sender=Handover, contract=contract, actor=actor)
                 for step in moved or ()]
        if steps:
            payload["steps"] = steps
    if unverified:
        payload["sha256_not_computed"] = unverified
    if answer.on_behalf_of:
        payload.update(on_behalf_of=answer.on_behalf_of.get_username(), reason=on_behalf_reason)
    audit_log(action="handover.acknowledged", actor=actor, contract=contract, obj=handover, request=request,
              payload=payload)
    return handover


@transaction.atomic
def handover_cancel(*, handover: Handover, actor, reason: str, request=None) -> Handover:
    """The giver withdraws a handover recorded by mistake, before it is acknowledged; its items go back
    to where they were. The ledger keeps the line, marked as cancelled."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related(
        "contract", "acknowledged_by__profile").get(pk=handover.pk)
    permissions.may_cancel(actor, handover).require()
    reason = reason.strip()
    bounds.check_value(Handover, "cancel_reason", reason, field="reason")
    if not reason:
        raise DomainError(_("取消の理由を入力してください。"), field="reason")
    now = timezone.now()
    handover.status = Handover.Status.CANCELLED
    handover.cancelled_at = now
    handover.cancelled_by = actor
    handover.cancel_reason = reason
    handover.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    back = Item.State.PREPARED if handover.is_delivery else Item.State.AT_CONTRACTOR
    labels = []
    for item in Item.objects.select_for_update(of=("self",)).filter(handover_lines__handover=handover).order_by("pk"):
        item.state = back
        item.state_changed_at = now
        item.save(update_fields=["state", "state_changed_at"])
        labels.append(item.label)
    audit_log(action="handover.cancelled", actor=actor, contract=handover.contract, obj=handover, request=request,
              payload={"number": handover.number, "items": labels, "reason": reason})
    return handover
