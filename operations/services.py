"""Backups that are proven (seed 別紙, system item 09: サーバ冗長化、バックアップ等により、事故や障害発生時に
おけるシステム稼働体制を整備する).

:func:`backup_create` writes one encrypted file holding a consistent copy of the database and every stored
file; :func:`backup_verify` restores such a file into a scratch database, checks the audit chain there,
the counts and the hashes, and writes the drill to the audit trail (``backup.verified`` or
``backup.verify_failed``), which the checklist reads as live evidence (operations/evidence.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from audit import state
from audit.models import AuditEntry
from audit.services import audit_log, verify

from . import database
from .archive import ArchiveReader, ArchiveWriter, read_pieces
from .crypto import BackupError, DecryptingReader, EncryptingWriter, backup_key

logger = logging.getLogger(__name__)

FORMAT = 1
PREFIX = "itaku-backup-"
SUFFIX = ".enc"
# The stored files, by the name their members carry in the backup.
FILE_ROOTS = ("media", "survey", "evidence")


def file_roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "survey": Path(settings.SURVEY_DATA_DIR),
            "evidence": Path(settings.EVIDENCE_DATA_DIR)}


def backup_files(directory: Path) -> list[Path]:
    """The backups in ``directory``, oldest first (their names carry the time they were made)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


@dataclass
class BackupSummary:
    path: Path
    size: int
    sha256: str
    created_at: str
    vendor: str
    tables: dict[str, int]
    files: int
    audit_entries: int
    audit_last_seq: int
    removed: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def payload(self) -> dict:
        return {"file": self.path.name, "size": self.size, "sha256": self.sha256, "created_at": self.created_at,
                "tables": len(self.tables), "rows": self.rows, "files": self.files,
                "audit_entries": self.audit_entries}


def _walk(root: Path, skip: list[Path]):
    """Regular files under ``root`` in a stable order, leaving out the backup directory and links."""
    if not root.is_dir():
        return
    for directory, subdirs, names in os.walk(root):
        here = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if not any((here / d).resolve() == s for s in skip))
        for name in sorted(names):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path


def _add_files(archive: ArchiveWriter, out_dir: Path) -> dict[str, int]:
    counts = {}
    skip = [out_dir.resolve()]
    for label, root in file_roots().items():
        counts[label] = 0
        for path in _walk(root, skip):
            try:
                handle = open(path, "rb")
            except FileNotFoundError:
                continue  # purged since the walk began: the database copy, taken first, may still name it
            with handle:
                archive.add(f"{label}/{path.relative_to(root).as_posix()}",
                            iter(lambda h=handle: h.read(1024 * 1024), b""))
            counts[label] += 1
    return counts


def _new_path(out_dir: Path) -> Path:
    # Named by the second it was made, so names sort as the backups were made; a second backup within the
    # same second waits for the next one rather than take a name that would sort out of order.
    for _attempt in range(50):
        candidate = out_dir / f"{PREFIX}{timezone.localtime():%Y%m%d-%H%M%S}{SUFFIX}"
        if not candidate.exists():
            return candidate
        time.sleep(0.1)
    raise BackupError(f"{candidate} already exists", code="write")


