from django.core.management.base import BaseCommand

from engagement.services import retention, survey_data_purge


class Command(BaseCommand):
    help = ("Purge survey data the app no longer needs: uploads not packaged within SURVEY_UPLOAD_RETENTION_DAYS "
            "(default 14), package files whose disc was handed over, and stored files no record points to. "
            "Audited with counts. send_reminders runs it too, every day.")

    def handle(self, *args, **options):
        result = survey_data_purge()
        self.stdout.write(self.style.SUCCESS(
            f"Survey data purged: {result.uploads} uploads older than {retention().days} days, "
            f"{result.packages} package files of discs handed over, {result.orphans} unreferenced files."))
