"""An export whose answer columns share a header (職員番号,満足度,満足度): the reader and the mapping name the
second one alike, the pages answer, and no header or cell reaches the server log."""

import logging

import pytest

from engagement.mapping import guess_mapping
from engagement.models import SurveyUpload
from engagement.reading import read_table
from engagement.synthetic import csv_bytes
from tests.engagement import web

pytestmark = pytest.mark.django_db

HEADERS = ["職員番号", "満足度", "", "満足度"]


def _survey() -> bytes:
    return csv_bytes(HEADERS, [[str(30001 + i), str(1 + i % 5), str(1 + (i * 2) % 5), "x"] for i in range(12)],
                     encoding="utf-8")


def test_the_reader_and_the_mapping_name_a_duplicate_header_alike():
    table = read_table(_survey(), "回答.csv")
    mapping = guess_mapping(table.headers)

    assert table.headers == ["職員番号", "満足度", "(見出しなし C列)", "満足度(D列)"]
    assert [spec.header for spec in mapping.columns] == table.headers
    # Every column of the mapping is one of the table's.
    for spec in mapping.columns:
        table.column(spec.header)


def test_an_upload_with_duplicate_headers_gives_pages_and_logs_no_header(client_as, world, caplog):
    client = client_as(world.hr)
    caplog.set_level(logging.DEBUG)

    response = client.post(web.url("upload", world.contract), web.files(survey=_survey(), master=False))
    assert response.status_code == 302
    upload = SurveyUpload.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "満足度" in page.content.decode()
    response = client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    assert response.status_code == 302, response.content.decode()[-500:]
    assert client.get(response["Location"]).status_code == 200

    logged = "\n".join(record.getMessage() + str(record.exc_info or "") for record in caplog.records)
    assert "満足度" not in logged
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
