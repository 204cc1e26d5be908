from django.core.management.base import BaseCommand, CommandError

from audit.services import parse_anchor, verify

REASONS = {
    "missing": "entry missing (deleted or never written)",
    "prev_hash": "previous-hash link does not match",
    "hash": "content does not match its digest (edited, or verified with another audit key)",
    "scheme": "an entry without the audit key where the keyed chain should be (rewritten)",
    "declared": "the last entry carried over from before the key is not the one declared (rewritten)",
    "head_file": "the entry is not the one recorded outside the database for its number (rewritten)",
    "truncated": "the newest entries were removed (and the head moved back)",
}
EXTERNAL = {
    "missing": "HEAD FILE MISSING",
    "behind": "HEAD FILE BEHIND THE CHAIN",
}


class Command(BaseCommand):
    help = ("Verify the audit trail's chain, against the declaration and the head file kept outside the "
            "database, and with --anchor each anchor line an auditor kept (from audit_anchor). Prints "
            "'OK <n> entries', or what no longer holds and exits 1.")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="append", default=[], metavar="LINE",
                            help="a line printed by audit_anchor; may be given several times")

    def handle(self, *args, anchor, **options):
        try:
            anchors = [parse_anchor(line) for line in anchor]
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from error
        result = verify(anchors=anchors)
        problems = []
        if result.broken is not None:
            detail = f" ({result.detail})" if result.detail else ""
            problems.append(f"BROKEN at seq {result.broken}: {REASONS[result.reason]}{detail}")
        if result.undeclared:
            problems.append(f"DECLARATION MISSING: {result.undeclared}")
        if result.external:
            problems.append(f"{EXTERNAL[result.external]}: {result.detail}")
        for kept, problem in result.anchors:
            if problem:
                problems.append(f"ANCHOR seq={kept.seq} NOT HELD: {problem} [{kept.line}]")
        if problems:
            raise CommandError("\n".join(problems), returncode=1)
        self.stdout.write(f"OK {result.count} entries")
        if result.declaration.written_now:
            self.stdout.write(f"declared now, from what the chain proves: {result.declaration.describe()}")
        if result.keyed_from and result.keyed_from > 1:
            self.stdout.write(f"entries 1-{result.keyed_from - 1} were chained before the audit key (plain "
                              f"SHA-256); the keyed chain begins at seq {result.keyed_from}")
        for kept, _ in result.anchors:
            self.stdout.write(f"anchor seq={kept.seq} held")
