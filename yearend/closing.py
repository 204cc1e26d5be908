"""Closing a contract, and what stands between a contract and its closing.

Design: a contract closes only when every item is back (or destroyed with a certificate), every copy is
accounted for in an accepted deletion report, and the report (報告書, no personal information) has been
received. On top of that the checklists are locked and no incident is open.

:func:`register` adds this app's blockers to ``contracts.closing.closing_blockers``, which lists, in the order
the work is done, each thing still open with a link to where it is resolved; the contract page shows them once
the period is over, the close page always, and :func:`contract_close` refuses with all of them (who may close
or reopen, and when, is ``may_close`` and ``may_reopen`` in :mod:`yearend.permissions`). Closing makes the contract read-only (every service refuses
a closed contract), purges the app's own copies of its survey data (``engagement.services``) and writes that
purge, with counts, to the audit trail. Reopening needs a reason and is audited.
"""

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from checklist.models import Checklist, Side
from contracts.closing import Blocker, closing_blockers, register_blockers
from contracts.models import ClosingEvent, Contract
from contracts.selectors import contracts_for
from contracttypes.models import FlowStep
from contracttypes.selectors import circled, following_steps, hand_steps
from core import bounds
from core.dashboard import Waiting
from core.errors import DomainError
from engagement.models import SurveyLinkKey
from engagement.services import contract_survey_data_purge
from handover.models import Handover, Item, OnlineTransfer
from incidents.selectors import open_incidents

from .models import DeletionReport, transfer_label
from .permissions import BLOCKED, blocked_message, may_close, may_reopen
from .selectors import (
    accepted_report,
    copies_to_cover,
    data_went_out,
    latest_report,
    open_report,
    transfers_to_cover,
)

LISTED = 3  # names shown per line before 「ほかn件」
# The steps that follow the report and the returns (the seed's ④ and ⑤) have blockers of their own; the steps
# done by hand (①–③) and the one that follows the measures (⑥) are named here.


def _listing(names: list[str]) -> str:
    text = "、".join(names[:LISTED])
    if len(names) > LISTED:
        text += _(" ほか%(n)s件") % {"n": len(names) - LISTED}
    return text


def _steps_not_done(contract: Contract) -> list[Blocker]:
    following = following_steps(contract)
    measures = {n for n, follows in following.items() if follows == FlowStep.Follows.MEASURES}
    open_steps = list(contract.steps.filter(completed_at__isnull=True, step__in=[*hand_steps(contract), *measures])
                      .order_by("step"))
    blockers = []
    by_hand = [circled(row.step) for row in open_steps if row.step not in measures]
    if by_hand:
        blockers.append(Blocker(_("未了の工程があります: %(steps)s") % {"steps": "、".join(by_hand)},
                                reverse("contracts:detail", kwargs={"slug": contract.slug}) + "#steps-h"))
    if any(row.step in measures for row in open_steps):
        blockers.append(Blocker(_("%(step)s 対応策・改善策が記録されていません")
                                % {"step": "".join(circled(n) for n in sorted(measures))},
                                reverse("yearend:report", kwargs={"slug": contract.slug}) + "#measures-h"))
    return blockers


def _report_not_accepted(contract: Contract) -> list[Blocker]:
    # Only a flow that has the report (the seed's ④ and ⑤ follow it) waits for it; a 印刷・封入封緘 flow has none.
    if not {FlowStep.Follows.REPORT, FlowStep.Follows.RETURNED} & set(following_steps(contract).values()):
        return []
    latest = latest_report(contract)
    if latest is not None and latest.is_accepted:
        return []
    state = latest.get_status_display() if latest is not None else _("未提出")
    return [Blocker(_("報告書（個人情報なし）が受理されていません（%(state)s）") % {"state": state},
                    reverse("yearend:report", kwargs={"slug": contract.slug}))]


# An item is back when it is at the ward (never handed over, or returned: ``Item.is_at_ward``) or was destroyed or
# erased under an accepted deletion report.
BACK_STATES = (Item.State.PREPARED, Item.State.RETURNED, Item.State.DISPOSED)


