"""Every write about incidents: reporting one, correcting its facts, the timeline of what was done, and
closing it. Each function re-reads its rows under a lock, asks :mod:`incidents.permissions` whether this
person may do this now (the same answer the page gets), and writes exactly one audit entry.

The seed's rule they serve: 「事故が発生した場合…は、直ちに委託先と今後の対応を協議する」 and 「業務開始前に、事故、
災害、トラブルに対応できる体制及び手順を整備し、委託先と緊急時の連絡体制や対応手順を確認する」 (別紙 チェックリスト).
Audit payloads carry the facts the decision rests on (kind, item labels, the number of people, the flags),
never the free texts, which may hold what the form asks not to write."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log
from contracts.models import Contract
from core import bounds
from core.dates import wareki_datetime
from core.errors import DomainError
from handover.models import Item

from . import notifications, permissions
from .assessment import assess
from .models import Incident, IncidentEvent

# A phone's clock a minute ahead of the server is no reason to refuse "now".
CLOCK_TOLERANCE = dt.timedelta(minutes=5)

FLAGS = ("sensitive", "financial_harm", "wrongful_purpose", "ordinance_sensitive")
# The event kinds a note is required for: they say what was done, and only the note says it.
NOTE_REQUIRED = (IncidentEvent.Kind.CONSULTED, IncidentEvent.Kind.MEASURE, IncidentEvent.Kind.OTHER)


def _flags(incident: Incident) -> list[str]:
    return [name for name in FLAGS if getattr(incident, name)]


def _not_in_future(value: dt.datetime, *, field: str, what: str) -> None:
    if value > timezone.now() + CLOCK_TOLERANCE:
        raise DomainError(_("%(what)sに未来の日時は入力できません。") % {"what": what}, field=field)


def _checked_exposure(found: list[Item], password_exposure: str, *, wrongful_purpose: bool = False) -> str:
    """The answer to 「データを持つ者がパスワードを知り得るか」: required when an encrypted medium (one with a registered
    password notice) is involved, since the ledger alone cannot tell (施行規則第43条第1号's exception rests on it);
    「区が保管」 only for notices the ledger shows at the ward. Kept only when such a medium is involved.

    An insider acting for an unlawful purpose (第3号 「不正の目的をもって行われたおそれ」) within the organisation that
    holds the notice can know the password: with the notice handed to the contractor, 「別の者が保管」 is refused
    and the reporter says whether the person is of that organisation or from outside it."""
    exposure = password_exposure or ""
    if exposure not in Incident.PasswordExposure.values and exposure:
        raise DomainError(_("データを持つ者がパスワードを知り得るかを、選択肢から選んでください。"), field="password_exposure")
    media = [item for item in found if item.is_medium]
    notices = list(Item.objects.filter(opens__in=media).select_related("opens").order_by("label"))
    if not notices:
        return ""  # no encrypted medium: the answer decides nothing, and the incident does not keep it
    if not exposure:
        raise DomainError(
            _("暗号化した記録媒体（%(media)s）が関係するため、データを持つ者（持ち出した者・受け取った者）がパスワードを"
              "知り得るかを選んでください。知り得るなら、暗号化による除外（個人情報保護法施行規則第43条第1号）は受けられません。")
            % {"media": "、".join(sorted({notice.opens.label for notice in notices}))},
            field="password_exposure", code="exposure_unanswered")
    away = [notice for notice in notices if notice.state not in (Item.State.PREPARED, Item.State.RETURNED)]
    if exposure == Incident.PasswordExposure.WARD_KEEPS and away:
        raise DomainError(
            _("管理簿ではパスワード通知書%(notices)sは区で保管していません（%(states)s）。通知書を持つ者を確かめ、"
              "別の者が保管しているか、知り得る可能性があるかを選んでください。")
            % {"notices": "、".join(n.label for n in away),
               "states": "、".join(f"{n.label}：{n.get_state_display()}" for n in away)},
            field="password_exposure", code="exposure_not_at_ward")
    if exposure == Incident.PasswordExposure.OTHER_KEEPS and wrongful_purpose and away:
        raise DomainError(
            _("不正の目的をもって行われたおそれがあり、管理簿ではパスワード通知書%(notices)sは委託先に渡っています（%(states)s）。"
              "委託先の者が不正の目的で持ち出したのなら、同じ組織が保持する通知書からパスワードを知り得るため、暗号化による"
              "除外は受けられません。その場合は「%(same)s」を、持ち出した者が委託先の外の者だと分かっているときは"
              "「%(outsider)s」を選んでください。")
            % {"notices": "、".join(n.label for n in away),
               "states": "、".join(f"{n.label}：{n.get_state_display()}" for n in away),
               "same": Incident.PasswordExposure.SAME_HOLDER.label, "outsider": Incident.PasswordExposure.OUTSIDER.label},
            field="password_exposure", code="exposure_insider")
    return exposure


def _checked_facts(contract: Contract, *, kind: str, items: Iterable[Item], other_data: bool,
                   discovered_at: dt.datetime | None, affected_count: int | None, description: str,
                   password_exposure: str = "", wrongful_purpose: bool = False) -> dict:
    """The facts of a report or a correction, refused with a message at the field they concern."""
    if kind not in Incident.Kind.values:
        raise DomainError(_("事故の種類を選んでください。"), field="kind")
    if discovered_at is None:
        raise DomainError(_("発見日時を入力してください。"), field="discovered_at")
    if affected_count is None:
        raise DomainError(_("漏えい等のおそれがある本人の数を入力してください（分からないときは、考えられる最も多い数）。"),
                          field="affected_count")
    description = (description or "").strip()
    bounds.check_values(Incident, discovered_at=discovered_at, affected_count=affected_count, description=description)
    _not_in_future(discovered_at, field="discovered_at", what=_("発見日時"))
    if not description:
        raise DomainError(_("事故の概要を入力してください（個人情報は書かないでください）。"), field="description")
    ids = sorted({item.pk for item in items})
    found = list(Item.objects.filter(pk__in=ids, contract=contract).order_by("label"))
    if len(found) != len(ids):
        raise DomainError(_("選んだ記録媒体等の一部がこの契約に見つかりません。"), field="items")
    if not found and not other_data:
        raise DomainError(_("関係する記録媒体等を選ぶか、「記録媒体等以外のデータも関係する」を選んでください。"), field="items")
    return {"kind": kind, "items": found, "other_data": bool(other_data), "discovered_at": discovered_at,
            "affected_count": affected_count, "description": description,
            "password_exposure": _checked_exposure(found, password_exposure, wrongful_purpose=wrongful_purpose)}


def _decision_payload(incident: Incident) -> dict:
    decision = assess(incident).decision
    return {"ppc_required": decision.required, "triggers": [int(t) for t in decision.triggers],
            "exemption": decision.exemption}


@transaction.atomic
def incident_report(*, contract: Contract, actor, kind: str, discovered_at: dt.datetime | None,
                    affected_count: int | None, description: str, items: Iterable[Item] = (),
                    other_data: bool = False, sensitive: bool = False, financial_harm: bool = False,
                    wrongful_purpose: bool = False, ordinance_sensitive: bool = False, password_exposure: str = "",
                    request=None) -> Incident:
    """Report an incident (事故). Anyone on the contract reports, at once; HR of the contract and the
    contractor's handling managers are e-mailed, with both organisations' emergency contacts, as soon as
    the report is saved. Whether it must go to the Commission is :func:`incidents.rules.ppc_report_required`'s."""
    # Locking the contract numbers its incidents without gaps or twins.
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    permissions.may_report(actor, contract).require()
    facts = _checked_facts(contract, kind=kind, items=items, other_data=other_data, discovered_at=discovered_at,
                           affected_count=affected_count, description=description,
                           password_exposure=password_exposure, wrongful_purpose=bool(wrongful_purpose))
    found = facts.pop("items")
    number = (Incident.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    incident = Incident.objects.create(
        contract=contract, number=number, sensitive=bool(sensitive), financial_harm=bool(financial_harm),
        wrongful_purpose=bool(wrongful_purpose), ordinance_sensitive=bool(ordinance_sensitive),
        status=Incident.Status.OPEN, reported_at=timezone.now(), reported_by=actor, **facts,
    )
    incident.items.set(found)
    audit_log(action="incident.reported", actor=actor, contract=contract, obj=incident, request=request,
              payload={"number": number, "kind": kind, "items": [item.label for item in found],
                       "other_data": incident.other_data, "discovered_at": discovered_at,
                       "affected_count": incident.affected_count, "flags": _flags(incident),
                       "notice_exposure": incident.password_exposure, **_decision_payload(incident)})
    transaction.on_commit(lambda: notifications.incident_reported(incident.pk))
    return incident


# Fields a correction may change, with how the timeline names them.
REVISABLE = {
    "kind": gettext_lazy("事故の種類"), "items": gettext_lazy("関係する記録媒体等"), "other_data": gettext_lazy("記録媒体等以外のデータ"),
    "discovered_at": gettext_lazy("発見日時"), "affected_count": gettext_lazy("本人の数"), "sensitive": gettext_lazy("要配慮個人情報"),
    "financial_harm": gettext_lazy("財産的被害のおそれ"), "wrongful_purpose": gettext_lazy("不正の目的"),
    "ordinance_sensitive": gettext_lazy("条例要配慮個人情報"), "description": gettext_lazy("事故の概要"),
    "password_exposure": gettext_lazy("データを持つ者がパスワードを知り得るか"),
}


def _shown(name: str, value) -> str:
    if name == "kind":
        return str(Incident.Kind(value).label)
    if name == "items":
        return "、".join(item.label for item in value) or _("なし")
    if name == "discovered_at":
        return wareki_datetime(value)
    if name == "affected_count":
        return _("%(n)s人") % {"n": f"{value:,}"}
    if isinstance(value, bool):
        return _("あり") if value else _("なし")
    if name == "password_exposure":
        return str(Incident.PasswordExposure(value).label) if value else _("未回答")
    return ""


@transaction.atomic
def incident_revise(*, incident: Incident, actor, kind: str, discovered_at: dt.datetime | None,
                    affected_count: int | None, description: str, items: Iterable[Item] = (),
                    other_data: bool = False, sensitive: bool = False, financial_harm: bool = False,
                    wrongful_purpose: bool = False, ordinance_sensitive: bool = False, password_exposure: str = "",
                    request=None) -> Incident:
    """Correct the reported facts while the incident is open (the number of people grows, an item turns
    out to be involved …). The timeline says what changed, from what to what; the decision and deadlines
    follow the corrected facts."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("contract").get(pk=incident.pk)
    permissions.may_revise(actor, incident).require()
    facts = _checked_facts(incident.contract, kind=kind, items=items, other_data=other_data,
                           discovered_at=discovered_at, affected_count=affected_count, description=description,
                           password_exposure=password_exposure, wrongful_purpose=bool(wrongful_purpose))
    facts.update(sensitive=bool(sensitive), financial_harm=bool(financial_harm),
                 wrongful_purpose=bool(wrongful_purpose), ordinance_sensitive=bool(ordinance_sensitive))
    before = {name: getattr(incident, name) for name in REVISABLE if name != "items"}
    before["items"] = list(incident.items.order_by("label"))
    changed = [name for name in REVISABLE if (
        [i.pk for i in before[name]] != [i.pk for i in facts[name]] if name == "items" else before[name] != facts[name])]
    if not changed:
        raise DomainError(_("訂正した項目がありません。"), code="unchanged")
    found = facts.pop("items")
    for name, value in facts.items():
        setattr(incident, name, value)
    fields = [name for name in changed if name != "items"]
    if fields:
        incident.save(update_fields=fields)
    if "items" in changed:
        incident.items.set(found)
    facts["items"] = found
    lines = []
    for name in changed:
        old, new = _shown(name, before[name]), _shown(name, facts[name])
        lines.append(_("%(field)s: %(old)s → %(new)s") % {"field": REVISABLE[name], "old": old, "new": new}
                     if old or new else str(REVISABLE[name]))
    now = timezone.now()
    IncidentEvent.objects.create(incident=incident, kind=IncidentEvent.Kind.FACTS_REVISED, happened_at=now,
                                 note="\n".join(lines), recorded_at=now, recorded_by=actor)
    audit_log(action="incident.revised", actor=actor, contract=incident.contract, obj=incident, request=request,
              payload={"number": incident.number, "changed": changed, "affected_count": incident.affected_count,
                       "flags": _flags(incident), "items": [item.label for item in found],
                       "notice_exposure": incident.password_exposure,
                       **_decision_payload(incident)})
    return incident


@transaction.atomic
def incident_event_add(*, incident: Incident, actor, kind: str, happened_at: dt.datetime | None, note: str = "",
                       request=None) -> IncidentEvent:
    """Add to the timeline what was done: the 速報 or 確報 to the Commission and the notice to the people
    concerned (HR), a consultation between the ward and the contractor, a measure, anything else."""
    incident = Incident.objects.select_for_update(of=("self",)).select_related("contract").get(pk=incident.pk)
    permissions.may_add_event(actor, incident, kind).require(field="kind")
    if happened_at is None:
        raise DomainError(_("日時を入力してください。"), field="happened_at")
    note = (note or "").strip()
    bounds.check_values(IncidentEvent, happened_at=happened_at, note=note)
    _not_in_future(happened_at, field="happened_at", what=_("日時"))
    if happened_at < incident.discovered_at.replace(second=0, microsecond=0):
        raise DomainError(_("日時は発見日時（%(when)s）より後にしてください。") % {
            "when": wareki_datetime(incident.discovered_at)}, field="happened_at")
    if kind in NOTE_REQUIRED and not note:
        raise DomainError(_("行ったことを記録してください（個人情報は書かないでください）。"), field="note")
    event = IncidentEvent.objects.create(incident=incident, kind=kind, happened_at=happened_at, note=note,
                                         recorded_at=timezone.now(), recorded_by=actor)
    audit_log(action="incident.event.recorded", actor=actor, contract=incident.contract, obj=incident,
              request=request, payload={"number": incident.number, "event": kind, "happened_at": happened_at})
    return event


@transaction.atomic
def incident_close(*, incident: Incident, actor, summary: str, missing_reports_reason: str = "",
                   request=None) -> Incident:
    """HR closes an incident once it has been dealt with.

    The rule: closing needs the result (``summary``). When the incident must be reported to the Commission
    (:func:`incidents.rules.ppc_report_required`), the 速報 and the 確報 (施行規則第44条) and the notice to the
    people concerned (法第68条第2項, or what was done instead) must be on the timeline; HR may close without
    one of them only by saying why (``missing_reports_reason``), which the incident and the audit trail keep.
    """
    incident = Incident.objects.select_for_update(of=("self",)).select_related("contract").get(pk=incident.pk)
    permissions.may_close(actor, incident).require()
    summary = (summary or "").strip()
    reason = (missing_reports_reason or "").strip()
    bounds.check_value(Incident, "closing_summary", summary, field="summary")
    bounds.check_values(Incident, missing_reports_reason=reason)
    if not summary:
        raise DomainError(_("対応の結果（再発防止策を含む）を入力してください。"), field="summary")
    assessment = assess(incident)
    missing = [step.label for step in assessment.missing]
    if not missing:
        reason = ""
    elif not reason:
        raise DomainError(
            _("個人情報保護委員会への報告が必要な事故ですが、%(missing)sが記録されていません。対応の記録に加えてから終結するか、"
              "記録しないまま終結する理由を入力してください。") % {"missing": "・".join(missing)},
            field="missing_reports_reason", code="reports_missing",
        )
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = actor
    incident.closing_summary = summary
    incident.missing_reports_reason = reason
    incident.save(update_fields=["status", "closed_at", "closed_by", "closing_summary", "missing_reports_reason"])
    payload = {"number": incident.number, "ppc_required": assessment.decision.required, "missing": missing}
    if reason:
        payload["reason"] = reason
    audit_log(action="incident.closed", actor=actor, contract=incident.contract, obj=incident, request=request,
              payload=payload)
    return incident
