"""What an evidence file is, judged by its bytes (never by its name), and the name it is shown under.

Accepted: PDF, PNG, JPEG (a phone's photo as it comes) and the Office zips XLSX and DOCX, the zips checked
like the survey's XLSX (core.zipcheck: entries, inflated size, compression ratio, paths). The file is
kept as uploaded: nothing is stripped or converted, so its SHA-256 is the one of the file the person had.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import zipcheck
from core.bounds import file_size_text
from core.errors import DomainError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Media type → the extensions a download may carry, the first being the one added when the name has none.
EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe"),
    XLSX: (".xlsx",),
    DOCX: (".docx",),
}
# The payload's "format" (audit.formatting.format_name: the downloads list's 形式 column).
FORMATS = {PDF: "pdf", PNG: "png", JPEG: "jpeg", XLSX: "xlsx", DOCX: "docx"}
# What the file input offers (a phone shows its camera and photos for image/*).
ACCEPT = ",".join([PDF, "image/*", XLSX, DOCX, ".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx"])
KINDS_TEXT = gettext_lazy("PDF、画像（JPEG・PNG）、Excel（.xlsx）、Word（.docx）")
# An Office file of evidence (a certificate, a report) inflates to a few MB; the survey's limit is far above.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
NAME_LIMIT = 120


def max_size() -> int:
    return int(settings.EVIDENCE_MAX_FILE_SIZE)


def limits_text() -> str:
    return _("%(kinds)s、%(limit)sまで") % {"kinds": KINDS_TEXT, "limit": file_size_text(max_size())}


@dataclass(frozen=True)
class Checked:
    data: bytes
    name: str
    media_type: str


def _refuse(message, code: str) -> DomainError:
    return DomainError(message, field="file", code=code)


def _office_kind(names: set[str]) -> str | None:
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return None


def media_type_of(data: bytes) -> str:
    """The accepted type the bytes are, or a DomainError saying what is accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipcheck.check(data, max_uncompressed=MAX_UNCOMPRESSED,
                                     names_required=lambda names: _office_kind(names) is not None)
        except zipcheck.ZipRefused as refused:
            if refused.code == "zip_bomb":
                raise _refuse(_("ファイルを展開すると大きくなりすぎるため、受け付けられません（圧縮爆弾のおそれ）。"
                                "作成したアプリから保存し直したファイルを選んでください。"), "zip_bomb") from None
            if refused.code == "bad_zip":
                raise _refuse(_("このファイルの形式は受け付けられません。%(kinds)sを選んでください。")
                              % {"kinds": KINDS_TEXT}, "type") from None
            if refused.code == "unsafe_path":
                raise _refuse(_("ファイルの中に、受け付けられない場所を指す名前（「..」や絶対パス）が含まれています。"
                                "作成したアプリから保存し直したファイルを選んでください。"), "unsafe_path") from None
            raise _refuse(_("Excel・Wordのファイルが壊れているか、暗号化されていて読めません。"
                            "パスワードを外して保存し直したファイルを選んでください。"), "corrupt") from None
        return _office_kind({info.filename for info in archive.infolist()})
    raise _refuse(_("このファイルの形式は受け付けられません。%(kinds)sを選んでください。") % {"kinds": KINDS_TEXT}, "type")


def display_name(raw: str, media_type: str) -> str:
    """The name a file is listed and downloaded under: the last part of what the browser sent, without
    control characters, NFC, at most NAME_LIMIT characters, ending in an extension of its real type."""
    name = unicodedata.normalize("NFC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".").strip()
    extensions = EXTENSIONS[media_type]
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in extensions:
        stem = name
        suffix = extensions[0].lstrip(".")
    stem = stem.strip() or _("添付資料")
    stem = stem[:NAME_LIMIT - len(suffix) - 1]
    return f"{stem}.{suffix}"


def check_upload(upload) -> Checked:
    """Read an uploaded file (Django's UploadedFile) and check it; nothing is written."""
    if upload is None:
        raise _refuse(_("ファイルを選んでください。"), "required")
    size = getattr(upload, "size", None) or 0
    if getattr(upload, "too_large", False) or size > max_size():
        raise _refuse(_("ファイルが大きすぎます（%(size)s。上限%(limit)s）。") % {
            "size": file_size_text(size), "limit": file_size_text(max_size())}, "too_large")
    upload.seek(0)
    data = upload.read(max_size() + 1)
    if len(data) > max_size():
        raise _refuse(_("ファイルが大きすぎます（%(size)s。上限%(limit)s）。") % {
            "size": file_size_text(len(data)), "limit": file_size_text(max_size())}, "too_large")
    if not data:
        raise _refuse(_("ファイルが空です（0バイト）。中身のあるファイルを選んでください。"), "empty")
    media_type = media_type_of(data)
    return Checked(data=data, name=display_name(getattr(upload, "name", ""), media_type), media_type=media_type)
