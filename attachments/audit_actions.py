"""How the attachments app's audit entries read (see audit/formatting.py).

The payloads name a file by its id, version, SHA-256, size and type, never by its name (which may name a
person): so do the sentences.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EvidenceFile

LABELS = {
    "evidence.file.attached": gettext_lazy("添付資料を登録"),
    "evidence.file.downloaded": gettext_lazy("添付資料をダウンロード"),
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


def _file(payload, context) -> str:
    return _("第%(version)s版、%(kind)s、%(size)s、SHA-256 %(sha256)s") % {
        "version": payload.get("version", "?"), "kind": MEDIA_NAMES.get(payload.get("media_type"), _("その他")),
        "size": _size(payload.get("size")), "sha256": str(payload.get("sha256") or "")[:64]}


def _orphans(payload, context) -> str:
    return _("取り消された登録の暗号化ファイル %(n)s件") % {"n": payload.get("files", "?")}


DETAILS = {
    "evidence.file.orphans_removed": _orphans,
    "evidence.file.attached": _file,
    "evidence.file.downloaded": _file,
}


def _files(ids):
    return {str(f.pk): _("添付資料（第%(version)s版）") % {"version": f.version}
            for f in EvidenceFile.objects.filter(pk__in=[i for i in ids if str(i).isdigit()])}


OBJECTS = {"attachments.evidencefile": _files}
