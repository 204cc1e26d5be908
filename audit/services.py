import contextlib
import contextvars
import datetime as dt
import ipaddress
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import state
from .models import REKEYED_ACTION, AuditChainHead, AuditEntry, Scheme

# Secret-looking payload keys, matched by word so that a checklist item's ``key`` or a survey
# ``mapping`` (which contains "pin") stay readable, while ``api_key``, ``otp_key`` or ``password`` are masked.
SECRET_WORDS = {"pass", "password", "passwd", "passphrase", "secret", "token", "otp", "totp", "pwd", "pin",
                "credential", "credentials", "seed"}
SECRET_JAPANESE = re.compile(r"暗証|パスワード")
MASK = "********"


def is_secret_key(name) -> bool:
    name = str(name)
    if SECRET_JAPANESE.search(name):
        return True
    words = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()) if w]
    if any(w in SECRET_WORDS for w in words):
        return True
    # "key" alone names a thing (a checklist item's key); with another word it names a secret (api_key).
    return "key" in words and len(words) > 1


def mask_secrets(value):
    """Copy ``value`` with the value of every secret-looking key masked, at any depth."""
    if isinstance(value, dict):
        return {
            str(k): (MASK if is_secret_key(k) else mask_secrets(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _address(value: str) -> str | None:
    """A valid IP address from a header or REMOTE_ADDR, without a port, IPv4-mapped IPv6 as IPv4."""
    value = (value or "").strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str | None:
    """The client's address, for the audit trail and for django-axes' lockouts.

    Behind the proxies the settings name (DJANGO_BEHIND_TLS_PROXY=1, DJANGO_PROXY_COUNT=N), each proxy
    appends the address it was reached from to X-Forwarded-For, so the client is the N-th entry from the
    right; anything left of it was written by the client and is ignored. Without those settings the header
    is ignored altogether. A request that did not pass through all N proxies, or a garbled entry, falls
    back to the connecting address, which at worst counts a lockout against the proxy, never lets a client
    choose the address it is counted under.
    """
    if request is None:
        return None
    meta = request.META
    count = settings.PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops != [""] and len(hops) >= count:
            forwarded = _address(hops[-count])
            if forwarded:
                return forwarded
    return _address(meta.get("REMOTE_ADDR", ""))


_recorded_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("audit_recorded_at", default=None)


@contextlib.contextmanager
def recorded_at(when: dt.datetime):
    """Entries appended inside this block carry ``when`` as their time instead of the clock's.

    For the demo only, so that its story's events sit on the story's days in the log. The sequence
    numbers and the chain still follow the order of appending, and the digest covers the stated time.
    """
    if timezone.is_naive(when):
        raise ValueError("recorded_at needs an aware datetime")
    token = _recorded_at.set(when)
    try:
        yield
    finally:
        _recorded_at.reset(token)


def _now() -> dt.datetime:
    return (_recorded_at.get() or timezone.now()).astimezone(dt.UTC)


def _lock_head() -> AuditChainHead:
    """The chain head, locked: the UPDATE takes a row lock on PostgreSQL and the database write lock on
    SQLite, so concurrent appends queue one behind another and two writers never read the same head."""
    head_qs = AuditChainHead.objects.filter(pk=1)
    if not head_qs.exists():
        AuditChainHead.objects.get_or_create(pk=1)
    head_qs.update(last_seq=F("last_seq"))
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _append(head: AuditChainHead, **fields) -> AuditEntry:
    entry = AuditEntry(seq=head.last_seq + 1, prev_hash=head.last_hash, scheme=Scheme.KEYED, **fields)
    entry.hash = entry.compute_hash()
    entry.save()
    head.last_seq, head.last_hash = entry.seq, entry.hash
    return entry


@transaction.atomic
def audit_log(
    *,
    action: str,
    actor=None,
    contract=None,
    obj=None,
    payload: dict | None = None,
    request=None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain, keyed with settings.AUDIT_KEY, and once committed, its seq and digest
    to the head file outside the database (audit/state.py).

    A chain carried over from before the key, which the declaration outside the database says ends in plain
    SHA-256 entries at seq N, gets the ``audit.chain.rekeyed`` marker at N+1 first: its keyed digest covers
    the last plain one. Whether to write it is the declaration's to say, never the database's.
    """
    head = _lock_head()
    declared = state.declaration()
    if declared is None:
        # Plain entries nothing outside the database declares: a keyed entry (the marker or any other) after
        # them would vouch for whatever they are, so nothing is written until they are declared.
        raise state.DeclarationMissing(state.last_plain_seq(AuditEntry.objects.all()))
    now = _now()
    if declared.legacy_last_seq and head.last_seq == declared.legacy_last_seq:
        _append(head, created_at=now, action=REKEYED_ACTION, actor_label="",
                payload={"unkeyed_entries": head.last_seq, "scheme": Scheme.KEYED.value})

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = _append(
        head,
        created_at=now,
        actor=actor,
        actor_label=actor_label if actor_label is not None else (actor.get_username() if actor else ""),
        action=action,
        contract=contract,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        ip_address=client_ip(request),
        payload=mask_secrets(payload or {}),
    )
    AuditChainHead.objects.filter(pk=1).update(last_seq=head.last_seq, last_hash=head.last_hash, keyed=True)
    state.record_head_after_commit(entry.seq, entry.hash)
    return entry


# --- Anchors: a line an auditor keeps outside the database ------------------------------------------

# The digest may be copied back in groups separated by spaces or hyphens.
ANCHOR_PATTERN = re.compile(r"seq=(?P<seq>\d+)\s+digest=(?P<digest>[0-9a-fA-F]+(?:[ \-](?!at=)[0-9a-fA-F]+)*)"
                            r"(?:\s+at=(?P<at>\S+))?")


@dataclass(frozen=True)
class Anchor:
    """An entry's sequence number and digest, written down outside the database. As long as the chain
    verifies and still holds this digest at this number, nothing up to it has been changed or removed."""

    seq: int
    digest: str
    at: dt.datetime | None = None

    @property
    def line(self) -> str:
        when = f" at={self.at.astimezone(timezone.get_current_timezone()).isoformat(timespec='seconds')}" \
            if self.at else ""
        return f"audit-anchor seq={self.seq} digest={self.digest}{when}"

    @property
    def digest_groups(self) -> str:
        """The digest in groups of eight, easier to read aloud or copy by hand (the parser accepts both)."""
        return " ".join(self.digest[i:i + 8] for i in range(0, len(self.digest), 8))

    @property
    def printable_line(self) -> str:
        """``line`` with the digest grouped: wraps on a narrow page and on paper, and parses the same."""
        return self.line.replace(self.digest, self.digest_groups)


def current_anchor(now: dt.datetime | None = None) -> Anchor | None:
    """The anchor of the chain's latest entry, taken at ``now``."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return None
    return Anchor(seq=last[0], digest=last[1], at=now or timezone.now())


def anchor_keepers():
    """Who keeps the anchors: the active people who may verify the chain (the auditors' group, or the
    permission given directly), with an e-mail address for the daily mail."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    permission = Permission.objects.filter(content_type__app_label="audit", codename="view_security_log").first()
    if permission is None:
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(Q(groups__permissions=permission) | Q(user_permissions=permission),
                                            is_active=True).exclude(email="").distinct().order_by("pk"))


def parse_anchor(text: str) -> Anchor:
    """An anchor from the line ``audit_anchor`` printed (spaces or hyphens inside the digest allowed)."""
    match = ANCHOR_PATTERN.search(text or "")
    digest = re.sub(r"[\s\-]", "", match["digest"]).lower() if match else ""
    if not match or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(f"not an audit anchor line: {text!r} (expected 'audit-anchor seq=N digest=<64 hex>')")
    at = None
    if match["at"]:
        try:
            at = dt.datetime.fromisoformat(match["at"])
        except ValueError:
            at = None  # the time is for the reader; the check rests on the number and the digest
    return Anchor(seq=int(match["seq"]), digest=digest, at=at)


def anchor_problem(anchor: Anchor) -> str | None:
    """Why the chain no longer holds ``anchor`` (None when it does)."""
    entry = AuditEntry.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
    if entry is None:
        last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        if anchor.seq > last:
            return f"the chain now ends at seq {last}, before the anchored entry (entries removed)"
        return "the anchored entry is missing"
    if entry != anchor.digest:
        return "the entry at that number has another digest (rewritten)"
    return None


# --- Verification --------------------------------------------------------------------------------

# The head file is appended just after each commit: an entry younger than this may not be in it yet.
HEAD_FILE_GRACE = dt.timedelta(seconds=60)


@dataclass
class Verification:
    count: int = 0
    broken: int | None = None  # the first sequence number where the chain does not hold
    reason: str = ""
    detail: str = ""  # what the reason is about, in English for the command (the declaration, a range)
    missing: tuple[int, int] | None = None  # the entries the head file shows were removed from the end
    keyed_from: int | None = None  # the first keyed entry (1 for a chain keyed from the start)
    # "missing" or "behind": the head file outside the database cannot vouch for the chain's end.
    external: str = ""
    declaration: state.Declaration | None = None
    # Why the live chain has no declaration outside the database (in English, for the command): its plain
    # entries are then checked only against themselves, and that is not an "OK".
    undeclared: str = ""
    heads: state.Heads | None = None
    anchors: list = field(default_factory=list)  # (anchor, problem or None)

    @property
    def ok(self) -> bool:
        return (self.broken is None and not self.external and not self.undeclared
                and not any(problem for _, problem in self.anchors))


def _entry_problem(entry: AuditEntry, prev_hash: str, declared: state.Declaration,
                   heads: state.Heads | None) -> tuple[str, str] | None:
    """Why ``entry`` breaks the chain (reason, detail), or None."""
    legacy = declared.legacy_last_seq
    if entry.prev_hash != prev_hash:
        return "prev_hash", ""
    if entry.scheme not in Scheme.values:
        return "scheme", f"unknown scheme {entry.scheme!r}"
    if entry.seq <= legacy and entry.scheme != Scheme.LEGACY:
        return "scheme", f"a keyed entry inside the carried-over range: {declared.describe()}"
    if entry.seq > legacy and entry.scheme != Scheme.KEYED:
        return "scheme", declared.describe()
    if legacy and entry.seq == legacy + 1 and entry.action != REKEYED_ACTION:
        return "scheme", f"the keyed chain must begin with the {REKEYED_ACTION} marker: {declared.describe()}"
    if entry.compute_hash() != entry.hash:
        return "hash", ""
    if legacy and entry.seq == legacy and entry.hash != declared.legacy_last_digest:
        return "declared", declared.describe()
    recorded = heads.digests.get(entry.seq, []) if heads is not None else []
    if len(recorded) > 1:
        return "head_file", (f"the head file {heads.path} records {len(recorded)} different entries for it: "
                             "entries were removed from here and the chain continued")
    if recorded and recorded[0] != entry.hash:
        return "head_file", f"the head file {heads.path} records another digest for it"
    return None


def verify(anchors=(), entries=None, *, declaration: state.Declaration | None = None) -> Verification:
    """Walk the chain in order, then check each anchor against it.

    Plain SHA-256 entries are accepted only in the legacy range that the declaration outside the database
    names (none on an installation keyed from its first entry), and the first keyed entry after such a range
    must be the ``audit.chain.rekeyed`` marker. The live chain is also held against the head file outside
    the database: it must reach the last seq recorded there with the digests recorded there.

    ``entries`` (another database's, a backup's) are checked under ``declaration``, or without one under
    what their own chain shows, and not against this installation's head file.
    """
    result = Verification()
    live = entries is None
    if live:
        # The head file first: whatever commits while the chain is read is only newer than the file.
        heads = state.read_heads()
        declared = state.declaration()
        queryset = AuditEntry.objects.order_by("seq")
        if declared is None:
            declared = state.Declaration("", *state.derive_declaration(queryset))
            last_plain = state.last_plain_seq(AuditEntry.objects.all())
            result.undeclared = (
                f"entries 1-{last_plain} are plain SHA-256 and no declaration ({state.state_dir() / state.DECLARATION}) "
                "says they were carried over from before the audit key; anyone who can write to the database can "
                "make such entries. Restore the declaration from the key safe, or, if this installation was upgraded "
                "from before the key, declare them once with manage.py audit_declare (README)")
    else:
        heads, queryset = None, entries
        declared = declaration or state.Declaration("", *state.derive_declaration(entries))
    result.declaration, result.heads = declared, heads
    expected_seq = 1
    prev_hash = ""
    for entry in queryset.iterator(chunk_size=2000):
        result.count += 1
        if entry.seq != expected_seq:
            result.broken, result.reason = expected_seq, "missing"
            break
        problem = _entry_problem(entry, prev_hash, declared, heads)
        if problem:
            result.broken = entry.seq
            result.reason, result.detail = problem
            break
        if result.keyed_from is None and entry.scheme == Scheme.KEYED:
            result.keyed_from = entry.seq
        prev_hash = entry.hash
        expected_seq += 1
    else:
        # The head of the database the entries came from (a backup's scratch copy is not the live one).
        head = AuditChainHead.objects.using(queryset.db).filter(pk=1).first()
        if head is not None and head.last_seq != expected_seq - 1:
            result.broken, result.reason = expected_seq, "missing"
        elif live:
            _compare_with_head_file(result, expected_seq - 1, heads)
    result.anchors = [(anchor, anchor_problem(anchor)) for anchor in anchors]
    return result


def _compare_with_head_file(result: Verification, last_seq: int, heads: state.Heads | None) -> None:
    if heads is None:
        if last_seq:
            result.external = "missing"
            result.detail = f"there is no head file at {state.heads_path()}: a truncation cannot be seen"
        return
    if heads.last_seq > last_seq:
        first, last = last_seq + 1, heads.last_seq
        result.broken, result.reason, result.missing = first, "truncated", (first, last)
        which = f"entry {first}" if first == last else f"entries {first}\u2013{last}"
        result.detail = (f"{which} missing: the chain ends at seq {last_seq}, the head file {heads.path} "
                         f"records seq {last}")
        return
    if heads.last_seq < last_seq:
        unrecorded = AuditEntry.objects.filter(seq=heads.last_seq + 1).values_list("created_at", flat=True).first()
        if unrecorded is not None and unrecorded < timezone.now() - HEAD_FILE_GRACE:
            result.external = "behind"
            result.detail = (f"the head file {heads.path} records up to seq {heads.last_seq}, the chain ends at "
                             f"seq {last_seq}: entries after seq {heads.last_seq} are not recorded outside the "
                             "database (a server writing another head file, or a crash right after a commit)")


def verify_chain(entries=None) -> tuple[int, int | None, str]:
    """Walk the chain in order. Returns (entries checked, first broken seq or None, reason)."""
    result = verify(entries=entries)
    return result.count, result.broken, result.reason
