"""How the contracts app's audit entries read (see audit/formatting.py)."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import (
    choice,
    contract_name,
    date_text,
    fiscal_year_text,
    person,
    person_name,
    quoted,
    text,
    yes_no,
)
from contracttypes.selectors import circled

from .models import Contract, Designation, Membership, Role, SubcontractingDeclaration, Subcontractor

LABELS = {
    "contract.created": gettext_lazy("契約を登録"),
    "contract.updated": gettext_lazy("契約の内容を変更"),
    "contract.started": gettext_lazy("契約の履行を開始"),
    "contract.copied": gettext_lazy("契約を翌年度にコピー"),
    "contract.step.completed": gettext_lazy("工程を完了にした"),
    "contract.step.reopened": gettext_lazy("工程を未了に戻した"),
    "contract.membership.granted": gettext_lazy("契約の利用者に役割を付与"),
    "contract.membership.revoked": gettext_lazy("契約の利用者の役割を取消"),
    "contract.designation.reported": gettext_lazy("取扱者指定を区に報告"),
    "contract.designation.approved": gettext_lazy("取扱者指定を承認"),
    "contract.designation.rejected": gettext_lazy("取扱者指定を不承認"),
    "contract.designation.revoked": gettext_lazy("取扱者指定を取消"),
    "contract.designation.enrolment_resent": gettext_lazy("利用開始の案内を再送"),
    "contract.subcontracting.declared": gettext_lazy("再委託なしを申出"),
    "contract.subcontractor.created": gettext_lazy("再委託の承認申請を作成（下書き）"),
    "contract.subcontractor.updated": gettext_lazy("再委託の承認申請を変更"),
    "contract.subcontractor.submitted": gettext_lazy("再委託の承認を申請"),
    "contract.subcontractor.approved": gettext_lazy("再委託を承認"),
    "contract.subcontractor.refused": gettext_lazy("再委託を不承認"),
    "contract.subcontractor.returned": gettext_lazy("再委託の承認申請を差戻し"),
    "contract.scope.granted": gettext_lazy("組織単位の役割を付与"),
    "contract.scope.revoked": gettext_lazy("組織単位の役割を取消"),
    "contract.unit.created": gettext_lazy("組織を登録"),
    "contract.unit.changed": gettext_lazy("組織を変更"),
}

GROUPS = {
    "contract.": gettext_lazy("契約"),
    "contract.designation.": gettext_lazy("取扱者指定"),
    "contract.membership.": gettext_lazy("利用者・権限"),
    "contract.step.": gettext_lazy("工程"),
    "contract.subcontracting.": gettext_lazy("再委託"),
    "contract.subcontractor.": gettext_lazy("再委託"),
    "contract.scope.": gettext_lazy("組織単位の役割"),
    "contract.unit.": gettext_lazy("組織"),
}

FIELDS = {
    "user": (gettext_lazy("利用者"), person),
    "role": (gettext_lazy("役割"), choice(Role)),
    "note": gettext_lazy("備考"),
    "title": gettext_lazy("件名"),
    "step": (gettext_lazy("工程"), lambda value, context: _step(value)),
    "completed_at": (gettext_lazy("完了日時"), date_text),
    "was_completed_at": (gettext_lazy("それまでの完了日時"), date_text),
    "was_note": gettext_lazy("それまでの備考"),
    "months_before_start": gettext_lazy("開始時期までの月数"),
    "steps": (gettext_lazy("記録に従って進んだ工程"), lambda value, context: steps_text(value)),
    "pages": gettext_lazy("ページ数"),
    "submitted_at": (gettext_lazy("提出日時"), date_text),
    "decided_on": (gettext_lazy("検討・決定した日"), date_text),
    "text": gettext_lazy("内容"),
    "declared_on": (gettext_lazy("申出日"), date_text),
    "reason": gettext_lazy("理由"),
}


def _step(value) -> str:
    # A step of the seed's type is kept by its number (its label is Contract.Step's); a step of another type
    # by its label as it was printed then (「① 区が宛名データを作成…」), since numbers mean different steps there.
    if isinstance(value, str):
        return value
    return str(dict(Contract.Step.choices).get(value, "")) if value else ""


def steps_text(values) -> str:
    return "、".join(_step(value).split(" ", 1)[0] if isinstance(value, str) else circled(value)
                    for value in values or [] if value)


def _value(name: str, value) -> str:
    """A contract field's value as the payload keeps it (``str()`` of the value)."""
    try:
        internal = Contract._meta.get_field(name).get_internal_type()
    except FieldDoesNotExist:  # a field removed since the entry was written
        internal = ""
    if internal == "DateField":
        return date_text(value)
    if internal == "BooleanField":
        return yes_no(value)
    if name == "fiscal_year" and str(value).isdigit():
        return fiscal_year_text(int(value))
    return quoted(value, 40) or _("（空欄）")


