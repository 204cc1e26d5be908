"""The backup file: AES-256-GCM in chunks, streamed, so a backup of any size needs little memory.

Layout::

    header   MAGIC, version (1 byte), key id (8), salt (16), chunk size (4, big-endian)
    records  final flag (1) + ciphertext length (4) + ciphertext (chunk + 16-byte tag), repeated

Each file has its own AES key, derived from the backup key and the header's random salt (HKDF-SHA256),
so chunk nonces are simply the chunk's number and a backup never reuses a nonce of another. The nonce
also carries the final flag, and every chunk authenticates the whole header: a chunk moved, dropped,
flipped or taken from another file fails its tag; a file cut short lacks its final chunk; bytes after
it are refused. A header other than the one the given key writes is judged by the first chunk: when it
authenticates under the header this key would have written (same salt and chunk size), the key matches and the
header was changed in the file (damage, named by byte); otherwise the key id tells a wrong key.

The backup key is kept outside the database and outside the backups: ``DJANGO_BACKUP_KEY``, or
``var/backup_key`` made once with mode 600 at the first backup (not at every start of the web app,
which never needs it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.keys import key_from_env_or_file

MAGIC = b"ITAKUBAK"
VERSION = 1
KEY_ID_LENGTH = 8
SALT_LENGTH = 16
CHUNK_SIZE = 1024 * 1024
TAG_LENGTH = 16
HEADER = struct.Struct(f">{len(MAGIC)}sB{KEY_ID_LENGTH}s{SALT_LENGTH}sI")
RECORD = struct.Struct(">BI")
# A header naming a bigger chunk than this is not one of ours (and would let a forged file ask for memory).
MAX_CHUNK_SIZE = 16 * 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made, read or trusted; ``code`` names the kind for the audit trail."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def backup_key() -> str:
    """The backup key: DJANGO_BACKUP_KEY, or var/backup_key made once (mode 600, linked into place so
    two backups starting together never use two keys), as config/settings.py does for the other keys."""
    if settings.BACKUP_KEY and len(settings.BACKUP_KEY) < 32:
        raise ImproperlyConfigured("DJANGO_BACKUP_KEY needs at least 32 characters.")
    return settings.BACKUP_KEY or key_from_env_or_file("DJANGO_BACKUP_KEY", Path(settings.VAR_DIR), "backup_key",
                                                       min_length=32)


def key_id(key: str) -> bytes:
    return hmac.new(key.encode("utf-8"), b"itaku backup key id v1", hashlib.sha256).digest()[:KEY_ID_LENGTH]


def _file_key(key: str, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"itaku backup file key v1").derive(key.encode("utf-8"))


def _nonce(counter: int, final: bool) -> bytes:
    return struct.pack(">QxxxB", counter, 1 if final else 0)


class EncryptingWriter:
    """A write-only stream that encrypts into ``out`` chunk by chunk; ``close()`` writes the final chunk.

    ``sha256`` and ``size`` describe the encrypted bytes written, i.e. the backup file as it lies on disk.
    """

    def __init__(self, out, key: str, *, chunk_size: int = CHUNK_SIZE):
        salt = secrets.token_bytes(SALT_LENGTH)
        self._out = out
        self._chunk_size = chunk_size
        self._header = HEADER.pack(MAGIC, VERSION, key_id(key), salt, chunk_size)
        self._aead = AESGCM(_file_key(key, salt))
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        self._hash = hashlib.sha256()
        self.size = 0
        self._emit(self._header)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._hash.update(data)
        self.size += len(data)

    def _seal(self, plain: bytes, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, final), plain, self._header)
        self._emit(RECORD.pack(1 if final else 0, len(sealed)) + sealed)
        self._counter += 1

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed backup stream")
        self._buffer += data
        # A full chunk is sealed only once more data follows, so the last chunk can carry the final flag.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[:self._chunk_size]), final=False)
            del self._buffer[:self._chunk_size]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def _read_exactly(source, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        part = source.read(n - len(data))
        if not part:
            break
        data += part
    return bytes(data)


# Where each field of the header lies, for saying which one a changed byte belongs to.
HEADER_FIELDS = (("its format mark", 0, len(MAGIC)), ("its format version", len(MAGIC), len(MAGIC) + 1),
                 ("its key id", len(MAGIC) + 1, len(MAGIC) + 1 + KEY_ID_LENGTH))


def _first_chunk_authenticates(source, header: bytes, key: str, salt: bytes, chunk_size: int) -> bool:
    if not 0 < chunk_size <= MAX_CHUNK_SIZE:
        return False
    head = _read_exactly(source, RECORD.size)
    if len(head) < RECORD.size:
        return False
    flag, length = RECORD.unpack(head)
    if flag not in (0, 1) or not TAG_LENGTH <= length <= chunk_size + TAG_LENGTH:
        return False
    sealed = _read_exactly(source, length)
    try:
        AESGCM(_file_key(key, salt)).decrypt(_nonce(0, bool(flag)), sealed, header)
    except InvalidTag:
        return False
    return True


def _refuse_header(source, header: bytes, expected: bytes, key: str, *, magic: bytes, version: int):
    """Say what a header that is not the one this key writes means. Every chunk authenticates the whole
    header, so when the first chunk authenticates under the header this key would have written (same salt
    and chunk size), the key matches and the differing bytes were changed in the file: damage, named by
    byte and field. Otherwise the mark, the version or the key id decides, as before."""
    salt, chunk_size = HEADER.unpack(header)[3:]
    if _first_chunk_authenticates(source, expected, key, salt, chunk_size):
        changed = [at for at in range(HEADER.size) if header[at] != expected[at]]
        fields = [name for name, start, end in HEADER_FIELDS if any(start <= at < end for at in changed)]
        where = ", ".join(str(at) for at in changed)
        raise BackupError(f"the backup's header is damaged: byte{'s' if len(changed) > 1 else ''} {where} "
                          f"(counted from 0, in {' and '.join(fields)}) differ{'' if len(changed) > 1 else 's'} "
                          "from what this backup key writes, while the data authenticates under this key; the key "
                          "matches, the header was changed", code="damaged")
    if magic != MAGIC:
        raise BackupError("not a backup file of this app (its first bytes are not a backup header)",
                          code="not_a_backup")
    if version != VERSION:
        raise BackupError(f"backup format version {version} is not one this version of the app reads",
                          code="version")
    raise BackupError("the key does not match: this backup was made with another backup key (DJANGO_BACKUP_KEY "
                      "or var/backup_key), or its header is damaged beyond telling; give the key it was made with",
                      code="wrong_key")


class DecryptingReader:
    """Reads a backup file back: ``read(n)`` returns plaintext that has passed its chunk's tag, and
    raises :class:`BackupError` for a wrong key, a damaged chunk, a file cut short or bytes after the end."""

    def __init__(self, source, key: str):
        self._source = source
        header = _read_exactly(source, HEADER.size)
        if len(header) < HEADER.size:
            raise BackupError("not a backup file of this app (its first bytes are not a backup header)",
                              code="not_a_backup")
        magic, version, _kid, salt, chunk_size = HEADER.unpack(header)
        if header != (expected := HEADER.pack(MAGIC, VERSION, key_id(key), salt, chunk_size)):
            _refuse_header(source, header, expected, key, magic=magic, version=version)
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise BackupError("the backup's header is damaged (impossible chunk size)", code="damaged")
        self._header = header
        self._chunk_size = chunk_size
        self._aead = AESGCM(_file_key(key, salt))
        self._counter = 0
        self._finished = False
        self._buffer = b""
        self._offset = 0

    def _next_chunk(self) -> bytes | None:
        if self._finished:
            return None
        head = _read_exactly(self._source, RECORD.size)
        if len(head) < RECORD.size:
            raise BackupError(f"the backup is truncated: it ends after chunk {self._counter} without its final "
                              "chunk (an incomplete copy or a cut file)", code="truncated")
        flag, length = RECORD.unpack(head)
        if flag not in (0, 1) or not TAG_LENGTH <= length <= self._chunk_size + TAG_LENGTH:
            raise BackupError(f"the backup is damaged at chunk {self._counter + 1} (its record header is not "
                              "valid)", code="damaged")
        sealed = _read_exactly(self._source, length)
        if len(sealed) < length:
            raise BackupError(f"the backup is truncated inside chunk {self._counter + 1}", code="truncated")
        try:
            plain = self._aead.decrypt(_nonce(self._counter, bool(flag)), sealed, self._header)
        except InvalidTag:
            # The header's salt and chunk size are authenticated by every chunk, so a change there shows here.
            where = " or in the header's salt or chunk size" if self._counter == 0 else ""
            raise BackupError(f"the backup is damaged: chunk {self._counter + 1} fails its authentication tag "
                              f"(changed bytes{where}, or chunks moved or taken from another file)",
                              code="damaged") from None
        self._counter += 1
        if flag:
            self._finished = True
            if self._source.read(1):
                raise BackupError("the backup has bytes after its final chunk (appended or damaged)", code="damaged")
        return plain

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes of plaintext; ``b""`` only at the authenticated end."""
        while self._offset >= len(self._buffer):
            chunk = self._next_chunk()
            if chunk is None:
                return b""
            self._buffer, self._offset = chunk, 0
        part = self._buffer[self._offset:self._offset + n]
        self._offset += len(part)
        return part
