"""How the audit app's own entries read (see audit/formatting.py): sign-ins (audit/signals.py), the exports of
the log itself, and the admin's work (audit/admin_actions.py)."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import count, format_name, quoted
from core.dates import wareki_datetime

from . import admin_actions
from .analysis import ANALYSIS_FIGURES, Month, own_actions_text

LABELS = {
    "auth.login": gettext_lazy("ログイン"),
    "auth.logout": gettext_lazy("ログアウト"),
    "auth.login_failed": gettext_lazy("ログインに失敗"),
    "auth.locked_out": gettext_lazy("ログインの失敗が続いたため一時停止（ロックアウト）"),
    "audit.log.exported": gettext_lazy("監査証跡を出力"),
    "audit.downloads.exported": gettext_lazy("個人情報の出力履歴を出力"),
    "audit.chain.rekeyed": gettext_lazy("監査証跡の連鎖を鍵付き（HMAC）に切り替え"),
    "audit.analysis.recorded": gettext_lazy("アクセスログの月次分析を記録"),
}

GROUPS = {"auth.": gettext_lazy("ログイン・認証"), "audit.": gettext_lazy("監査証跡"), **admin_actions.GROUPS}

# The admin's entries: their words depend on the installed models (audit/admin_actions.py).
MODEL_NAMES = admin_actions.MODEL_NAMES
more_labels = admin_actions.more_labels
more_details = admin_actions.more_details

# The log names people and where they signed in from: its exports are downloads of personal data.
PERSONAL_DATA_DOWNLOADS = {"audit.log.exported", "audit.downloads.exported"}


def _exported(payload, context) -> str:
    from audit.forms import filters_text

    return _("%(format)sで出力（%(rows)s、絞り込み: %(filters)s）") % {
        "format": format_name(payload.get("format", "xlsx")), "rows": count(payload.get("rows")),
        "filters": filters_text(payload.get("filters"), context)}


def repeated(payload) -> str:
    """What a summary entry (accounts.attempts) adds: how many more of the same came in that minute."""
    more = payload.get("repeated")
    if not isinstance(more, int) or isinstance(more, bool) or more < 1:
        return ""
    try:
        minute = wareki_datetime(dt.datetime.fromisoformat(str(payload.get("minute"))))
    except ValueError:
        minute = _("不明")
    return _("同じ接続元から1分間（%(minute)sから）にさらに%(count)s回（まとめて1件に記録）") % {
        "minute": minute, "count": f"{more:,}"}


def _failed(payload, context) -> str:
    # Only an account's own name is kept (accounts.signals); it is shown as the person, in the actor column.
    return repeated(payload)


def _analysis(payload, context) -> str:
    year, _dash, month = str(payload.get("month", "")).partition("-")
    figures = "、".join(_("%(what)s %(n)s") % {"what": label, "n": count(payload.get(key))}
                       for key, label in ANALYSIS_FIGURES.items() if key in payload)
    sentence = _("%(month)s分（%(figures)s）所見: %(note)s") % {
        "month": Month(int(year), int(month)).label, "figures": figures, "note": quoted(payload.get("note"))}
    own = payload.get("own_actions")
    if isinstance(own, dict) and own:
        sentence += _("。分析者自身の操作（%(what)s）を含むと申告、理由: %(reason)s") % {
            "what": own_actions_text(own), "reason": quoted(payload.get("own_actions_reason"))}
    return sentence


def _analyses(ids):
    from audit.models import LogAnalysis

    return {str(a.pk): _("%(month)s分のアクセスログの分析") % {"month": Month.of(a.month).label}
            for a in LogAnalysis.objects.filter(pk__in=ids)}


DETAILS = {
    "audit.log.exported": _exported,
    "audit.downloads.exported": _exported,
    "audit.analysis.recorded": _analysis,
    "auth.login_failed": _failed,
    "auth.locked_out": _failed,
}

OBJECTS = {"audit.loganalysis": _analyses}
