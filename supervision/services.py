"""Every write about inspections and findings: planning, recording the held inspection, cancelling, the items
examined, the findings, the contractor's response and the ward's decision on it. Each function re-reads its rows
under a lock, asks :mod:`supervision.permissions` whether this person may do this now (the answer the page gets),
and writes exactly one audit entry.

The seed's rule they serve (チェックリスト 運用上の対策2・3, both sides): 「契約履行の間、特記事項に基づき立入り調査等を
実施する」 and 「再委託先がある場合には…必要に応じて又は定期的に立入り調査等を実施」; the PPC's guidance (事務対応ガイド
4-8-9(3)) asks for at least one a year, in principle on site, by video or documents only with the reason recorded.
Audit payloads carry dates, methods, item keys and results, never the free texts or people's names."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.selectors import files_for
from audit.services import audit_log
from contracts.models import Contract, Subcontractor
from contracts.permissions import can
from contracts.subcontracting import approved
from core import bounds, review
from core.dates import wareki
from core.errors import DomainError

from . import permissions
from .models import Finding, Inspection, InspectionResult
from .selectors import fiscal_year_of, item_choices

# The PPC's guidance: on site in principle; another way only with its reason recorded.
REMOTE_NEEDS_REASON = _("実地（立入り）以外の方法で行うときは、その理由を入力してください（実地での確認が原則です。"
                        "個人情報保護委員会「事務対応ガイド」4-8-9(3)）。")


def _checked_method(method: str, reason: str) -> str:
    """The method and its reason: a remote inspection (video) or one by documents without a reason is refused."""
    if method not in Inspection.Method.values:
        raise DomainError(_("方法を選んでください。"), field="method")
    reason = (reason or "").strip()
    bounds.check_values(Inspection, reason=reason)
    if method != Inspection.Method.ON_SITE and not reason:
        raise DomainError(REMOTE_NEEDS_REASON, field="reason", code="reason_required")
    return reason if method != Inspection.Method.ON_SITE else ""


def _checked_subcontractor(contract: Contract, subcontractor) -> Subcontractor | None:
    if subcontractor is None:
        return None
    if not approved(contract).filter(pk=subcontractor.pk).exists():
        raise DomainError(_("立入り調査等の対象にできるのは、区が承認した再委託先です。"), field="subcontractor")
    return subcontractor


def _check_in_period(contract: Contract, planned_on: dt.date) -> None:
    if not contract.start_date <= planned_on <= contract.end_date:
        raise DomainError(_("実施予定日は契約の期間（%(start)sから%(end)sまで）の日にしてください。") % {
            "start": wareki(contract.start_date), "end": wareki(contract.end_date)}, field="planned_on")


def _inspection_for_update(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("contract", "subcontractor").get(
        pk=inspection.pk)


@transaction.atomic
def inspection_plan(*, contract: Contract, actor, planned_on: dt.date | None, method: str, reason: str = "",
                    place: str = "", subcontractor: Subcontractor | None = None, request=None) -> Inspection:
    """HR plans an inspection of the contractor (or of an approved subcontractor) on a date of the contract's
    period; its fiscal year is the date's. At least one a fiscal year per contract and per approved subcontractor:
    the dashboard names a year without one."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    permissions.may_plan(actor, contract).or_403().require()
    if planned_on is None:
        raise DomainError(_("実施予定日を入力してください。"), field="planned_on")
    place = (place or "").strip()
    bounds.check_values(Inspection, planned_on=planned_on, place=place)
    _check_in_period(contract, planned_on)
    reason = _checked_method(method, reason)
    subcontractor = _checked_subcontractor(contract, subcontractor)
    number = (Inspection.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    inspection = Inspection.objects.create(
        contract=contract, subcontractor=subcontractor, number=number, fiscal_year=fiscal_year_of(planned_on),
        planned_on=planned_on, method=method, reason=reason, place=place, status=Inspection.Status.PLANNED,
        planned_at=timezone.now(), planned_by=actor)
    audit_log(action="supervision.inspection.planned", actor=actor, contract=contract, obj=inspection,
              request=request, payload={"number": number, "planned_on": planned_on, "method": method,
                                        "fiscal_year": inspection.fiscal_year,
                                        "subcontractor": subcontractor is not None})
    return inspection


@transaction.atomic
def inspection_replan(*, inspection: Inspection, actor, planned_on: dt.date | None, request=None) -> Inspection:
    """HR moves a planned inspection to another day of the contract's period. The daily job reminds HR of it again
    for the new day (once before it, once after it passes unrecorded)."""
    inspection = _inspection_for_update(inspection)
    permissions.may_replan(actor, inspection).or_403().require()
    if planned_on is None:
        raise DomainError(_("実施予定日を入力してください。"), field="planned_on")
    bounds.check_values(Inspection, planned_on=planned_on)
    _check_in_period(inspection.contract, planned_on)
    previous = inspection.planned_on
    if planned_on == previous:
        raise DomainError(_("今の実施予定日と同じ日です。変更後の日を入力してください。"), field="planned_on")
    inspection.planned_on, inspection.fiscal_year = planned_on, fiscal_year_of(planned_on)
    inspection.reminded_before_at = inspection.reminded_after_at = None
    inspection.save(update_fields=["planned_on", "fiscal_year", "reminded_before_at", "reminded_after_at"])
    audit_log(action="supervision.inspection.replanned", actor=actor, contract=inspection.contract, obj=inspection,
              request=request, payload={"number": inspection.number, "planned_on": planned_on,
                                        "previous": previous, "fiscal_year": inspection.fiscal_year})
    return inspection


@transaction.atomic
def inspection_record(*, inspection: Inspection, actor, held_on: dt.date | None, method: str, reason: str = "",
                      place: str, inspectors: str, summary: str = "", request=None) -> Inspection:
    """HR records the planned inspection as held: the day, the place, the inspectors and the method actually used
    (a remote inspection or one by documents only with its reason). The items examined and the findings follow
    on the inspection's page."""
    inspection = _inspection_for_update(inspection)
    permissions.may_record(actor, inspection).or_403().require()
    if held_on is None:
        raise DomainError(_("実施日を入力してください。"), field="held_on")
    place, inspectors, summary = (place or "").strip(), (inspectors or "").strip(), (summary or "").strip()
    bounds.check_values(Inspection, held_on=held_on, place=place, inspectors=inspectors, summary=summary)
    if held_on > timezone.localdate():
        raise DomainError(_("実施日に未来の日付は入力できません。実施した後に記録してください。"), field="held_on")
    contract = inspection.contract
    if held_on < contract.start_date:
        raise DomainError(_("実施日は契約の開始（%(start)s）より後の日にしてください。") % {
            "start": wareki(contract.start_date)}, field="held_on")
    reason = _checked_method(method, reason)
    if not place:
        raise DomainError(_("場所を入力してください（オンラインのときは、委託先の拠点の名称と「オンライン」など）。"),
                          field="place")
    if not inspectors:
        raise DomainError(_("検査者（区の職員の氏名）を入力してください。"), field="inspectors")
    inspection.held_on, inspection.method, inspection.reason = held_on, method, reason
    inspection.place, inspection.inspectors, inspection.summary = place, inspectors, summary
    inspection.fiscal_year = fiscal_year_of(held_on)
    inspection.status = Inspection.Status.DONE
    inspection.recorded_at, inspection.recorded_by = timezone.now(), actor
    inspection.save(update_fields=["held_on", "method", "reason", "place", "inspectors", "summary", "fiscal_year",
                                   "status", "recorded_at", "recorded_by"])
    audit_log(action="supervision.inspection.recorded", actor=actor, contract=contract, obj=inspection,
              request=request, payload={"number": inspection.number, "held_on": held_on, "method": method,
                                        "planned_on": inspection.planned_on, "fiscal_year": inspection.fiscal_year})
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, actor, reason: str, request=None) -> Inspection:
    """HR cancels a planned inspection, saying why (the year then needs another one planned)."""
    inspection = _inspection_for_update(inspection)
    permissions.may_cancel(actor, inspection).or_403().require()
    reason = (reason or "").strip()
    bounds.check_value(Inspection, "cancel_reason", reason, field="reason")
    if not reason:
        raise DomainError(_("中止の理由を入力してください。"), field="reason")
    inspection.status = Inspection.Status.CANCELLED
    inspection.cancel_reason = reason
    inspection.cancelled_at, inspection.cancelled_by = timezone.now(), actor
    inspection.save(update_fields=["status", "cancel_reason", "cancelled_at", "cancelled_by"])
    audit_log(action="supervision.inspection.cancelled", actor=actor, contract=inspection.contract, obj=inspection,
              request=request, payload={"number": inspection.number, "planned_on": inspection.planned_on,
                                        "reason": reason})
    return inspection


