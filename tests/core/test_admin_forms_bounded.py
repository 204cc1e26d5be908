"""An admin form answers any value with a page (issue 13, attack probe): a key past its column in a choice
of objects (a group's permissions, a person's groups) was a 500 ("Python int too large to convert to SQLite
INTEGER"; NumericValueOutOfRange on PostgreSQL); now it is an error at the field, as on the app's own forms
(core.bounds), and nothing is saved. The same for an action on a selection with such a key."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from audit.models import AuditEntry
from core.admin import unbounded_admins

pytestmark = pytest.mark.django_db

User = get_user_model()
HUGE = "99999999999999999999"
BAD_KEYS = [HUGE, "9" * 5000, "፩", "-" + HUGE]


def _person_data(user, **changes) -> dict:
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on", "groups": [g.pk for g in user.groups.all()],
            "user_permissions": [], "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"), "last_login_0": "", "last_login_1": ""}
    data.update(changes)
    return data


def _field_error(response, name) -> str:
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert name in errors, errors
    return " ".join(errors[name])


def test_every_admin_page_takes_the_apps_bounds():
    assert unbounded_admins() == []


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_new_group_with_a_permission_key_past_its_column_is_refused_at_the_field(admin_client, key):
    view = Permission.objects.get(codename="view_contract")
    response = admin_client.post("/admin/auth/group/add/", {"name": "臨時の閲覧者", "permissions": [view.pk, key]})
    assert "正しく選択してください" in _field_error(response, "permissions")
    assert not Group.objects.filter(name="臨時の閲覧者").exists()
    assert not AuditEntry.objects.filter(action="admin.auth.group.added").exists()


@pytest.mark.parametrize(("field", "key"), [("groups", HUGE), ("user_permissions", HUGE), ("groups", "፩"),
                                            ("user_permissions", "9" * 5000)])
def test_a_persons_groups_or_rights_with_a_key_past_its_column_are_refused_at_the_field(admin_client, world,
                                                                                         field, key):
    person = world.manager
    before = (set(person.groups.all()), set(person.user_permissions.all()))
    response = admin_client.post(f"/admin/auth/user/{person.pk}/change/", _person_data(person, **{field: [key]}))
    assert "正しく選択してください" in _field_error(response, field)
    person.refresh_from_db()
    assert (set(person.groups.all()), set(person.user_permissions.all())) == before
    assert not AuditEntry.objects.filter(action="admin.auth.user.changed").exists()


def test_a_person_joined_before_the_date_window_is_refused_at_the_field(admin_client, world):
    person = world.manager
    joined = person.date_joined
    response = admin_client.post(f"/admin/auth/user/{person.pk}/change/",
                                 _person_data(person, date_joined_0="0001-01-01", date_joined_1="00:00:00"))
    assert "1989年1月8日から2100年12月31日まで" in _field_error(response, "date_joined")
    person.refresh_from_db()
    assert person.date_joined == joined


def test_the_form_still_saves_a_change_within_bounds(admin_client, world):
    person = world.manager
    response = admin_client.post(f"/admin/auth/user/{person.pk}/change/", _person_data(person, first_name="誠"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "誠"


def test_an_action_on_a_selection_with_a_key_past_its_column_changes_nothing(admin_client, world):
    response = admin_client.post("/admin/auth/user/", {"action": "send_enrolment_link", "index": 0,
                                                      "_selected_action": [world.manager.pk, HUGE]}, follow=True)
    assert response.status_code == 200
    assert "存在しない番号が含まれています。何も変更していません。" in response.content.decode()
    assert not AuditEntry.objects.filter(action__contains="enrolment").exists()
