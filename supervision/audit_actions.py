"""How the supervision app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import choice, count, date_text, fiscal_year_text, format_name, text

from .models import Finding, Inspection, InspectionResult

LABELS = {
    "supervision.inspection.planned": gettext_lazy("立入り調査等を計画"),
    "supervision.inspection.replanned": gettext_lazy("立入り調査等の予定日を変更"),
    "supervision.inspection.recorded": gettext_lazy("立入り調査等の実施を記録"),
    "supervision.inspection.cancelled": gettext_lazy("立入り調査等を中止"),
    "supervision.inspection.exported": gettext_lazy("立入り調査等の記録を出力"),
    "supervision.result.recorded": gettext_lazy("立入り調査等で確認した項目の結果を記録"),
    "supervision.finding.raised": gettext_lazy("指摘事項を記録"),
    "supervision.finding.responded": gettext_lazy("指摘事項に回答"),
    "supervision.finding.accepted": gettext_lazy("指摘事項への回答を受理"),
    "supervision.finding.returned": gettext_lazy("指摘事項への回答を差戻し"),
    "supervision.reminders.sent": gettext_lazy("立入り調査等・指摘事項の督促メールを送信"),
}

GROUPS = {"supervision.": gettext_lazy("立入り調査等")}

_method = choice(Inspection.Method)


def _item(key) -> str:
    """An item key as a clerk names it (区が行う対策・運用上の対策 2), never the dotted key."""
    from checklist.models import TemplateItem

    item = TemplateItem.objects.filter(key=key).order_by("-template__version").first() if key else None
    return item.label if item is not None else _("（項目なし）")


def _planned(payload, context) -> str:
    sentence = _("No.%(n)s 予定日 %(day)s（%(year)s）、方法 %(method)s") % {
        "n": payload.get("number"), "day": date_text(payload.get("planned_on")),
        "year": fiscal_year_text(payload.get("fiscal_year")), "method": _method(payload.get("method"))}
    if payload.get("subcontractor"):
        sentence += _("、再委託先が対象")
    return sentence


def _replanned(payload, context) -> str:
    return _("No.%(n)s 予定日 %(previous)sから%(day)sへ") % {
        "n": payload.get("number"), "previous": date_text(payload.get("previous")),
        "day": date_text(payload.get("planned_on"))}


def _recorded(payload, context) -> str:
    return _("No.%(n)s 実施日 %(day)s（予定日 %(planned)s）、方法 %(method)s") % {
        "n": payload.get("number"), "day": date_text(payload.get("held_on")),
        "planned": date_text(payload.get("planned_on")), "method": _method(payload.get("method"))}


def _cancelled(payload, context) -> str:
    return _("No.%(n)s（予定日 %(day)s）。理由: %(reason)s") % {
        "n": payload.get("number"), "day": date_text(payload.get("planned_on")), "reason": text(payload.get("reason"))}


def _exported(payload, context) -> str:
    return _("No.%(n)s（%(format)s）") % {"n": payload.get("number"), "format": format_name(payload.get("format"))}


def _result(payload, context) -> str:
    sentence = _("No.%(n)s %(item)s: %(result)s") % {
        "n": payload.get("number"), "item": _item(payload.get("key")),
        "result": choice(InspectionResult.Result)(payload.get("result"))}
    return sentence + (_("（記録し直し）") if payload.get("replaced") else "")


def _raised(payload, context) -> str:
    return _("指摘事項 No.%(n)s（立入り調査等 No.%(inspection)s）%(item)s、期限 %(due)s") % {
        "n": payload.get("number"), "inspection": payload.get("inspection"), "item": _item(payload.get("key")),
        "due": date_text(payload.get("due_on"))}


def _responded(payload, context) -> str:
    sentence = _("指摘事項 No.%(n)s（%(k)s回目の回答）") % {"n": payload.get("number"), "k": payload.get("submission")}
    if payload.get("files"):
        sentence += _("、ファイル %(files)s") % {"files": count(payload.get("files"))}
    return sentence


def _decided(payload, context) -> str:
    sentence = _("指摘事項 No.%(n)s（%(k)s回目の回答）") % {"n": payload.get("number"), "k": payload.get("submission")}
    if payload.get("reason"):
        sentence += _("。理由: %(reason)s") % {"reason": text(payload["reason"])}
    if payload.get("due_on"):
        sentence += _("。新しい期限 %(due)s") % {"due": date_text(payload["due_on"])}
    return sentence


def _reminders(payload, context) -> str:
    return _("メール%(mails)s（立入り調査等 %(inspections)s、指摘事項 %(findings)s）") % {
        "mails": count(payload.get("mails"), _("通")), "inspections": count(payload.get("inspections")),
        "findings": count(payload.get("findings"))}


DETAILS = {
    "supervision.inspection.planned": _planned,
    "supervision.inspection.replanned": _replanned,
    "supervision.inspection.recorded": _recorded,
    "supervision.inspection.cancelled": _cancelled,
    "supervision.inspection.exported": _exported,
    "supervision.result.recorded": _result,
    "supervision.finding.raised": _raised,
    "supervision.finding.responded": _responded,
    "supervision.finding.accepted": _decided,
    "supervision.finding.returned": _decided,
    "supervision.reminders.sent": _reminders,
}


def _inspections(ids):
    return {str(row.pk): str(row) for row in Inspection.objects.filter(pk__in=ids)}


def _findings(ids):
    return {str(row.pk): str(row) for row in Finding.objects.filter(pk__in=ids)}


OBJECTS = {"supervision.inspection": _inspections, "supervision.finding": _findings}
