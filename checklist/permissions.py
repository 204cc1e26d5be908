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
from django.utils.translation import gettext as _

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


# What may be done with one item *now*: the side page offers a form exactly where these answer None,
# and the services refuse with the same sentence, so the page and the service never disagree.

def attest_refusal(checklist, side_row, item) -> str | None:
    """Why ``item`` cannot be attested now, in words for the person who tried; None when it can.

    A ○ item is attested while its side is with the attester (記入中・差戻し); an item the ward sent back
    can be corrected at any time before the side is locked, even while other items await the ward's review."""
    if checklist is None or not checklist.is_finalised:
        return _("区が計画を確定するまで、実施状況は記入できません。")
    if side_row is None or side_row.is_locked:
        return _("確定したチェックリストは変更できません。")
    if not item.is_planned:
        return _("「ー」（対策の必要なし）とした項目には実施状況を記入しません。"
                 "記入が必要な場合は、区が計画でこの項目を「○」に変更してください。")
    if item.is_accepted:
        return _("区が確認済みとした項目は変更できません。")
    if side_row.is_with_attester or item.is_returned:
        return None
    return _("区に確認を依頼中のため変更できません。区の確認（確認済み・差戻し）を待ってください。")


def review_refusal(side_row, item) -> str | None:
    """Why ``item`` cannot be reviewed now; None when it can."""
    if side_row is None or side_row.is_locked:
        return _("確定したチェックリストは変更できません。")
    if not side_row.is_submitted:
        return _("確認を依頼されていないため、確認できません。")
    if not item.awaits_review:
        return _("この項目は確認の対象ではありません（確認済み・差戻し済み、または「ー」の項目です）。")
    return None


def may_attest_item(user, checklist, side_row, item) -> bool:
    return may(user, checklist.contract, item.template_item.side, "attest") and \
        attest_refusal(checklist, side_row, item) is None


def may_review_item(user, checklist, side_row, item) -> bool:
    return may(user, checklist.contract, item.template_item.side, "review") and review_refusal(side_row, item) is None
