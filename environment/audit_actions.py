"""How the environment app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import choice, count, date_text, listing

from .models import Certificate, EnvironmentProfile, OperationReport

LABELS = {
    "environment.profile.started": gettext_lazy("情報セキュリティ環境の届出を作成"),
    "environment.profile.saved": gettext_lazy("情報セキュリティ環境の届出を記入"),
    "environment.profile.submitted": gettext_lazy("情報セキュリティ環境の届出を提出"),
    "environment.profile.accepted": gettext_lazy("情報セキュリティ環境の届出を受理"),
    "environment.profile.returned": gettext_lazy("情報セキュリティ環境の届出を差戻し"),
    "environment.profile.reopened": gettext_lazy("情報セキュリティ環境の届出の見直しを開始"),
    "environment.certificate.added": gettext_lazy("認証（Pマーク・ISMS等）を登録"),
    "environment.report.recorded": gettext_lazy("ログ分析・バックアップの確認を記録"),
    "environment.reminders.sent": gettext_lazy("認証の有効期限のお知らせメールを送信"),
}

GROUPS = {"environment.": gettext_lazy("情報セキュリティ環境")}


def _whose(payload) -> str:
    return _("区") if payload.get("ward") else (payload.get("organisation") or _("（不明）"))


def _subject(payload, context) -> str:
    return _("%(whose)sの届出") % {"whose": _whose(payload)}


def _saved(payload, context) -> str:
    from .services import PROFILE_FIELDS

    names = []
    for name in payload.get("changed") or []:
        if name in PROFILE_FIELDS:
            field = EnvironmentProfile._meta.get_field(name)
            label = str(field.verbose_name)
            if name.endswith("_text"):
                label = _("s%(n)s の内容") % {"n": name[1:3]}
            elif name.endswith("_status"):
                label = _("s%(n)s の状況") % {"n": name[1:3]}
            names.append(label)
    return _("%(whose)sの届出。記入した項目: %(fields)s") % {"whose": _whose(payload),
                                                         "fields": listing(names, limit=30) or _("なし")}


def _submitted(payload, context) -> str:
    return _("%(whose)sの届出（%(n)s回目の提出）") % {"whose": _whose(payload), "n": payload.get("submission", "")}


def _certificate(payload, context) -> str:
    return _("%(whose)sの%(kind)s。有効期間 %(start)s〜%(end)s。裏付ける対策 %(covers)s") % {
        "whose": _whose(payload), "kind": choice(Certificate.Kind)(payload.get("kind")),
        "start": date_text(payload.get("valid_from")), "end": date_text(payload.get("valid_until")),
        "covers": listing([f"s{n}" for n in payload.get("covers") or []], limit=11) or _("なし")}


def _report(payload, context) -> str:
    return _("%(whose)sの%(kind)s（実施日 %(day)s）") % {
        "whose": _whose(payload), "kind": choice(OperationReport.Kind)(payload.get("kind")),
        "day": date_text(payload.get("done_on"))}


def _reminders(payload, context) -> str:
    return _("メール%(mails)s（有効期限の近い・過ぎた認証 %(certificates)s）") % {
        "mails": count(payload.get("mails"), _("通")), "certificates": count(payload.get("certificates"))}


DETAILS = {
    "environment.profile.started": _subject,
    "environment.profile.saved": _saved,
    "environment.profile.submitted": _submitted,
    "environment.profile.accepted": _subject,
    "environment.profile.returned": _subject,
    "environment.profile.reopened": _subject,
    "environment.certificate.added": _certificate,
    "environment.report.recorded": _report,
    "environment.reminders.sent": _reminders,
}


def _profiles(ids):
    return {str(p.pk): str(p.title) for p in EnvironmentProfile.objects.filter(pk__in=ids).select_related("organisation")}


def _certificates(ids):
    return {str(c.pk): c.display_name for c in Certificate.objects.filter(pk__in=ids)}


def _reports(ids):
    return {str(r.pk): str(r) for r in OperationReport.objects.filter(pk__in=ids)}


OBJECTS = {"environment.environmentprofile": _profiles, "environment.certificate": _certificates,
           "environment.operationreport": _reports}
