from django.db import migrations

KINDS = [("CD-R", 10), ("DVD-R", 20)]


def add_kinds(apps, schema_editor):
    MediumKind = apps.get_model("handover", "MediumKind")
    for name, order in KINDS:
        MediumKind.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
