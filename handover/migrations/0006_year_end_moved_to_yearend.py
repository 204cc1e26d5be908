from django.db import migrations


class Migration(migrations.Migration):
    """CopyRecord, DeletionReport and DeletionLine now belong to yearend (same tables)."""

    dependencies = [
        ('handover', '0005_new_medium_kinds_destroy_only'),
        ('yearend', '0001_moved_from_contracts_and_handover'),
    ]

    operations = [
        # Only Django's picture of the models changes: the tables, their rows and their constraints stay
        # where they are (the models keep their db_table).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='deletionline',
                name='copy',
            ),
            migrations.RemoveField(
                model_name='deletionline',
                name='item',
            ),
            migrations.RemoveField(
                model_name='deletionline',
                name='performer',
            ),
            migrations.RemoveField(
                model_name='deletionline',
                name='report',
            ),
            migrations.RemoveField(
                model_name='deletionline',
                name='updated_by',
            ),
            migrations.RemoveField(
                model_name='deletionline',
                name='verifier',
            ),
            migrations.RemoveField(
                model_name='deletionreport',
                name='contract',
            ),
            migrations.RemoveField(
                model_name='deletionreport',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='deletionreport',
                name='decided_by',
            ),
            migrations.RemoveField(
                model_name='deletionreport',
                name='submitted_by',
            ),
            migrations.DeleteModel(
                name='CopyRecord',
            ),
            migrations.DeleteModel(
                name='DeletionLine',
            ),
            migrations.DeleteModel(
                name='DeletionReport',
            ),
        ]),
    ]
