"""With the site in English, the import page speaks English, its template has English headers, and a file with the
ward's Japanese headers is read all the same."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from imports.kinds import CONTRACTS
from tests.factories import login_verified

from .helpers import CONTRACT_HEADERS, administrator, coded_section, contract_row, xlsx_bytes


def _preview(client, headers, row):
    response = client.post(reverse("imports:index"), {
        "kind": "contracts", "file": SimpleUploadedFile("a.xlsx", xlsx_bytes(headers, [row]))})
    return client.get(response["Location"]).content.decode()


def test_the_import_in_english_reads_japanese_and_english_headers(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    coded_section(world)
    login_verified(client, administrator(world))
    with translation.override("ja"):
        japanese = [str(c.header) for c in CONTRACTS.columns]
    with translation.override("en"):
        page = client.get(reverse("imports:index")).content.decode()
        assert "Bulk import" in page and "Upload and check" in page
        template = client.get(reverse("imports:template", kwargs={"kind": "contracts", "fmt": "xlsx"}))
        headers = [cell.value for cell in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
        assert "Section code" in headers and "年度" not in headers
        in_english = dict(zip(japanese, headers, strict=True))
        filled = {in_english[key]: value for key, value in contract_row(2).items() if key in in_english}
        assert "Every row was checked. Importing creates 1 and updates 0" in _preview(client, headers, filled)
        assert "Every row was checked. Importing creates 1 and updates 0" in _preview(
            client, CONTRACT_HEADERS, contract_row(1))
