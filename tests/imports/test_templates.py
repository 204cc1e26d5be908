"""Each kind's blank template: the header row the import reads, and nothing else on the first sheet; filled in,
it imports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import Organisation
from imports.kinds import KINDS
from tests.factories import login_verified

from .helpers import administrator


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_blank_templates_hold_the_columns_of_their_kind(client, world, kind):
    login_verified(client, administrator(world))
    expected = [str(c.header) for c in KINDS[kind].columns]
    response = client.get(reverse("imports:template", kwargs={"kind": kind, "fmt": "xlsx"}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="import-{kind}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    assert [cell.value for cell in first[1]] == expected
    assert first.max_row == 1
    example = workbook.worksheets[1]
    assert [cell.value for cell in example[1]] == expected
    response = client.get(reverse("imports:template", kwargs={"kind": kind, "fmt": "csv"}))
    assert response.content.decode("utf-8-sig").strip().split(",") == expected


def test_the_units_template_filled_in_imports(client, world):
    login_verified(client, administrator(world))
    response = client.get(reverse("imports:template", kwargs={"kind": "units", "fmt": "xlsx"}))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    sheet.append(["hoken", "健康部", "部", None])
    sheet.append(["hoken-eisei", "衛生課", "課", "hoken"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("imports:index"), {
        "kind": "units", "file": SimpleUploadedFile("組織.xlsx", buffer.getvalue())})
    assert client.post(response["Location"]).status_code == 302
    assert Organisation.objects.get(code="hoken-eisei").parent.name == "健康部"


def test_an_unknown_kind_or_format_is_not_found(client, world):
    login_verified(client, administrator(world))
    assert client.get(reverse("imports:template", kwargs={"kind": "people", "fmt": "xlsx"})).status_code == 404
    assert client.get(reverse("imports:template", kwargs={"kind": "units", "fmt": "pdf"})).status_code == 404