def _field_name(name: str) -> str:
    try:
        return str(Contract._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return _("（削除された項目）")


def _updated(payload, context) -> str:
    before, after = payload.get("before") or {}, payload.get("after") or {}
    return "。".join(
        _("%(field)s: %(before)s → %(after)s")
        % {"field": _field_name(name), "before": _value(name, before.get(name)), "after": _value(name, after.get(name))}
        for name in after
    )


def _created(payload, context) -> str:
    return _("件名%(title)s") % {"title": quoted(payload.get("title"))}


def _copied(payload, context) -> str:
    sentence = _("%(source)sの内容を引き継いで作成") % {"source": context.contract(payload.get("from"))}
    carried = [
        _("監査の利用者 %(n)s人") % {"n": payload["auditors"]} if payload.get("auditors") else "",
        _("取扱者指定 %(n)s件（承認待ち）") % {"n": payload["designations"]} if payload.get("designations") else "",
        _("チェックリストの計画 %(n)s項目（下書き）") % {"n": payload["plan_items"]} if payload.get("plan_items") else "",
    ]
    carried = [c for c in carried if c]
    if carried:
        sentence += _("。引き継いだもの: %(carried)s") % {"carried": "、".join(carried)}
    return sentence


def _started(payload, context) -> str:
    if payload.get("months_before_start"):
        return _("開始時期の%(n)sか月前に履行開始（確認のうえ）") % {"n": payload["months_before_start"]}
    return ""


def _membership(payload, context) -> str:
    return _("%(name)sさん（%(role)s）") % {
        "name": context.person(payload.get("user")), "role": choice(Role)(payload.get("role"))}


def _designation(payload, context) -> str:
    if payload.get("user"):
        sentence = _("%(name)sさん") % {"name": context.person(payload["user"])}
    else:
        sentence = _("アカウントのない新しい方") if payload.get("new_account") else ""
    if payload.get("kind"):
        sentence += _("（%(kind)s）") % {"kind": choice(Designation.Kind)(payload["kind"])}
    if payload.get("note"):
        sentence += _("。備考: %(note)s") % {"note": text(payload["note"])}
    if payload.get("account_opened"):
        sentence += _("。アカウントを作成し、利用開始の案内を送付")
    if payload.get("enrolment_link_withdrawn"):
        sentence += _("。未使用の利用開始の案内を無効化")
    return sentence


def _subcontractor(payload, context) -> str:
    parts = []
    if payload.get("changed"):
        names = [str(Subcontractor._meta.get_field(name).verbose_name) for name in payload["changed"]
                 if name in {f.name for f in Subcontractor._meta.concrete_fields}]
        if names:
            parts.append(_("変更した項目: %(fields)s") % {"fields": "、".join(names)})
    if payload.get("reason"):
        parts.append(_("理由: %(reason)s") % {"reason": text(payload["reason"])})
    if payload.get("declaration_withdrawn"):
        parts.append(_("再委託なしの申出を取下げ"))
    return "。".join(parts)


def _scope(payload, context) -> str:
    sentence = _("%(name)sさん（%(role)s）: %(unit)s") % {
        "name": context.person(payload.get("user")), "role": choice(Role)(payload.get("role")),
        "unit": payload.get("unit") or _("区全体")}
    if payload.get("source") == "directory":
        sentence += _("（ディレクトリのグループによる）")
    return sentence


def _unit(payload, context) -> str:
    parts = [_("組織コード %(code)s") % {"code": payload.get("code", "")}]
    after = payload.get("after") or payload
    if after.get("name"):
        parts.append(_("名称%(name)s") % {"name": quoted(after["name"])})
    if after.get("parent"):
        parts.append(_("上位組織 %(code)s") % {"code": after["parent"]})
    return "。".join(parts)


def _declared(payload, context) -> str:
    return _("申出日 %(date)s") % {"date": date_text(payload.get("declared_on"))} if payload.get("declared_on") else ""


DETAILS = {
    "contract.scope.granted": _scope,
    "contract.scope.revoked": _scope,
    "contract.unit.created": _unit,
    "contract.unit.changed": _unit,
    "contract.subcontracting.declared": _declared,
    "contract.subcontractor.created": _subcontractor,
    "contract.subcontractor.updated": _subcontractor,
    "contract.subcontractor.submitted": _subcontractor,
    "contract.subcontractor.approved": _subcontractor,
    "contract.subcontractor.refused": _subcontractor,
    "contract.subcontractor.returned": _subcontractor,
    "contract.created": _created,
    "contract.updated": _updated,
    "contract.copied": _copied,
    "contract.started": _started,
    "contract.membership.granted": _membership,
    "contract.membership.revoked": _membership,
    "contract.designation.reported": _designation,
    "contract.designation.approved": _designation,
    "contract.designation.rejected": _designation,
    "contract.designation.revoked": _designation,
    "contract.designation.enrolment_resent": _designation,
}


def _contracts(ids):
    return {str(c.pk): contract_name(c) for c in Contract.objects.filter(pk__in=ids)}


def _memberships(ids):
    rows = Membership.objects.filter(pk__in=ids).select_related("user__profile")
    return {str(m.pk): _("契約の利用者 %(name)s（%(role)s）") % {"name": person_name(m.user), "role": m.get_role_display()}
            for m in rows}


def _designations(ids):
    rows = Designation.objects.filter(pk__in=ids).select_related("user__profile")
    return {str(d.pk): _("取扱者指定 %(name)s（%(kind)s）") % {"name": person_name(d.user), "kind": d.get_kind_display()}
            for d in rows}


def _organisations(ids):
    from .models import Organisation

    return {str(o.pk): _("組織 %(name)s") % {"name": o.name} for o in Organisation.objects.filter(pk__in=ids)}


def _scope_grants(ids):
    from .models import ScopeGrant

    rows = ScopeGrant.objects.filter(pk__in=ids).select_related("user__profile", "unit")
    return {str(g.pk): _("%(name)sさんの%(role)s（%(unit)s）") % {
        "name": person_name(g.user), "role": g.get_role_display(), "unit": g.unit.name if g.unit_id else _("区全体")}
        for g in rows}


def _profiles(ids):
    from .models import UserProfile

    rows = UserProfile.objects.filter(pk__in=ids)
    return {str(p.pk): _("利用者情報 %(name)s") % {"name": p.display_name} for p in rows}


def _subcontractors(ids):
    return {str(s.pk): _("再委託先 %(name)s") % {"name": s.name} for s in Subcontractor.objects.filter(pk__in=ids)}


def _declarations(ids):
    rows = SubcontractingDeclaration.objects.filter(pk__in=ids)
    return {str(d.pk): _("再委託なしの申出（%(date)s）") % {"date": date_text(d.declared_on.isoformat())} for d in rows}


OBJECTS = {
    "contracts.subcontractor": _subcontractors,
    "contracts.subcontractingdeclaration": _declarations,
    "contracts.contract": _contracts,
    "contracts.membership": _memberships,
    "contracts.designation": _designations,
    "contracts.organisation": _organisations,
    "contracts.userprofile": _profiles,
    "contracts.scopegrant": _scope_grants,
}
