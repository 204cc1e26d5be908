from django.core.management.base import BaseCommand, CommandError

from audit import state
from audit.models import AuditEntry, Scheme
from audit.services import verify


class Command(BaseCommand):
    help = ("Declare, once, that the audit chain's plain SHA-256 entries 1..N were carried over from before the "
            "audit key (an upgrade of an old installation). Writes audit_chain.json beside the key; refused when "
            "a declaration exists, or when entry N is not plain or has another digest than --digest. Take the "
            "digest from what the old installation printed (audit_anchor, or an anchor an auditor kept), not "
            "from the database you are declaring.")

    def add_arguments(self, parser):
        parser.add_argument("--legacy-through", type=int, required=True, metavar="N",
                            help="the last plain entry (seq) of the old chain")
        parser.add_argument("--digest", required=True, metavar="HEX",
                            help="the digest of entry N (64 hex digits; spaces or hyphens allowed)")

    def handle(self, *args, legacy_through, digest, **options):
        digest = "".join(ch for ch in digest if ch not in " -").lower()
        existing = state.read_declaration()
        if existing is not None:
            raise CommandError(f"a declaration exists already and is never rewritten: {existing.describe()}",
                               returncode=1)
        if legacy_through < 1:
            raise CommandError("--legacy-through must name an entry (1 or more)", returncode=2)
        entries = AuditEntry.objects.order_by("seq")
        entry = entries.filter(seq=legacy_through).first()
        if entry is None:
            raise CommandError(f"the chain has no entry {legacy_through}", returncode=1)
        if entries.filter(seq__lte=legacy_through).exclude(scheme=Scheme.LEGACY).exists():
            raise CommandError(f"entries 1-{legacy_through} are not all plain SHA-256: nothing to declare there",
                               returncode=1)
        if entries.filter(seq__gt=legacy_through, scheme=Scheme.LEGACY).exists():
            raise CommandError(f"there are plain entries after seq {legacy_through}: declare the last plain one",
                               returncode=1)
        if entry.hash != digest:
            raise CommandError(f"entry {legacy_through} has another digest than the one given: the chain is not the "
                               "one whose digest you took (rewritten, or the wrong number)", returncode=1)
        try:
            declared = state.write_declaration(legacy_through, digest)
        except FileExistsError as error:
            raise CommandError("a declaration was written meanwhile; nothing changed", returncode=1) from error
        self.stdout.write(f"declared in {declared.path}: {declared.describe()}; copy it to the key safe with the "
                          "audit key")
        result = verify()
        if result.broken is not None:
            raise CommandError(f"declared, but the chain does not verify at seq {result.broken} ({result.reason}): "
                               "run verify_audit", returncode=1)
        self.stdout.write(f"the chain of {result.count} entries verifies under it")
        if result.count == legacy_through:
            self.stdout.write("the next entry the app writes is the audit.chain.rekeyed marker, keyed, covering entry "
                              f"{legacy_through}")
