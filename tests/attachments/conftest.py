"""Evidence files attached to contracts.Contract, registered for a test (tests.attachments.helpers)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments import registry
from contracts.models import Contract
from tests.attachments.helpers import register_contract

# The smallest files of each accepted kind, as their programs begin them.
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
# A phone's photo: JPEG with an Exif APP1 segment (camera, GPS), kept as it came.
JPEG = b"\xff\xd8\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00" + b"\xff\xdb" + b"\x10" * 64 + b"\xff\xd9"


def office(kind: str = "xlsx", extra: dict | None = None) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<w/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(data: bytes, name: str = "資料.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def target(world):
    """Contract A as a record that holds files (registered for this test only)."""
    register_contract(world)
    yield world.contract
    registry.unregister(Contract)
