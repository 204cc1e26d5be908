from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_log
from contracts.models import Contract
from core.private_files import write_private
from yearend.council import council_submission_pdf


class Command(BaseCommand):
    help = ("Write a contract's council submission (付議事項, 資料2-1 and both checklists with the plan) as A4 PDF.")

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="the contract's slug")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args, contract, out, **options):
        try:
            found = Contract.objects.select_related("contractor").get(slug=contract)
        except Contract.DoesNotExist:
            raise CommandError(f"No contract with the slug {contract!r}.") from None
        _filename, _content_type, content = council_submission_pdf(found)
        try:
            write_private(out, content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        # Whoever runs the command on the server has every contract: the export is on the record.
        audit_log(action="contract.council_submission.exported", contract=found,
                  actor_label="manage.py export_council_submission", payload={"format": "pdf", "out": str(out)})
        self.stdout.write(self.style.SUCCESS(f"{out} ({len(content)} bytes)"))
