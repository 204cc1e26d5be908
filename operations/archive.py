"""What is inside a backup once decrypted: members (the database dump, each stored file), then a manifest.

A tar file would need each member's size before its bytes, and ``pg_dump`` streams; so the plaintext is a
sequence of small frames instead::

    B {"name": ...}          a member begins
    D <bytes>                its data, in pieces of at most a chunk
    E {"size": n, "sha256"}  it ends
    ...
    M {manifest}             the last frame: what the backup holds, by count and hash

Each frame is a type byte and a 4-byte length. The reader refuses anything out of order, a member name
that could leave the directory it is written to, and a member whose bytes do not match its own hash.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .crypto import CHUNK_SIZE, BackupError

FRAME = struct.Struct(">cI")
BEGIN, DATA, END, MANIFEST = b"B", b"D", b"E", b"M"
# Member names and manifests are small; a larger frame of these kinds means a damaged or forged archive.
MAX_META_FRAME = 64 * 1024 * 1024


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def safe_member_name(name) -> str:
    """A relative POSIX path with no empty, ``.`` or ``..`` part; anything else is refused."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        raise BackupError(f"the backup names a member it may not hold: {name!r}", code="damaged")
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise BackupError(f"the backup names a member it may not hold: {name!r}", code="damaged")
    return str(path)


class ArchiveWriter:
    def __init__(self, stream):
        self._stream = stream
        self.members: dict[str, dict] = {}

    def _frame(self, kind: bytes, payload: bytes) -> None:
        self._stream.write(FRAME.pack(kind, len(payload)) + payload)

    def add(self, name: str, pieces: Iterable[bytes]) -> dict:
        """Write one member from ``pieces`` (any sizes); returns its size and SHA-256."""
        name = safe_member_name(name)
        if name in self.members:
            raise ValueError(f"member {name} written twice")
        self._frame(BEGIN, _json({"name": name}))
        digest = hashlib.sha256()
        size = 0
        for piece in pieces:
            for start in range(0, len(piece), CHUNK_SIZE):
                part = piece[start:start + CHUNK_SIZE]
                digest.update(part)
                size += len(part)
                self._frame(DATA, part)
        described = {"size": size, "sha256": digest.hexdigest()}
        self._frame(END, _json(described))
        self.members[name] = described
        return described

    def finish(self, manifest: dict) -> None:
        self._frame(MANIFEST, _json({**manifest, "members": self.members}))


def read_pieces(path: Path, size: int = CHUNK_SIZE):
    with open(path, "rb") as f:
        while piece := f.read(size):
            yield piece


class ArchiveReader:
    """Reads members into ``target`` (a directory) and returns the manifest, after checking that each
    member's bytes match its hash and that the manifest lists exactly the members read, with those hashes."""

    def __init__(self, stream):
        self._stream = stream

    def _read(self, n: int) -> bytes:
        data = bytearray()
        while len(data) < n:
            part = self._stream.read(n - len(data))
            if not part:
                raise BackupError("the backup's contents end in the middle of a record", code="damaged")
            data += part
        return bytes(data)

    def _frame(self) -> tuple[bytes, int] | None:
        first = self._stream.read(1)
        if not first:
            return None
        kind, length = FRAME.unpack(first + self._read(FRAME.size - 1))
        return kind, length

    def _meta(self, length: int) -> dict:
        if length > MAX_META_FRAME:
            raise BackupError("the backup's contents are damaged (an oversized record)", code="damaged")
        try:
            value = json.loads(self._read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BackupError("the backup's contents are damaged (an unreadable record)", code="damaged") from None
        if not isinstance(value, dict):
            raise BackupError("the backup's contents are damaged (an unreadable record)", code="damaged")
        return value

    def extract(self, target: Path) -> dict:
        read: dict[str, dict] = {}
        manifest = None
        while (frame := self._frame()) is not None:
            kind, length = frame
            if manifest is not None:
                raise BackupError("the backup has contents after its manifest", code="damaged")
            if kind == MANIFEST:
                manifest = self._meta(length)
            elif kind == BEGIN:
                name = safe_member_name(self._meta(length).get("name"))
                if name in read:
                    raise BackupError(f"the backup holds {name} twice", code="damaged")
                read[name] = self._member(target, name)
            else:
                raise BackupError("the backup's contents are out of order", code="damaged")
        if manifest is None:
            raise BackupError("the backup has no manifest (its contents end too early)", code="damaged")
        listed = manifest.get("members")
        if listed != read:
            missing = sorted(set(listed or {}) - set(read))
            extra = sorted(set(read) - set(listed or {}))
            raise BackupError(f"the backup's manifest does not list what it holds (missing {missing[:5]}, "
                              f"unlisted {extra[:5]}, or another hash)", code="manifest")
        return manifest

    def _member(self, target: Path, name: str) -> dict:
        parts = PurePosixPath(name).parts
        path = target.joinpath(*parts)
        directory = target
        for part in parts[:-1]:
            # One level at a time: mkdir(parents=True) would make the levels above with the umask's mode.
            directory = directory / part
            directory.mkdir(mode=0o700, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with open(path, "xb") as out:
            path.chmod(0o600)
            while True:
                frame = self._frame()
                if frame is None:
                    raise BackupError(f"the backup ends inside {name}", code="damaged")
                kind, length = frame
                if kind == DATA:
                    if length > CHUNK_SIZE:
                        raise BackupError("the backup's contents are damaged (an oversized record)", code="damaged")
                    data = self._read(length)
                    digest.update(data)
                    size += len(data)
                    out.write(data)
                elif kind == END:
                    described = self._meta(length)
                    break
                else:
                    raise BackupError("the backup's contents are out of order", code="damaged")
        found = {"size": size, "sha256": digest.hexdigest()}
        if described != found:
            raise BackupError(f"{name} in the backup does not match its own hash", code="files")
        return found
