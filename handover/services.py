"""Every write in the handover ledger: registering items, recording and acknowledging handovers,
storage and periodic checks. Each function re-reads its rows under a lock, refuses what the seed
forbids with a message that quotes the seed, and writes exactly one audit entry."""

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Contract, Designation, Membership, Role
from contracts.selectors import display_name
from core import bounds
from core.dates import wareki_datetime
from core.errors import DomainError

from . import notifications, rules
from .models import Handover, HandoverLine, Item, MediumKind, StorageCheck, StorageRecord

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
# A handover recorded on a phone a minute "in the future" of the server is not an error.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


class HashMismatch(DomainError):
    """The SHA-256 the recipient computed from the disc is not the one recorded for the file."""

    def __init__(self, message, *, handover: Handover, item: Item, entered: str):
        super().__init__(message, field=f"sha256_{item.pk}", code="hash_mismatch")
        self.handover = handover
        self.item = item
        self.entered = entered


def quote(rule: str) -> str:
    return _("「%(rule)s」（別紙 個人情報保護対策チェックリスト）") % {"rule": rule}


def normalise_sha256(value: str) -> str:
    """certutil prints the hash in lower case, older Windows with spaces between bytes; accept both."""
    return re.sub(r"\s+", "", value or "").lower()


def is_hr_member(user, contract: Contract) -> bool:
    return Membership.objects.filter(contract=contract, user=user, role=Role.HR, revoked_at__isnull=True).exists()


def is_approved_designee(user, contract: Contract) -> bool:
    return Designation.objects.in_force().filter(contract=contract, user=user).exists()


def _refuse_if_closed(contract: Contract) -> None:
    if contract.is_closed:
        raise DomainError(_("完了した契約の記録は変更できません。"))


def _may_hold(user, item: Item) -> bool:
    """Whether ``user`` is on the side that holds ``item`` now (the contractor's approved designees, or
    the ward's HR members)."""
    if item.is_at_contractor:
        return is_approved_designee(user, item.contract)
    return is_hr_member(user, item.contract)


@transaction.atomic
def item_register(
    *,
    contract: Contract,
    actor,
    category: str,
    label: str,
    contents: str,
    medium_kind: MediumKind | None = None,
    record_count: int | None = None,
    pieces: int = 1,
    file_name: str = "",
    sha256: str = "",
    opens: Item | None = None,
    notes: str = "",
    request=None,
) -> Item:
    """Register a medium, a paper document or a password notice, held by the ward until handed over.

    A notice names the medium it opens; the password itself is never asked for nor stored.
    """
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _refuse_if_closed(contract)
    if not is_hr_member(actor, contract):
        raise DomainError(_("記録媒体等を登録できるのは、この契約の担当課の職員です。"))
    bounds.check_values(Item, label=label, contents=contents, record_count=record_count, pieces=pieces,
                        file_name=file_name, notes=notes)
    label = label.strip()
    if not label:
        raise DomainError(_("管理番号を入力してください。"), field="label")
    if Item.objects.filter(contract=contract, label=label).exists():
        raise DomainError(_("管理番号「%(label)s」はこの契約ですでに使われています。") % {"label": label}, field="label")
    if pieces < 1:
        raise DomainError(_("数量は1以上にしてください。"), field="pieces")
    sha256 = normalise_sha256(sha256)
    if sha256 and not SHA256_PATTERN.match(sha256):
        raise DomainError(_("SHA-256は64桁の16進数で入力してください。"), field="sha256")

    if category == Item.Category.MEDIUM:
        if medium_kind is None:
            raise DomainError(_("媒体の種類を選んでください。"), field="medium_kind")
        opens = None
    elif category == Item.Category.PAPER:
        medium_kind, opens = None, None
        if sha256 or file_name:
            raise DomainError(_("紙媒体にはファイル名やSHA-256はありません。"), field="sha256")
    elif category == Item.Category.NOTICE:
        medium_kind, record_count = None, None
        if sha256 or file_name:
            raise DomainError(_("パスワード通知書にはファイル名やSHA-256はありません。"), field="sha256")
        if opens is None or opens.contract_id != contract.pk or not opens.is_medium:
            raise DomainError(_("このパスワード通知書で開く、この契約の電磁的媒体を選んでください。"), field="opens")
    else:
        raise DomainError(_("区分を選んでください。"), field="category")

    now = timezone.now()
    item = Item.objects.create(
        contract=contract, category=category, medium_kind=medium_kind, label=label, contents=contents.strip(),
        record_count=record_count, pieces=pieces, file_name=file_name.strip(), sha256=sha256, opens=opens,
        notes=notes.strip(), state=Item.State.PREPARED, state_changed_at=now, holder=actor, created_at=now,
        created_by=actor,
    )
    audit_log(action="handover.item.registered", actor=actor, contract=contract, obj=item, request=request,
              payload={"label": label, "category": category, "kind": item.kind_label, "pieces": pieces,
                       "record_count": record_count, "opens": opens.label if opens else "",
                       "sha256": sha256})
    return item


