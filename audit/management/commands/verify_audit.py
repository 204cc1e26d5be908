from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain

REASONS = {
    "missing": "entry missing (deleted or never written)",
    "prev_hash": "previous-hash link does not match",
    "hash": "content does not match its hash (edited)",
}


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain. Prints 'OK <n> entries' or the first broken sequence number."

    def handle(self, *args, **options):
        count, broken, reason = verify_chain()
        if broken is not None:
            raise CommandError(f"BROKEN at seq {broken}: {REASONS[reason]}", returncode=1)
        self.stdout.write(f"OK {count} entries")
