"""How the imports app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import text

LABELS = {
    "imports.run.completed": gettext_lazy("一括取込を実行"),
    "imports.contractor.created": gettext_lazy("委託事業者を登録（一括取込）"),
    "imports.contractor.updated": gettext_lazy("委託事業者の所在地・緊急連絡先を更新（一括取込）"),
}

GROUPS = {"imports.": gettext_lazy("一括取込")}


def _kind(value) -> str:
    from .models import ImportKind

    return str(ImportKind(value).label) if value in ImportKind.values else _("その他")


def _run(payload, context) -> str:
    return _("%(kind)s %(rows)s行（登録%(created)s件・更新%(updated)s件）、ファイルのSHA-256 %(sha)s") % {
        "kind": _kind(payload.get("kind")), "rows": payload.get("rows", 0), "created": payload.get("created", 0),
        "updated": payload.get("updated", 0), "sha": text(payload.get("sha256"))}


def _contractor_updated(payload, context) -> str:
    names = {"address": _("所在地"), "emergency_contact_name": _("緊急連絡先（担当者）"),
             "emergency_contact_phone": _("緊急連絡先（電話）"), "emergency_contact_email": _("緊急連絡先（メール）"),
             "emergency_procedure": _("緊急時の連絡体制・対応手順")}
    return _("%(name)s: %(fields)s") % {"name": text(payload.get("name")),
                                        "fields": "、".join(str(names.get(f, f)) for f in payload.get("changed") or [])}


DETAILS = {
    "imports.run.completed": _run,
    "imports.contractor.created": lambda payload, context: text(payload.get("name")),
    "imports.contractor.updated": _contractor_updated,
}

MODEL_NAMES = {"imports.importrun": gettext_lazy("一括取込の記録")}
