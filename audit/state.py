"""What the audit chain keeps outside the database, beside its key (settings.AUDIT_STATE_DIR, by default
the var directory). Someone who can write to the database but not to this directory cannot change either.

- The declaration (``audit_chain.json``), written once and never rewritten: the installation's id and
  where its keyed chain begins. A fresh installation is keyed from seq 1. An installation whose chain was
  carried over from before the audit key names that plain SHA-256 range (seq 1..N) and the digest of entry
  N. The verifier accepts an unkeyed entry nowhere else, whatever the database says. It is written by itself
  only when the chain proves it (empty, keyed from its first entry, or a genuine rekeyed marker); a chain of
  plain entries alone is declared by the administrator, knowingly, with ``manage.py audit_declare``.
- The head file (``audit_heads``), one line ``<seq> <digest> <time>`` appended after each commit that wrote
  an entry. The chain in the database must reach the highest seq written there and hold those digests, so
  deleting the newest entries and moving the head row back is seen without anyone keeping an anchor.
"""

import dataclasses
import datetime as dt
import fcntl
import functools
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from core.keys import write_once

from .models import REKEYED_ACTION, AuditEntry, Scheme

logger = logging.getLogger(__name__)

DECLARATION = "audit_chain.json"
HEADS = "audit_heads"
HEAD_LINE = re.compile(r"(\d+) ([0-9a-f]{64})(?: \S+)?")


def state_dir() -> Path:
    return Path(settings.AUDIT_STATE_DIR)


# --- The declaration ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Declaration:
    """Where this installation's keyed chain begins; entries 1..legacy_last_seq are plain SHA-256."""

    installation: str
    legacy_last_seq: int = 0
    legacy_last_digest: str = ""
    path: Path | None = None
    written_now: bool = False  # made by this call, from what the chain proves (verify_audit says so)

    @property
    def keyed_from(self) -> int:
        return self.legacy_last_seq + 1

    def describe(self) -> str:
        where = f" (declared in {self.path})" if self.path else " (as the chain itself shows; not declared)"
        if not self.legacy_last_seq:
            return f"this installation's chain is keyed from seq 1{where}"
        return f"entries 1-{self.legacy_last_seq} were carried over from before the audit key{where}"


