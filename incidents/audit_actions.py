"""How the incidents app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import choice, count, date_text, listing, text

from .models import Incident, IncidentEvent
from .rules import Trigger

LABELS = {
    "incident.reported": gettext_lazy("事故を報告"),
    "incident.revised": gettext_lazy("事故の報告内容を訂正"),
    "incident.event.recorded": gettext_lazy("事故の対応を記録"),
    "incident.closed": gettext_lazy("事故を終結"),
    "incident.reminders.sent": gettext_lazy("事故の報告期限の督促メールを送信"),
}

GROUPS = {"incident.": gettext_lazy("事故")}

FLAG_NAMES = {
    "sensitive": gettext_lazy("要配慮個人情報"),
    "financial_harm": gettext_lazy("財産的被害のおそれ"),
    "wrongful_purpose": gettext_lazy("不正の目的"),
    "ordinance_sensitive": gettext_lazy("条例要配慮個人情報"),
}
CHANGED_NAMES = {
    "kind": gettext_lazy("事故の種類"), "items": gettext_lazy("関係する記録媒体等"),
    "other_data": gettext_lazy("記録媒体等以外のデータ"), "discovered_at": gettext_lazy("発見日時"),
    "affected_count": gettext_lazy("本人の数"), "description": gettext_lazy("事故の概要"), **FLAG_NAMES,
    "password_exposure": gettext_lazy("データを持つ者がパスワードを知り得るか"),
}
EXEMPTIONS = {"encrypted": gettext_lazy("暗号化され鍵が安全なため"),
              "no_personal_data": gettext_lazy("個人情報を含まないパスワード通知書のみのため")}

FIELDS = {
    "ppc_required": gettext_lazy("個人情報保護委員会への報告"),
}


def _names(values, names) -> str:
    return "、".join(str(names.get(value, _("その他"))) for value in values or []) or _("なし")


def _decision(payload) -> str:
    if payload.get("ppc_required"):
        triggers = [str(Trigger(t).label) for t in payload.get("triggers") or [] if t in Trigger.values]
        return _("個人情報保護委員会への報告: 必要（%(triggers)s）") % {"triggers": "、".join(triggers)}
    why = EXEMPTIONS.get(payload.get("exemption") or "")
    return _("個人情報保護委員会への報告: 不要（%(why)s）") % {"why": why} if why else _("個人情報保護委員会への報告: 不要")


def _reported(payload, context) -> str:
    sentence = _("%(kind)s。関係する記録媒体等 %(items)s%(other)s。発見 %(when)s。本人の数 %(count)s。該当 %(flags)s") % {
        "kind": choice(Incident.Kind)(payload.get("kind")), "items": listing(payload.get("items")) or _("なし"),
        "other": _("（記録媒体等以外のデータも）") if payload.get("other_data") else "",
        "when": date_text(payload.get("discovered_at")), "count": count(payload.get("affected_count"), _("人")),
        "flags": _names(payload.get("flags"), FLAG_NAMES)}
    if payload.get("notice_exposure"):
        sentence += _("。データを持つ者がパスワードを知り得るか: %(answer)s") % {
            "answer": choice(Incident.PasswordExposure)(payload["notice_exposure"])}
    return f"{sentence}。{_decision(payload)}"


def _revised(payload, context) -> str:
    return _("訂正した項目: %(changed)s。本人の数 %(count)s。該当 %(flags)s。%(decision)s") % {
        "changed": _names(payload.get("changed"), CHANGED_NAMES), "count": count(payload.get("affected_count"), _("人")),
        "flags": _names(payload.get("flags"), FLAG_NAMES), "decision": _decision(payload)}


def _event(payload, context) -> str:
    return _("%(event)s（%(when)s）") % {"event": choice(IncidentEvent.Kind)(payload.get("event")),
                                        "when": date_text(payload.get("happened_at"))}


def _closed(payload, context) -> str:
    sentence = _("報告が必要な事故として終結") if payload.get("ppc_required") else _("報告が不要な事故として終結")
    if payload.get("missing"):
        sentence += _("。記録のない報告等: %(missing)s") % {"missing": listing(payload["missing"])}
    if payload.get("reason"):
        sentence += _("。理由: %(reason)s") % {"reason": text(payload["reason"])}
    return sentence


def _reminders(payload, context) -> str:
    return _("メール%(mails)s（期限の近い報告・期限を過ぎた報告 %(reports)s）") % {
        "mails": count(payload.get("mails"), _("通")), "reports": count(payload.get("reports"))}


DETAILS = {
    "incident.reported": _reported,
    "incident.revised": _revised,
    "incident.event.recorded": _event,
    "incident.closed": _closed,
    "incident.reminders.sent": _reminders,
}


def _incidents(ids):
    rows = Incident.objects.filter(pk__in=ids)
    return {str(i.pk): _("事故 No.%(n)s（%(kind)s）") % {"n": i.number, "kind": i.get_kind_display()} for i in rows}


OBJECTS = {"incidents.incident": _incidents}
