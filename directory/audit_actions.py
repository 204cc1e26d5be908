"""How the directory app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LABELS = {
    "directory.signed_in": gettext_lazy("区のディレクトリで本人を確認し、所属とグループの役割を反映"),
}

GROUPS = {"directory.": gettext_lazy("ディレクトリ")}


def _signed_in(payload, context) -> str:
    parts = []
    if payload.get("created"):
        parts.append(_("アカウントを作成"))
    if payload.get("unit_changed") and not payload.get("created"):
        parts.append(_("所属組織を変更"))
    parts.append(_("グループによる役割 %(n)s件（追加 %(added)s件・取消 %(removed)s件）") % {
        "n": payload.get("scopes", 0), "added": payload.get("added", 0), "removed": payload.get("removed", 0)})
    return " ".join(parts)


DETAILS = {"directory.signed_in": _signed_in}
