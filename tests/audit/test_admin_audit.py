"""Every add, change and delete in /admin/ leaves an audit entry naming the person, the object and the
fields changed, never a password hash or a TOTP key; the role groups the code defines are read-only
there (issue 7, A.3). Each example of the issue, through the admin with the test client."""

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin_mixins import unaudited_admins
from audit.models import AuditEntry
from contracts.models import Organisation
from contracts.roles import AUDIT_GROUP, GROUP_PERMISSIONS, HR_GROUP
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def _text(entry) -> str:
    return entry.canonical().decode()


def _perm(label) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_every_admin_page_either_audits_its_changes_or_changes_nothing():
    assert unaudited_admins() == []


def test_the_audit_group_cannot_be_given_add_contract_in_the_admin(admin_client, world):
    group = Group.objects.get(name=AUDIT_GROUP)
    before = set(group.permissions.values_list("pk", flat=True))
    url = f"/admin/auth/group/{group.pk}/change/"
    response = admin_client.post(url, {"name": AUDIT_GROUP,
                                       "permissions": [*before, _perm("contracts.add_contract").pk]})
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    world.auditor.refresh_from_db()
    assert not User.objects.get(pk=world.auditor.pk).has_perm("contracts.add_contract")
    # The page still shows the group, read-only.
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_role_groups_cannot_be_deleted_one_by_one_or_in_bulk(admin_client):
    roles = list(Group.objects.filter(name__in=GROUP_PERMISSIONS))
    assert len(roles) == 2
    assert admin_client.post(f"/admin/auth/group/{roles[0].pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post("/admin/auth/group/", {"action": "delete_selected", "post": "yes",
                                             "_selected_action": [g.pk for g in roles]})
    assert Group.objects.filter(name__in=GROUP_PERMISSIONS).count() == 2
    assert not _entries("admin.auth.group.deleted")


def test_a_group_and_its_permission_changes_are_audited_with_what_was_added_and_removed(admin_client):
    view = _perm("contracts.view_contract")
    admin_client.post("/admin/auth/group/add/", {"name": "臨時の閲覧者", "permissions": [view.pk]})
    group = Group.objects.get(name="臨時の閲覧者")
    added = _entries("admin.auth.group.added")
    assert len(added) == 1
    assert (added[0].object_id, added[0].actor_label) == (str(group.pk), "kanri")
    assert added[0].payload["m2m"] == {"permissions": {"added": ["contracts.view_contract"], "removed": []}}

    response = admin_client.post(f"/admin/auth/group/{group.pk}/change/",
                                 {"name": "臨時の閲覧者", "permissions": [_perm("contracts.add_contract").pk]})
    assert response.status_code == 302
    [changed] = _entries("admin.auth.group.changed")
    assert changed.payload["fields"] == ["permissions"]
    assert changed.payload["m2m"] == {"permissions": {"added": ["contracts.add_contract"],
                                                      "removed": ["contracts.view_contract"]}}
    assert changed.ip_address == "127.0.0.1" and changed.actor == admin_client.superuser


def test_a_bulk_user_delete_writes_one_entry_per_user(admin_client, world):
    leaving = [make_user(name, world.contractor, totp=False) for name in ("taishoku1", "taishoku2")]
    response = admin_client.post("/admin/auth/user/", {"action": "delete_selected", "post": "yes",
                                                       "_selected_action": [u.pk for u in leaving]})
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[u.pk for u in leaving]).exists()
    entries = _entries("admin.auth.user.deleted")
    assert sorted(e.object_id for e in entries) == sorted(str(u.pk) for u in leaving)
    assert {e.payload["object"] for e in entries} == {"taishoku1", "taishoku2"}
    assert all(e.actor_label == "kanri" and e.payload["deleted_together"] == 2 for e in entries)


def test_deleting_a_persons_totp_device_is_audited_without_its_key(admin_client, world):
    # The admin neither adds a device nor sets a key (tests/accounts/test_admin_sends_enrolment_links.py);
    # it may delete a lost one, and that is audited.
    device = TOTPDevice.objects.get(user=world.outsider)
    key = device.key
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    [entry] = _entries("admin.otp_totp.totpdevice.deleted")
    assert entry.object_id == str(device.pk)
    assert key not in _text(entry) and key.upper() not in _text(entry)


def test_deleting_axes_lockouts_is_audited_and_lifts_them(client, admin_client, world):
    from django.test import Client

    stranger = Client()
    for _ in range(5):
        stranger.post("/accounts/login/", {"username": "hr", "password": "wrong password!!"}, REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        stranger.post("/accounts/login/", {"username": "auditor", "password": "wrong password!!"},
                      REMOTE_ADDR="10.9.9.9")
    attempts = list(AccessAttempt.objects.order_by("username"))
    assert [a.username for a in attempts] == ["auditor", "hr"]

    admin_client.post(f"/admin/axes/accessattempt/{attempts[0].pk}/delete/", {"post": "yes"})
    admin_client.post("/admin/axes/accessattempt/", {"action": "delete_selected", "post": "yes",
                                                     "_selected_action": [attempts[1].pk]})
    assert not AccessAttempt.objects.exists()
    entries = _entries("admin.axes.accessattempt.deleted")
    assert [e.object_id for e in entries] == [str(attempts[0].pk), str(attempts[1].pk)]
    assert all(e.actor_label == "kanri" for e in entries)
    response = stranger.post("/accounts/login/", {"username": "hr", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302


def test_a_users_roles_and_rights_changed_in_the_admin_are_named_in_the_entry(admin_client, world):
    user = world.outsider
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    data = {
        "username": user.username, "first_name": "", "last_name": "", "email": user.email, "is_active": "on",
        "is_staff": "on", "groups": [Group.objects.get(name=HR_GROUP).pk],
        "user_permissions": [_perm("audit.view_security_log").pk],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-04-01", "date_joined_1": "09:00:00",
    }
    response = admin_client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = _entries("admin.auth.user.changed")
    assert {"groups", "user_permissions", "is_staff"} <= set(entry.payload["fields"])
    assert entry.payload["m2m"]["groups"] == {"added": [HR_GROUP], "removed": []}
    assert entry.payload["m2m"]["user_permissions"] == {"added": ["audit.view_security_log"], "removed": []}
    assert entry.payload["values"]["is_staff"] is True
    assert user.email not in _text(entry)
    assert json.loads(entry.canonical())["object_id"] == str(user.pk)


def test_master_data_edits_name_the_fields_changed(admin_client, world):
    org = world.contractor
    response = admin_client.post(f"/admin/contracts/organisation/{org.pk}/change/", {
        "name": org.name, "kind": org.kind, "address": "", "emergency_contact_name": "新しい連絡先",
        "emergency_contact_phone": org.emergency_contact_phone, "emergency_contact_email": "",
        "emergency_procedure": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = _entries("admin.contracts.organisation.changed")
    assert entry.payload["fields"] == ["emergency_contact_name"]
    assert "新しい連絡先" not in _text(entry)
    assert Organisation.objects.get(pk=org.pk).emergency_contact_name == "新しい連絡先"