def items_not_back(contract_ids) -> dict[int, int]:
    """{contract id: how many of its items are not back} in one query: what :func:`_items_not_back` lists, for many
    contracts at once (the register of every contract of the ward)."""
    rows = (Item.objects.filter(contract_id__in=contract_ids).exclude(state__in=BACK_STATES)
            .values("contract_id").annotate(n=Count("pk")).order_by())
    return {row["contract_id"]: row["n"] for row in rows}


def deletion_report_missing(contract_ids) -> set[int]:
    """The contracts on which data went out (a delivery or an online transfer acknowledged) and no deletion report
    has been accepted, in three queries: the first blocker of :func:`_copies_not_accounted_for`, for many contracts at once."""
    went_out = set(Handover.objects.filter(contract_id__in=contract_ids, direction=Handover.Direction.DELIVERY,
                                           status=Handover.Status.ACKNOWLEDGED).values_list("contract_id", flat=True))
    # Data sent online (LGWAN) and acknowledged went out as surely as a disc did (selectors.data_went_out).
    went_out |= set(OnlineTransfer.objects.filter(contract_id__in=contract_ids, acknowledged_at__isnull=False)
                    .values_list("contract_id", flat=True))
    accepted = set(DeletionReport.objects.filter(contract_id__in=contract_ids, status=DeletionReport.Status.ACCEPTED)
                   .values_list("contract_id", flat=True))
    return went_out - accepted


def _items_not_back(contract: Contract) -> list[Blocker]:
    out = list(Item.objects.filter(contract=contract).exclude(state__in=BACK_STATES).order_by("label"))
    names = [f"{item.label}（{item.get_state_display()}）" for item in out]
    if not names:
        return []
    return [Blocker(_("区に戻っていない記録媒体等があります（受理された消去報告書にもありません）: %(items)s")
                    % {"items": _listing(names)}, reverse("handover:items", kwargs={"slug": contract.slug}))]


def _copies_not_accounted_for(contract: Contract) -> list[Blocker]:
    url = reverse("yearend:deletion", kwargs={"slug": contract.slug})
    if accepted_report(contract) is None:
        if not data_went_out(contract):
            return []
        current = open_report(contract)
        state = current.get_status_display() if current is not None else _("未作成")
        return [Blocker(_("消去報告書が受理されていません（%(state)s）") % {"state": state}, url)]
    blockers = []
    copies = copies_to_cover(contract)
    if copies:
        blockers.append(Blocker(_("受理された消去報告書にない複製があります: %(copies)s")
                                % {"copies": _listing([_("複製 No.%(n)s") % {"n": copy.number} for copy in copies])},
                                url))
    transfers = transfers_to_cover(contract)
    if transfers:
        blockers.append(Blocker(_("受理された消去報告書にない、送信されたデータがあります: %(transfers)s")
                                % {"transfers": _listing([transfer_label(transfer) for transfer in transfers])}, url))
    return blockers


def _checklists_not_locked(contract: Contract) -> list[Blocker]:
    checklist = Checklist.objects.filter(contract=contract).prefetch_related("sides").first()
    if checklist is None or not checklist.is_finalised:
        return [Blocker(_("チェックリストの計画（○・ー）が確定していません"),
                        reverse("checklist:plan", kwargs={"slug": contract.slug}))]
    states = {row.side: row for row in checklist.sides.all()}
    blockers = []
    for side in (Side.WARD, Side.CONTRACTOR):
        row = states.get(side)
        if row is not None and row.is_locked:
            continue
        status = row.get_status_display() if row is not None else _("未作成")
        blockers.append(Blocker(
            _("チェックリスト（%(side)s）が確定していません（%(status)s）") % {"side": Side(side).label, "status": status},
            reverse("checklist:side", kwargs={"slug": contract.slug, "side": side})))
    return blockers


def _open_incidents(contract: Contract) -> list[Blocker]:
    return [Blocker(_("事故 No.%(n)s（%(kind)s）が終結していません") % {"n": incident.number,
                                                                    "kind": incident.get_kind_display()},
                    reverse("incidents:detail", kwargs={"slug": contract.slug, "pk": incident.pk}))
            for incident in open_incidents(contract)]


# --- closing and reopening -------------------------------------------------------------------------


