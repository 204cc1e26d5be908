from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_log
from contracts.models import Contract
from core.private_files import write_private
from handover import exports
from handover.selectors import ledger_for


class Command(BaseCommand):
    help = "Write a contract's handover ledger (管理簿) to an XLSX or PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="the contract's slug")
        parser.add_argument("--format", choices=sorted(exports.EXPORTERS), default="xlsx")
        parser.add_argument("--out", required=True, help="the file to write")

    def handle(self, *args, contract, format, out, **options):
        try:
            target = Contract.objects.select_related("contractor").get(slug=contract)
        except Contract.DoesNotExist:
            raise CommandError(f"No contract with slug {contract!r}.") from None
        # A command runs with the server's rights: the whole ledger of the contract named.
        handovers = list(ledger_for(None, contract=target))
        _filename, _content_type, content = exports.EXPORTERS[format](handovers, contract=target)
        write_private(out, content)
        audit_log(action="handover.ledger.exported", contract=target, actor_label="manage.py export_ledger",
                  payload={"format": format, "rows": len(handovers), "out": str(out)})
        self.stdout.write(self.style.SUCCESS(f"{len(handovers)} handovers written to {out}"))