def _checked_item(contract: Contract, item_key: str, *, field: str, required: bool) -> str:
    item_key = (item_key or "").strip()
    if not item_key:
        if required:
            raise DomainError(_("チェック項目を選んでください。"), field=field)
        return ""
    if item_key not in dict(item_choices(contract)):
        raise DomainError(_("チェックリストにない項目です。一覧から選んでください。"), field=field)
    return item_key


@transaction.atomic
def result_record(*, inspection: Inspection, actor, item_key: str, result: str, note: str = "",
                  request=None) -> InspectionResult:
    """HR records one checklist item examined at the held inspection and its result (適・要改善・該当なし); the same
    item again replaces its result."""
    inspection = _inspection_for_update(inspection)
    permissions.may_add_results(actor, inspection).or_403().require()
    item_key = _checked_item(inspection.contract, item_key, field="item_key", required=True)
    if result not in InspectionResult.Result.values:
        raise DomainError(_("結果を選んでください。"), field="result")
    note = (note or "").strip()
    bounds.check_values(InspectionResult, note=note)
    row, created = InspectionResult.objects.update_or_create(
        inspection=inspection, item_key=item_key,
        defaults={"result": result, "note": note, "recorded_at": timezone.now(), "recorded_by": actor})
    audit_log(action="supervision.result.recorded", actor=actor, contract=inspection.contract, obj=inspection,
              request=request, payload={"number": inspection.number, "key": item_key, "result": result,
                                        "replaced": not created})
    return row


