"""Files sealed at rest: AES-256-GCM under settings.DATA_KEY, one directory of random-named files per use.

The survey store (engagement.crypto) and the evidence files (attachments.storage) each make one
:class:`Vault`: its own directory (a setting's name, read when used, so tests may point it elsewhere), its
own magic and its own HKDF info, so a file of one store never decrypts as a file of the other even under
the same DATA_KEY. Each file is ``MAGIC + key id + nonce + ciphertext``; the associated data binds it to
its name and purpose, so a file swapped for another (or renamed) does not decrypt. Files are named by
random tokens and made with mode 600 in a directory of mode 700.

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

KEY_ID_LENGTH = 8
NONCE_LENGTH = 12
SUFFIX = ".bin"


class StoredDataError(DomainError):
    """A stored file that cannot be read back (missing, or the data key changed)."""


@functools.lru_cache(maxsize=8)
def _aes_key(data_key: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(data_key.encode("utf-8"))


class Vault:
    """One store of sealed files: ``directory_setting`` names the setting holding its directory."""

    def __init__(self, *, magic: bytes, info: bytes, directory_setting: str, suffix: str = SUFFIX):
        self.magic = magic
        self.info = info
        self.directory_setting = directory_setting
        self.suffix = suffix

    # --- sealing -----------------------------------------------------------------------------------

    def key(self) -> bytes:
        return _aes_key(settings.DATA_KEY, self.info)

    def key_id(self) -> bytes:
        """Names the key a file was written under, so a changed DATA_KEY is told apart from a damaged file."""
        return hashlib.sha256(b"key-id" + self.key()).digest()[:KEY_ID_LENGTH]

    @staticmethod
    def associated_data(*, purpose: str, name: str, bound: bytes = b"") -> bytes:
        """``purpose:name``, then (when given) a newline and ``bound``: a name is alphanumeric, so the two
        parts never run into each other."""
        plain = f"{purpose}:{name}".encode()
        return plain + b"\n" + bytes(bound) if bound else plain

    def encrypt(self, plain: bytes, *, purpose: str, name: str, bound: bytes = b"") -> bytes:
        nonce = secrets.token_bytes(NONCE_LENGTH)
        aad = self.associated_data(purpose=purpose, name=name, bound=bound)
        return self.magic + self.key_id() + nonce + AESGCM(self.key()).encrypt(nonce, plain, aad)

    def decrypt(self, sealed: bytes, *, purpose: str, name: str, bound: bytes = b"") -> bytes:
        magic = self.magic
        head = len(magic) + KEY_ID_LENGTH + NONCE_LENGTH
        if len(sealed) < head or not sealed.startswith(magic):
            raise StoredDataError(_("保存したデータの形式が正しくありません。もう一度アップロードしてください。"), code="format")
        if sealed[len(magic):len(magic) + KEY_ID_LENGTH] != self.key_id():
            raise StoredDataError(_("保存したデータを読めません（データ鍵 DJANGO_DATA_KEY が保存時と違います）。"
                                    "システム管理者に確認してください。"), code="key_changed")
        nonce = sealed[len(magic) + KEY_ID_LENGTH:head]
        try:
            return AESGCM(self.key()).decrypt(nonce, sealed[head:],
                                              self.associated_data(purpose=purpose, name=name, bound=bound))
        except InvalidTag:
            raise StoredDataError(_("保存したデータが壊れているか、書き換えられています。もう一度アップロードしてください。"),
                                  code="tampered") from None

    # --- files -------------------------------------------------------------------------------------

    def data_dir(self) -> Path:
        path = Path(getattr(settings, self.directory_setting))
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def path(self, name: str) -> Path:
        if not name or not name.isalnum() or not name.isascii():
            raise StoredDataError(_("保存したデータの名前が正しくありません。"), code="name")
        return self.data_dir() / f"{name}{self.suffix}"

    @staticmethod
    def new_name() -> str:
        return secrets.token_hex(16)

    def store(self, plain: bytes, *, purpose: str, bound: bytes = b"") -> str:
        """Encrypt ``plain`` into a new file; returns its name (a random token) for :meth:`load` (which must
        be given the same ``bound``)."""
        name = self.new_name()
        sealed = self.encrypt(plain, purpose=purpose, name=name, bound=bound)
        path = self.path(name)
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

    def load(self, name: str, *, purpose: str, bound: bytes = b"") -> bytes:
        try:
            sealed = self.path(name).read_bytes()
        except FileNotFoundError:
            raise StoredDataError(_("保存したデータはすでに削除されています。"), code="purged") from None
        return self.decrypt(sealed, purpose=purpose, name=name, bound=bound)

    def remove(self, name: str) -> bool:
        """Delete a stored file; True when there was one."""
        if not name:
            return False
        path = self.path(name)
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed

    def stored_names(self) -> set[str]:
        """The names of every file in the directory (for a sweep of orphans)."""
        return {p.name.removesuffix(self.suffix) for p in self.data_dir().glob(f"*{self.suffix}")}

    def stored_at(self, name: str) -> float | None:
        try:
            return self.path(name).stat().st_mtime
        except FileNotFoundError:
            return None