class ClosingBlocked(DomainError):
    """Closing refused: ``blockers`` names every thing still open, each with where it is resolved."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__(blocked_message(blockers), code=BLOCKED)
        self.blockers = blockers


def link_key_of(contract: Contract):
    """The ward-side key of linkable pseudonyms kept with this contract, or None."""
    return SurveyLinkKey.objects.filter(contract=contract).first()


@transaction.atomic
def contract_close(*, contract: Contract, actor, keep_link_key: bool = False, keep_reason: str = "",
                   request=None) -> ClosingEvent:
    """Close the contract (完了): refused with every blocker named while anything is open. Then the contract is
    read-only, the app's own copies of its survey data are purged (uploads, package files, and the ward-side
    pseudonym key unless HR keeps it for next year with ``keep_reason``), and one audit entry says what was
    purged, with counts."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    answer = may_close(actor, contract).or_403()
    if answer.code == BLOCKED:
        raise ClosingBlocked(closing_blockers(contract))
    answer.require()
    keep_reason = (keep_reason or "").strip()
    bounds.check_value(ClosingEvent, "link_key_kept_reason", keep_reason, field="keep_reason")
    has_key = link_key_of(contract) is not None
    if keep_link_key and not has_key:
        keep_link_key, keep_reason = False, ""
    if keep_link_key and not keep_reason:
        raise DomainError(_("年度をまたぐ仮名IDの鍵を残す理由を入力してください（例: 翌年度の調査と照合するため）。"),
                          field="keep_reason", code="keep_without_reason")
    if not keep_link_key:
        keep_reason = ""
    now = timezone.now()
    purge = contract_survey_data_purge(contract=contract, keep_link_key=keep_link_key, now=now)
    contract.status = Contract.Status.CLOSED
    contract.save(update_fields=["status", "updated_at"])
    event = ClosingEvent.objects.create(contract=contract, kind=ClosingEvent.Kind.CLOSED, happened_at=now,
                                        actor=actor, purged=purge.as_payload(), link_key_kept_reason=keep_reason)
    payload = {"purged": purge.as_payload()}
    if keep_link_key:
        payload.update(pseudonym_keys_kept=True, keep_reason=keep_reason)
    audit_log(action="contract.closed", actor=actor, contract=contract, obj=contract, request=request,
              payload=payload)
    return event


@transaction.atomic
def contract_reopen(*, contract: Contract, actor, reason: str, request=None) -> ClosingEvent:
    """Reopen a closed contract (e.g. to record an incident found afterwards), for a stated reason. The
    survey data purged at closing stays purged."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_reopen(actor, contract).or_403().require()
    reason = (reason or "").strip()
    bounds.check_value(ClosingEvent, "reason", reason, field="reason")
    if not reason:
        raise DomainError(_("再開する理由を入力してください。"), field="reason")
    contract.status = Contract.Status.ACTIVE
    contract.save(update_fields=["status", "updated_at"])
    event = ClosingEvent.objects.create(contract=contract, kind=ClosingEvent.Kind.REOPENED,
                                        happened_at=timezone.now(), actor=actor, reason=reason)
    audit_log(action="contract.reopened", actor=actor, contract=contract, obj=contract, request=request,
              payload={"reason": reason})
    return event


# --- HR's dashboard ------------------------------------------------------------------------------


def waiting_past_end(user):
    """HR: contracts whose period is over but that are not closed, with what is still open."""
    managed = contracts_for(user, perm="contracts.manage_contract").exclude(status=Contract.Status.CLOSED)
    for contract in managed.select_related("contractor"):
        if not contract.is_past_end:
            continue
        blockers = closing_blockers(contract)
        yield Waiting(
            title=_("期間終了・未完了: 完了までに残っていることが%(n)s件あります") % {"n": len(blockers)}
            if blockers else _("期間終了・未完了: 完了の手続きを待っています"),
            url=reverse("yearend:close", kwargs={"slug": contract.slug}),
            contract=contract,
            overdue=True,
        )


def register() -> None:
    """This app's closing blockers, in the order the work is done (called from ``YearendConfig.ready``)."""
    for order, function in enumerate((_steps_not_done, _report_not_accepted, _items_not_back,
                                      _copies_not_accounted_for, _checklists_not_locked, _open_incidents)):
        register_blockers(function, order=order * 10)
