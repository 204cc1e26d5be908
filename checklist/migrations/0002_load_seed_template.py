"""Every installation gets version 1 of the checklist: the seed's 48 items, word for word."""

from django.db import migrations


def load(apps, schema_editor):
    from checklist.fixture import load_template, read_fixture

    load_template(read_fixture(), apps.get_model("checklist", "ChecklistTemplate"),
                  apps.get_model("checklist", "TemplateItem"))


def unload(apps, schema_editor):
    template_model = apps.get_model("checklist", "ChecklistTemplate")
    template_model.objects.filter(version=1, checklists__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("checklist", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
