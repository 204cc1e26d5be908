from django.db import migrations


class Migration(migrations.Migration):
    """ContractReport and ContractMeasure now belong to yearend (same tables)."""

    dependencies = [
        ('contracts', '0004_report_measures_closing'),
        ('yearend', '0001_moved_from_contracts_and_handover'),
    ]

    operations = [
        # Only Django's picture of the models changes: the tables, their rows and their constraints stay
        # where they are (the models keep their db_table).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='contractreport',
                name='contract',
            ),
            migrations.RemoveField(
                model_name='contractreport',
                name='decided_by',
            ),
            migrations.RemoveField(
                model_name='contractreport',
                name='recorded_by',
            ),
            migrations.DeleteModel(
                name='ContractMeasure',
            ),
            migrations.DeleteModel(
                name='ContractReport',
            ),
        ]),
    ]
