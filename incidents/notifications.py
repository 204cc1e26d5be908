"""E-mails about incidents: at once when one is reported, and daily reminders of the Commission's deadlines.

A report goes, one mail each, to HR of the contract, to the contractor's handling managers in their period
and to both organisations' emergency contact addresses (the agreed 緊急時の連絡体制), with both organisations'
emergency contacts and procedures in the mail. Reminders go to HR of the contract (the ward reports to the
Commission) from the day before each deadline — for the 速報, the day before its 3–5-day window opens — and
every day after, until the report is on the timeline.

Mails carry the contract, the incident's number and kind, item labels, the number of people, the decision
and the deadlines, never the description or the notes, and a link to the incident's page.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.permissions import people_who_can
from contracts.selectors import display_name

from . import rules
from .assessment import assess
from .models import Incident


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def incident_url(incident: Incident) -> str:
    return absolute(reverse("incidents:detail", kwargs={"slug": incident.contract.slug, "pk": incident.pk}))


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


def report_recipients(contract) -> list[Recipient]:
    """HR of the contract, its handling managers in force, and both organisations' emergency addresses;
    each address once."""
    found: dict[str, Recipient] = {}

    def add(name, email):
        if email and email.strip().lower() not in found:
            found[email.strip().lower()] = Recipient(name, email.strip())

    for action in ("manage", "contractor_side"):
        for user in people_who_can(contract, action).select_related("profile").order_by("username"):
            add(display_name(user), user.email)
    for organisation in (contract.ward_section, contract.contractor):
        add(organisation.emergency_contact_name or str(organisation), organisation.emergency_contact_email)
    return list(found.values())


def incident_reported(incident_pk: int) -> int:
    """Tell HR, the contractor's managers and both emergency contacts that an incident was reported."""
    incident = Incident.objects.select_related("contract__ward_section", "contract__contractor",
                                               "reported_by__profile").get(pk=incident_pk)
    contract = incident.contract
    assessment = assess(incident)
    subject = _("【事故の報告】%(contract)s 事故 No.%(n)s（%(kind)s）") % {
        "contract": contract.display_name, "n": incident.number, "kind": incident.get_kind_display()}
    context = {"incident": incident, "assessment": assessment, "url": incident_url(incident),
               "reporter": display_name(incident.reported_by),
               "organisations": [contract.ward_section, contract.contractor],
               "labels": [item.label for item in incident.items.order_by("label")]}
    sent = 0
    for recipient in report_recipients(contract):
        body = render_to_string("incidents/email/reported.txt", {**context, "name": recipient.name})
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    return sent


@dataclass
class Reminder:
    user: object
    rows: list = field(default_factory=list)  # (incident, step, overdue)


def collect_reminders(now=None) -> dict[int, Reminder]:
    """Who is reminded of which report: HR of the contract, for every report the law asks for that has a
    deadline, is not recorded yet, and whose reminding has begun (:func:`incidents.rules.remind_from`)."""
    today = timezone.localdate(now or timezone.now())
    reminders: dict[int, Reminder] = {}
    open_incidents = (Incident.objects.filter(status=Incident.Status.OPEN).exclude(contract__status="closed")
                      .select_related("contract").prefetch_related("items", "events").order_by("contract", "number"))
    for incident in open_incidents:
        due = []
        for step in assess(incident).steps:
            if step.done or step.due_to is None:
                continue
            if today >= rules.remind_from(step.due_from or step.due_to):
                due.append((incident, step, step.overdue(today)))
        if not due:
            continue
        for user in people_who_can(incident.contract, "manage").select_related("profile"):
            if not user.email:
                continue
            reminders.setdefault(user.pk, Reminder(user=user)).rows.extend(due)
    return reminders


def send_incident_reminders(now=None) -> tuple[int, int]:
    """Send one mail per person. Returns (mails sent, reports reminded of). Called by ``send_reminders``;
    a day that sends any writes one audit entry."""
    from audit.services import audit_log

    reminders = collect_reminders(now)
    sent = 0
    steps = set()
    for reminder in reminders.values():
        steps.update((incident.pk, step.kind) for incident, step, _overdue in reminder.rows)
        body = render_to_string("incidents/email/reminder.txt", {
            "name": display_name(reminder.user),
            "rows": [(incident, step, overdue, incident_url(incident)) for incident, step, overdue in reminder.rows],
        })
        subject = _("【督促】事故の報告期限（個人情報保護委員会への速報・確報）")
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.user.email])
    if sent:
        audit_log(action="incident.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "reports": len(steps)})
    return sent, len(steps)


def daily_reminders(*, actor_label: str) -> str:
    """The daily job (core.daily): the Commission's report deadlines, reminded from the day before until recorded."""
    mails, reports = send_incident_reminders()
    return f"{mails} incident reminder mails sent ({reports} reports to the PPC due or overdue)."
