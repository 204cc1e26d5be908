"""The survey data at rest: AES-256-GCM under settings.DATA_KEY, in files under settings.SURVEY_DATA_DIR.

An uploaded export, its master, a built package and the ward-side pseudonym key are only ever written
encrypted: the plain bytes come from the request in memory (engagement.uploads) and go to
:func:`store` straight away. The sealing itself is core.sealing's (a :class:`~core.sealing.Vault` with
this store's magic, HKDF info and directory); the file format is unchanged: ``MAGIC + key id + nonce +
ciphertext``, the associated data binding each file to its name and purpose, random token names, mode 600
in a directory of mode 700.
"""

from __future__ import annotations

from pathlib import Path

from core.sealing import KEY_ID_LENGTH, NONCE_LENGTH, SUFFIX, StoredDataError, Vault

MAGIC = b"ENGSV1"
# Purposes, bound into each file's associated data.
UPLOAD = "upload"
MASTER = "master"
PACKAGE = "package"
LINK_KEY = "link-key"
MAPPING = "mapping"

vault = Vault(magic=MAGIC, info=b"itaku engagement survey data at rest v1", directory_setting="SURVEY_DATA_DIR",
               suffix=SUFFIX)

__all__ = ["KEY_ID_LENGTH", "LINK_KEY", "MAGIC", "MAPPING", "MASTER", "NONCE_LENGTH", "PACKAGE", "SUFFIX", "UPLOAD",
           "StoredDataError", "data_dir", "decrypt", "encrypt", "key_id", "load", "new_name", "remove", "store",
           "stored_at", "stored_names", "vault"]


def key_id() -> bytes:
    """Names the key a file was written under, so a changed DATA_KEY is told apart from a damaged file."""
    return vault.key_id()


def encrypt(plain: bytes, *, purpose: str, name: str) -> bytes:
    return vault.encrypt(plain, purpose=purpose, name=name)


def decrypt(sealed: bytes, *, purpose: str, name: str) -> bytes:
    return vault.decrypt(sealed, purpose=purpose, name=name)


def data_dir() -> Path:
    return vault.data_dir()


def new_name() -> str:
    return vault.new_name()


def store(plain: bytes, *, purpose: str) -> str:
    """Encrypt ``plain`` into a new file; returns its name (a random token) for :func:`load`."""
    return vault.store(plain, purpose=purpose)


def load(name: str, *, purpose: str) -> bytes:
    return vault.load(name, purpose=purpose)


def remove(name: str) -> bool:
    """Delete a stored file; True when there was one."""
    return vault.remove(name)


def stored_names() -> set[str]:
    """The names of every file in the data directory (for the purge's sweep of orphans)."""
    return vault.stored_names()


def stored_at(name: str) -> float | None:
    return vault.stored_at(name)
