"""How the audit app's own entries read (see audit/formatting.py): sign-ins (audit/signals.py) and the
exports of the log itself."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import count, format_name

LABELS = {
    "auth.login": gettext_lazy("ログイン"),
    "auth.logout": gettext_lazy("ログアウト"),
    "auth.login_failed": gettext_lazy("ログインに失敗"),
    "audit.log.exported": gettext_lazy("監査証跡を出力"),
    "audit.downloads.exported": gettext_lazy("個人情報の出力履歴を出力"),
    "audit.chain.rekeyed": gettext_lazy("監査証跡の連鎖を鍵付き（HMAC）に切り替え"),
}

GROUPS = {"auth.": gettext_lazy("ログイン・認証"), "audit.": gettext_lazy("監査証跡")}

# The log names people and where they signed in from: its exports are downloads of personal data.
PERSONAL_DATA_DOWNLOADS = {"audit.log.exported", "audit.downloads.exported"}


def _exported(payload, context) -> str:
    from audit.forms import filters_text

    return _("%(format)sで出力（%(rows)s、絞り込み: %(filters)s）") % {
        "format": format_name(payload.get("format", "xlsx")), "rows": count(payload.get("rows")),
        "filters": filters_text(payload.get("filters"), context)}


def _failed(payload, context) -> str:
    # The typed name stays in the database; shown, a password typed into the name field would leak.
    return ""


DETAILS = {
    "audit.log.exported": _exported,
    "audit.downloads.exported": _exported,
    "auth.login_failed": _failed,
}
