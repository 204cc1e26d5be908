"""What the survey services share: the earlier years of a contract, and an upload's mapping sealed like its file."""

from __future__ import annotations

import json

from .. import crypto
from ..mapping import Mapping

# How far back through the copies of a contract a saved mapping or a link key is looked for.
LINEAGE_DEPTH = 20


def sealed(mapping: Mapping, *, survey_blob: str) -> bytes:
    plain = json.dumps(mapping.to_json(), ensure_ascii=False).encode("utf-8")
    return crypto.encrypt(plain, purpose=crypto.MAPPING, name=survey_blob)


def lineage(contract, depth: int = LINEAGE_DEPTH):
    seen = 0
    while contract is not None and seen < depth:
        yield contract
        contract = contract.previous
        seen += 1
