from django.core.management.base import BaseCommand

from accounts.attempts import summarise_finished_minutes
from audit.services import audit_log
from engagement.storage import survey_data_purge
from handover.notifications import send_reminders
from incidents.notifications import send_incident_reminders


class Command(BaseCommand):
    help = ("Remind people of acknowledgements pending for over a day and of overdue storage checks, and purge "
            "survey data past its retention period (engagement). Meant for a daily cron job.")

    def handle(self, *args, **options):
        sent, handovers, items = send_reminders()
        audit_log(action="handover.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "pending_acknowledgements": handovers, "overdue_checks": items})
        self.stdout.write(self.style.SUCCESS(
            f"{sent} reminder mails sent ({handovers} pending acknowledgements, {items} overdue storage checks)."))
        # Incidents (事故): the Commission's report deadlines, reminded from the day before until recorded.
        incident_mails, reports = send_incident_reminders()
        self.stdout.write(f"{incident_mails} incident reminder mails sent ({reports} reports to the PPC due or overdue).")
        # The daily job also purges the survey data kept past its period (seed: 業務終了後…電子データは消去).
        purged = survey_data_purge(actor_label="manage.py send_reminders")
        self.stdout.write(f"Survey data purged: {purged.uploads} uploads, {purged.packages} package files, "
                          f"{purged.orphans} unreferenced files.")
        # Counts of anonymous failures whose minute is over reach the audit trail even on a quiet day.
        summaries = summarise_finished_minutes()
        self.stdout.write(f"Anonymous failure counts summarised in the audit trail: {summaries}.")
