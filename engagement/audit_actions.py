"""How the survey export's audit entries read (see audit/formatting.py).

Add a label here for every action this app writes. The package download goes into
PERSONAL_DATA_DOWNLOADS too, so that the auditors' view of who downloaded personal data lists it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import count

LABELS = {
    "engagement.package.built": gettext_lazy("調査データの暗号化パッケージを作成"),
    "engagement.notice.printed": gettext_lazy("パスワード通知書を印刷"),
}

GROUPS = {"engagement.": gettext_lazy("調査データ")}

PERSONAL_DATA_DOWNLOADS = set()


def _built(payload, context) -> str:
    return _("%(file)s（%(rows)s、k=%(k)s）を記録媒体 %(medium)s・通知書 %(notice)s として登録。SHA-256 %(sha)s…") % {
        "file": payload.get("file_name", ""), "rows": count(payload.get("rows")), "k": payload.get("k_reached", ""),
        "medium": payload.get("medium", ""), "notice": payload.get("notice", ""),
        "sha": str(payload.get("sha256", ""))[:16]}


def _printed(payload, context) -> str:
    return _("%(notice)s（%(medium)sを開く）") % {"notice": payload.get("notice", ""), "medium": payload.get("medium", "")}


DETAILS = {
    "engagement.package.built": _built,
    "engagement.notice.printed": _printed,
}

# The survey pages' actions (uploads, mappings, validations, downloads, purges) read as engagement/audit_web.py says.
from . import audit_web  # noqa: E402

LABELS.update(audit_web.LABELS)
DETAILS.update(audit_web.DETAILS)
PERSONAL_DATA_DOWNLOADS |= audit_web.PERSONAL_DATA_DOWNLOADS
OBJECTS = audit_web.OBJECTS
