import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklist.models import ChecklistTemplate
from checklist.services import template_new_version
from core.errors import DomainError


class Command(BaseCommand):
    help = ("Make a new version of the checklist template with changed item texts. Contracts keep the version "
            "they use; plans started afterwards use the new one. --texts is a JSON file {item key: new text}.")

    def add_arguments(self, parser):
        parser.add_argument("--base", type=int, help="the version to start from (default: the newest)")
        parser.add_argument("--texts", required=True, help='JSON file: {"ward.operational.05": "…", …}')
        parser.add_argument("--note", required=True, help="why the wording changes (kept with the version)")

    def handle(self, *args, base, texts, note, **options):
        template = (ChecklistTemplate.objects.filter(version=base).first() if base
                    else ChecklistTemplate.objects.order_by("-version").first())
        if template is None:
            raise CommandError("No such template version.")
        try:
            changes = json.loads(Path(texts).read_text(encoding="utf-8"))
            new = template_new_version(base=template, texts=changes, note=note, actor=None,
                                       actor_label="manage.py checklist_template_version")
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(self.style.SUCCESS(f"Version {new.version} made from version {template.version}."))
