"""Who may do what with the ledger's items and handovers now: one answer for the page and the service.

Each ``may_*`` function returns a :class:`core.answers.Answer`. The page offers a form only when the answer
allows it; the service calls the same function under its row locks and refuses with the answer's
message; the view turns an answer that refuses because of who the person is into 403 before any
form is read. Rights on the contract come from ``contracts.permissions.can``, which honours
designation periods: a designee whose period has ended, or not yet begun, may do nothing here.

Chain of custody is per person (seed: 管理簿には、日時、取扱者…を記録し、履歴を追跡できるようにする):
only the named recipient acknowledges a handover, and only the holder of an item records its return.
When that person is away, another approved person of the same side may acknowledge on their behalf,
and the contractor's handling manager may record a return on the holder's behalf, each only with a
stated reason; the answer then names the person acted for (``on_behalf_of``).

404 when the person may not see the contract (or the object is not on it); 403 when they see it but
may not do this.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from contracts import subcontracting
from contracts.models import Contract
from contracts.permissions import can, closed_answer, contract_for, people_who_can, unless_closed
from contracts.selectors import display_name
from contracttypes.parts import used
from core.answers import YES, Answer, no
from core.dates import wareki_datetime

from . import rules
from .models import Handover, Item, OnlineTransfer

# --- the contract: registering items and recording handovers ------------------------------------


def media_custody_used(contract: Contract) -> Answer:
    """Whether the contract's type moves media at all (a type that sends its data online does not)."""
    return used(contract, "media_custody")


