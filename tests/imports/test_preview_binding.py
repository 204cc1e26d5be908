"""The confirmation imports exactly the file that was previewed: its rows wait in the session under the file's
SHA-256, the address carries only that digest, and a later upload replaces them."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import Contract
from imports.views import PENDING
from tests.factories import login_verified

from .helpers import CONTRACT_HEADERS, administrator, coded_section, contract_row, xlsx_bytes


def _upload(client, data):
    return client.post(reverse("imports:index"), {"kind": "contracts", "file": SimpleUploadedFile("a.xlsx", data)})


def test_the_preview_is_bound_to_the_last_file_uploaded(client, world):
    coded_section(world)
    login_verified(client, administrator(world))
    first = xlsx_bytes(CONTRACT_HEADERS, [contract_row(1)])
    second = xlsx_bytes(CONTRACT_HEADERS, [contract_row(2), contract_row(3)])
    first_url = _upload(client, first)["Location"]
    assert first_url == reverse("imports:preview", kwargs={"digest": hashlib.sha256(first).hexdigest()})
    second_url = _upload(client, second)["Location"]
    assert client.session[PENDING]["digest"] == hashlib.sha256(second).hexdigest()
    count = Contract.objects.count()
    stale = client.post(first_url)
    assert stale.status_code == 302 and stale["Location"] == reverse("imports:index")
    assert Contract.objects.count() == count
    assert client.post(second_url).status_code == 302
    assert set(Contract.objects.values_list("title", flat=True)[:1000]) >= {"調査分析業務委託その2", "調査分析業務委託その3"}
    assert not Contract.objects.filter(title="調査分析業務委託その1").exists()
    assert PENDING not in client.session
    # Confirmed once: the same address imports nothing a second time.
    again = client.post(second_url)
    assert again.status_code == 302 and Contract.objects.count() == count + 2


def test_another_administrators_session_does_not_hold_the_file(client, world):
    from django.test import Client

    coded_section(world)
    login_verified(client, administrator(world))
    url = _upload(client, xlsx_bytes(CONTRACT_HEADERS, [contract_row(1)]))["Location"]
    other = login_verified(Client(), administrator(world, username="kanri_other"))
    count = Contract.objects.count()
    assert other.post(url)["Location"] == reverse("imports:index")
    assert Contract.objects.count() == count
