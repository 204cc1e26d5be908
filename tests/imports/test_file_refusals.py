"""A file that is not a CSV or an XLSX, or that would cost unbounded memory to read, is refused in Japanese at the
file field, and nothing is kept (no pending preview, no row written)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import reading
from imports.views import PENDING
from tests.factories import login_verified

from .helpers import CONTRACT_HEADERS, administrator, contract_row, xlsx_bytes


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "words"), [
    ("report.pdf", b"%PDF-1.7\n...", "CSV（.csv）またはExcel（.xlsx）のファイルを選んでください。"),
    ("契約.xlsx", b"just some text, not a workbook", "Excel（.xlsx）ファイルとして読めません。"),
    ("契約.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "古い形式（.xls）"),
    ("契約.csv", "件名\n".encode() + b"\x81\xff\xfe\xfd" * 4, "文字コードを判別できません。"),
    ("契約.csv", b"", "空です"),
])
def test_what_is_not_a_table_is_refused_at_the_file_field(client, world, name, data, words):
    login_verified(client, administrator(world))
    response = client.post(reverse("imports:index"), {"kind": "contracts", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert PENDING not in client.session


def test_a_zip_bomb_is_refused_before_anything_parses_it(client, world):
    data = _zip_bomb()
    assert len(data) < 1024 * 1024
    login_verified(client, administrator(world))
    response = client.post(reverse("imports:index"), {"kind": "contracts",
                                                      "file": SimpleUploadedFile("契約.xlsx", data)})
    assert response.status_code == 400
    assert "圧縮爆弾" in response.content.decode()
    assert PENDING not in client.session


def test_a_file_over_the_upload_limit_is_refused(client, world, settings):
    settings.UPLOAD_MAX_FILE_SIZE = 2000
    login_verified(client, administrator(world))
    data = xlsx_bytes(CONTRACT_HEADERS, [contract_row(n) for n in range(30)])
    assert len(data) > 2000
    response = client.post(reverse("imports:index"), {"kind": "contracts", "file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.content.decode()


def test_a_sheet_declaring_a_cell_at_the_far_corner_is_read_within_its_bounds():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["件名"])
    ws.append(["A"])
    ws.cell(row=1, column=16384, value="far")
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = reading.read_sheet(buffer.getvalue(), "a.xlsx")
    assert sheet.headers == ["件名"] and sheet.rows == [["A"]] and sheet.numbers == [2]


def test_too_many_rows_are_refused_with_the_limit(client, world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    login_verified(client, administrator(world))
    data = xlsx_bytes(CONTRACT_HEADERS, [contract_row(n) for n in range(6)])
    response = client.post(reverse("imports:index"), {"kind": "contracts", "file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 400
    assert "行数が多すぎます（上限5行）。ファイルを分けて取り込んでください。" in response.content.decode()
