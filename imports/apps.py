from django.apps import AppConfig
from django.db.models.signals import post_migrate

ADMIN_GROUP = "管理者"


def grant_import_to_administrators(sender, **kwargs):
    """The 管理者 group holds ``imports.run_import`` (superusers hold every permission anyway)."""
    from django.contrib.auth.models import Group, Permission

    permission = Permission.objects.filter(content_type__app_label="imports", codename="run_import").first()
    if permission is None:
        return
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.add(permission)


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "一括取込"

    def ready(self):
        from core import context_processors

        from . import permissions

        post_migrate.connect(grant_import_to_administrators, sender=self)
        context_processors.register("imports", lambda user: bool(permissions.may_run_import(user)), page="imports:index")
