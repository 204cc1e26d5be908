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

from django.http import Http404
from django.utils.translation import gettext as _

from contracts.permissions import can, contract_for
from core import review
from core.answers import YES, Answer, no

from .models import ChecklistItem, Side

SIDE_ACTIONS = ("view", "attest", "review", "export")


def may_on_side(user, contract, side: str, action: str) -> Answer:
    """``action`` (one of SIDE_ACTIONS) on ``side`` of the contract's checklist, as the table above says; a
    refusal is of who the person is (403)."""
    if action not in SIDE_ACTIONS:
        raise ValueError(action)
    manage = can(user, contract, "manage")
    if action == "review":
        allowed = manage
    elif side == Side.WARD:
        allowed = manage if action == "attest" else manage or can(user, contract, "audit")
    elif action == "attest":
        allowed = can(user, contract, "contractor_side")
    elif action == "export":
        allowed = manage or can(user, contract, "audit") or can(user, contract, "contractor_side")
    else:
        allowed = can(user, contract, "view")
    return YES if allowed else no("", f"side_{action}", forbidden=True)


def may_plan(user, contract) -> Answer:
    """Mark the plan (○/ー), finalise, revise or carry it from last year: HR of the contract (and, for a copy,
    of last year's contract too)."""
    return YES if can(user, contract, "manage") else no("", "not_hr", forbidden=True)


def may_see_plan(user, contract, checklist) -> Answer:
    """The ward reads its draft plan; the contractor's people see the lists (and their history and exports)
    once the plan is final."""
    if can(user, contract, "manage") or can(user, contract, "audit"):
        return YES
    if checklist is not None and checklist.is_finalised:
        return YES
    return no("", "plan_not_final")


def visible_sides(user, contract) -> list[str]:
    return [side for side in (Side.WARD, Side.CONTRACTOR) if may_on_side(user, contract, side, "view")]


def check_side(user, contract, side: str, action: str = "view"):
    if side not in Side.values:
        raise Http404
    may_on_side(user, contract, side, action).or_403()
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


# What may be done with one item *now*: the side page offers a form exactly where these allow, and the services
# refuse with the same sentence, so the page and the service never disagree. The service asks who the person
# is once for the whole side (may_on_side) and then each item's state (item_attestable, item_reviewable).

def item_attestable(checklist, side_row, item) -> Answer:
    """Whether ``item`` can be attested now by someone who may attest its side; the refusal says why, in
    words for the person who tried.

    A ○ item is attested while its side is with the attester (記入中・差戻し); an item the ward sent back
    can be corrected at any time before the side is locked, even while other items await the ward's review."""
    if checklist is None or not checklist.is_finalised:
        return no(_("区が計画を確定するまで、実施状況は記入できません。"), "plan_not_final")
    if side_row is None or side_row.is_locked:
        return no(_("確定したチェックリストは変更できません。"), "locked")
    if not item.is_planned:
        return no(_("「ー」（対策の必要なし）とした項目には実施状況を記入しません。"
                    "記入が必要な場合は、区が計画でこの項目を「○」に変更してください。"), "not_planned")
    if item.is_accepted:
        return no(_("区が確認済みとした項目は変更できません。"), "accepted")
    if side_row.is_with_submitter or item.is_returned:
        return YES
    return no(_("区に確認を依頼中のため変更できません。区の確認（確認済み・差戻し）を待ってください。"), "awaiting_review")


def item_reviewable(side_row, item) -> Answer:
    """Whether ``item`` can be reviewed now by someone who may review its side; the refusal says why."""
    if side_row is None or side_row.is_locked:
        return no(_("確定したチェックリストは変更できません。"), "locked")
    submitted = review.may(side_row, review.Action.ACCEPT)
    if not submitted:
        return submitted
    if not item.awaits_review:
        return no(_("この項目は確認の対象ではありません（確認済み・差戻し済み、または「ー」の項目です）。"), "not_awaiting")
    return YES


def may_attest_item(user, checklist, side_row, item) -> Answer:
    side = may_on_side(user, checklist.contract, item.template_item.side, "attest")
    return side if not side else item_attestable(checklist, side_row, item)


def may_review_item(user, checklist, side_row, item) -> Answer:
    side = may_on_side(user, checklist.contract, item.template_item.side, "review")
    return side if not side else item_reviewable(side_row, item)
