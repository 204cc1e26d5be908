"""Numbers HR cannot see coming: an answer cell longer than Python converts (4,300 digits) is read as text:
the upload is taken and HR is asked to map the columns, instead of a 500 from guessing the answers' scale."""

import pytest

from engagement import services
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
    spec = next(s for s in services.upload_mapping(upload).columns if s.header == web.SURVEY_HEADERS[5])
    # The other 39 answers still set the scale; the long one falls outside it for HR to see.
    assert spec.allowed_label == "1〜5"
    assert client.get(response["Location"]).status_code == 200


def test_a_choice_that_is_a_digit_but_no_number_builds_the_package(client_as, world):
    # 「፩」 (Ethiopic one) passes str.isdigit() but int() refuses it: building the package was a 500.
    from engagement.forms import SCHEME_PER_PACKAGE
    from engagement.models import SurveyPackage
    from handover.models import MediumKind

    upload = web.uploaded(world)
    data = web.mapping_post(upload)
    first_scale = next(name for name, value in data.items() if name.startswith("allowed_") and value == "1〜5")
    data[first_scale] = "1／2／3／4／5／፩"
    client = client_as(world.hr)
    assert client.post(web.url("mapping", world.contract, pk=upload.pk), data).status_code == 302
    upload = web.with_age_bands(world, SurveyUpload.objects.get(purged_at__isnull=True))
    kind, _ = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    response = client.post(web.url("build", world.contract, pk=upload.pk), {
        "medium_kind": kind.pk, "medium_label": "CD-2026-009", "pseudonyms": SCHEME_PER_PACKAGE})
    assert response.status_code == 200
    assert SurveyPackage.objects.filter(contract=world.contract).count() == 1
