"""Every write on the records that back the checklist's items, so that no item rests on a tick alone.

- Confirmations (:class:`~checklist.models.Confirmation`): item 01 「契約にあたり、「特記事項」を付す…クラウド
  サービスを利用する場合は…」 (the 特記事項 attached, with its version; the contractor's cloud declaration),
  item 05 「全体の業務フローを作成し、委託先と共有する」/「区が作成した業務フローに基づき、業務を行わせる」 (the
  drawing shared with its version; the contractor's manager acknowledges that version), item 12 「業務開始前に…
  委託先と緊急時の連絡体制や対応手順を確認する」 (each side confirms, dated).
- Changes of measures (:class:`~checklist.models.MeasureChange`): item 13 「…個人情報保護及び情報セキュリティ対策の
  変更があった場合は、直ちに委託先と今後の対応を協議する」.
- Evidence requests (:class:`~checklist.models.EvidenceRequest`): HR asks for an item's evidence by a date; the
  side's attester answers with text and files; HR accepts or sends it back (core.review).

Each function: keyword-only arguments, one transaction, the row re-read with ``select_for_update`` where it
changes, refusals as :class:`DomainError` at the field, and exactly one audit entry of its own (a file sent with
a record is stored by ``attachments.services.attach``, which audits the upload itself).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Contract
from core import bounds, review
from core.errors import DomainError

from .models import ChecklistItem, Confirmation, EvidenceRequest, MeasureChange
from .permissions import (
    may_answer_request,
    may_confirm,
    may_decide_request,
    may_record_change,
    may_record_consultation,
    may_request_evidence,
)


def _attach(target, upload, actor, request, slot: str = "") -> None:
    if upload:
        from attachments import services as attachments

        attachments.attach(target=target, upload=upload, actor=actor, slot=slot, request=request)


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise DomainError(_("未来の日付は記録できません。実際の日付を入力してください。"), field=field)


def _text(model, name: str, value: str, field: str | None = None) -> str:
    value = (value or "").strip()
    bounds.check_value(model, name, value, field=field or name)
    return value


def flow_versions_shared(contract) -> list[str]:
    """The versions of the business flow the ward has recorded as shared with the contractor, newest first."""
    versions = []
    for reference in (Confirmation.objects.filter(contract=contract, kind=Confirmation.Kind.FLOW_SHARED)
                      .order_by("-confirmed_on", "-pk").values_list("reference", flat=True)):
        if reference not in versions:
            versions.append(reference)
    return versions


@transaction.atomic
def confirmation_record(*, contract: Contract, kind: str, side: str, confirmed_on: dt.date, reference: str = "",
                        cloud_used: bool | None = None, note: str = "", actor, upload=None,
                        request=None) -> Confirmation:
    """Record one side's confirmation (items 01, 05, 12); see the module. The contractor acknowledges a version
    of the business flow the ward has shared, never one it has not."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_confirm(actor, contract, kind, side).or_403().require()
    bounds.check_value(Confirmation, "confirmed_on", confirmed_on)
    if confirmed_on is None:
        raise DomainError(_("確認日を入力してください。"), field="confirmed_on")
    _not_future(confirmed_on, "confirmed_on")
    reference = _text(Confirmation, "reference", reference)
    note = _text(Confirmation, "note", note)
    if kind in Confirmation.NEEDS_REFERENCE and not reference:
        raise DomainError(_("版または日付を入力してください（例: 第1版、令和7年4月1日版）。"), field="reference")
    if kind == Confirmation.Kind.FLOW_ACKNOWLEDGED:
        shared = flow_versions_shared(contract)
        if not shared:
            raise DomainError(_("区がまだ業務フローを共有していません。区から共有された後に確認してください。"),
                              field="reference")
        if reference not in shared:
            raise DomainError(_("区が共有した業務フローの版を入力してください（共有済みの版: %(versions)s）。")
                              % {"versions": "、".join(shared)}, field="reference")
    if kind == Confirmation.Kind.CLOUD:
        if cloud_used is None:
            raise DomainError(_("クラウドサービスを利用するかどうかを選んでください。"), field="cloud_used")
        if cloud_used and not note:
            raise DomainError(_("利用するクラウドサービスと提供事業者、総務省のガイドラインに沿っていることを"
                                "「内容・備考」に書いてください。"), field="note")
    else:
        cloud_used = None
    confirmation = Confirmation.objects.create(
        contract=contract, kind=kind, side=side, confirmed_on=confirmed_on, confirmed_by=actor,
        reference=reference, cloud_used=cloud_used, note=note, recorded_at=timezone.now())
    _attach(confirmation, upload, actor, request)
    audit_log(action="checklist.confirmation.recorded", actor=actor, contract=contract, obj=confirmation,
              request=request, payload={"kind": kind, "side": side, "confirmed_on": confirmed_on.isoformat(),
                                        "reference": reference, "cloud_used": cloud_used, "file": bool(upload)})
    return confirmation


