from django.core.management.base import BaseCommand, CommandError

from audit.services import current_anchor


class Command(BaseCommand):
    help = ("Print one line naming the audit chain's latest entry and its digest: an anchor to keep outside "
            "the database (print it daily) and give back to verify_audit --anchor.")

    def handle(self, *args, **options):
        anchor = current_anchor()
        if anchor is None:
            raise CommandError("the audit trail has no entries yet", returncode=1)
        self.stdout.write(anchor.line)
