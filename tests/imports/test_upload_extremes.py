"""The upload form with extreme values, as tests/test_bounds_walk.py does for the forms the matrix's roles reach:
never a 5xx, a Japanese message at the field, and nothing kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.views import PENDING
from tests.factories import login_verified

from .helpers import administrator

BIG = "9223372036854775808"


@pytest.mark.parametrize("data", [
    {"kind": BIG},
    {"kind": "あ" * 10_000},
    {"kind": "contracts"},
    {},
])
def test_the_upload_form_refuses_extreme_values(client, world, data):
    login_verified(client, administrator(world))
    if data.get("kind") != "contracts":
        data = {**data, "file": SimpleUploadedFile("a.csv", "件名\nA\n".encode())}
    response = client.post(reverse("imports:index"), data)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert PENDING not in client.session


def test_a_preview_of_a_file_not_uploaded_sends_back_to_the_upload(client, world):
    login_verified(client, administrator(world))
    response = client.post(reverse("imports:preview", kwargs={"digest": "f" * 64}))
    assert response.status_code == 302 and response["Location"] == reverse("imports:index")