@transaction.atomic
def finding_raise(*, inspection: Inspection, actor, text: str, owner, due_on: dt.date | None, item_key: str = "",
                  request=None) -> Finding:
    """HR records a finding of the held inspection: what to improve, the checklist item it concerns (or none: the
    whole contract), who on the contractor's side answers it (an approved designee in their period) and by when.
    Until HR accepts the response it blocks locking the item's checklist side and closing the contract."""
    inspection = _inspection_for_update(inspection)
    contract = inspection.contract
    permissions.may_add_results(actor, inspection).or_403().require()
    text = (text or "").strip()
    bounds.check_values(Finding, text=text, due_on=due_on)
    if not text:
        raise DomainError(_("指摘の内容を入力してください（個人情報は書かないでください）。"), field="text")
    item_key = _checked_item(contract, item_key, field="item_key", required=False)
    if owner is None or not can(owner, contract, "receive"):
        raise DomainError(_("対応する者は、この契約の承認された取扱責任者・取扱者（指定期間内）から選んでください。"),
                          field="owner")
    if due_on is None:
        raise DomainError(_("対応の期限を入力してください。"), field="due_on")
    if due_on < inspection.held_on:
        raise DomainError(_("対応の期限は実施日（%(day)s）より後の日にしてください。") % {
            "day": wareki(inspection.held_on)}, field="due_on")
    Contract.objects.select_for_update(no_key=True).filter(pk=contract.pk).first()  # numbers without gaps or twins
    number = (Finding.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding.objects.create(inspection=inspection, contract=contract, number=number, item_key=item_key,
                                     text=text, owner=owner, due_on=due_on, status=Finding.Status.DRAFT,
                                     created_at=timezone.now(), created_by=actor)
    audit_log(action="supervision.finding.raised", actor=actor, contract=contract, obj=finding, request=request,
              payload={"number": number, "inspection": inspection.number, "key": item_key, "due_on": due_on})
    return finding


def _finding_for_update(finding: Finding) -> Finding:
    return Finding.objects.select_for_update(of=("self",)).select_related("contract", "inspection").get(pk=finding.pk)


@transaction.atomic
def finding_respond(*, finding: Finding, actor, response: str, request=None) -> Finding:
    """The finding's owner (or the handling manager) sends what was done; the files (a photo of the locked cabinet)
    are attached to the finding before, through the attachments app (slot "response"). HR then accepts it or sends
    it back. A response sent back is sent again the same way."""
    finding = _finding_for_update(finding)
    permissions.may_respond(actor, finding).or_403().require()
    response = (response or "").strip()
    bounds.check_value(Finding, "response", response)
    if not response:
        raise DomainError(_("行った対応を入力してください（個人情報は書かないでください）。"), field="response")
    finding.response = response
    fields = review.submit(finding, actor=actor) + ["response"]
    finding.save(update_fields=fields)
    files = files_for(finding, "response").count()
    audit_log(action="supervision.finding.responded", actor=actor, contract=finding.contract, obj=finding,
              request=request, payload={"number": finding.number, "submission": finding.submission_count,
                                        "files": files})
    return finding


@transaction.atomic
def finding_accept(*, finding: Finding, actor, request=None) -> Finding:
    """HR accepts the response: the finding is closed and no longer blocks locking or closing."""
    finding = _finding_for_update(finding)
    permissions.may_decide(actor, finding).or_403().require()
    finding.save(update_fields=review.accept(finding, actor=actor))
    audit_log(action="supervision.finding.accepted", actor=actor, contract=finding.contract, obj=finding,
              request=request, payload={"number": finding.number, "submission": finding.submission_count})
    return finding


@transaction.atomic
def finding_send_back(*, finding: Finding, actor, reason: str, due_on: dt.date | None = None,
                      request=None) -> Finding:
    """HR sends the response back with a reason; the owner answers again, by a new due date if one is given (then
    the daily job reminds the owner again: once before it, once after it)."""
    finding = _finding_for_update(finding)
    permissions.may_decide(actor, finding).or_403().require()
    reason = (reason or "").strip()
    bounds.check_value(Finding, "return_reason", reason, field="reason")
    fields = []
    if due_on is not None and due_on != finding.due_on:
        bounds.check_values(Finding, due_on=due_on)
        if due_on < timezone.localdate():
            raise DomainError(_("新しい対応の期限は、今日以降の日にしてください。"), field="due_on")
        finding.due_on = due_on
        finding.reminded_before_at = finding.reminded_after_at = None
        fields = ["due_on", "reminded_before_at", "reminded_after_at"]
    else:
        due_on = None
    finding.save(update_fields=review.send_back(finding, actor=actor, reason=reason) + fields)
    payload = {"number": finding.number, "submission": finding.submission_count, "reason": reason}
    if due_on is not None:
        payload["due_on"] = due_on
    audit_log(action="supervision.finding.returned", actor=actor, contract=finding.contract, obj=finding,
              request=request, payload=payload)
    return finding
