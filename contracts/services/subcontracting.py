"""再委託: the contractor's handling manager declares, dated, that there is no subcontracting, or applies for each
subcontractor; the ward approves (承認), refuses (不承認, with a reason) or sends the application back (the review
workflow, core.review). Subcontracting needs the ward's prior approval (特記事項「再委託の制限」) and the same
obligations, the right of inspection included, must flow down (チェックリスト 運用上の対策3). An approved
application links an organisation of kind 再委託先, whose people may then be designated and receive items.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log
from core import bounds, review
from core.errors import DomainError

from ..models import Contract, Organisation, SubcontractingDeclaration, Subcontractor
from ..permissions import (
    may_apply_subcontractor,
    may_decide_subcontractor,
    may_declare_no_subcontracting,
    may_edit_subcontractor,
)
from ._common import bounded_text

# The application's fields, in the form's order; all are needed to submit.
APPLICATION_FIELDS = ("name", "address", "country", "work", "data_items", "place", "manager_name", "handlers",
                      "flows_down")
REQUIRED_TO_SUBMIT = {
    "name": gettext_lazy("再委託先の名称を入力してください。"),
    "address": gettext_lazy("再委託先の所在地を入力してください。"),
    "country": gettext_lazy("所在地の国を入力してください。"),
    "work": gettext_lazy("再委託する業務の内容を入力してください。"),
    "data_items": gettext_lazy("再委託先が取り扱う個人情報の項目を入力してください。"),
    "place": gettext_lazy("再委託先で個人情報を取り扱う場所を入力してください。"),
    "manager_name": gettext_lazy("再委託先の取扱責任者を入力してください。"),
    "handlers": gettext_lazy("再委託先の取扱者を入力してください。"),
}


def _locked_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _locked(subcontractor: Subcontractor) -> Subcontractor:
    locked = (Subcontractor.objects.select_for_update(of=("self",)).select_related("contract", "organisation")
              .get(pk=subcontractor.pk))
    return locked


@transaction.atomic
def subcontracting_declare(*, contract: Contract, actor, declared_on, statement: str = "",
                           request=None) -> SubcontractingDeclaration:
    """再委託なしの申出: the handling manager states, dated, that no part of the work is subcontracted."""
    contract = _locked_contract(contract)
    may_declare_no_subcontracting(actor, contract).or_403().require()
    if declared_on is None:
        raise DomainError(_("申出日を入力してください。"), field="declared_on")
    bounds.check_values(SubcontractingDeclaration, declared_on=declared_on)
    if declared_on > timezone.localdate():
        raise DomainError(_("申出日に先の日付は入力できません。"), field="declared_on")
    statement = bounded_text(statement, field="statement", label=_("申出の内容")) or str(
        SubcontractingDeclaration.DEFAULT_STATEMENT)
    declaration = SubcontractingDeclaration.objects.create(
        contract=contract, declared_on=declared_on, declared_by=actor, statement=statement,
        recorded_at=timezone.now())
    audit_log(action="contract.subcontracting.declared", actor=actor, contract=contract, obj=declaration,
              request=request, payload={"declared_on": declared_on.isoformat()})
    return declaration


def _clean_fields(values: dict) -> dict:
    cleaned = {}
    for name in APPLICATION_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "flows_down":
            cleaned[name] = bool(value)
            continue
        value = (value or "").strip()
        bounds.check_values(Subcontractor, **{name: value})
        cleaned[name] = value
    return cleaned


def _check_complete(subcontractor: Subcontractor) -> None:
    """Everything the ward needs to decide, and the confirmation that the obligations flow down."""
    for name, message in REQUIRED_TO_SUBMIT.items():
        if not getattr(subcontractor, name).strip():
            raise DomainError(str(message), field=name)
    if not subcontractor.flows_down:
        raise DomainError(_("特記事項と区の立入り調査等の権限が再委託先にも及ぶ契約であることを確認してください"
                            "（チェックリスト 運用上の対策3：再委託先がある場合には、委託先との間に立入り調査等ができる"
                            "契約内容を付す）。"), field="flows_down")


def _withdraw_declaration(contract: Contract, now) -> bool:
    return bool(SubcontractingDeclaration.objects.filter(contract=contract, withdrawn_at__isnull=True)
                .update(withdrawn_at=now))


def _submit(subcontractor: Subcontractor, actor, now) -> tuple[list[str], bool]:
    _check_complete(subcontractor)
    fields = review.submit(subcontractor, actor=actor, now=now)
    # An application withdraws a declaration that there is no subcontracting.
    return fields, _withdraw_declaration(subcontractor.contract, now)


@transaction.atomic
def subcontractor_apply(*, contract: Contract, actor, submit: bool = False, request=None,
                        **values) -> Subcontractor:
    """A new application (saved as a draft, or submitted at once)."""
    contract = _locked_contract(contract)
    may_apply_subcontractor(actor, contract).or_403().require()
    values = _clean_fields(values)
    if not values.get("name"):
        raise DomainError(str(REQUIRED_TO_SUBMIT["name"]), field="name")
    now = timezone.now()
    subcontractor = Subcontractor(contract=contract, created_at=now, created_by=actor, **values)
    withdrawn = False
    if submit:
        _check_complete(subcontractor)
    subcontractor.save()
    if submit:
        fields, withdrawn = _submit(subcontractor, actor, now)
        subcontractor.save(update_fields=fields)
    payload = {"submitted": submit}
    if withdrawn:
        payload["declaration_withdrawn"] = True
    audit_log(action="contract.subcontractor.submitted" if submit else "contract.subcontractor.created",
              actor=actor, contract=contract, obj=subcontractor, request=request, payload=payload)
    return subcontractor


@transaction.atomic
def subcontractor_update(*, subcontractor: Subcontractor, actor, submit: bool = False, request=None,
                         **values) -> Subcontractor:
    """Change an application while it is with the contractor (作成中・差戻し), and submit it when asked."""
    subcontractor = _locked(subcontractor)
    may_edit_subcontractor(actor, subcontractor).or_403().require()
    values = _clean_fields(values)
    if "name" in values and not values["name"]:
        raise DomainError(str(REQUIRED_TO_SUBMIT["name"]), field="name")
    changed = [name for name, value in values.items() if getattr(subcontractor, name) != value]
    for name, value in values.items():
        setattr(subcontractor, name, value)
    fields = list(values)
    withdrawn = False
    if submit:
        more, withdrawn = _submit(subcontractor, actor, timezone.now())
        fields += more
    subcontractor.save(update_fields=fields)
    payload = {"changed": changed}
    if withdrawn:
        payload["declaration_withdrawn"] = True
    audit_log(action="contract.subcontractor.submitted" if submit else "contract.subcontractor.updated",
              actor=actor, contract=subcontractor.contract, obj=subcontractor, request=request, payload=payload)
    return subcontractor


@transaction.atomic
def subcontractor_submit(*, subcontractor: Subcontractor, actor, request=None) -> Subcontractor:
    """Submit (again) an application as it stands."""
    subcontractor = _locked(subcontractor)
    may_edit_subcontractor(actor, subcontractor).or_403().require()
    fields, withdrawn = _submit(subcontractor, actor, timezone.now())
    subcontractor.save(update_fields=fields)
    payload = {"submitted": True}
    if withdrawn:
        payload["declaration_withdrawn"] = True
    audit_log(action="contract.subcontractor.submitted", actor=actor, contract=subcontractor.contract,
              obj=subcontractor, request=request, payload=payload)
    return subcontractor


def _existing_organisation(subcontractor: Subcontractor) -> Organisation | None:
    """The organisation the approval would link: the one already linked, or one of the application's name."""
    if subcontractor.organisation_id:
        return subcontractor.organisation
    return Organisation.objects.filter(name=subcontractor.name).first()


