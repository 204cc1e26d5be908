from django.db import migrations, models


def mark_fresh_heads_keyed(apps, schema_editor):
    # A chain with no entries yet starts keyed. A chain with entries keeps them as they are (plain
    # SHA-256, still verifiable); the next append writes the audit.chain.rekeyed marker after them.
    apps.get_model("audit", "AuditChainHead").objects.filter(last_seq=0).update(keyed=True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="scheme",
            field=models.CharField(choices=[("sha256", "SHA-256"), ("hmac-sha256", "HMAC-SHA256")], default="sha256",
                                   editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="keyed",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_fresh_heads_keyed, migrations.RunPython.noop),
    ]