def backup_create(*, out_dir: Path, keep: int = 0, actor_label: str = "manage.py backup") -> BackupSummary:
    """One encrypted backup in ``out_dir``: the database first (one consistent snapshot), then the stored
    files. It is written under a hidden name and renamed once complete, so a cut-off run never leaves a
    file that looks like a backup. With ``keep``, only the newest ``keep`` backups stay in ``out_dir``.
    Writes ``backup.created``."""
    key = backup_key()
    # The installation the backup is of (its audit chain's declaration, made once): backup_verify says
    # whether a backup is this installation's, and then holds its chain against this head file.
    # An undeclared chain (audit_declare not yet run) is still backed up; its backup names no installation.
    declared = state.declaration()
    installation = declared.installation if declared is not None else ""
    out_dir = Path(out_dir)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = _new_path(out_dir)
    partial = out_dir / f".{final.name}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, tempfile.TemporaryDirectory(dir=_work_dir(), prefix=".backup-") as work:
            writer = EncryptingWriter(out, key)
            archive = ArchiveWriter(writer)
            created_at = timezone.now().isoformat()
            db = database.dump(archive, Path(work))
            files = _add_files(archive, out_dir)
            archive.finish({"format": FORMAT, "app": "itaku-lifecycle", "created_at": created_at,
                            "installation": installation, "database": db, "files": files})
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.rename(partial, final)
        _fsync_dir(out_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary = BackupSummary(path=final, size=writer.size, sha256=writer.sha256, created_at=created_at,
                            vendor=db["vendor"], tables=db["tables"], files=sum(files.values()),
                            audit_entries=db["audit"]["entries"], audit_last_seq=db["audit"]["last_seq"])
    if keep:
        for old in backup_files(out_dir)[:-keep]:
            old.unlink()
            summary.removed.append(old)
    audit_log(action="backup.created", actor_label=actor_label,
              payload={**summary.payload(), "removed": len(summary.removed)})
    return summary


def _work_dir() -> Path:
    # Plain copies live for minutes in a private directory (mode 700) beside the live data, never in the
    # backup directory, which may be a mounted disk that leaves the building.
    path = Path(settings.VAR_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- verification ---------------------------------------------------------------------------------


def resolve_backup(path: Path) -> Path:
    """``path`` itself, or for a directory the newest backup in it."""
    path = Path(path)
    if path.is_dir():
        found = backup_files(path)
        if not found:
            raise BackupError(f"no backup ({PREFIX}*{SUFFIX}) in {path}", code="missing")
        return found[-1]
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file", code="missing")
    return path


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    for piece in read_pieces(path):
        digest.update(piece)
        size += len(piece)
    return size, digest.hexdigest()


def _compare_counts(expected: dict, found: dict) -> None:
    differences = [f"{table}: {expected.get(table, 'absent')} in the manifest, {found.get(table, 'absent')} restored"
                   for table in sorted(set(expected) | set(found)) if expected.get(table) != found.get(table)]
    if differences:
        raise BackupError("the restored database does not hold what the manifest counted: "
                          + "; ".join(differences[:5]) + ("; ..." if len(differences) > 5 else ""), code="counts")


def read_declaration_file(path: Path) -> state.Declaration:
    """A declaration given by hand (``backup_verify --declaration``): the backed-up server's audit_chain.json,
    from the key safe."""
    try:
        data = json.loads(Path(path).read_text())
        return state.Declaration(installation=str(data["installation"]), legacy_last_seq=int(data["legacy_last_seq"]),
                                 legacy_last_digest=str(data["legacy_last_digest"]), path=Path(path))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} cannot be read as an audit chain declaration ({type(error).__name__})",
                          code="declaration") from error


def _check_audit_chain(alias: str, expected: dict, installation: str,
                       given: state.Declaration | None = None) -> tuple[int, str, str]:
    """The backup's chain verified: (entries, a note on what was compared, what it was verified against:
    "installation", "declaration" or "" for nothing outside the backup).

    A backup of this installation is checked under its declaration (where the keyed chain begins), and its
    last entry must be the one the head file recorded for that seq. A backup of another installation, or from
    before backups named theirs, is checked under the declaration given by hand (``given``), or else only
    against itself: under the range its own chain shows, which someone with that database could have forged."""
    ours = state.read_declaration()
    same = ours is not None and installation == ours.installation
    if given is not None and not same and installation and given.installation != installation:
        raise BackupError(f"the declaration {given.path} is installation {given.installation}'s, the backup is "
                          f"installation {installation}'s", code="declaration")
    declared = ours if same else given
    result = verify(entries=AuditEntry.objects.using(alias).order_by("seq"), declaration=declared)
    if not result.ok:
        raise BackupError(f"the audit chain in the backup does not verify at seq {result.broken} ({result.reason}): "
                          "the database was altered before the backup, or this installation's AUDIT_KEY is not "
                          "the one that signed it", code="audit_chain")
    last = AuditEntry.objects.using(alias).order_by("-seq").values_list("seq", "hash").first() or (0, "")
    if result.count != expected.get("entries") or list(last) != [expected.get("last_seq"), expected.get("last_hash")]:
        raise BackupError("the audit chain in the backup ends elsewhere than the manifest says "
                          f"(seq {last[0]}, {result.count} entries)", code="audit_chain")
    if not same:
        if given is not None:
            keyed = (f"entries 1-{given.legacy_last_seq} carried over from before the key, keyed from seq "
                     f"{given.keyed_from}" if given.legacy_last_seq else "keyed from seq 1")
            return result.count, (f"checked under the declaration {given.path} of installation {given.installation} "
                                  f"({keyed}); its end was not compared with a head file"), "declaration"
        if ours is None:
            whose = (f"this installation has no declaration of its audit chain ({state.state_dir() / state.DECLARATION}"
                     " is missing)")
        elif installation:
            whose = "not this installation's backup"
        else:
            whose = "the backup names no installation (made before backups named theirs)"
        return result.count, (f"{whose}: its chain was checked against itself only, not against this installation's "
                              "declaration and head file; give the backed-up server's audit_chain.json with "
                              "--declaration to check it under that"), ""
    if not last[0]:
        return result.count, "", "installation"
    heads = state.read_heads()
    recorded = heads.digests.get(last[0]) if heads is not None else None
    if not recorded:
        return result.count, (f"its last entry (seq {last[0]}) has no line in this installation's head file "
                              f"({state.heads_path()}) to compare with"), "installation"
    if last[1] != recorded[0]:
        # The first digest recorded for a seq is the one committed first; a backup holding another one was
        # made from a chain whose entries from there on had been removed and written anew, or rewritten.
        raise BackupError(f"the audit chain in the backup ends at seq {last[0]} with another entry than this "
                          "installation first recorded for that number outside the database: entries were "
                          "removed or rewritten before the backup", code="audit_chain")
    if len(recorded) > 1:
        return result.count, (f"its last entry (seq {last[0]}) is the one this installation's head file first "
                              "recorded; the live chain was rewound there later (run verify_audit)"), "installation"
    return result.count, f"its last entry (seq {last[0]}) is the one this installation's head file recorded", \
        "installation"


