from django.db import migrations


def forwards(apps, schema_editor):
    from contracttypes.seed import ensure_survey_type

    ensure_survey_type(apps.get_model("contracttypes", "ContractType"), apps.get_model("contracttypes", "FlowStep"))


class Migration(migrations.Migration):
    dependencies = [("contracttypes", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
