"""Uploading the LoGo フォーム export and the HR master: read in memory, kept encrypted, or refused with a
Japanese message at the field and nothing kept."""

import os
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from audit.models import AuditEntry
from engagement import crypto
from engagement.models import SurveyUpload
from engagement.synthetic import xlsx_bytes
from tests.engagement import web
from tests.engagement.helpers import replace_part, sparse_max_xlsx, zip_bytes

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _zip_bomb() -> bytes:
    sheet = b"<worksheet>" + b"<row>" * 1 + b" " * (50 * 1024 * 1024) + b"</worksheet>"
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": sheet})


def _entity_bomb() -> bytes:
    workbook = xlsx_bytes(web.SURVEY_HEADERS, web.survey_rows())
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
           b"<sst>&lol2;</sst>")
    return replace_part(workbook, "xl/sharedStrings.xml", lol)


def _state(settings):
    return (list(SurveyUpload.objects.values_list("pk", flat=True)),
            sorted(os.listdir(settings.SURVEY_DATA_DIR)) if os.path.isdir(settings.SURVEY_DATA_DIR) else [],
            AuditEntry.objects.count())


def test_hr_uploads_a_cp932_export_and_a_master_and_is_asked_to_map_the_columns(client_as, world):
    client = client_as(world.hr)
    response = client.post(web.url("upload", world.contract), web.files())
    upload = SurveyUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == web.url("mapping", world.contract, pk=upload.pk)
    assert (upload.survey_rows, upload.survey_columns, upload.master_rows) == (40, 9, 40)
    assert upload.survey_format == "CSV（Shift_JIS（CP932））"
    page = client.get(response["Location"]).content.decode()
    # The roles guessed from the headers are offered for HR to confirm; 髙﨑 survived CP932.
    assert "髙﨑" in page
    assert '<option value="drop" selected>' in page
    assert AuditEntry.objects.filter(action="engagement.upload.received").count() == 1


def test_the_upload_page_answers_at_the_field_for_each_bad_file(client_as, world, settings):
    client = client_as(world.hr)
    settings.UPLOAD_MAX_FILE_SIZE = 100 * 1024
    too_big = web.survey_bytes() * (100 * 1024 // len(web.survey_bytes()) + 2)
    before = _state(settings)
    cases = [
        ("survey", SimpleUploadedFile("回答.csv", _png()), "PNGファイルで、CSVやExcel（.xlsx）ではありません"),
        ("survey", SimpleUploadedFile("回答.xlsx", _zip_bomb()), "圧縮爆弾のおそれ"),
        ("survey", SimpleUploadedFile("回答.xlsx", _entity_bomb()), "DTD・エンティティ"),
        ("survey", SimpleUploadedFile("回答.csv", too_big), "ファイルが大きすぎます"),
        ("survey", SimpleUploadedFile("回答.csv", b""), "ファイルは空です"),
        ("master", SimpleUploadedFile("職員属性.csv", _png()), "PNGファイル"),
    ]
    for field, upload, message in cases:
        data = web.files()
        data[field] = upload
        response = client.post(web.url("upload", world.contract), data)
        assert response.status_code == 400, (field, message)
        errors = response.context["form"].errors
        assert any(message in e for e in errors.get(field, [])), (field, message, errors)
        # Nothing kept: no row, no file, no audit entry.
        assert _state(settings) == before, (field, message)


@pytest.mark.parametrize("field", ["survey", "master"])
def test_sparse_max_xlsx_is_refused_at_its_field_and_nothing_is_kept(client_as, world, settings, field):
    client = client_as(world.hr)
    before = _state(settings)
    data = web.files()
    data[field] = SimpleUploadedFile("sparse_max.xlsx", sparse_max_xlsx())

    response = client.post(web.url("upload", world.contract), data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any("Excelのシートの範囲（A1:XFD1048576）が読み込める大きさを超えています" in e
               for e in errors.get(field, [])), errors
    assert _state(settings) == before


def test_a_file_over_the_limit_is_never_written_to_a_temporary_file(client_as, world, settings, monkeypatch):
    # Django's own handlers spool a large request body to a plain-text temporary file before any view runs.
    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", refuse)
    settings.UPLOAD_MAX_FILE_SIZE = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client = client_as(world.hr)
    big = web.survey_bytes() * 30
    assert 64 * 1024 < len(big) < 64 * 1024 + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(web.url("upload", world.contract), web.files(survey=big))
    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.context["form"].errors["survey"][0]
    # Within the limit the same request is read from memory and kept, encrypted.
    response = client.post(web.url("upload", world.contract), web.files())
    assert response.status_code == 302


def test_the_stored_files_are_the_encrypted_uploads_and_nothing_else(client_as, world, settings):
    client_as(world.hr).post(web.url("upload", world.contract), web.files())
    upload = SurveyUpload.objects.get()
    assert sorted(os.listdir(settings.SURVEY_DATA_DIR)) == sorted(
        [f"{upload.survey_blob}.bin", f"{upload.master_blob}.bin"])
    assert crypto.load(upload.survey_blob, purpose=crypto.UPLOAD) == web.survey_bytes()


def test_a_second_upload_replaces_the_one_in_progress(client_as, world, settings, django_capture_on_commit_callbacks):
    client = client_as(world.hr)
    client.post(web.url("upload", world.contract), web.files())
    first = SurveyUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(web.url("upload", world.contract), web.files(master=False))
    first.refresh_from_db()
    assert first.state == SurveyUpload.State.PURGED and first.purge_reason == "replaced"
    assert not first.survey_blob and not first.master_blob
    second = SurveyUpload.objects.exclude(pk=first.pk).get()
    assert sorted(os.listdir(settings.SURVEY_DATA_DIR)) == [f"{second.survey_blob}.bin"]


@pytest.mark.parametrize("role", ["manager", "handler", "auditor"])
def test_the_contractor_and_the_auditor_get_nothing_of_the_survey(client_as, world, role):
    client = client_as(world.user(role))
    assert client.get(web.url("index", world.contract)).status_code == 403
    assert client.post(web.url("upload", world.contract), web.files()).status_code == 403
    assert not SurveyUpload.objects.exists()
    # And the contract page does not offer the survey to them.
    assert "調査データ" not in client.get(f"/contracts/{world.contract.slug}/").content.decode()


def test_the_contract_page_links_hr_to_the_survey(client_as, world):
    page = client_as(world.hr).get(f"/contracts/{world.contract.slug}/").content.decode()
    assert web.url("index", world.contract) in page
