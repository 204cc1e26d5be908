"""``manage.py import_file --kind contracts --user kanri 契約一覧.xlsx [--commit]``: the bulk import from a shell.

The same reading, checks and services as the page (imports.services), as the named administrator, who is the
actor of every audit entry. Without ``--commit`` it only checks and prints every error (row, column, what is
wrong); with it, it imports the whole file or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from imports import services
from imports.kinds import KINDS
from imports.reading import read_sheet


class Command(BaseCommand):
    help = "Check, and with --commit import, a CSV/XLSX of units, contractors, contracts or designations."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--user", required=True, help="the administrator's user name (the audit trail's actor)")
        parser.add_argument("--commit", action="store_true", help="import when every row is valid")

    def handle(self, *args, path, kind, user, commit, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user named {user!r}")
        data = Path(path).read_bytes()
        try:
            sheet = read_sheet(data, Path(path).name)
            if not commit:
                outcome = services.import_check(kind=KINDS[kind], sheet=sheet, actor=actor)
                self._report(outcome)
                return
            run = services.import_run(kind=KINDS[kind], sheet=sheet, filename=Path(path).name,
                                      digest=services.sha256(data), actor=actor)
        except services.ImportRefused as refused:
            self._report(refused.outcome)
            raise CommandError(str(refused.message)) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        except PermissionDenied:
            raise CommandError(f"{user} may not run imports") from None
        self.stdout.write(f"imported: {run.rows} rows, {run.created} created, {run.updated} updated, "
                          f"sha256 {run.sha256}")

    def _report(self, outcome):
        for error in outcome.errors:
            self.stdout.write(f"{error.row}\t{error.column or '-'}\t{error.message}")
        self.stdout.write(f"checked: {outcome.rows} rows, {outcome.created} to create, {outcome.updated} to update, "
                          f"{len(outcome.errors)} errors")
