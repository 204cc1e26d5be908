"""Daily reminder e-mails (core.daily), like the status reports' (statusreports.notifications): each inspection and
each finding is reminded of at most once per kind, before its date and after it.

- An inspection: HR of the contract, from ``INSPECTION_MAIL_DAYS`` days before its planned date (before), and once
  the date has passed without a record (after). Re-planned to another day, it is reminded of again
  (``services.inspection_replan`` clears the marks).
- A finding not yet answered (or sent back): its owner and the handling managers, from ``FINDING_REMIND_DAYS``
  days before its due date (before), and once the date has passed (after). Sent back with a new due date, it is
  reminded of again (``services.finding_send_back`` clears the marks).
- One mail per person a run at most: a digest listing everything they are reminded of, the overdue ones marked
  【期限超過】. One audit entry per run that sends.

Mails carry the contract, the numbers and the dates, never the texts of findings or responses, and a link."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import can, people_who_can
from contracts.selectors import display_name
from core.dates import wareki

from .models import Finding, Inspection
from .selectors import FINDING_REMIND_DAYS, finding_url, inspection_url

# HR is mailed of an inspection this many days before its planned date (the dashboard shows it from 14 days).
INSPECTION_MAIL_DAYS = 7
BEFORE, AFTER = "before", "after"
FIELDS = {BEFORE: "reminded_before_at", AFTER: "reminded_after_at"}


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


@dataclass
class Reminder:
    user: object
    items: list = field(default_factory=list)  # {"line", "url", "overdue"}


def _kind(day: dt.date, today: dt.date, days: int, row) -> str | None:
    """The kind of reminder ``row`` (dated ``day``) is owed today, or None (not yet, or already sent)."""
    if day < today:
        return AFTER if row.reminded_after_at is None else None
    if day <= today + dt.timedelta(days=days) and row.reminded_before_at is None:
        return BEFORE
    return None


def collect_reminders(now=None) -> tuple[dict[int, Reminder], list, list]:
    """The digests owed today by person, and the (inspection, kind) and (finding, kind) reminded of."""
    today = timezone.localdate(now or timezone.now())
    reminders: dict[int, Reminder] = {}
    inspections, findings = [], []

    def add(user, line, url, overdue):
        if user.email:
            reminders.setdefault(user.pk, Reminder(user=user)).items.append(
                {"line": line, "url": absolute(url), "overdue": overdue})

    planned = (Inspection.objects.filter(status=Inspection.Status.PLANNED,
                                         planned_on__lte=today + dt.timedelta(days=INSPECTION_MAIL_DAYS))
               .exclude(contract__status=Contract.Status.CLOSED).select_related("contract", "subcontractor")
               .order_by("planned_on", "pk"))
    for inspection in planned:
        kind = _kind(inspection.planned_on, today, INSPECTION_MAIL_DAYS, inspection)
        if kind is None:
            continue
        if kind == AFTER:
            line = _("%(contract)s %(inspection)s（%(target)s）: 予定日 %(day)sを過ぎましたが、実施が記録されていません")
        else:
            line = _("%(contract)s %(inspection)s（%(target)s）: %(day)sに実施予定です")
        line = line % {"contract": inspection.contract.display_name, "inspection": inspection,
                       "target": inspection.target_name, "day": wareki(inspection.planned_on)}
        inspections.append((inspection, kind))
        for user in people_who_can(inspection.contract, "manage").select_related("profile"):
            add(user, line, inspection_url(inspection), kind == AFTER)

    due = (Finding.objects.filter(status__in=(Finding.Status.DRAFT, Finding.Status.RETURNED),
                                  due_on__lte=today + dt.timedelta(days=FINDING_REMIND_DAYS))
           .exclude(contract__status=Contract.Status.CLOSED).select_related("contract", "owner")
           .order_by("due_on", "pk"))
    for finding in due:
        kind = _kind(finding.due_on, today, FINDING_REMIND_DAYS, finding)
        if kind is None:
            continue
        line = (_("%(contract)s %(finding)s: 対応の期限 %(day)sを過ぎています。対応して回答してください") if kind == AFTER
                else _("%(contract)s %(finding)s: 対応の期限は%(day)sです。対応して回答してください")) % {
            "contract": finding.contract.display_name, "finding": finding, "day": wareki(finding.due_on)}
        findings.append((finding, kind))
        people = {user.pk: user for user in people_who_can(finding.contract, "contractor_side")}
        if can(finding.owner, finding.contract, "receive"):
            people[finding.owner.pk] = finding.owner
        for user in people.values():
            add(user, line, finding_url(finding), kind == AFTER)
    return reminders, inspections, findings


def send_reminders(now=None) -> tuple[int, int, int]:
    """One mail per person (a digest). Returns (mails, inspections, findings). Each inspection and finding is marked
    reminded of for its kind, even when nobody could be mailed; a run that sends writes one audit entry."""
    from audit.services import audit_log

    now = now or timezone.now()
    reminders, inspections, findings = collect_reminders(now)
    sent = 0
    for reminder in reminders.values():
        overdue = any(item["overdue"] for item in reminder.items)
        body = render_to_string("supervision/email/reminder.txt", {"name": display_name(reminder.user),
                                                                   "items": reminder.items})
        subject = (_("【督促】立入り調査等・指摘事項の期限を過ぎています") if overdue
                   else _("【お知らせ】立入り調査等・指摘事項の期限"))
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.user.email])
    with transaction.atomic():
        for model, rows in ((Inspection, inspections), (Finding, findings)):
            for kind, name in FIELDS.items():
                model.objects.filter(pk__in=[row.pk for row, k in rows if k == kind]).update(**{name: now})
    if sent:
        audit_log(action="supervision.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "inspections": len(inspections), "findings": len(findings)})
    return sent, len(inspections), len(findings)


def daily_reminders(*, actor_label: str) -> str:
    mails, inspections, findings = send_reminders()
    return f"{mails} supervision reminder mails sent ({inspections} inspections, {findings} findings due or overdue)."
