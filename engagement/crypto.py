"""The survey data at rest: AES-256-GCM under settings.DATA_KEY, in files under settings.SURVEY_DATA_DIR.

An uploaded export, its master, a built package and the ward-side pseudonym key are only ever written
encrypted: the plain bytes come from the request in memory (engagement.uploads) and go to
:func:`store` straight away. Each file is ``MAGIC + key id + nonce + ciphertext``; the associated data
binds it to its name and purpose, so a file swapped for another (or renamed) does not decrypt. Files are
named by random tokens and made with mode 600 in a directory of mode 700.

DATA_KEY comes from ``DJANGO_DATA_KEY`` or ``var/data_key`` (config/settings.py); the AES key is derived
from it with HKDF-SHA256, so the setting may be any long random text.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError

MAGIC = b"ENGSV1"
KEY_ID_LENGTH = 8
NONCE_LENGTH = 12
SUFFIX = ".bin"
# Purposes, bound into each file's associated data.
UPLOAD = "upload"
MASTER = "master"
PACKAGE = "package"
LINK_KEY = "link-key"
MAPPING = "mapping"


class StoredDataError(DomainError):
    """A stored file that cannot be read back (missing, or the data key changed)."""


@functools.lru_cache(maxsize=4)
def _aes_key(data_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"itaku engagement survey data at rest v1").derive(data_key.encode("utf-8"))


def _key() -> bytes:
    return _aes_key(settings.DATA_KEY)


def key_id() -> bytes:
    """Names the key a file was written under, so a changed DATA_KEY is told apart from a damaged file."""
    return hashlib.sha256(b"key-id" + _key()).digest()[:KEY_ID_LENGTH]


def encrypt(plain: bytes, *, purpose: str, name: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_LENGTH)
    return MAGIC + key_id() + nonce + AESGCM(_key()).encrypt(nonce, plain, f"{purpose}:{name}".encode())


def decrypt(sealed: bytes, *, purpose: str, name: str) -> bytes:
    head = len(MAGIC) + KEY_ID_LENGTH + NONCE_LENGTH
    if len(sealed) < head or not sealed.startswith(MAGIC):
        raise StoredDataError(_("保存したデータの形式が正しくありません。もう一度アップロードしてください。"), code="format")
    if sealed[len(MAGIC):len(MAGIC) + KEY_ID_LENGTH] != key_id():
        raise StoredDataError(_("保存したデータを読めません（データ鍵 DJANGO_DATA_KEY が保存時と違います）。"
                                "システム管理者に確認してください。"), code="key_changed")
    nonce = sealed[len(MAGIC) + KEY_ID_LENGTH:head]
    try:
        return AESGCM(_key()).decrypt(nonce, sealed[head:], f"{purpose}:{name}".encode())
    except InvalidTag:
        raise StoredDataError(_("保存したデータが壊れているか、書き換えられています。もう一度アップロードしてください。"),
                              code="tampered") from None


# --- files ------------------------------------------------------------------------------------------


def data_dir() -> Path:
    path = Path(settings.SURVEY_DATA_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(name: str) -> Path:
    if not name or not name.isalnum():
        raise StoredDataError(_("保存したデータの名前が正しくありません。"), code="name")
    return data_dir() / f"{name}{SUFFIX}"


def new_name() -> str:
    return secrets.token_hex(16)


def store(plain: bytes, *, purpose: str) -> str:
    """Encrypt ``plain`` into a new file; returns its name (a random token) for :func:`load`."""
    name = new_name()
    sealed = encrypt(plain, purpose=purpose, name=name)
    path = _path(name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(sealed)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return name


def load(name: str, *, purpose: str) -> bytes:
    try:
        sealed = _path(name).read_bytes()
    except FileNotFoundError:
        raise StoredDataError(_("保存したデータはすでに削除されています。"), code="purged") from None
    return decrypt(sealed, purpose=purpose, name=name)


def remove(name: str) -> bool:
    """Delete a stored file; True when there was one."""
    if not name:
        return False
    path = _path(name)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def stored_names() -> set[str]:
    """The names of every file in the data directory (for the purge's sweep of orphans)."""
    return {p.name.removesuffix(SUFFIX) for p in data_dir().glob(f"*{SUFFIX}")}


def stored_at(name: str) -> float | None:
    try:
        return _path(name).stat().st_mtime
    except FileNotFoundError:
        return None
