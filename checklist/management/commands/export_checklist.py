from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_log
from checklist.exports import FORMATS, SIDE_CHOICES, export
from contracts.models import Contract
from core.private_files import write_private


class Command(BaseCommand):
    help = "Export a contract's checklist (ward side, contractor side or both) as A4 PDF or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="the contract's slug")
        parser.add_argument("--side", choices=SIDE_CHOICES, default="both")
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args, contract, side, format, out, **options):
        try:
            found = Contract.objects.select_related("contractor").get(slug=contract)
        except Contract.DoesNotExist:
            raise CommandError(f"No contract with the slug {contract!r}.") from None
        filename, _content_type, content = export(found, side, format)
        write_private(out, content)
        # Whoever runs the command on the server has every contract: the export is on the record.
        audit_log(action="checklist.exported", contract=found, actor_label="manage.py export_checklist",
                  payload={"side": side, "format": format, "filename": filename, "out": str(out)})
        self.stdout.write(self.style.SUCCESS(f"{out} ({len(content)} bytes)"))