def _partners(item: Item) -> list[Item]:
    """The other half of each pair ``item`` belongs to: a notice's medium, or a medium's notices."""
    if item.is_notice:
        return [item.opens] if item.opens_id else []
    if item.is_medium:
        return list(item.notices.all())
    return []


def _check_separation(*, direction: str, items: list[Item], handed_at: dt.datetime) -> None:
    """SEPARATION_RULE, in either direction: a medium and its notice never in the same handover, never
    while the other is in transit, and never on the same occasion (same Tokyo day, or the set gap)."""
    chosen = {item.pk for item in items}
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
                HandoverLine.objects.filter(item=partner, handover__direction=direction)
                .exclude(handover__status=Handover.Status.CANCELLED)
                .select_related("handover").order_by("-handover__handed_at").first()
            )
            if previous and not rules.separate_occasions(previous.handover.handed_at, handed_at):
                earliest = rules.earliest_partner_time(previous.handover.handed_at)
                raise DomainError(
                    _("対になる「%(partner)s」を%(when)sに渡しているため、「%(item)s」を同じ機会に渡すことはできません。"
                      "%(earliest)s以降に渡してください。%(rule)s")
                    % {**names, "when": wareki_datetime(previous.handover.handed_at),
                       "earliest": wareki_datetime(earliest)},
                    field="items", code="same_occasion",
                )


