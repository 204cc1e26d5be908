"""Give every step already done a first history entry, and move a contract off the reserved slug ``new``."""

import secrets

from django.db import migrations

SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def forwards(apps, schema_editor):
    ContractStep = apps.get_model("contracts", "ContractStep")
    ContractStepEvent = apps.get_model("contracts", "ContractStepEvent")
    events = [
        ContractStepEvent(step=row, kind="completed", happened_at=row.completed_at, text=row.note,
                          actor_id=row.completed_by_id, recorded_at=row.completed_at)
        for row in ContractStep.objects.filter(completed_at__isnull=False)
        if not ContractStepEvent.objects.filter(step=row).exists()
    ]
    ContractStepEvent.objects.bulk_create(events)

    # /contracts/new/ is the creation page, so a contract called ``new`` could never be opened. Every other
    # slug stays as it is, so bookmarks and printed URLs keep working.
    Contract = apps.get_model("contracts", "Contract")
    for contract in Contract.objects.filter(slug="new"):
        while True:
            slug = f"{contract.fiscal_year}-{''.join(secrets.choice(SLUG_ALPHABET) for _ in range(6))}"
            if not Contract.objects.filter(slug=slug).exists():
                break
        contract.slug = slug
        contract.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_step_history_new_people_carried_designations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
