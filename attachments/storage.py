"""The evidence files' bytes at rest: sealed (core.sealing) in settings.EVIDENCE_DATA_DIR.

The same AES-256-GCM sealing as the survey store under its own magic and HKDF info, so a survey file put
in place of an evidence file (or the reverse) does not decrypt. The associated data binds each file to
its token, to this purpose and to the row it belongs to (:func:`binding`): the target's content type
(app_label.model) and id, the slot, the version, the SHA-256 and the contract and organisation. Whoever can
write to the database but does not hold DATA_KEY cannot make one row serve another row's file: a token
swapped between rows, a row moved to another record or version, or a changed SHA-256 no longer opens.
The file is sealed before its row is written, so the binding is made from the values about to be written
(never the row's pk) and again from the row when it is read.
"""

import json

from core.sealing import StoredDataError, Vault

MAGIC = b"EVDNC1"
PURPOSE = "evidence"

vault = Vault(magic=MAGIC, info=b"itaku evidence files at rest v1", directory_setting="EVIDENCE_DATA_DIR")

__all__ = ["MAGIC", "PURPOSE", "StoredDataError", "binding", "binding_of", "load", "remove", "store", "vault"]


def binding(*, target_label: str, object_id, slot: str, version, sha256: str, contract_id=None,
            organisation_id=None) -> bytes:
    """The row identity an evidence file is sealed to: canonical JSON (sorted keys, no spaces), so the
    same values give the same bytes at attach and at read."""
    return json.dumps({
        "target": str(target_label), "object_id": int(object_id), "slot": str(slot or ""),
        "version": int(version), "sha256": str(sha256),
        "contract": int(contract_id) if contract_id is not None else None,
        "organisation": int(organisation_id) if organisation_id is not None else None,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def binding_of(file) -> bytes:
    """:func:`binding` for an EvidenceFile row as it stands now."""
    content_type = file.content_type
    return binding(target_label=f"{content_type.app_label}.{content_type.model}", object_id=file.object_id,
                   slot=file.slot, version=file.version, sha256=file.sha256, contract_id=file.contract_id,
                   organisation_id=file.organisation_id)


def store(plain: bytes, *, bound: bytes = b"") -> str:
    """Seal ``plain`` into a new file. Evidence files are always written by attachments.services.attach
    with their row's :func:`binding`; ``bound`` is optional only for the backup tests' loose files."""
    return vault.store(plain, purpose=PURPOSE, bound=bound)


def load(token: str, *, bound: bytes) -> bytes:
    """The plain bytes of the file ``token``, which opens only with the ``bound`` it was sealed with."""
    return vault.load(token, purpose=PURPOSE, bound=bound)


def remove(token: str) -> bool:
    return vault.remove(token)
