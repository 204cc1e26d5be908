from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.bounds import file_size_text
from operations.crypto import BackupError
from operations.services import backup_create

from ._signals import exit_cleanly_on_sigterm


class Command(BaseCommand):
    help = ("Write one encrypted backup (the database as one consistent copy, and every stored file) into DIR, "
            "under the backup key (DJANGO_BACKUP_KEY or var/backup_key). Prove it with backup_verify.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="the backup directory")
        parser.add_argument("--keep", type=int, default=0, metavar="N",
                            help="afterwards keep only the newest N backups in DIR (default: keep all)")

    def handle(self, *args, out, keep, **options):
        if keep < 0:
            raise CommandError("--keep takes a number of backups, 0 or more", returncode=2)
        exit_cleanly_on_sigterm()
        try:
            made = backup_create(out_dir=out, keep=keep)
        except BackupError as error:
            raise CommandError(f"BACKUP FAILED: {error.message}", returncode=1) from error
        except ImproperlyConfigured as error:
            raise CommandError(f"BACKUP FAILED: {error}", returncode=2) from error
        except OSError as error:
            raise CommandError(f"BACKUP FAILED: cannot write {error.filename or out}: {error.strerror}",
                               returncode=1) from error
        self.stdout.write(f"{made.path} ({file_size_text(made.size)}, sha256 {made.sha256}): {made.vendor} "
                          f"database, {len(made.tables)} tables, {made.rows:,} rows, {made.files} stored files, "
                          f"audit chain to seq {made.audit_last_seq}")
        for old in made.removed:
            self.stdout.write(f"removed {old.name} (older than the newest {keep})")