def read_declaration() -> Declaration | None:
    """The declaration in the state directory, or None when none has been written yet."""
    path = state_dir() / DECLARATION
    try:
        data = json.loads(path.read_text())
        return Declaration(installation=str(data["installation"]), legacy_last_seq=int(data["legacy_last_seq"]),
                           legacy_last_digest=str(data["legacy_last_digest"]), path=path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(f"{path} cannot be read as the audit chain's declaration "
                                   f"({type(error).__name__}); restore it from where it was copied") from error


def derive_declaration(entries) -> tuple[int, str]:
    """The legacy range (last seq, its digest) the chain in ``entries`` shows, for a declaration made once.

    Keyed from seq 1 when the chain is empty or its first entry is keyed. A chain of plain entries only was
    written before the key: all of it is the legacy range, and the next write carries it over. Otherwise the
    range is what the first keyed entry, the ``audit.chain.rekeyed`` marker, proves with its HMAC; a chain
    that shows nothing of the kind is taken as keyed from seq 1, so its plain entries are reported."""
    entries = entries.order_by("seq")
    first = entries.first()
    if first is None or first.scheme != Scheme.LEGACY:
        return 0, ""
    marker = entries.filter(scheme=Scheme.KEYED).first()
    if marker is None:
        last = entries.last()
        return last.seq, last.hash
    before = entries.filter(seq=marker.seq - 1).values_list("hash", flat=True).first()
    if (marker.action == REKEYED_ACTION and marker.compute_hash() == marker.hash and before == marker.prev_hash
            and marker.payload.get("unkeyed_entries") == marker.seq - 1):
        return marker.seq - 1, marker.prev_hash
    return 0, ""


class DeclarationMissing(ImproperlyConfigured):
    """The chain holds plain SHA-256 entries and nothing outside the database says they are a carried-over
    range: the app writes nothing to it (a keyed entry after them would vouch for whatever they are) until
    the administrator declares them or restores the declaration."""

    def __init__(self, last_plain: int):
        self.last_plain = last_plain
        super().__init__(
            f"the audit chain begins with plain SHA-256 entries (up to seq {last_plain}) and there is no declaration "
            f"{state_dir() / DECLARATION} saying they were carried over from before the audit key: restore the "
            "declaration from where it was copied (the key safe), or, once, at the upgrade of an installation "
            "from before the key, run manage.py audit_declare --legacy-through N --digest <digest of entry N>")


def provable_declaration(entries) -> tuple[int, str] | None:
    """The legacy range to declare when the chain itself proves it, or None when only a person can: the chain
    is empty or keyed from its first entry (keyed from seq 1), or a genuine ``audit.chain.rekeyed`` marker (its
    HMAC under this key) closes the plain range. A chain of plain entries alone is what an installation from
    before the key leaves, and also what someone with the database but not the key can forge."""
    entries = entries.order_by("seq")
    first = entries.first()
    if first is None or first.scheme != Scheme.LEGACY:
        return 0, ""
    if not entries.filter(scheme=Scheme.KEYED).exists():
        return None  # plain entries alone
    legacy = derive_declaration(entries)
    return legacy if legacy[0] else None  # a keyed entry after them that is not a genuine marker proves nothing


def last_plain_seq(entries) -> int:
    """The last of the plain entries the chain begins with (0 when it begins keyed or is empty)."""
    keyed = entries.filter(scheme=Scheme.KEYED).order_by("seq").values_list("seq", flat=True).first()
    plain = entries.filter(scheme=Scheme.LEGACY)
    if keyed is not None:
        plain = plain.filter(seq__lt=keyed)
    return plain.order_by("-seq").values_list("seq", flat=True).first() or 0


def write_declaration(legacy_seq: int, legacy_digest: str) -> Declaration:
    """Write the declaration, once: raises FileExistsError when there is one already."""
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DECLARATION
    data = {"installation": str(uuid.uuid4()), "legacy_last_seq": legacy_seq, "legacy_last_digest": legacy_digest,
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rule": "Written once. Entries up to legacy_last_seq may be plain SHA-256; every later one is keyed."}
    # As the keys are: two processes making it together end up with the same one, and nothing rewrites it.
    write_once(path, json.dumps(data) + "\n")
    return read_declaration()


def declaration() -> Declaration | None:
    """This installation's declaration. Made once from the live chain at its first need (the first audit
    entry or verification) when none exists yet and the chain proves it (:func:`provable_declaration`);
    None when it does not: the chain holds plain entries that only the administrator can declare."""
    found = read_declaration()
    if found is not None:
        return found
    proven = provable_declaration(AuditEntry.objects.all())
    if proven is None:
        return None
    try:
        made = write_declaration(*proven)
    except FileExistsError:
        return read_declaration()  # another process made it first, from the same chain
    logger.info("the audit chain's declaration was made now, from the chain: %s", made.describe())
    return dataclasses.replace(made, written_now=True)


# --- The head file --------------------------------------------------------------------------------

@dataclass
class Heads:
    """The lines of the head file: the digests recorded for each seq, in the order they were recorded. A
    chain that was never rewound has one per seq; a second one means that entries were removed and the
    chain continued from there."""

    path: Path
    digests: dict[int, list[str]] = field(default_factory=dict)

    @property
    def last_seq(self) -> int:
        return max(self.digests, default=0)


def heads_path() -> Path:
    return state_dir() / HEADS


def read_heads() -> Heads | None:
    """The head file, or None when there is none."""
    path = heads_path()
    heads = Heads(path=path)
    try:
        with open(path) as f:
            for line in f:
                match = HEAD_LINE.fullmatch(line.strip())
                if match:  # a line cut short by a crash is skipped; its entry has a later line or none
                    recorded = heads.digests.setdefault(int(match[1]), [])
                    if match[2] not in recorded:
                        recorded.append(match[2])
    except FileNotFoundError:
        return None
    return heads


def record_head(seq: int, digest: str) -> None:
    """Append one line to the head file (made with mode 600), locked against the other processes."""
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    line = f"{seq} {digest} {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n".encode()
    fd = os.open(directory / HEADS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        os.close(fd)


def _record_committed_head(seq: int, digest: str) -> None:
    try:
        record_head(seq, digest)
    except OSError as error:
        # The entry is committed; verify_audit will say that the head file is behind the chain.
        logger.error("the audit chain's head (seq %s) could not be appended to the head file: %s", seq,
                     error.strerror or type(error).__name__)


def record_head_after_commit(seq: int, digest: str) -> None:
    """Append ``seq digest`` to the head file once the transaction that wrote that entry has committed: an
    entry rolled back never reaches the file."""
    transaction.on_commit(functools.partial(_record_committed_head, seq, digest))


def is_head_record(callback) -> bool:
    """Whether an on-commit callback is the head file's (the tests run these when the app's transaction ends)."""
    return isinstance(callback, functools.partial) and callback.func is _record_committed_head
