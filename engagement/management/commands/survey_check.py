import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.errors import DomainError

from ._survey import add_file_arguments, check, print_check


class Command(BaseCommand):
    help = ("Print the validation report of a survey export (and master). Exit 0 when it can be packaged, "
            "1 when it is refused. Writes nothing.")

    def add_arguments(self, parser):
        add_file_arguments(parser, positional=True)

    def handle(self, *args, file, master, column, **options):
        try:
            checked = check(file, master, column)
        except DomainError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        print_check(self.stdout, checked)
        if checked.report.ok:
            self.stdout.write(self.style.SUCCESS("パッケージを作成できます。"))
            return
        self.stdout.write(self.style.ERROR(_("このファイルではパッケージを作成できません。直してからもう一度確かめてください。")))
        sys.exit(1)
