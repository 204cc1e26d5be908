"""The import's audit entries read in words on the auditors' log: the run (kind, rows, counts, the file's SHA-256)
and a contractor's changed particulars by name, never their values."""

from django.test import Client

from audit.models import AuditEntry
from imports.contractors import contractor_save
from tests.audit.conftest import table_text
from tests.factories import login_verified

from .helpers import CONTRACT_HEADERS, administrator, coded_section, contract_row, xlsx_bytes


def test_the_run_and_a_contractors_change_read_in_words(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    coded_section(world)
    admin = administrator(world)
    login_verified(client, admin)
    data = xlsx_bytes(CONTRACT_HEADERS, [contract_row(1), contract_row(2)])
    response = client.post(reverse("imports:index"), {"kind": "contracts", "file": SimpleUploadedFile("a.xlsx", data)})
    client.post(response["Location"])
    contractor_save(name=world.contractor.name, address="東京都新宿区歌舞伎町1-1", emergency_contact_phone="03-9999-9999",
                    actor=admin)
    run = AuditEntry.objects.get(action="imports.run.completed")
    auditor = login_verified(Client(), world.auditor)
    text = table_text(auditor.get("/audit/").content.decode())
    assert "一括取込を実行" in text
    assert f"委託契約 2行（登録2件・更新0件）、ファイルのSHA-256 {run.payload['sha256'][:20]}" in text
    assert "委託事業者の所在地・緊急連絡先を更新（一括取込）" in text
    assert "委託先A株式会社: 所在地、緊急連絡先（電話）" in text
    assert "03-9999-9999" not in text and "imports." not in text


def test_a_blank_cell_keeps_a_contractors_particular(world):
    admin = administrator(world)
    contractor_save(name=world.contractor.name, address="東京都新宿区1-1", emergency_contact_name=None, actor=admin)
    world.contractor.refresh_from_db()
    assert (world.contractor.address, world.contractor.emergency_contact_name) == ("東京都新宿区1-1", "緊急 太郎")