def other_contractors(subcontractor: Subcontractor) -> list[Organisation]:
    """The other contractors under which the organisation this approval would link (same name, kind 再委託先) is
    already approved as a subcontractor. A name alone does not prove it is the same company: linking would let this
    contractor's manager see (and, while it had only one contractor, keep) that firm's records, so HR confirms it.
    The same contractor (next year's contract, another contract of the firm) links without asking."""
    organisation = _existing_organisation(subcontractor)
    if organisation is None or organisation.kind != Organisation.Kind.SUBCONTRACTOR:
        return []
    contractor_ids = (Subcontractor.objects.filter(organisation=organisation, status=Subcontractor.Status.ACCEPTED)
                      .exclude(contract__contractor_id=subcontractor.contract.contractor_id)
                      .values("contract__contractor_id"))
    return list(Organisation.objects.filter(pk__in=contractor_ids).order_by("name"))


def _organisation_for(subcontractor: Subcontractor) -> Organisation:
    """The organisation of kind 再委託先 the approval links: the one already linked, or one of that name, or new."""
    if subcontractor.organisation_id:
        return subcontractor.organisation
    existing = Organisation.objects.select_for_update().filter(name=subcontractor.name).first()
    if existing is not None:
        if existing.kind != Organisation.Kind.SUBCONTRACTOR:
            raise DomainError(_("「%(name)s」は%(kind)sとして登録されている組織のため、再委託先として承認できません。"
                                "名称を確かめて、差し戻してください。")
                              % {"name": existing.name, "kind": existing.get_kind_display()})
        return existing
    return Organisation.objects.create(name=subcontractor.name, kind=Organisation.Kind.SUBCONTRACTOR,
                                       address=subcontractor.address)


