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

from contracts.permissions import can, contract_for, unless_closed
from core import review, roles
from core.answers import YES, Answer, no

from .models import ChecklistItem, Confirmation, EvidenceRequest, MeasureChange, Side

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


# The records behind the items (confirmations, changes of measures, evidence requests).
#
# | record                               | who records                                  | who sees        |
# |--------------------------------------|----------------------------------------------|-----------------|
# | 特記事項, flow shared, emergency (区) | HR                                           | the contract's  |
# | cloud, flow acknowledged, emergency  | the contractor's handling manager            | people          |
# | change of measures, its consultation | HR or the contractor's handling manager      |                 |
# | evidence request                     | HR asks and decides; the side's attester answers | the side's viewers |

def _side_actor(user, contract, side: str) -> bool:
    return can(user, contract, "manage") if side == Side.WARD else can(user, contract, "contractor_side")


def may_see_records(user, contract) -> Answer:
    """The records behind the items: everyone on the contract (the contractor's people act on them)."""
    return YES if can(user, contract, "view") else no("", "not_member", forbidden=True)


def confirmable_sides(user, contract) -> list[tuple[str, str]]:
    """(kind, side) pairs this person may record on the contract, in the order the page offers them."""
    return [(kind, side) for kind in Confirmation.Kind.values for side in Confirmation.SIDES[kind]
            if may_confirm(user, contract, kind, side)]


def may_confirm(user, contract, kind: str, side: str) -> Answer:
    """Record a confirmation: the ward's (特記事項, flow shared, its emergency confirmation) by HR, the
    contractor's (cloud declaration, flow acknowledged, its emergency confirmation) by its handling manager."""
    if kind not in Confirmation.Kind.values or side not in Confirmation.SIDES[kind]:
        return no(_("この確認は記録できません。種類を選び直してください。"), "kind")
    if not _side_actor(user, contract, side):
        return no(_("この確認を記録できるのは、%(who)sです。") % {
            "who": _("区（人材育成等担当）") if side == Side.WARD else _("委託事業者の取扱責任者")},
            "not_side", forbidden=True)
    return unless_closed(contract)


def may_record_change(user, contract) -> Answer:
    """Record a change of the measures (item 13): HR or the contractor's handling manager."""
    if not (can(user, contract, "manage") or can(user, contract, "contractor_side")):
        return no(_("対策の変更を記録できるのは、区（人材育成等担当）か委託事業者の取扱責任者です。"), "not_party",
                  forbidden=True)
    return unless_closed(contract)


def may_record_consultation(user, change: MeasureChange) -> Answer:
    """Add the consultation to a change recorded without one."""
    answer = may_record_change(user, change.contract)
    if not answer:
        return answer
    if change.is_consulted:
        return no(_("この変更の協議はすでに記録されています。"), "consulted")
    return YES


def may_request_evidence(user, contract, item=None) -> Answer:
    """HR asks for the evidence behind a ○ item of a side that is not locked."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    if item is not None:
        if not item.is_planned:
            return no(_("「ー」（対策の必要なし）とした項目には根拠資料を依頼できません。"), "not_planned")
        side_row = item.checklist.sides.filter(side=item.template_item.side).first()
        if side_row is not None and side_row.is_locked:
            return no(_("確定したチェックリストの項目には根拠資料を依頼できません。"), "locked")
    return unless_closed(contract)


def may_see_request(user, request_row: EvidenceRequest) -> Answer:
    return may_on_side(user, request_row.contract, request_row.side, "view")


def may_answer_request(user, request_row: EvidenceRequest) -> Answer:
    """The side's attester answers (the contractor's handling manager; HR on the ward side), while it is theirs."""
    who = may_on_side(user, request_row.contract, request_row.side, "attest")
    if not who:
        return who
    state = review.may(request_row, review.Action.SUBMIT)
    return state if not state else unless_closed(request_row.contract)


def may_decide_request(user, request_row: EvidenceRequest) -> Answer:
    """HR accepts the answer or sends it back."""
    if not can(user, request_row.contract, "manage"):
        return no("", "not_hr", forbidden=True)
    state = review.may(request_row, review.Action.ACCEPT)
    return state if not state else unless_closed(request_row.contract)


# Files (attachments.registry): who sees and who adds the files of each record.

def may_view_item_files(user, item: ChecklistItem) -> Answer:
    return may_on_side(user, item.checklist.contract, item.template_item.side, "view")


def may_attach_to_item(user, item: ChecklistItem) -> Answer:
    """A file goes with an attestation while the item may be attested (the attester, before it is accepted)."""
    checklist = item.checklist
    side_row = checklist.sides.filter(side=item.template_item.side).first()
    answer = may_attest_item(user, checklist, side_row, item)
    return answer if not answer else unless_closed(checklist.contract)


def may_view_record_files(user, record) -> Answer:
    return may_see_records(user, record.contract)


def may_attach_to_confirmation(user, confirmation: Confirmation) -> Answer:
    """The side that confirmed adds its documents (the 特記事項, the drawing, the contact list)."""
    return may_confirm(user, confirmation.contract, confirmation.kind, confirmation.side)


def may_attach_to_change(user, change: MeasureChange) -> Answer:
    return may_record_change(user, change.contract)


# Templates: an administrator (the permission checklist.import_template: superusers and the group 管理者).

def may_import_templates(user) -> Answer:
    """Import a checklist template from Excel, preview it and publish it as a new version."""
    # As the imports ask (core.roles: read once per request with the menu's other site-wide roles).
    if user is not None and user.is_authenticated and user.is_active and (
            user.is_superuser or roles.holds(user, "checklist.import_template")):
        return YES
    return no("", "not_template_admin", forbidden=True)
