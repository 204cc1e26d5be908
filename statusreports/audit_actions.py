"""How the status reports' audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import choice, count, date_text, text

from .models import StatusReport, StatusSchedule, StructureReport

LABELS = {
    "statusreport.schedule.set": gettext_lazy("状況報告の予定を設定"),
    "statusreport.reports.scheduled": gettext_lazy("予定に従い状況報告の提出期限を作成"),
    "statusreport.requested": gettext_lazy("状況報告を求めた"),
    "statusreport.submitted": gettext_lazy("状況報告を提出"),
    "statusreport.accepted": gettext_lazy("状況報告を受理"),
    "statusreport.returned": gettext_lazy("状況報告を差戻し"),
    "statusreport.reminders.sent": gettext_lazy("状況報告の提出期限のお知らせ・督促メールを送信"),
    "structurereport.created": gettext_lazy("管理体制の報告を作成"),
    "structurereport.submitted": gettext_lazy("管理体制の報告を提出"),
    "structurereport.accepted": gettext_lazy("管理体制の報告を受理"),
    "structurereport.returned": gettext_lazy("管理体制の報告を差戻し"),
}

GROUPS = {"statusreport.": gettext_lazy("状況報告"), "structurereport.": gettext_lazy("管理体制")}


def _schedule(payload, context) -> str:
    kind = payload.get("kind")
    if kind == StatusSchedule.Kind.MONTHLY:
        what = _("毎月（翌月%(day)s日までに前月分を報告）") % {"day": payload.get("day")}
    elif kind == StatusSchedule.Kind.DATES:
        what = _("区が定める日（%(n)s）") % {"n": count(payload.get("dates"), _("日"))}
    else:
        what = choice(StatusSchedule.Kind)(kind)
    return _("%(what)s。作成した提出期限 %(created)s、取り消した提出期限 %(removed)s") % {
        "what": what, "created": count(payload.get("created")), "removed": count(payload.get("removed"))}


def _scheduled(payload, context) -> str:
    return _("作成した提出期限 %(created)s、取り消した提出期限 %(removed)s") % {
        "created": count(payload.get("created")), "removed": count(payload.get("removed"))}


def _due(payload, context) -> str:
    return _("提出期限 %(due)s") % {"due": date_text(payload.get("due_on"))}


def _submitted(payload, context) -> str:
    sentence = _due(payload, context)
    if payload.get("late"):
        sentence += _("（期限後の提出）")
    if (payload.get("submission") or 0) > 1:
        sentence += _("。%(n)s回目の提出") % {"n": payload["submission"]}
    return sentence


def _returned(payload, context) -> str:
    return _("%(due)s。理由: %(reason)s") % {"due": _due(payload, context), "reason": text(payload.get("reason"))}


def _structure(payload, context) -> str:
    sentence = _("%(date)sからの体制") % {"date": date_text(payload.get("effective_on"))}
    if payload.get("people") is not None:
        sentence += _("（取扱責任者・取扱者 %(n)s）") % {"n": count(payload.get("people"), _("名"))}
    if payload.get("reason"):
        sentence += _("。理由: %(reason)s") % {"reason": text(payload["reason"])}
    return sentence


def _reminders(payload, context) -> str:
    return _("メール%(mails)s（状況報告 %(reports)s）") % {
        "mails": count(payload.get("mails"), _("通")), "reports": count(payload.get("reports"))}


DETAILS = {
    "statusreport.schedule.set": _schedule,
    "statusreport.reports.scheduled": _scheduled,
    "statusreport.requested": _due,
    "statusreport.submitted": _submitted,
    "statusreport.accepted": _due,
    "statusreport.returned": _returned,
    "statusreport.reminders.sent": _reminders,
    "structurereport.created": _structure,
    "structurereport.submitted": _structure,
    "structurereport.accepted": _structure,
    "structurereport.returned": _structure,
}


def _reports(ids):
    return {str(r.pk): _("状況報告「%(label)s」") % {"label": r.label} for r in StatusReport.objects.filter(pk__in=ids)}


def _structures(ids):
    return {str(r.pk): str(r.review_flow.name(r)) for r in StructureReport.objects.filter(pk__in=ids)}


def _schedules(ids):
    return {str(pk): _("状況報告の予定") for pk in StatusSchedule.objects.filter(pk__in=ids).values_list("pk", flat=True)}


OBJECTS = {"statusreports.statusreport": _reports, "statusreports.structurereport": _structures,
           "statusreports.statusschedule": _schedules}
