"""How the backups' audit entries read (see audit/formatting.py): ``backup.created`` by ``manage.py backup``,
``backup.verified`` and ``backup.verify_failed`` by ``manage.py backup_verify`` (the drills the checklist's
system item 09 reads)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import count, quoted
from core.bounds import file_size_text

LABELS = {
    "backup.created": gettext_lazy("バックアップを作成"),
    "backup.verified": gettext_lazy("バックアップを復元して検証（成功）"),
    "backup.verify_failed": gettext_lazy("バックアップの復元検証で問題を検出"),
}

GROUPS = {"backup.": gettext_lazy("バックアップ")}

# Why a drill failed, by the code operations.crypto.BackupError carries.
REASONS = {
    "missing": gettext_lazy("バックアップのファイルが見つからない"),
    "not_a_backup": gettext_lazy("このアプリのバックアップではない"),
    "version": gettext_lazy("読めない形式の版"),
    "wrong_key": gettext_lazy("バックアップ鍵が違う"),
    "damaged": gettext_lazy("ファイルが壊れているか、書き換えられている"),
    "truncated": gettext_lazy("ファイルが途中で切れている"),
    "manifest": gettext_lazy("目録と中身が一致しない"),
    "files": gettext_lazy("保存ファイルのハッシュが一致しない"),
    "counts": gettext_lazy("復元したデータベースの件数が目録と一致しない"),
    "audit_chain": gettext_lazy("復元した監査証跡の連鎖を検証できない"),
    "data_key": gettext_lazy("保存ファイルのデータ鍵が違う"),
    "restore": gettext_lazy("データベースを復元できない"),
    "database": gettext_lazy("データベースを読み出せない"),
    "unreadable": gettext_lazy("ファイルを読み書きできない"),
    "unsupported": gettext_lazy("この環境では復元できない種類のデータベース"),
    "extract": gettext_lazy("展開先が空ではない"),
    "error": gettext_lazy("その他の問題"),
}


def backup_words(payload: dict) -> str:
    """「itaku-backup-….enc（12.3 MB）: 表 45・行 1,234件・保存ファイル 3件・監査証跡 567件」"""
    parts = [_("表 %(n)s") % {"n": count(payload.get("tables"), "")},
             _("行 %(n)s") % {"n": count(payload.get("rows"))},
             _("保存ファイル %(n)s") % {"n": count(payload.get("files"))}]
    if payload.get("audit_entries") is not None:
        parts.append(_("監査証跡 %(n)s") % {"n": count(payload.get("audit_entries"))})
    size = payload.get("size")
    sized = _("%(file)s（%(size)s）") % {"file": quoted(payload.get("file")), "size": file_size_text(int(size))} \
        if isinstance(size, int) else quoted(payload.get("file"))
    return _("%(file)s: %(parts)s") % {"file": sized, "parts": "・".join(parts)}


def _created(payload, context) -> str:
    sentence = backup_words(payload)
    if payload.get("removed"):
        sentence += _("（古いバックアップ %(n)s を削除）") % {"n": count(payload["removed"])}
    return sentence


def _verified(payload, context) -> str:
    return _("%(what)s。件数・ハッシュ・監査証跡の連鎖を確認（SHA-256 %(sha)s…）") % {
        "what": backup_words(payload), "sha": str(payload.get("sha256", ""))[:16]}


def _failed(payload, context) -> str:
    reason = REASONS.get(payload.get("reason"), REASONS["error"])
    return _("%(file)s: %(reason)s") % {"file": quoted(payload.get("file")) or _("（ファイル名なし）"), "reason": reason}


DETAILS = {
    "backup.created": _created,
    "backup.verified": _verified,
    "backup.verify_failed": _failed,
}
