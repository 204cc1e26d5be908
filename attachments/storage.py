"""The evidence files' bytes at rest: sealed (core.sealing) in settings.EVIDENCE_DATA_DIR.

The same AES-256-GCM sealing as the survey store under its own magic and HKDF info, so a survey file put
in place of an evidence file (or the reverse) does not decrypt. The associated data binds each file to
its token and to this purpose.
"""

from core.sealing import StoredDataError, Vault

MAGIC = b"EVDNC1"
PURPOSE = "evidence"

vault = Vault(magic=MAGIC, info=b"itaku evidence files at rest v1", directory_setting="EVIDENCE_DATA_DIR")

__all__ = ["MAGIC", "PURPOSE", "StoredDataError", "load", "remove", "store", "vault"]


def store(plain: bytes) -> str:
    return vault.store(plain, purpose=PURPOSE)


def load(token: str) -> bytes:
    return vault.load(token, purpose=PURPOSE)


def remove(token: str) -> bool:
    return vault.remove(token)
