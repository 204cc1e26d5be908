"""Every write in the handover ledger, by sub-domain: registering items (:mod:`.items`), recording,
acknowledging and cancelling handovers (:mod:`.handovers`), storage and periodic checks (:mod:`.storage`).
Callers say ``from handover import services`` and ``services.handover_record(...)``: the public names are
here.

Each function re-reads its rows under a lock, asks :mod:`handover.permissions` whether this person may do
this now (the same answer the page gets), refuses what the seed forbids with a message that quotes the
seed, and writes exactly one audit entry."""

from .handovers import HashMismatch, handover_acknowledge, handover_cancel, handover_record
from .items import SHA256_PATTERN, item_register, normalise_sha256
from .storage import storage_check_record, storage_record
from .transfers import transfer_acknowledge, transfer_record

__all__ = [
    "SHA256_PATTERN",
    "HashMismatch",
    "handover_acknowledge",
    "handover_cancel",
    "handover_record",
    "item_register",
    "normalise_sha256",
    "storage_check_record",
    "storage_record",
    "transfer_acknowledge",
    "transfer_record",
]