@transaction.atomic
def subcontractor_approve(*, subcontractor: Subcontractor, actor, same_company: bool = False,
                          request=None) -> Subcontractor:
    """承認: the subcontractor may now receive the contract's personal data; its organisation (kind 再委託先) is
    linked so that its people can be designated as handlers. When an organisation of that name is already approved
    under another contractor, HR must confirm (``same_company``) that it is the same company."""
    subcontractor = _locked(subcontractor)
    may_decide_subcontractor(actor, subcontractor).or_403().require()
    if not subcontractor.flows_down:
        _check_complete(subcontractor)
    organisation = _organisation_for(subcontractor)
    others = other_contractors(subcontractor)
    if others and not same_company:
        raise DomainError(_("「%(name)s」は、別の委託先（%(others)s）の再委託先として承認されている組織と同じ名称です。"
                            "同じ会社であることを確かめて、確認欄にチェックを入れてから承認してください。別の会社であれば、"
                            "名称を区別できるよう差し戻してください。")
                          % {"name": organisation.name, "others": "、".join(o.name for o in others)},
                          field="same_company")
    if Subcontractor.objects.filter(contract=subcontractor.contract, organisation=organisation).exclude(
            pk=subcontractor.pk).exists():
        raise DomainError(_("「%(name)s」はこの契約の再委託先としてすでに申請されています。")
                          % {"name": organisation.name})
    fields = review.accept(subcontractor, actor=actor)
    subcontractor.organisation = organisation
    subcontractor.refusal_reason = ""
    subcontractor.save(update_fields=fields + ["organisation", "refusal_reason"])
    audit_log(action="contract.subcontractor.approved", actor=actor, contract=subcontractor.contract,
              obj=subcontractor, request=request,
              payload={"organisation": organisation.pk, **({"same_company_confirmed": True} if others else {})})
    return subcontractor


@transaction.atomic
def subcontractor_refuse(*, subcontractor: Subcontractor, actor, reason: str, request=None) -> Subcontractor:
    """不承認, with a reason: the subcontractor may not receive personal data."""
    reason = bounded_text(reason, field="reason", label=_("不承認の理由"))
    subcontractor = _locked(subcontractor)
    may_decide_subcontractor(actor, subcontractor).or_403().require()
    if not reason:
        raise DomainError(_("不承認の理由を入力してください。"), field="reason")
    # The same guard as accepting (from 承認待ち only), to a state of the application's own.
    review.require(subcontractor, review.Action.ACCEPT)
    subcontractor.status = Subcontractor.Status.REFUSED
    subcontractor.decided_at, subcontractor.decided_by = timezone.now(), actor
    subcontractor.refusal_reason = reason
    subcontractor.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
    audit_log(action="contract.subcontractor.refused", actor=actor, contract=subcontractor.contract,
              obj=subcontractor, request=request, payload={"reason": reason})
    return subcontractor


@transaction.atomic
def subcontractor_send_back(*, subcontractor: Subcontractor, actor, reason: str, request=None) -> Subcontractor:
    """差戻し, with a reason: the handling manager corrects the application and submits it again."""
    reason = bounded_text(reason, field="reason", label=_("差戻しの理由"))
    subcontractor = _locked(subcontractor)
    may_decide_subcontractor(actor, subcontractor).or_403().require()
    fields = review.send_back(subcontractor, actor=actor, reason=reason)
    subcontractor.save(update_fields=fields)
    audit_log(action="contract.subcontractor.returned", actor=actor, contract=subcontractor.contract,
              obj=subcontractor, request=request, payload={"reason": reason})
    return subcontractor
