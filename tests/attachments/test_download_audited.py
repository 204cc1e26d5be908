"""Every download is audited and listed among the downloads of personal data (issue 16, 5); who may
download is the record's rule; the file comes as it was uploaded, never sniffed or shown inline."""

import hashlib
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from attachments import registry, services, storage
from audit.formatting import personal_data_downloads
from audit.models import AuditEntry
from audit.selectors import downloads_for
from contracts.models import Contract
from tests.attachments.conftest import JPEG, PDF, upload


def _file(target, world, data=PDF, name="山田太郎_誓約書.pdf"):
    return services.attach(target=target, upload=upload(data, name), actor=world.manager)


def test_each_download_is_audited_without_the_name_and_listed_among_downloads(client_as, target, world):
    file = _file(target, world)
    response = client_as(world.auditor).get(reverse("attachments:download", args=[file.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert hashlib.sha256(response.content).hexdigest() == file.sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("山田太郎_誓約書.pdf")
    client_as(world.auditor).get(reverse("attachments:download", args=[file.pk]))
    entries = AuditEntry.objects.filter(action="evidence.file.downloaded")
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor == world.auditor and entry.contract == target
    assert entry.payload["sha256"] == file.sha256 and entry.payload["version"] == 1
    assert entry.payload["size"] == len(PDF) and entry.payload["file"] == file.pk
    assert "山田" not in str(entry.payload) and "山田" not in entry.object_repr
    assert "evidence.file.downloaded" in personal_data_downloads()
    listed = downloads_for(world.auditor)
    assert set(entries.values_list("seq", flat=True)) <= set(listed.values_list("seq", flat=True))


def test_the_downloads_page_lists_the_download_in_words(client_as, target, world):
    file = _file(target, world)
    client_as(world.manager).get(reverse("attachments:download", args=[file.pk]))
    page = client_as(world.auditor).get(reverse("audit:downloads")).content.decode()
    assert "添付資料をダウンロード" in page and file.sha256 in page and "山田太郎" not in page
    assert "委託契約の添付資料 第1版、PDF" in page and '<td data-label="形式">PDF</td>' in page


def test_an_ascii_name_is_quoted(client_as, target, world):
    file = _file(target, world, JPEG, 'photo".jpg')
    response = client_as(world.manager).get(reverse("attachments:download", args=[file.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="photo\\".jpg"'
    assert response["Content-Type"] == "image/jpeg"


def test_someone_who_may_not_see_the_record_finds_no_file_and_nothing_is_audited(client_as, target, world):
    file = _file(target, world)
    for user in (world.other_manager, world.outsider):
        assert client_as(user).get(reverse("attachments:download", args=[file.pk])).status_code == 404
    assert client_as(world.hr).get(reverse("attachments:download", args=[file.pk + 1000])).status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.file.downloaded").exists()


def test_a_record_no_app_registered_holds_no_files(client_as, target, world):
    file = _file(target, world)
    registry.unregister(Contract)
    assert client_as(world.hr).get(reverse("attachments:download", args=[file.pk])).status_code == 404
    ct = ContentType.objects.get_for_model(Contract).pk
    response = client_as(world.hr).post(reverse("attachments:upload", args=[ct, target.pk]),
                                        {"file": upload(PDF)})
    assert response.status_code == 404


def test_a_damaged_file_is_said_so_not_served(client_as, target, world):
    file = _file(target, world)
    path = storage.vault.path(file.token)
    sealed = bytearray(path.read_bytes())
    sealed[-1] ^= 1
    path.write_bytes(bytes(sealed))
    response = client_as(world.hr).get(reverse("attachments:download", args=[file.pk]))
    assert response.status_code == 410
    assert "書き換えられています" in response.content.decode()
    assert not AuditEntry.objects.filter(action="evidence.file.downloaded").exists()
