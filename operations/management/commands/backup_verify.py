import datetime as dt
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.bounds import file_size_text
from operations.crypto import BackupError
from operations.services import DrillNotRecorded, backup_verify

from ._signals import exit_cleanly_on_sigterm


def _local(iso: str) -> str:
    try:
        return timezone.localtime(dt.datetime.fromisoformat(iso)).isoformat(sep=" ", timespec="seconds")
    except ValueError:
        return iso


class Command(BaseCommand):
    help = ("Prove a backup: decrypt it, restore it into a scratch database, verify the audit chain there, "
            "compare the row counts and the files' hashes with its manifest. Exits 1 and says what is wrong "
            "for any damage. The drill is written to the audit trail (checklist system item 09).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE",
                            help="a backup file, or a backup directory (its newest backup is verified)")
        parser.add_argument("--extract", type=Path, metavar="DIR",
                            help="keep what was verified in DIR (a new directory) for a restore")
        parser.add_argument("--no-record", action="store_true",
                            help="do not write the drill to the audit trail (restoring onto an empty server)")
        parser.add_argument("--declaration", type=Path, metavar="FILE",
                            help="the backed-up server's audit_chain.json (from the key safe), to check the chain of "
                                 "another installation's backup under it")

    def handle(self, *args, file, extract, no_record, declaration, **options):
        exit_cleanly_on_sigterm()
        unrecorded = None
        try:
            checked = backup_verify(path=file, extract_to=extract, record=not no_record, declaration=declaration)
        except BackupError as error:
            raise CommandError(f"BACKUP NOT USABLE: {error.message}", returncode=1) from error
        except ImproperlyConfigured as error:
            raise CommandError(f"BACKUP NOT VERIFIED: {error}", returncode=2) from error
        except DrillNotRecorded as error:
            checked, unrecorded = error.summary, error
        if checked.chain_against == "installation":
            chain = f"audit chain OK ({checked.audit_entries} entries)"
        elif checked.chain_against == "declaration":
            chain = f"audit chain OK under the declaration given ({checked.audit_entries} entries)"
        else:
            # Consistent with itself is all a database's own chain can show: not an "OK".
            chain = (f"audit chain consistent within itself ({checked.audit_entries} entries) but NOT verified against "
                     "this installation's declaration and head file")
        self.stdout.write(
            f"OK {checked.path.name} ({file_size_text(checked.size)}, sha256 {checked.sha256}), made "
            f"{_local(checked.created_at)}: restored into a scratch {checked.vendor} database; {len(checked.tables)} "
            f"tables, {checked.rows:,} rows and {checked.files} stored files as its manifest lists; {chain}")
        if checked.installation:
            whose = "this installation" if checked.this_installation else "another installation"
            self.stdout.write(f"made {_local(checked.created_at)} by installation {checked.installation} ({whose}), "
                              "as its manifest says")
        else:
            self.stdout.write(f"made {_local(checked.created_at)}, as its manifest says; it names no installation "
                              "(made before backups named theirs)")
        if checked.chain_note:
            self.stdout.write(f"audit chain: {checked.chain_note}")
        if checked.name_warning:
            self.stdout.write(f"WARNING: {checked.name_warning}")
        if extract:
            self.stdout.write(f"extracted into {extract}: database, stored files and manifest.json (README: restoring)")
        if unrecorded is not None:
            raise CommandError("the backup verified, but the drill could not be written to the audit trail "
                               f"({type(unrecorded.__cause__).__name__}); on a server without its database yet, "
                               "use --no-record", returncode=2)
