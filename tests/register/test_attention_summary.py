"""With 「対応が必要な契約だけ」, the council's summary (on the page and on the export's second sheet, which says it is
filtered so) counts the same contracts as the table, not every contract of the year."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts.services import contract_create
from tests.register.helpers import _fields

pytestmark = pytest.mark.django_db


def test_the_summary_counts_only_the_contracts_needing_attention(world, client_as):
    contract_create(actor=world.hr, slug="far-ahead", ward_section=world.ward, contractor=world.contractor,
                    **{**_fields(), "title": "来年度の契約", "fiscal_year": 2099, "start_date": dt.date(2099, 4, 1),
                       "end_date": dt.date(2100, 3, 31)})
    client = client_as(world.privacy)
    assert client.get(reverse("register:list"), {"fiscal_year": 2099}).context["summary"].contracts == 1
    response = client.get(reverse("register:list"), {"fiscal_year": 2099, "needs_attention": "on"})
    assert response.context["rows"] == []  # nothing of 2099 needs attention yet
    assert response.context["summary"].contracts == 0
    assert response.context["summary"].people == 0
    export = client.get(reverse("register:export"), {"fiscal_year": 2099, "needs_attention": "on"})
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[1]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["委託契約の件数", "0件"] in cells, cells
