"""Limits on size and type, the type judged by the content (issue 16, 5: "limits on size and type (PDF,
images, XLSX/DOCX checked like the survey's zip checks)"). A refused file leaves nothing behind."""

import io
import zipfile

import pytest
from django.conf import settings

from attachments import services, storage
from attachments.models import EvidenceFile
from audit.models import AuditEntry
from core.errors import DomainError
from tests.attachments.conftest import JPEG, PDF, PNG, office, upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _nothing_written():
    assert not EvidenceFile.objects.exists()
    assert not storage.vault.stored_names()
    assert not AuditEntry.objects.filter(action="evidence.file.attached").exists()


def _refused(target, world, data, name="資料.pdf") -> DomainError:
    with pytest.raises(DomainError) as refused:
        services.attach(target=target, upload=upload(data, name), actor=world.manager)
    _nothing_written()
    return refused.value


@pytest.mark.parametrize(("data", "name", "media_type"), [
    (PDF, "scan.pdf", "application/pdf"), (PNG, "screen.png", "image/png"), (JPEG, "IMG_0001.HEIC.jpg", "image/jpeg"),
    (office("xlsx"), "ログ分析.xlsx", XLSX),
    (office("docx"), "報告.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_pdf_images_and_office_files_are_accepted_as_they_are(target, world, data, name, media_type):
    file = services.attach(target=target, upload=upload(data, name), actor=world.manager)
    assert file.media_type == media_type and services.read(file, actor=world.hr) == data


def test_a_phone_photo_named_otherwise_is_judged_by_its_content(target, world):
    file = services.attach(target=target, upload=upload(JPEG, "写真", "application/octet-stream"), actor=world.manager)
    assert file.media_type == "image/jpeg" and file.name == "写真.jpg"


def test_an_empty_file_is_refused(target, world):
    assert _refused(target, world, b"").code == "empty"


def test_a_file_over_the_limit_is_refused_with_the_limit(target, world, settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 1024
    error = _refused(target, world, PDF + b"0" * 1024)
    assert error.code == "too_large" and "上限1 KB" in error.message


@pytest.mark.parametrize("data", [
    b"<html><script>alert(1)</script></html>", b"MZ\x90\x00 an exe", b"GIF89a....", b"%!PS-Adobe postscript",
    b"\x00" * 100,
])
def test_a_file_whose_content_is_not_an_accepted_kind_is_refused_whatever_its_name(target, world, data):
    error = _refused(target, world, data, "報告書.pdf")
    assert error.code == "type" and "PDF" in error.message and error.field == "file"


def test_a_zip_that_is_not_an_office_file_is_refused(target, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    assert _refused(target, world, buffer.getvalue(), "資料.xlsx").code == "type"


def test_a_zip_bomb_dressed_as_xlsx_is_refused(target, world):
    bomb = office("xlsx", {"xl/worksheets/sheet1.xml": b"<x/>" + b" " * (30 * 1024 * 1024)})
    assert len(bomb) < settings.EVIDENCE_MAX_FILE_SIZE
    error = _refused(target, world, bomb, "ログ.xlsx")
    assert error.code == "zip_bomb" and "圧縮爆弾" in error.message


def test_an_xlsx_with_a_path_out_of_the_archive_is_refused(target, world):
    assert _refused(target, world, office("xlsx", {"../../etc/evil": b"x"}), "a.xlsx").code == "unsafe_path"


def test_a_truncated_xlsx_is_refused(target, world):
    data = office("xlsx", {"xl/worksheets/sheet1.xml": b"<sheet>" + bytes(range(256)) * 200 + b"</sheet>"})
    broken = data[:200] + data[400:]
    assert _refused(target, world, broken, "a.xlsx").code in {"corrupt", "type"}


def test_someone_who_may_not_attach_is_refused_before_anything_is_read(target, world):
    with pytest.raises(DomainError):
        services.attach(target=target, upload=upload(PDF), actor=world.auditor)
    _nothing_written()
