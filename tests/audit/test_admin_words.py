"""What the admin did reads in words too: the model and the fields in Japanese, permissions by what they
allow, and never a username, a hash or a dotted code."""

import pytest

from audit.models import AuditEntry
from audit.services import audit_log
from contracts.models import Organisation
from tests.audit.conftest import assert_reads_in_words, table_text
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(world):
    user = make_user("root", world.ward, display_name="情報 管理者")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _log(client, query="?action=管理画面") -> str:
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    return table_text(response.content.decode())


def test_an_organisation_added_and_deleted_in_the_admin(client_as, world, root):
    client = client_as(root)
    response = client.post("/admin/contracts/organisation/add/", {
        "name": "新しい委託先株式会社", "kind": "contractor", "address": "東京都", "emergency_contact_name": "",
        "emergency_contact_phone": "", "emergency_contact_email": "", "emergency_procedure": ""})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="新しい委託先株式会社")
    assert client.post(f"/admin/contracts/organisation/{organisation.pk}/delete/", {"post": "yes"}).status_code == 302
    text = _log(client_as(world.auditor))
    added = AuditEntry.objects.get(action="admin.contracts.organisation.added")
    row = text.split(f" {added.seq} ")[1]
    assert "情報 管理者" in row and "管理画面で組織を追加" in row
    assert "変更した項目: 名称、種別、所在地" in row
    assert "管理画面で組織を削除" in text and "削除したもの: 新しい委託先株式会社" in text
    assert_reads_in_words(text)


def test_a_permission_given_to_a_person_reads_as_what_it_allows(client_as, world, root):
    audit_log(action="admin.auth.user.changed", actor=root, obj=world.auditor, payload={
        "fields": ["is_staff", "user_permissions"], "values": {"is_staff": True},
        "m2m": {"user_permissions": {"added": ["contracts.add_contract"], "removed": []}}})
    text = _log(client_as(world.auditor))
    assert "管理画面でユーザーを変更" in text
    assert "利用者 鈴木 一郎" in text
    assert "委託契約の追加" in text and "はい" in text
    assert "add_contract" not in text
    assert_reads_in_words(text)


def test_a_deleted_person_is_not_named_by_the_text_the_admin_kept(client_as, world, root):
    audit_log(action="admin.auth.user.deleted", actor=root, payload={"object": "handler_a"})
    text = _log(client_as(world.auditor))
    assert "管理画面でユーザーを削除" in text
    assert_reads_in_words(text)
