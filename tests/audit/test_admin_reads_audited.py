"""Reads in the admin of people, their rights and their second factors are audited (issue 13, finding 13):
each list and each page read writes one entry naming who read what, in words on the audit page, and never
what was searched for or a secret (a TOTP key, a password hash)."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin_mixins import unaudited_reads
from audit.formatting import present
from audit.models import AuditEntry
from contracts.roles import AUDIT_GROUP
from tests.audit.conftest import assert_reads_in_words, table_text

pytestmark = pytest.mark.django_db


def _only(action) -> AuditEntry:
    [entry] = AuditEntry.objects.filter(action=action)
    return entry


def test_every_admin_page_of_people_rights_and_devices_audits_its_reads():
    assert unaudited_reads() == []


def test_reading_a_person_in_the_admin_writes_one_entry(admin_client, world):
    assert admin_client.get(f"/admin/auth/user/{world.manager.pk}/change/").status_code == 200
    entry = _only("admin.auth.user.viewed")
    assert (entry.actor, entry.object_id) == (admin_client.superuser, str(world.manager.pk))
    text = entry.canonical().decode()
    assert world.manager.password not in text and world.manager.email not in text
    shown = present([entry])[0]
    assert (shown.action, shown.object) == ("管理画面でユーザーを閲覧", "利用者 田中 誠")


def test_the_list_of_people_is_audited_without_what_was_searched_for(admin_client):
    assert admin_client.get("/admin/auth/user/", {"q": "田中", "is_staff__exact": "1"}).status_code == 200
    entry = _only("admin.auth.user.listed")
    assert entry.payload == {"filters": ["is_staff__exact", "q"]}
    assert "田中" not in entry.canonical().decode()
    shown = present([entry])[0]
    assert (shown.action, shown.detail) == ("管理画面でユーザーの一覧を閲覧", "検索・絞り込みあり")


def test_groups_and_totp_devices_read_in_the_admin_are_audited(admin_client, world):
    group = Group.objects.get(name=AUDIT_GROUP)
    device = TOTPDevice.objects.get(user=world.manager)
    for url in ("/admin/auth/group/", f"/admin/auth/group/{group.pk}/change/", "/admin/otp_totp/totpdevice/",
                f"/admin/otp_totp/totpdevice/{device.pk}/change/", "/admin/contracts/membership/",
                "/admin/contracts/userprofile/"):
        assert admin_client.get(url).status_code == 200, url
    for action in ("admin.auth.group.listed", "admin.auth.group.viewed", "admin.otp_totp.totpdevice.listed",
                   "admin.otp_totp.totpdevice.viewed", "admin.contracts.membership.listed",
                   "admin.contracts.userprofile.listed"):
        _only(action)
    assert device.key not in _only("admin.otp_totp.totpdevice.viewed").canonical().decode()


def test_a_change_posted_is_audited_as_a_change_not_as_a_read(admin_client):
    admin_client.post("/admin/auth/group/add/", {"name": "臨時の閲覧者"})
    assert not AuditEntry.objects.filter(action__endswith=".viewed").exists()
    assert AuditEntry.objects.filter(action="admin.auth.group.added").count() == 1


def test_the_auditor_reads_the_admins_reads_in_words(admin_client, client_as, world):
    admin_client.get(f"/admin/auth/user/{world.handler.pk}/change/")
    admin_client.get("/admin/otp_totp/totpdevice/")
    page = client_as(world.auditor).get("/audit/", {"action": "管理画面"})
    text = table_text(page.content.decode())
    assert "管理画面でユーザーを閲覧" in text and "管理画面で二要素認証（TOTP）の端末の一覧を閲覧" in text
    assert_reads_in_words(text)


def test_the_history_and_the_delete_confirmation_of_people_groups_and_devices_are_audited(admin_client, world):
    """Both pages show the person, group or device as the change page does: one entry each, in words."""
    group = Group.objects.create(name="臨時の閲覧者")
    device = TOTPDevice.objects.get(user=world.manager)
    pages = {"auth/user": world.handler.pk, "auth/group": group.pk, "otp_totp/totpdevice": device.pk}
    for path, pk in pages.items():
        for page in ("history", "delete"):
            assert admin_client.get(f"/admin/{path}/{pk}/{page}/").status_code == 200, (path, page)
    for label, pk in (("auth.user", world.handler.pk), ("auth.group", group.pk),
                      ("otp_totp.totpdevice", device.pk)):
        for verb in ("history_viewed", "delete_viewed"):
            entry = _only(f"admin.{label}.{verb}")
            assert (entry.actor, entry.object_id) == (admin_client.superuser, str(pk))
    assert device.key not in str(list(AuditEntry.objects.values()))
    shown = {e.action: e for e in present(list(AuditEntry.objects.filter(action__startswith="admin.auth.user.")))}
    assert shown["管理画面でユーザーの変更履歴を閲覧"].object == "利用者 山田 美咲"
    assert shown["管理画面でユーザーの削除の確認画面を閲覧"].object == "利用者 山田 美咲"
    # Nothing was deleted by looking at the confirmation page.
    assert Group.objects.filter(pk=group.pk).exists() and TOTPDevice.objects.filter(pk=device.pk).exists()


def test_deleting_is_audited_as_a_deletion_not_as_a_read(admin_client):
    group = Group.objects.create(name="臨時の閲覧者")
    response = admin_client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Group.objects.filter(pk=group.pk).exists()
    assert not AuditEntry.objects.filter(action__endswith="_viewed").exists()
    assert AuditEntry.objects.filter(action="admin.auth.group.deleted").count() == 1


def test_the_lists_delete_action_confirmation_is_a_read_of_each_chosen_row(admin_client, world):
    groups = [Group.objects.create(name=f"臨時の閲覧者{n}") for n in range(2)]
    response = admin_client.post("/admin/auth/group/", {
        "action": "delete_selected", "_selected_action": [g.pk for g in groups]})
    assert response.status_code == 200 and "臨時の閲覧者1" in response.content.decode()
    entries = AuditEntry.objects.filter(action="admin.auth.group.delete_viewed")
    assert sorted(e.object_id for e in entries) == sorted(str(g.pk) for g in groups)
    assert Group.objects.filter(pk__in=[g.pk for g in groups]).count() == 2
