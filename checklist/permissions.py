"""Who may do what with which side of a contract's checklist.

On top of the contract's own rule (404 for someone who may not see the contract, see
``contracts.permissions``):

| side       | view                       | attest and submit   | review and lock | export                     |
|------------|----------------------------|---------------------|-----------------|----------------------------|
| ward       | HR, auditor                | HR                  | HR              | HR, auditor                |
| contractor | everyone on the contract   | contractor manager  | HR              | HR, auditor, manager       |

The plan (○/ー) is HR's alone. A contractor's people see only their own side, and only once the plan
is finalised; they get 403 on the ward side.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contracts.permissions import can, contract_for

from .models import ChecklistItem, Side

SIDE_ACTIONS = ("view", "attest", "review", "export")


def may(user, contract, side: str, action: str) -> bool:
    if action not in SIDE_ACTIONS:
        raise ValueError(action)
    manage = can(user, contract, "manage")
    if action == "review":
        return manage
    if side == Side.WARD:
        if action == "attest":
            return manage
        return manage or can(user, contract, "audit")
    if action == "attest":
        return can(user, contract, "contractor_side")
    if action == "export":
        return manage or can(user, contract, "audit") or can(user, contract, "contractor_side")
    return can(user, contract, "view")


def visible_sides(user, contract) -> list[str]:
    return [side for side in (Side.WARD, Side.CONTRACTOR) if may(user, contract, side, "view")]


def check_side(user, contract, side: str, action: str = "view"):
    if side not in Side.values:
        raise Http404
    if not may(user, contract, side, action):
        raise PermissionDenied
    return side


def side_for(user, slug: str, side: str, action: str = "view"):
    """(contract, side): 404 for a contract the person may not see or an unknown side, 403 when they may
    not do ``action`` on that side."""
    contract = contract_for(user, slug, "view")
    return contract, check_side(user, contract, side, action)


def item_for(user, slug: str, pk: int, action: str) -> ChecklistItem:
    contract = contract_for(user, slug, "view")
    try:
        item = ChecklistItem.objects.select_related("checklist__contract", "template_item").get(
            pk=pk, checklist__contract=contract
        )
    except ChecklistItem.DoesNotExist:
        raise Http404 from None
    check_side(user, contract, item.template_item.side, action)
    return item