@transaction.atomic
def handover_record(
    *,
    contract: Contract,
    actor,
    direction: str,
    recipient,
    items: Iterable[Item],
    handed_at: dt.datetime | None = None,
    by_hand: bool = True,
    container: str = "鍵付きカバン",
    notes: str = "",
    request=None,
) -> Handover:
    """Write one handover in the ledger (LEDGER_RULE); its items are in transit until acknowledged.

    Enforces DESIGNEE_RULE (the recipient is an approved designee, or on a return an HR member of the
    contract), HAND_CARRY_RULE (by hand, in a locked bag) and SEPARATION_RULE.
    """
    now = timezone.now()
    # Locking the contract serialises handovers of one contract: two clerks cannot each send one half
    # of a pair at the same moment, and the ledger numbers have no gaps or twins.
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _refuse_if_closed(contract)
    handed_at = handed_at or now
    bounds.check_values(Handover, handed_at=handed_at, container=container, notes=notes)
    if handed_at > now + CLOCK_TOLERANCE:
        raise DomainError(_("受渡し日時に未来の日時は入力できません。"), field="handed_at")

    if direction == Handover.Direction.DELIVERY:
        if not is_hr_member(actor, contract):
            raise DomainError(_("委託先へ渡す記録ができるのは、この契約の担当課の職員です。"))
        if not is_approved_designee(recipient, contract):
            raise DomainError(
                _("%(name)sさんはこの契約の承認された取扱責任者・取扱者（指定期間内）ではないため、渡すことはできません。%(rule)s")
                % {"name": display_name(recipient), "rule": quote(rules.DESIGNEE_RULE)},
                field="recipient", code="not_designee",
            )
        wanted_state = Item.State.PREPARED
    elif direction == Handover.Direction.RETURN:
        if not is_approved_designee(actor, contract):
            raise DomainError(_("返却の記録ができるのは、この契約の承認された取扱責任者・取扱者です。"))
        if not is_hr_member(recipient, contract):
            raise DomainError(
                _("%(name)sさんはこの契約の担当課の職員ではないため、返却先にできません。")
                % {"name": display_name(recipient)}, field="recipient", code="not_hr",
            )
        wanted_state = Item.State.AT_CONTRACTOR
    else:
        raise DomainError(_("受渡しの方向を選んでください。"), field="direction")
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
    _check_separation(direction=direction, items=locked, handed_at=handed_at)

    number = (Handover.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    handover = Handover.objects.create(
        contract=contract, number=number, direction=direction, handed_at=handed_at, giver=actor,
        recipient=recipient, by_hand=by_hand, container=container.strip(), notes=notes.strip(),
        status=Handover.Status.IN_TRANSIT, recorded_at=now, recorded_by=actor,
    )
    HandoverLine.objects.bulk_create([HandoverLine(handover=handover, item=item, quantity=item.pieces)
                                      for item in locked])
    for item in locked:
        item.state = Item.State.IN_TRANSIT
        item.state_changed_at = handed_at
        item.save(update_fields=["state", "state_changed_at"])
    audit_log(action="handover.recorded", actor=actor, contract=contract, obj=handover, request=request,
              payload={"number": number, "direction": direction, "recipient": recipient.get_username(),
                       "items": [item.label for item in locked], "handed_at": handed_at,
                       "by_hand": by_hand, "container": handover.container})
    transaction.on_commit(lambda: notifications.acknowledgement_requested(handover.pk))
    return handover


def handover_acknowledge(*, handover: Handover, actor, hashes: dict[int, str] | None = None,
                         request=None) -> Handover:
    """受領確認 by an approved person of the receiving side, once; see :func:`_handover_acknowledge`.

    A SHA-256 mismatch is refused, and the refusal is written to the audit trail after the refused
    transaction has rolled back, so the record of it survives while every other row stays as it was.
    """
    try:
        return _handover_acknowledge(handover=handover, actor=actor, hashes=hashes or {}, request=request)
    except HashMismatch as mismatch:
        audit_log(action="handover.hash_mismatch", actor=actor, contract=mismatch.handover.contract,
                  obj=mismatch.handover, request=request,
                  payload={"number": mismatch.handover.number, "item": mismatch.item.label,
                           "expected_sha256": mismatch.item.sha256, "entered_sha256": mismatch.entered})
        raise


@transaction.atomic
def _handover_acknowledge(*, handover: Handover, actor, hashes: dict[int, str], request=None) -> Handover:
    # The row lock makes a second, simultaneous acknowledgement wait and then see the first one.
    handover = Handover.objects.select_for_update(of=("self",)).select_related("contract").get(pk=handover.pk)
    if handover.is_acknowledged:
        raise DomainError(
            _("この受渡しは、すでに%(name)sさんが%(when)sに受領確認しています。")
            % {"name": display_name(handover.acknowledged_by), "when": wareki_datetime(handover.acknowledged_at)},
            code="already_acknowledged",
        )
    if handover.is_cancelled:
        raise DomainError(_("この受渡しは取り消されています。"), code="cancelled")
    contract = handover.contract
    _refuse_if_closed(contract)
    if handover.is_delivery and not is_approved_designee(actor, contract):
        raise DomainError(
            _("受領確認ができるのは、この契約の承認された取扱責任者・取扱者です。%(rule)s") % {"rule": quote(rules.DESIGNEE_RULE)},
            code="not_designee",
        )
    if handover.is_return and not is_hr_member(actor, contract):
        raise DomainError(_("返却の受領確認ができるのは、この契約の担当課の職員です。"), code="not_hr")
    if actor.pk == handover.giver_id:
        raise DomainError(_("渡した本人は受領確認できません。"))

    lines = list(handover.lines.select_related("item").order_by("item__label"))
    items = {item.pk: item for item in Item.objects.select_for_update(of=("self",)).filter(
        pk__in=[line.item_id for line in lines]).select_related("medium_kind").order_by("pk")}
    verified = []
    for line in lines:
        item = items[line.item_id]
        entered = normalise_sha256(hashes.get(item.pk, ""))
        if not entered or not item.sha256:
            continue
        if entered != item.sha256:
            raise HashMismatch(
                _("「%(item)s」のSHA-256が登録された値と一致しません。ディスクが正しいか、計算したファイルが正しいかを"
                  "確認してください。受領確認はしていません。この不一致は記録されました。") % {"item": item},
                handover=handover, item=item, entered=entered,
            )
        line.hash_verified = True
        line.save(update_fields=["hash_verified"])
        verified.append(item.label)

    now = timezone.now()
    handover.status = Handover.Status.ACKNOWLEDGED
    handover.acknowledged_at = now
    handover.acknowledged_by = actor
    handover.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    new_state = Item.State.AT_CONTRACTOR if handover.is_delivery else Item.State.RETURNED
    for item in items.values():
        item.state = new_state
        item.state_changed_at = now
        item.holder_id = handover.recipient_id
        # The new holder records where it is locked up; the old place is no longer where it is.
        item.storage = None
        item.last_checked_at = None
        item.save(update_fields=["state", "state_changed_at", "holder", "storage", "last_checked_at"])
    audit_log(action="handover.acknowledged", actor=actor, contract=contract, obj=handover, request=request,
              payload={"number": handover.number, "direction": handover.direction,
                       "items": [items[line.item_id].label for line in lines], "sha256_verified": verified})
    return handover


@transaction.atomic
def handover_cancel(*, handover: Handover, actor, reason: str, request=None) -> Handover:
    """The giver withdraws a handover recorded by mistake, before it is acknowledged; its items go back
    to where they were. The ledger keeps the line, marked as cancelled."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related("contract").get(pk=handover.pk)
    if not handover.is_in_transit:
        raise DomainError(_("受領確認待ちの受渡しだけを取り消せます（現在: %(status)s）。")
                          % {"status": handover.get_status_display()})
    _refuse_if_closed(handover.contract)
    if actor.pk != handover.giver_id:
        raise DomainError(_("受渡しを取り消せるのは、渡した本人だけです。"))
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


@transaction.atomic
def storage_record(*, item: Item, actor, place: str, location: str, locked: bool, request=None) -> StorageRecord:
    """Record where a held item is locked up (STORAGE_RULE); its periodic checks count from now."""
    item = Item.objects.select_for_update(of=("self",)).select_related("contract").get(pk=item.pk)
    _refuse_if_closed(item.contract)
    if item.is_in_transit:
        raise DomainError(_("受渡し中の記録媒体等は、受領確認の後に保管場所を記録してください。"))
    if not _may_hold(actor, item):
        raise DomainError(_("保管場所を記録できるのは、いま保管している側の担当者です。"))
    if not locked:
        raise DomainError(
            _("施錠できる金庫又はキャビネット等に保管してください。%(rule)s") % {"rule": quote(rules.STORAGE_RULE)},
            field="locked", code="not_locked",
        )
    if place not in StorageRecord.Place.values:
        raise DomainError(_("保管設備を選んでください。"), field="place")
    location = location.strip()
    bounds.check_values(StorageRecord, location=location)
    if not location:
        raise DomainError(_("保管場所を入力してください（例: 分析室 キャビネットB-2）。"), field="location")
    now = timezone.now()
    record = StorageRecord.objects.create(item=item, place=place, location=location, recorded_at=now,
                                          recorded_by=actor)
    item.storage = record
    item.last_checked_at = now
    item.save(update_fields=["storage", "last_checked_at"])
    audit_log(action="handover.storage.recorded", actor=actor, contract=item.contract, obj=item, request=request,
              payload={"label": item.label, "place": place, "location": location})
    return record


@transaction.atomic
def storage_check_record(*, item: Item, actor, note: str = "", request=None) -> StorageCheck:
    """Confirm that a held item is still where it was locked up (PERIODIC_CHECK_RULE)."""
    item = Item.objects.select_for_update(of=("self",)).select_related("contract", "storage").get(pk=item.pk)
    _refuse_if_closed(item.contract)
    if item.is_in_transit:
        raise DomainError(_("受渡し中の記録媒体等は確認できません。"))
    if not _may_hold(actor, item):
        raise DomainError(_("保管状況を確認できるのは、いま保管している側の担当者です。"))
    if item.storage is None:
        raise DomainError(_("先に保管場所を記録してください。"))
    bounds.check_values(StorageCheck, note=note.strip())
    now = timezone.now()
    check = StorageCheck.objects.create(item=item, storage=item.storage, checked_at=now, checked_by=actor,
                                        note=note.strip())
    item.last_checked_at = now
    item.save(update_fields=["last_checked_at"])
    audit_log(action="handover.storage.checked", actor=actor, contract=item.contract, obj=item, request=request,
              payload={"label": item.label, "location": item.storage.location, "note": check.note})
    return check
