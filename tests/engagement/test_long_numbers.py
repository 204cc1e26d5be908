"""An answer cell holding a whole number longer than Python converts (4,300 digits) is read as text:
the upload is taken and HR is asked to map the columns, instead of a 500 from guessing the answers' scale."""

import pytest

from engagement.mapping import Mapping
from engagement.models import SurveyUpload
from engagement.synthetic import csv_bytes
from tests.engagement import web

pytestmark = pytest.mark.django_db


def test_an_answer_of_five_thousand_digits_is_free_text_not_a_500(client_as, world):
    rows = web.survey_rows()
    rows[0][5] = "9" * 5000
    client = client_as(world.hr)
    response = client.post(web.url("upload", world.contract),
                           web.files(csv_bytes(web.SURVEY_HEADERS, rows, encoding="cp932")))
    assert response.status_code == 302
    upload = SurveyUpload.objects.get()
    assert response["Location"] == web.url("mapping", world.contract, pk=upload.pk)
    spec = next(s for s in Mapping.from_json(upload.mapping).columns if s.header == web.SURVEY_HEADERS[5])
    # The other 39 answers still set the scale; the long one falls outside it for HR to see.
    assert spec.allowed_label == "1〜5"
    assert client.get(response["Location"]).status_code == 200
