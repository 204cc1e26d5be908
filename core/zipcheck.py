"""Zip archives from outside (an XLSX, a DOCX) checked before anything reads them.

The limits the survey's XLSX reader (engagement.reading) has always applied, for any upload that is a
zip: at most :data:`MAX_ZIP_ENTRIES` entries, no more than ``max_uncompressed`` bytes when inflated,
no part that inflates more than :data:`MAX_COMPRESSION_RATIO` times once it matters
(:data:`RATIO_CHECKED_FROM`), no entry named by an absolute path, a drive, ``..`` or a nested archive
path, and every part inflated once as a stream, counting bytes: :mod:`zipfile` never returns more than
the declared size and checks the CRC at the end, so an archive that lies about its sizes fails here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable

# Worksheet XML compresses about 10:1; zip bombs reach 1000:1. Small parts (styles, themes) may be
# highly compressible without mattering, so the ratio is checked only where the size does.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ZIP_ENTRIES = 1000
_CHUNK = 1024 * 1024


class ZipRefused(Exception):
    """Why an archive is refused: ``code`` is "bad_zip", "zip_bomb", "unsafe_path" or "corrupt_zip"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def declared_sizes_ok(infos: Iterable[zipfile.ZipInfo], *, max_uncompressed: int) -> bool:
    """The sizes an archive declares stay within the limits (the cheap first check)."""
    infos = list(infos)
    if len(infos) > MAX_ZIP_ENTRIES:
        return False
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if declared > max_uncompressed or declared > MAX_COMPRESSION_RATIO * max(compressed, 1) + RATIO_CHECKED_FROM:
        return False
    return not any(info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
                   for info in infos)


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts
            or "\x00" in name)


def check(data: bytes, *, max_uncompressed: int,
          names_required: Callable[[set[str]], bool] | None = None) -> zipfile.ZipFile:
    """Open ``data`` as a zip and check it as described above; returns the open archive.

    ``names_required`` (the set of entry names → bool) says whether the archive is the kind expected
    (an XLSX holds ``xl/workbook.xml``); False refuses it as "bad_zip". Raises :class:`ZipRefused`.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ZipRefused("bad_zip") from None
    names = {info.filename for info in infos}
    if names_required is not None and not names_required(names):
        raise ZipRefused("bad_zip")
    if not declared_sizes_ok(infos, max_uncompressed=max_uncompressed):
        raise ZipRefused("zip_bomb")
    if any(_unsafe(info.filename) for info in infos):
        raise ZipRefused("unsafe_path")
    total = 0
    try:
        for info in infos:
            if info.is_dir():
                continue
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > max_uncompressed:
                        raise ZipRefused("zip_bomb")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise ZipRefused("corrupt_zip") from None
    return archive
