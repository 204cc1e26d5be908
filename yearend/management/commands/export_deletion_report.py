from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_log
from contracts.models import Contract
from core.private_files import write_private
from yearend import deletion, selectors


class Command(BaseCommand):
    help = ("Write a contract's deletion report (消去報告書) as A4 PDF: the accepted one (the latest accepted), "
            "or else the latest one.")

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="the contract's slug")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args, contract, out, **options):
        try:
            found = Contract.objects.select_related("contractor", "ward_section").get(slug=contract)
        except Contract.DoesNotExist:
            raise CommandError(f"No contract with the slug {contract!r}.") from None
        report = selectors.accepted_report(found) or selectors.deletion_reports_of(found).first()
        if report is None:
            raise CommandError(f"The contract {contract!r} has no deletion report yet.")
        report.contract = found
        _filename, _content_type, content = deletion.deletion_report_pdf(report)
        try:
            write_private(out, content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        # Whoever runs the command on the server has every contract: the export is on the record.
        audit_log(action="handover.deletion.exported", contract=found, obj=report,
                  actor_label="manage.py export_deletion_report",
                  payload={"number": report.number, "format": "pdf", "status": report.status, "out": str(out)})
        self.stdout.write(self.style.SUCCESS(
            f"{out}: deletion report No.{report.number} ({report.get_status_display()}), {len(content)} bytes"))
