"""The checklist XLSX writes attestation and review times as real dates shown in the Japanese era
(issue 7, B.18), so the audit office sorts and filters them in Excel or LibreOffice."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from checklist import exports, services
from checklist.models import Side
from core.spreadsheet import WAREKI_DATE_FORMAT, WAREKI_DATETIME_FORMAT
from tests.checklist.helpers import accept_all, attest_side, finalise_plan

pytestmark = pytest.mark.django_db


def test_attested_and_reviewed_times_are_era_formatted_dates(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    accept_all(world, Side.CONTRACTOR)
    _name, _type, content = exports.checklist_xlsx(world.contract, "contractor")
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in ws[exports.HEADER_ROW]]
    attested, reviewed = header.index("記入日時") + 1, header.index("確認日") + 1
    first = exports.HEADER_ROW + 1
    while not ws.cell(row=first, column=4).value:
        first += 1
    attested_cell, reviewed_cell = ws.cell(row=first, column=attested), ws.cell(row=first, column=reviewed)
    assert isinstance(attested_cell.value, dt.datetime) and attested_cell.number_format == WAREKI_DATETIME_FORMAT
    assert isinstance(reviewed_cell.value, dt.datetime) and reviewed_cell.number_format == WAREKI_DATE_FORMAT
    assert reviewed_cell.value.date() == timezone.localdate()
