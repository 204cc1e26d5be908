"""The versions already there are the default's, published when made; each item backed by its own key.

Apart from 0004's schema changes: PostgreSQL refuses to alter a table in the transaction that has just updated
its rows (pending trigger events), as migrating back would otherwise do."""

from django.db import migrations
from django.db.models import F


def existing_versions_published(apps, schema_editor):
    """The versions already there (the seed's, and any made with checklist_template_version) are the default's,
    published when they were made; each item of theirs is backed by the records registered under its own key."""
    template_model = apps.get_model("checklist", "ChecklistTemplate")
    item_model = apps.get_model("checklist", "TemplateItem")
    template_model.objects.filter(published_at__isnull=True).update(status="published", published_at=F("created_at"))
    item_model.objects.filter(backing="").update(backing=F("key"))


def versions_one_sequence_again(apps, schema_editor):
    """Back to one sequence of versions for every type: the types' own versions are numbered after the default's
    (in the order they were made), so that the version is unique again once the type is gone."""
    template_model = apps.get_model("checklist", "ChecklistTemplate")
    last = max(template_model.objects.filter(contract_type__isnull=True).values_list("version", flat=True), default=0)
    for number, pk in enumerate(template_model.objects.filter(contract_type__isnull=False)
                                .order_by("created_at", "pk").values_list("pk", flat=True), start=last + 1):
        template_model.objects.filter(pk=pk).update(version=number + 100000)  # clear of every number first
    for pk, version in list(template_model.objects.filter(version__gt=100000).values_list("pk", "version")):
        template_model.objects.filter(pk=pk).update(version=version - 100000)


class Migration(migrations.Migration):
    dependencies = [("checklist", "0004_template_types_and_backing")]
    operations = [migrations.RunPython(existing_versions_published, versions_one_sequence_again)]
