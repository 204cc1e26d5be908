"""Someone who can write to the database but does not hold DATA_KEY cannot make one evidence file's row
serve another's bytes: each file is sealed to its row (target's content type and id, slot, version,
SHA-256, contract, organisation), so a row whose token and SHA-256 were swapped with another's, that was
moved to another record, or whose version was changed, no longer opens. The download answers with the
error page (410), never a 500 and never the bytes; a refused read is not a download (no
evidence.file.downloaded entry) but is on the trail as evidence.file.unreadable."""

import hashlib

import pytest
from django.urls import reverse

from attachments import services, storage
from attachments.models import EvidenceFile
from audit.models import AuditEntry
from core.sealing import StoredDataError
from tests.attachments.conftest import JPEG, PDF, upload

TAMPERED = "壊れているか、書き換えられています"
SECRET_B = PDF + "委託先Bの誓約書".encode()


def _reload(file):
    return EvidenceFile.objects.select_related("content_type").get(pk=file.pk)


def _refused(file, user, client_as):
    with pytest.raises(StoredDataError) as refused:
        services.read(_reload(file), actor=user)
    assert refused.value.code == "tampered" and TAMPERED in refused.value.message
    response = client_as(user).get(reverse("attachments:download", args=[file.pk]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "添付資料を読み出せません" in page and TAMPERED in page
    return response


def _swap(a, b):
    """What a database writer without the key can do: exchange the two rows' token and SHA-256."""
    EvidenceFile.objects.filter(pk=a.pk).update(token="swapping")
    EvidenceFile.objects.filter(pk=b.pk).update(token=a.token, sha256=a.sha256)
    EvidenceFile.objects.filter(pk=a.pk).update(token=b.token, sha256=b.sha256)


def test_swapping_two_rows_tokens_and_sha256_across_contracts_opens_neither(client_as, target, world):
    mine = services.attach(target=world.contract, upload=upload(PDF), actor=world.manager)
    theirs = services.attach(target=world.other_contract, upload=upload(SECRET_B), actor=world.hr)
    _swap(mine, theirs)
    # Contract A's manager asks for A's file, whose row now names B's stored file: refused, B's bytes never sent.
    response = _refused(mine, world.manager, client_as)
    assert SECRET_B not in response.content and PDF not in response.content
    response = _refused(theirs, world.hr, client_as)
    assert PDF not in response.content
    assert not AuditEntry.objects.filter(action="evidence.file.downloaded").exists()
    unreadable = AuditEntry.objects.filter(action="evidence.file.unreadable")
    assert unreadable.count() == 4  # two service reads and two page loads
    assert {e.payload["reason"] for e in unreadable} == {"tampered"}
    assert {e.payload["file"] for e in unreadable} == {mine.pk, theirs.pk}
    page = client_as(world.auditor).get(reverse("audit:log")).content.decode()
    assert "添付資料を読み出せず（ダウンロードなし）" in page and "記録が書き換えられています" in page


def test_a_row_moved_to_another_record_does_not_open(client_as, target, world):
    file = services.attach(target=world.contract, upload=upload(PDF), actor=world.manager)
    EvidenceFile.objects.filter(pk=file.pk).update(object_id=world.other_contract.pk)
    _refused(file, world.hr, client_as)
    # Moved with its contract and organisation too: still refused.
    EvidenceFile.objects.filter(pk=file.pk).update(contract=world.other_contract,
                                                   organisation=world.other_contractor)
    _refused(file, world.hr, client_as)


def test_a_changed_version_or_slot_or_sha256_does_not_open(client_as, target, world):
    first = services.attach(target=target, upload=upload(PDF), actor=world.manager)
    services.attach(target=target, upload=upload(JPEG, "photo.jpg", "image/jpeg"), actor=world.manager)
    EvidenceFile.objects.filter(pk=first.pk).update(version=7)
    _refused(first, world.manager, client_as)
    EvidenceFile.objects.filter(pk=first.pk).update(version=1, slot="certificate")
    _refused(first, world.manager, client_as)
    EvidenceFile.objects.filter(pk=first.pk).update(slot="", sha256=hashlib.sha256(b"other").hexdigest())
    _refused(first, world.manager, client_as)
    # Put back as it was written, it opens again: the binding is the row's values, not the row's pk.
    EvidenceFile.objects.filter(pk=first.pk).update(sha256=first.sha256)
    assert services.read(_reload(first), actor=world.manager) == PDF


def test_an_untouched_file_still_reads_and_is_sealed_to_its_row(client_as, target, world):
    file = services.attach(target=target, upload=upload(PDF), actor=world.manager, slot="certificate")
    response = client_as(world.manager).get(reverse("attachments:download", args=[file.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert AuditEntry.objects.filter(action="evidence.file.downloaded").count() == 1
    assert not AuditEntry.objects.filter(action="evidence.file.unreadable").exists()
    # Sealed to the row: the token and purpose alone do not open it.
    with pytest.raises(StoredDataError):
        storage.vault.load(file.token, purpose=storage.PURPOSE)
    assert storage.load(file.token, bound=storage.binding_of(_reload(file))) == PDF
