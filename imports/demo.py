"""The demo's system administrator (``admin``) is in the 管理者 group, which holds the import (a superuser could
import anyway; the group is how a ward gives it to a person who is not one). Safe to run twice."""

from django.contrib.auth.models import Group

from .apps import ADMIN_GROUP


def add_to_demo(world) -> None:
    admin = world.users.get("admin")
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    if admin is not None:
        admin.groups.add(group)
