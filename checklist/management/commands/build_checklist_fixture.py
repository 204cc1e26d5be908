import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from checklist.seed import SeedFormatError, parse_seed

DEFAULT_OUT = Path(settings.BASE_DIR) / "fixtures" / "checklist_items.json"


class Command(BaseCommand):
    help = "Parse the seed document's checklist (別紙5) into fixtures/checklist_items.json, word for word."

    def add_arguments(self, parser):
        parser.add_argument("--seed", required=True, help="the seed document (text)")
        parser.add_argument("--out", default=str(DEFAULT_OUT))
        parser.add_argument("--template-version", type=int, default=1, dest="template_version")

    def handle(self, *args, seed, out, template_version, **options):
        path = Path(seed)
        try:
            data = parse_seed(path.read_text(encoding="utf-8"))
        except (OSError, SeedFormatError) as error:
            raise CommandError(str(error)) from error
        fixture = {"version": template_version, "source": f"{path.name} 別紙「{data['title']}」", **data}
        Path(out).write_text(json.dumps(fixture, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        count = sum(len(s["items"]) for side in data["sides"] for s in side["sections"])
        self.stdout.write(self.style.SUCCESS(f"{count} items written to {out}"))
