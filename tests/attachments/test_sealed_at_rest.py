"""Each file is encrypted at rest like the survey store (issue 16, 5): the stored bytes are not the
uploaded ones, the SHA-256 is the one of the uploaded bytes, and a file swapped for another does not read."""

import hashlib
import stat

import pytest
from django.conf import settings

from attachments import selectors, services, storage
from core.sealing import StoredDataError
from engagement import crypto
from tests.attachments.conftest import JPEG, PDF, upload


def _stored(file):
    return storage.vault.path(file.token)


def test_the_stored_file_is_sealed_and_reads_back_as_uploaded(target, world):
    file = services.attach(target=target, upload=upload(PDF), actor=world.manager)
    sealed = _stored(file).read_bytes()
    assert PDF not in sealed and sealed.startswith(storage.MAGIC)
    assert file.sha256 == hashlib.sha256(PDF).hexdigest() and file.size == len(PDF)
    assert file.media_type == "application/pdf" and file.name == "資料.pdf"
    assert stat.S_IMODE(_stored(file).stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.EVIDENCE_DATA_DIR.stat().st_mode) == 0o700
    assert services.read(file, actor=world.hr) == PDF


def test_a_file_swapped_for_another_does_not_read(target, world):
    first = services.attach(target=target, upload=upload(PDF), actor=world.manager)
    second = services.attach(target=target, upload=upload(JPEG, "photo.jpg", "image/jpeg"), actor=world.manager)
    _stored(first).write_bytes(_stored(second).read_bytes())
    with pytest.raises(StoredDataError) as refused:
        services.read(first, actor=world.hr)
    assert refused.value.code == "tampered"


def test_a_survey_file_put_in_place_of_evidence_does_not_read(target, world):
    file = services.attach(target=target, upload=upload(PDF), actor=world.manager)
    # Same DATA_KEY, same name and purpose: still another key and magic.
    _stored(file).write_bytes(crypto.vault.encrypt(PDF, purpose=storage.PURPOSE, name=file.token))
    with pytest.raises(StoredDataError):
        services.read(file, actor=world.hr)


def test_file_refs_list_every_version_with_its_sha256(target, world):
    services.attach(target=target, upload=upload(PDF), actor=world.manager)
    services.attach(target=target, upload=upload(PDF + b"%v2"), actor=world.manager)
    refs = selectors.file_refs([target])
    assert [(r.version, r.sha256) for r in refs] == [
        (2, hashlib.sha256(PDF + b"%v2").hexdigest()), (1, hashlib.sha256(PDF).hexdigest())]
    assert refs[0].url.startswith("/files/")