def _check_data_key(directory: Path, what: str = "survey") -> None:
    """The survey and evidence files are encrypted under DATA_KEY: a restore is usable only with the same key."""
    from attachments import storage as evidence_storage
    from engagement import crypto as survey_crypto

    if not directory.is_dir():
        return
    vault = evidence_storage.vault if what == "evidence" else survey_crypto.vault
    expected = vault.magic + vault.key_id()
    other = 0
    for path in directory.rglob(f"*{vault.suffix}"):
        with open(path, "rb") as f:
            if f.read(len(expected)) != expected:
                other += 1
    if other:
        raise BackupError(f"{other} stored {what} file(s) in the backup were written under another DATA_KEY than "
                          "this installation's: set DJANGO_DATA_KEY to the key of the backed-up server",
                          code="data_key")


@dataclass
class VerifySummary:
    path: Path
    size: int
    sha256: str
    created_at: str
    vendor: str
    tables: dict[str, int]
    files: int
    audit_entries: int
    manifest: dict = field(default_factory=dict, repr=False)
    installation: str = ""  # the manifest's; "" for a backup made before backups named their installation
    this_installation: bool = False
    chain_note: str = ""  # what the backup's chain was compared with outside the database
    # What outside the backup its chain was verified against: "installation" (this one's declaration and head
    # file), "declaration" (one given by hand) or "" (nothing: consistent within itself, no more).
    chain_against: str = ""
    name_warning: str = ""  # set when the file's name says another time than the manifest

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def payload(self) -> dict:
        return {"file": self.path.name, "size": self.size, "sha256": self.sha256, "created_at": self.created_at,
                "vendor": self.vendor, "tables": len(self.tables), "rows": self.rows, "files": self.files,
                "audit_entries": self.audit_entries, "installation": self.installation,
                "renamed": bool(self.name_warning),
                # Pairs, not a mapping: a table's name (otp_totp_…) must not be masked as a secret-looking key.
                "counts": [[table, count] for table, count in sorted(self.tables.items())]}


def _verify(path: Path, target: Path, declaration: state.Declaration | None = None) -> VerifySummary:
    key = backup_key()
    size, sha256 = _file_digest(path)
    with open(path, "rb") as source:
        manifest = ArchiveReader(DecryptingReader(source, key)).extract(target)
    db = manifest.get("database") or {}
    vendor = db.get("vendor")
    if manifest.get("format") != FORMAT or vendor not in database.MEMBERS or db.get("member") != database.MEMBERS[vendor]:
        raise BackupError("the backup's manifest is not one this version of the app reads", code="manifest")
    member = target / db["member"]
    with database.scratch_database(vendor, member) as alias:
        with connections[alias].cursor() as cursor:
            found = database.table_counts(cursor, vendor)
        _compare_counts(db.get("tables") or {}, found)
        installation = str(manifest.get("installation") or "")
        entries, chain_note, chain_against = _check_audit_chain(alias, db.get("audit") or {}, installation,
                                                                declaration)
    _check_data_key(target / "survey")
    _check_data_key(target / "evidence", "evidence")
    ours = state.read_declaration()
    created_at = str(manifest.get("created_at", ""))
    return VerifySummary(path=path, size=size, sha256=sha256, created_at=created_at,
                         vendor=vendor, tables=found,
                         files=sum(1 for name in manifest["members"] if name.split("/")[0] in FILE_ROOTS),
                         audit_entries=entries, manifest=manifest, installation=installation,
                         this_installation=bool(installation) and ours is not None and ours.installation == installation,
                         chain_note=chain_note, chain_against=chain_against,
                         name_warning=name_warning(path, created_at))


# The time a backup's name carries (``_new_path``), local time to the second.
NAME_TIME = re.compile(r"(\d{8})-(\d{6})")
# The name is taken just before the manifest's time; anything further apart was renamed or copied.
NAME_TIME_TOLERANCE = dt.timedelta(minutes=5)


