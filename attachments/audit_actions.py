"""How the attachments app's audit entries read (see audit/formatting.py).

The payloads name a file by its id, version, SHA-256, size and type, never by its name (which may name a
person): so do the sentences.
"""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EvidenceFile

LABELS = {
    "evidence.file.attached": gettext_lazy("添付資料を登録"),
    "evidence.file.downloaded": gettext_lazy("添付資料をダウンロード"),
    "evidence.file.unreadable": gettext_lazy("添付資料を読み出せず（ダウンロードなし）"),
    "evidence.file.orphans_removed": gettext_lazy("記録のない添付資料のファイルを削除"),
}

GROUPS = {"evidence.": gettext_lazy("添付資料")}

# An evidence file (a pledge, a training record, an inspection's photo) may hold personal data.
PERSONAL_DATA_DOWNLOADS = {"evidence.file.downloaded"}

MEDIA_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
}


def _size(value) -> str:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return "?"
    return _("%(n)sバイト") % {"n": f"{size:,}"}


def _record(label) -> str:
    """The kind of record a file belongs to (立入り調査等), from the payload's model label."""
    try:
        return str(apps.get_model(str(label))._meta.verbose_name)
    except (LookupError, ValueError):
        return ""


def _file(payload, context) -> str:
    sentence = _("第%(version)s版、%(kind)s、%(size)s、SHA-256 %(sha256)s") % {
        "version": payload.get("version", "?"), "kind": MEDIA_NAMES.get(payload.get("media_type"), _("その他")),
        "size": _size(payload.get("size")), "sha256": str(payload.get("sha256") or "")[:64]}
    record = _record(payload.get("target"))
    return _("%(record)sの添付資料 %(file)s") % {"record": record, "file": sentence} if record else sentence


def _orphans(payload, context) -> str:
    return _("取り消された登録の暗号化ファイル %(n)s件") % {"n": payload.get("files", "?")}


REASONS = {
    "tampered": gettext_lazy("暗号化ファイルが壊れているか、記録が書き換えられています"),
    "sha256": gettext_lazy("SHA-256が登録時と違います"),
    "key_changed": gettext_lazy("データ鍵が保存時と違います"),
    "purged": gettext_lazy("ファイルがありません"),
}


def _unreadable(payload, context) -> str:
    reason = REASONS.get(str(payload.get("reason") or ""), _("読み出せません"))
    return _("%(file)s（%(reason)s）") % {"file": _file(payload, context), "reason": reason}


DETAILS = {
    "evidence.file.orphans_removed": _orphans,
    "evidence.file.attached": _file,
    "evidence.file.downloaded": _file,
    "evidence.file.unreadable": _unreadable,
}


def _files(ids):
    """「立入り調査等の添付資料（第2版）」: the kind of record it belongs to, never the file's or the record's name."""
    named = {}
    for f in EvidenceFile.objects.filter(pk__in=[i for i in ids if str(i).isdigit()]).select_related("content_type"):
        model = f.content_type.model_class()
        if model is None:
            named[str(f.pk)] = _("添付資料（第%(version)s版）") % {"version": f.version}
        else:
            named[str(f.pk)] = _("%(record)sの添付資料（第%(version)s版）") % {
                "record": model._meta.verbose_name, "version": f.version}
    return named


OBJECTS = {"attachments.evidencefile": _files}
