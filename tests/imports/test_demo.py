"""The demo: the system administrator (admin) holds the import through the 管理者 group, and finds it in the menu."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from imports.apps import ADMIN_GROUP

pytestmark = pytest.mark.django_db


def test_the_demo_administrator_imports(client_as):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # safe to run twice
    admin = get_user_model().objects.get(username="admin")
    assert admin.groups.filter(name=ADMIN_GROUP).exists()
    page = client_as(admin).get(reverse("imports:index"))
    assert page.status_code == 200
    assert f'href="{reverse("imports:index")}"' in page.content.decode()
    clerk = get_user_model().objects.get(username="sato")
    assert client_as(clerk).get(reverse("imports:index")).status_code == 403
