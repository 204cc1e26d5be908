"""SHA-256 on receipt (issue 7, B.16): the recipient computes the hash from the disc; the app compares.

「The expected hash is printed in full above an optional field, so pasting it or skipping it both end in
『SHA-256一致』.」 Now the expected value is not shown before entry, a medium's hash is required (or
「計算できない」 with a reason the ledger shows), the field fits 64 characters, and the page shows the
commands for Windows and macOS.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.errors import DomainError

from .conftest import DISC_SHA256, acknowledge, deliver, give_back, snapshot

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(f"handover:{name}", kwargs={"slug": world.contract.slug, **kwargs})


def test_no_one_sees_the_expected_hash_while_the_disc_travels(client_as, world, disc):
    # Before the delivery, the contractor's people do not see it either; the ward does.
    assert DISC_SHA256 not in client_as(world.handler).get(url("item_detail", world, pk=disc.pk)).content.decode()
    assert DISC_SHA256 in client_as(world.hr).get(url("item_detail", world, pk=disc.pk)).content.decode()
    handover = deliver(world, [disc])
    for person in (world.handler, world.manager, world.hr, world.auditor):
        client = client_as(person)
        for page in (url("handover_detail", world, pk=handover.pk), url("item_detail", world, pk=disc.pk),
                     url("items", world), url("ledger", world)):
            assert DISC_SHA256 not in client.get(page).content.decode(), (person.username, page)
    acknowledge(handover, world.handler)
    assert DISC_SHA256 in client_as(world.handler).get(url("handover_detail", world, pk=handover.pk)).content.decode()


def test_skipping_the_hash_is_refused(world, disc):
    handover = deliver(world, [disc])
    before = snapshot()
    with pytest.raises(DomainError) as info:
        acknowledge(handover, world.handler, hashes={})
    assert info.value.code == "hash_missing" and info.value.field == f"sha256_{disc.pk}"
    assert snapshot() == before


def test_a_malformed_hash_is_refused_without_a_mismatch_record(world, disc):
    handover = deliver(world, [disc])
    with pytest.raises(DomainError) as info:
        acknowledge(handover, world.handler, hashes={disc.pk: DISC_SHA256[:40]})
    assert info.value.code == "bad_hash"
    assert not AuditEntry.objects.filter(action="handover.hash_mismatch").exists()


def test_cannot_compute_needs_a_reason_which_the_ledger_shows(client_as, world, disc):
    handover = deliver(world, [disc])
    with pytest.raises(DomainError) as info:
        acknowledge(handover, world.handler, not_computed={disc.pk: "  "})
    assert info.value.code == "hash_missing"
    acknowledge(handover, world.handler, not_computed={disc.pk: "受領場所にディスクを読めるパソコンがない"})
    line = handover.lines.get()
    assert line.hash_verified is None and line.hash_not_computed_reason == "受領場所にディスクを読めるパソコンがない"
    shown = "（CD-001 SHA-256計算できない・理由: 受領場所にディスクを読めるパソコンがない）"
    client = client_as(world.auditor)
    assert shown in client.get(url("ledger", world)).content.decode()
    assert "受領場所にディスクを読めるパソコンがない" in client.get(
        url("handover_detail", world, pk=handover.pk)).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url("ledger_export", world, fmt="xlsx")).content)).active
    assert sheet.cell(row=6, column=12).value == f"山田 美咲{shown}"
    assert "SHA-256一致" not in sheet.cell(row=6, column=12).value
    assert AuditEntry.objects.get(action="handover.acknowledged").payload["sha256_not_computed"] == {
        "CD-001": "受領場所にディスクを読めるパソコンがない"}


def test_the_form_requires_a_hash_or_a_reason_at_the_field(client_as, world, disc):
    handover = deliver(world, [disc])
    client = client_as(world.handler)
    target = url("handover_acknowledge", world, pk=handover.pk)
    response = client.post(target, {"time_confirmed": "on"})
    assert response.status_code == 400
    assert response.context["ack_form"].errors[f"sha256_{disc.pk}"]
    response = client.post(target, {"time_confirmed": "on", f"not_computed_{disc.pk}": "on"})
    assert response.context["ack_form"].errors[f"not_computed_reason_{disc.pk}"] == ["計算できない理由を入力してください。"]
    response = client.post(target, {"time_confirmed": "on", f"not_computed_{disc.pk}": "on",
                                    f"sha256_{disc.pk}": DISC_SHA256, f"not_computed_reason_{disc.pk}": "x"})
    assert response.context["ack_form"].errors[f"sha256_{disc.pk}"]
    handover.refresh_from_db()
    assert handover.is_in_transit
    # certutil on older Windows prints the bytes with spaces: still 64 digits once they are taken out.
    spaced = " ".join(DISC_SHA256[i:i + 2] for i in range(0, 64, 2)).upper()
    assert client.post(target, {"time_confirmed": "on", f"sha256_{disc.pk}": spaced}).status_code == 302
    assert handover.lines.get().hash_verified is True


def test_the_field_fits_64_characters_and_the_page_shows_both_commands(client_as, world, disc):
    handover = deliver(world, [disc])
    page = client_as(world.handler).get(url("handover_detail", world, pk=handover.pk)).content.decode()
    assert f'name="sha256_{disc.pk}"' in page
    field = page[page.index(f'name="sha256_{disc.pk}"') - 300:page.index(f'name="sha256_{disc.pk}"') + 300]
    assert 'size="64"' in field and "hash-input" in field
    assert 'certutil -hashfile "D:\\engagement.xlsx" SHA256' in page
    assert 'shasum -a 256 "/Volumes/ディスク名/engagement.xlsx"' in page


def test_a_returned_disc_is_checked_by_the_ward_the_same_way(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    returned = give_back(world, [disc])
    with pytest.raises(DomainError) as info:
        acknowledge(returned, world.hr, hashes={})
    assert info.value.code == "hash_missing"
    acknowledge(returned, world.hr)
    assert returned.lines.get().hash_verified is True