def may_register(user, contract: Contract) -> Answer:
    """Register a medium, a paper document or a password notice: the contract's HR, on a type that moves media."""
    if not can(user, contract, "manage"):
        return no(_("記録媒体等を登録できるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    used = media_custody_used(contract)
    if not used:
        return used
    return unless_closed(contract)


def may_record(user, contract: Contract, direction: str) -> Answer:
    """Record a handover: HR hands items to the contractor, the contractor's designees hand them back."""
    if direction == Handover.Direction.DELIVERY:
        if not can(user, contract, "manage"):
            return no(_("委託先へ渡す記録ができるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    elif direction == Handover.Direction.RETURN:
        if not can(user, contract, "receive"):
            return no(_("返却の記録ができるのは、この契約の承認された取扱責任者・取扱者（指定期間内）です。"),
                      "not_designee", forbidden=True)
    else:
        return no(_("受渡しの方向を選んでください。"), "direction")
    used = media_custody_used(contract)
    if not used:
        return used
    return unless_closed(contract)


def direction_for(user, contract: Contract) -> str:
    """The direction this person records handovers in; 403 for someone who records none."""
    for direction in (Handover.Direction.DELIVERY, Handover.Direction.RETURN):
        if not may_record(user, contract, direction).forbidden:
            return direction
    raise PermissionDenied


def may_be_handed(person, contract: Contract, direction: str) -> Answer:
    """Whether ``person`` may be the recipient: an approved designee in force for a delivery, the
    contract's HR for a return. The refusal is about the person chosen, not the one recording."""
    if direction == Handover.Direction.DELIVERY:
        # Only parties the ward approved receive personal data: a subcontractor not approved for this contract
        # is refused, quoting the seed, even if one of its people were designated.
        unapproved = subcontracting.may_receive(contract, user=person)
        if not unapproved:
            return unapproved
        if can(person, contract, "receive"):
            return YES
        return no(_("%(name)sさんはこの契約の承認された取扱責任者・取扱者（指定期間内）ではないため、渡すことはできません。%(rule)s")
                  % {"name": display_name(person), "rule": rules.quote(rules.DESIGNEE_RULE)}, "not_designee")
    if can(person, contract, "manage"):
        return YES
    return no(_("%(name)sさんはこの契約の担当課の職員ではないため、返却先にできません。") % {"name": display_name(person)},
              "not_hr")


def recipients(contract: Contract, direction: str):
    """Everyone :func:`may_be_handed` allows, for the form's list."""
    if direction == Handover.Direction.DELIVERY:
        return subcontracting.receivers(contract, people_who_can(contract, "receive"))
    return people_who_can(contract, "manage")


# --- items: storage, periodic checks, returns ----------------------------------------------------


def _receiving_side_action(item: Item) -> str:
    """The contract right of the side that holds the item now, or receives it while it travels."""
    if item.is_at_contractor:
        return "receive"
    if item.is_in_transit and item.handover_lines.filter(
            handover__status=Handover.Status.IN_TRANSIT, handover__direction=Handover.Direction.DELIVERY).exists():
        return "receive"
    return "manage"


def may_store(user, item: Item) -> Answer:
    """Record where an item is locked up, or confirm that it still is: the side that holds it."""
    if not can(user, item.contract, _receiving_side_action(item)):
        return no(_("保管場所の記録と定期確認ができるのは、いま保管している側の担当者です。"), "not_holder_side",
                  forbidden=True)
    if item.is_in_transit:
        return no(_("受渡し中の記録媒体等は、受領確認の後に保管場所を記録・確認してください。"), "in_transit")
    return unless_closed(item.contract)


def may_return(user, item: Item) -> Answer:
    """Record the return of an item to the ward: its holder, or the handling manager on the holder's
    behalf (with a reason)."""
    contract = item.contract
    if not can(user, contract, "receive"):
        return no(_("返却の記録ができるのは、この契約の承認された取扱責任者・取扱者（指定期間内）です。"),
                  "not_designee", forbidden=True)
    if not item.is_at_contractor:
        return no(_("「%(item)s」は「%(state)s」のため、返却できません。")
                  % {"item": item, "state": item.get_state_display()}, "wrong_state")
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if item.holder_id == user.pk:
        return YES
    if may_return_on_behalf(user, contract):
        return Answer(True, on_behalf_of=item.holder)
    return no(_("「%(item)s」の返却を記録できるのは、保管している%(name)sさん（不在のときは取扱責任者が代理で）です。")
              % {"item": item, "name": display_name(item.holder)}, "not_holder", forbidden=True)


def may_return_on_behalf(user, contract: Contract) -> Answer:
    """The contractor's handling manager records the return of items another person holds, on their behalf
    (the return form offers the reason's field to them only)."""
    if can(user, contract, "contractor_side"):
        return YES
    return no("", "not_manager", forbidden=True)


def may_see_expected_hash(user, item: Item) -> Answer:
    """The SHA-256 recorded for a medium is what the recipient must compute from the disc, so no one
    sees it while the item travels, and the contractor's people not before they first received it."""
    if not item.sha256 or item.is_in_transit:
        return no("", "hash_hidden")
    if item.state == Item.State.PREPARED and not (can(user, item.contract, "manage")
                                                 or can(user, item.contract, "audit")):
        return no("", "hash_hidden")
    return YES


# --- handovers: acknowledging and cancelling -----------------------------------------------------


def may_acknowledge(user, handover: Handover) -> Answer:
    """受領確認: the named recipient; when the recipient is away, another approved person of the same
    side on the recipient's behalf (with a reason). Never the giver."""
    contract = handover.contract
    if not can(user, contract, handover.receiving_action):
        if handover.is_delivery:
            return no(_("受領確認ができるのは、この契約の承認された取扱責任者・取扱者（指定期間内）です。%(rule)s")
                      % {"rule": rules.quote(rules.DESIGNEE_RULE)}, "not_designee", forbidden=True)
        return no(_("返却の受領確認ができるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    if user.pk == handover.giver_id:
        return no(_("渡した本人は受領確認できません。"), "giver", forbidden=True)
    if handover.is_acknowledged:
        return no(_("この受渡しは、すでに%(name)sさんが%(when)sに受領確認しています。")
                  % {"name": display_name(handover.acknowledged_by), "when": _when(handover.acknowledged_at)},
                  "already_acknowledged")
    if handover.is_cancelled:
        return no(_("この受渡しは%(when)sに取り消されています。") % {"when": _when(handover.cancelled_at)}, "cancelled")
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if user.pk == handover.recipient_id:
        return YES
    return Answer(True, on_behalf_of=handover.recipient)


def may_cancel(user, handover: Handover) -> Answer:
    """The giver withdraws a handover recorded by mistake, before it is acknowledged."""
    if user.pk != handover.giver_id:
        return no(_("受渡しを取り消せるのは、渡した本人だけです。"), "not_giver", forbidden=True)
    if handover.is_cancelled:
        return no(_("この受渡しは%(when)sにすでに取り消されています。") % {"when": _when(handover.cancelled_at)},
                  "already_cancelled")
    if handover.is_acknowledged:
        return no(_("この受渡しは%(name)sさんが%(when)sに受領確認したため、取り消せません。")
                  % {"name": display_name(handover.acknowledged_by), "when": _when(handover.acknowledged_at)},
                  "already_acknowledged")
    return unless_closed(handover.contract)


# --- online transfers (LGWAN instead of media) ------------------------------------------------------


def online_transfer_used(contract: Contract) -> Answer:
    return used(contract, "online_transfer")


def may_record_transfer(user, contract: Contract) -> Answer:
    """Record a file sent over LGWAN to the contractor: the contract's HR, on a type that sends data online."""
    if not can(user, contract, "manage"):
        return no(_("送信を記録できるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    used = online_transfer_used(contract)
    if not used:
        return used
    return unless_closed(contract)


def may_acknowledge_transfer(user, transfer: OnlineTransfer) -> Answer:
    """受信確認: only the named recipient, an approved designee in force (no one acknowledges for another: the
    file went to that person's own mailbox or folder)."""
    contract = transfer.contract
    if user.pk != transfer.recipient_id or not can(user, contract, "receive"):
        return no(_("受信確認ができるのは、この送信の受信者（承認された取扱責任者・取扱者、指定期間内）です。"),
                  "not_recipient", forbidden=True)
    if transfer.is_acknowledged:
        return no(_("この送信は、すでに%(when)sに受信確認しています。") % {"when": _when(transfer.acknowledged_at)},
                  "already_acknowledged")
    return unless_closed(contract)


def _when(value) -> str:
    return wareki_datetime(value)


# --- lookups for views -----------------------------------------------------------------------------


def item_for(user, slug: str, pk: int) -> Item:
    """The item of a contract the person sees (404 otherwise); what they may do with it is asked of
    the ``may_*`` functions."""
    contract = contract_for(user, slug, "view")
    try:
        item = Item.objects.select_related("medium_kind", "holder__profile", "storage", "opens__medium_kind").get(
            pk=pk, contract=contract)
    except Item.DoesNotExist:
        raise Http404 from None
    item.contract = contract
    return item


def transfer_for(user, slug: str, pk: int) -> OnlineTransfer:
    contract = contract_for(user, slug, "view")
    try:
        transfer = OnlineTransfer.objects.select_related("sent_by__profile", "recipient__profile",
                                                         "acknowledged_by__profile").get(pk=pk, contract=contract)
    except OnlineTransfer.DoesNotExist:
        raise Http404 from None
    transfer.contract = contract
    return transfer


def handover_for(user, slug: str, pk: int) -> Handover:
    contract = contract_for(user, slug, "view")
    try:
        handover = Handover.objects.get(pk=pk, contract=contract)
    except Handover.DoesNotExist:
        raise Http404 from None
    handover.contract = contract
    return handover

