"""Turn (user, contract slug, pk, action) into an item or a handover, or an error.

404 when the person may not see the contract (or the object is not on it); 403 when they see it but
may not do this. The action may depend on the object: acknowledging a delivery is the contractor's,
acknowledging a return is the ward's.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contracts.permissions import can, check_contract, contract_for

from .models import Handover, Item


def item_for(user, slug: str, pk: int, action: str = "view") -> Item:
    contract = contract_for(user, slug, "view")
    try:
        item = Item.objects.select_related("contract", "medium_kind", "holder__profile", "storage",
                                           "opens__medium_kind").get(pk=pk, contract=contract)
    except Item.DoesNotExist:
        raise Http404 from None
    if action == "hold":
        # Storage and checks belong to the side that holds the item now.
        action = "receive" if item.is_at_contractor or (item.is_in_transit and _to_contractor(item)) else "manage"
    check_contract(user, contract, action)
    return item


def _to_contractor(item: Item) -> bool:
    return item.handover_lines.filter(handover__status=Handover.Status.IN_TRANSIT,
                                      handover__direction=Handover.Direction.DELIVERY).exists()


def handover_for(user, slug: str, pk: int, action: str = "view") -> Handover:
    contract = contract_for(user, slug, "view")
    try:
        handover = Handover.objects.select_related("contract").get(pk=pk, contract=contract)
    except Handover.DoesNotExist:
        raise Http404 from None
    if action == "acknowledge":
        action = handover.receiving_action
    if action == "cancel":
        if handover.giver_id != user.pk:
            raise PermissionDenied
        return handover
    check_contract(user, contract, action)
    return handover


def direction_for(user, contract) -> str:
    """HR hands items to the contractor; the contractor's designees hand them back."""
    if can(user, contract, "manage"):
        return Handover.Direction.DELIVERY
    if can(user, contract, "receive"):
        return Handover.Direction.RETURN
    raise PermissionDenied