def name_warning(path: Path, created_at: str) -> str:
    """What is wrong with the time ``path``'s name says, against the manifest's creation time ("" if nothing).

    Only the manifest is authenticated (by the backup key): a name is whatever the file was last called, so
    an old backup renamed to a newer name would pass for a recent one."""
    try:
        made = timezone.localtime(dt.datetime.fromisoformat(created_at))
    except ValueError:
        return "the manifest holds no creation time to compare the file name with"
    match = NAME_TIME.search(path.name)
    try:
        named = timezone.make_aware(dt.datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")) if match else None
    except ValueError:
        named = None
    if named is None:
        return f"the file name carries no date and time; the backup was made {made.isoformat(sep=' ', timespec='seconds')}"
    if abs(named - made) > NAME_TIME_TOLERANCE:
        return (f"the file name says {named.isoformat(sep=' ', timespec='seconds')}, but the backup was made "
                f"{made.isoformat(sep=' ', timespec='seconds')}: it was renamed or copied under another name")
    return ""


def backup_verify(*, path: Path, extract_to: Path | None = None, record: bool = True,
                  actor_label: str = "manage.py backup_verify", declaration: Path | None = None) -> VerifySummary:
    """Restore the backup at ``path`` (or the newest in a directory) into scratch and check it: every chunk's
    tag, the members' hashes against the manifest, the row counts, the audit chain under this AUDIT_KEY, the
    stored files' DATA_KEY. Raises :class:`BackupError` saying what is wrong. With ``extract_to`` (a new
    directory), what was verified stays there for a restore; otherwise nothing decrypted is left behind.

    The drill is written to the audit trail unless ``record`` is False (a restore onto an empty server).
    ``declaration`` (a file: another server's audit_chain.json) checks another installation's backup under it.
    """
    failure_payload = {"file": Path(path).name}
    try:
        path = resolve_backup(path)
        failure_payload = {"file": path.name}
        if extract_to is not None:
            extract_to = Path(extract_to)
            if extract_to.exists() and any(extract_to.iterdir()):
                raise BackupError(f"{extract_to} is not empty: extract into a new directory", code="extract")
            extract_to.mkdir(mode=0o700, parents=True, exist_ok=True)
            context = contextlib.nullcontext(str(extract_to))
        else:
            context = tempfile.TemporaryDirectory(dir=_work_dir(), prefix=".verify-")
        try:
            with context as target:
                summary = _verify(path, Path(target),
                                  read_declaration_file(declaration) if declaration is not None else None)
        except OSError as error:
            _remove(extract_to)
            raise BackupError(f"cannot read or write what the backup holds: {error.strerror or error}",
                              code="unreadable") from error
        except DatabaseError as error:
            _remove(extract_to)
            raise BackupError(f"the restored database cannot be read as this app's: {str(error).strip()[:300]}",
                              code="restore") from error
        except BaseException:
            _remove(extract_to)
            raise
    except BackupError as error:
        if record:
            with contextlib.suppress(OSError):
                size, sha256 = _file_digest(Path(path))
                failure_payload.update(size=size, sha256=sha256)
            try:
                audit_log(action="backup.verify_failed", actor_label=actor_label,
                          payload={**failure_payload, "reason": error.code})
            except DatabaseError:
                logger.warning("the failed backup drill could not be written to the audit trail")
        raise
    if extract_to is not None:
        fd = os.open(extract_to / "manifest.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(summary.manifest, f, ensure_ascii=False, indent=1)
        for label in FILE_ROOTS:
            # Present even when empty, so the restore steps are the same for every backup.
            (extract_to / label).mkdir(mode=0o700, exist_ok=True)
    if record:
        try:
            audit_log(action="backup.verified", actor_label=actor_label, payload=summary.payload())
        except DatabaseError as error:
            raise DrillNotRecorded(summary, error) from error
    return summary


class DrillNotRecorded(Exception):
    """The backup verified, but the drill could not be written to the audit trail (no database yet?)."""

    def __init__(self, summary: VerifySummary, error: Exception):
        super().__init__(str(error))
        self.summary = summary


def _remove(extracted: Path | None) -> None:
    # Nothing from a backup that failed its check is left where a restore might pick it up.
    if extracted is not None:
        shutil.rmtree(extracted, ignore_errors=True)


def last_drills() -> tuple[AuditEntry | None, AuditEntry | None]:
    """The newest ``backup.verified`` entry, and the newest ``backup.verify_failed`` after it (if any)."""
    verified = AuditEntry.objects.filter(action="backup.verified").order_by("-seq").first()
    failed = AuditEntry.objects.filter(action="backup.verify_failed")
    if verified is not None:
        failed = failed.filter(seq__gt=verified.seq)
    return verified, failed.order_by("-seq").first()