def _consultation(changed_on, consulted_on, consulted_with: str, outcome: str) -> tuple:
    consulted_with = _text(MeasureChange, "consulted_with", consulted_with)
    outcome = _text(MeasureChange, "outcome", outcome)
    given = [consulted_on is not None, bool(consulted_with), bool(outcome)]
    if any(given) and not all(given):
        field = ("consulted_on", "consulted_with", "outcome")[given.index(False)]
        raise DomainError(_("協議を記録するときは、協議日・協議の相手・協議の結果をすべて入力してください。"), field=field)
    if consulted_on is not None:
        bounds.check_value(MeasureChange, "consulted_on", consulted_on)
        _not_future(consulted_on, "consulted_on")
        if changed_on is not None and consulted_on < changed_on:
            raise DomainError(_("協議日は変更日以後の日付にしてください。"), field="consulted_on")
    return consulted_on, consulted_with, outcome


@transaction.atomic
def measure_change_record(*, contract: Contract, changed_on: dt.date, what: str, consulted_on: dt.date | None = None,
                          consulted_with: str = "", outcome: str = "", actor, upload=None,
                          request=None) -> MeasureChange:
    """A change of the measures (item 13), with the consultation if it has already taken place."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_record_change(actor, contract).or_403().require()
    bounds.check_value(MeasureChange, "changed_on", changed_on)
    if changed_on is None:
        raise DomainError(_("変更日を入力してください。"), field="changed_on")
    _not_future(changed_on, "changed_on")
    what = _text(MeasureChange, "what", what)
    if not what:
        raise DomainError(_("何が変わったかを入力してください。"), field="what")
    consulted_on, consulted_with, outcome = _consultation(changed_on, consulted_on, consulted_with, outcome)
    change = MeasureChange.objects.create(
        contract=contract, changed_on=changed_on, what=what, recorded_at=timezone.now(), recorded_by=actor,
        consulted_on=consulted_on, consulted_with=consulted_with, outcome=outcome,
        consulted_by=actor if consulted_on else None)
    _attach(change, upload, actor, request)
    audit_log(action="checklist.change.recorded", actor=actor, contract=contract, obj=change, request=request,
              payload={"changed_on": changed_on.isoformat(),
                       "consulted_on": consulted_on.isoformat() if consulted_on else None, "file": bool(upload)})
    return change


@transaction.atomic
def measure_change_consult(*, change: MeasureChange, consulted_on: dt.date, consulted_with: str, outcome: str,
                           actor, request=None) -> MeasureChange:
    """The consultation that followed a change recorded without one."""
    change = MeasureChange.objects.select_for_update().select_related("contract").get(pk=change.pk)
    may_record_consultation(actor, change).or_403().require()
    if consulted_on is None:
        raise DomainError(_("協議日を入力してください。"), field="consulted_on")
    consulted_on, consulted_with, outcome = _consultation(change.changed_on, consulted_on, consulted_with, outcome)
    change.consulted_on, change.consulted_with, change.outcome = consulted_on, consulted_with, outcome
    change.consulted_by = actor
    change.save(update_fields=["consulted_on", "consulted_with", "outcome", "consulted_by"])
    audit_log(action="checklist.change.consulted", actor=actor, contract=change.contract, obj=change,
              request=request, payload={"changed_on": change.changed_on.isoformat(),
                                        "consulted_on": consulted_on.isoformat()})
    return change


@transaction.atomic
def evidence_request_create(*, item: ChecklistItem, asked: str, due_on: dt.date, actor,
                            request=None) -> EvidenceRequest:
    """HR asks for the evidence behind one ○ item by a date (today or later)."""
    item = ChecklistItem.objects.select_related("checklist__contract", "template_item").get(pk=item.pk)
    contract = item.checklist.contract
    may_request_evidence(actor, contract, item).or_403().require()
    asked = _text(EvidenceRequest, "asked", asked)
    if not asked:
        raise DomainError(_("依頼する内容（どの資料がほしいか）を入力してください。"), field="asked")
    bounds.check_value(EvidenceRequest, "due_on", due_on)
    if due_on is None:
        raise DomainError(_("提出期限を入力してください。"), field="due_on")
    if due_on < timezone.localdate():
        raise DomainError(_("提出期限は今日以降の日付にしてください。"), field="due_on")
    row = EvidenceRequest.objects.create(contract=contract, item=item, asked=asked, due_on=due_on,
                                         requested_at=timezone.now(), requested_by=actor)
    audit_log(action="checklist.evidence.requested", actor=actor, contract=contract, obj=row, request=request,
              payload={"key": item.template_item.key, "due_on": due_on.isoformat()})
    return row


def _locked_request(row: EvidenceRequest) -> EvidenceRequest:
    return (EvidenceRequest.objects.select_for_update(of=("self",))
            .select_related("contract", "item__template_item", "item__checklist").get(pk=row.pk))


@transaction.atomic
def evidence_request_answer(*, request_row: EvidenceRequest, answer: str, actor, upload=None,
                            request=None) -> EvidenceRequest:
    """The side's attester answers (again, after a send-back) with text and, if any, a file."""
    row = _locked_request(request_row)
    may_answer_request(actor, row).or_403().require()
    answer = _text(EvidenceRequest, "answer", answer)
    if not answer:
        raise DomainError(_("回答（提出する資料の説明）を入力してください。"), field="answer")
    # The file first, while the request is still the attester's to answer (attachments asks may_answer_request).
    _attach(row, upload, actor, request, slot="response")
    row.answer = answer
    row.save(update_fields=["answer", *review.submit(row, actor=actor)])
    audit_log(action="checklist.evidence.answered", actor=actor, contract=row.contract, obj=row, request=request,
              payload={"key": row.item.template_item.key, "submission": row.submission_count,
                       "late": timezone.localdate() > row.due_on, "file": bool(upload)})
    return row


@transaction.atomic
def evidence_request_decide(*, request_row: EvidenceRequest, decision: str, reason: str = "", actor,
                            request=None) -> EvidenceRequest:
    """HR accepts the answer, or sends it back with what is missing."""
    row = _locked_request(request_row)
    may_decide_request(actor, row).or_403().require()
    reason = _text(EvidenceRequest, "return_reason", reason, field="reason")
    if decision == "accept":
        fields, action = review.accept(row, actor=actor), "checklist.evidence.accepted"
    elif decision == "send_back":
        fields, action = review.send_back(row, actor=actor, reason=reason), "checklist.evidence.returned"
    else:
        raise DomainError(_("「受理する」か「差し戻す」を選んでください。"), field="decision")
    row.save(update_fields=fields)
    audit_log(action=action, actor=actor, contract=row.contract, obj=row, request=request,
              payload={"key": row.item.template_item.key, "reason": reason if decision == "send_back" else ""})
    return row
