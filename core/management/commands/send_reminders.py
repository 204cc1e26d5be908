from django.core.management.base import BaseCommand

from core import daily


class Command(BaseCommand):
    help = ("Run the daily jobs the apps register (core.daily): reminders of acknowledgements pending for over a "
            "day, of overdue storage checks and of incident reports due, the purge of survey data past its "
            "retention period, the summaries of anonymous failures. Meant for a daily cron job.")

    def handle(self, *args, **options):
        for job in daily.jobs():
            self.stdout.write(job.run(actor_label=daily.ACTOR_LABEL))
