"""Daily reminder e-mails (core.daily): HR of the contract of an inspection planned within the week or past its
planned date without a record; the owner of a finding (and the handling managers) of a response due within three
days or overdue. One mail per person a day; mails carry the contract, the numbers and the dates, never the texts
of findings or responses, and a link to the page."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
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


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


@dataclass
class Reminder:
    user: object
    rows: list = field(default_factory=list)  # (line, url)


def collect_reminders(now=None) -> tuple[dict[int, Reminder], set, set]:
    today = timezone.localdate(now or timezone.now())
    reminders: dict[int, Reminder] = {}
    inspections, findings = set(), set()

    def add(user, line, url):
        if user.email:
            reminders.setdefault(user.pk, Reminder(user=user)).rows.append((line, absolute(url)))

    planned = (Inspection.objects.filter(status=Inspection.Status.PLANNED,
                                         planned_on__lte=today + dt.timedelta(days=INSPECTION_MAIL_DAYS))
               .exclude(contract__status=Contract.Status.CLOSED).select_related("contract", "subcontractor")
               .order_by("planned_on"))
    for inspection in planned:
        if inspection.planned_on < today:
            line = _("%(contract)s %(inspection)s（%(target)s）: 予定日 %(day)sを過ぎましたが、実施が記録されていません")
        else:
            line = _("%(contract)s %(inspection)s（%(target)s）: %(day)sに実施予定です")
        line = line % {"contract": inspection.contract.display_name, "inspection": inspection,
                       "target": inspection.target_name, "day": wareki(inspection.planned_on)}
        inspections.add(inspection.pk)
        for user in people_who_can(inspection.contract, "manage").select_related("profile"):
            add(user, line, inspection_url(inspection))

    due = (Finding.objects.filter(status__in=(Finding.Status.DRAFT, Finding.Status.RETURNED),
                                  due_on__lte=today + dt.timedelta(days=FINDING_REMIND_DAYS))
           .exclude(contract__status=Contract.Status.CLOSED).select_related("contract", "owner").order_by("due_on"))
    for finding in due:
        overdue = finding.due_on < today
        line = (_("%(contract)s %(finding)s: 対応の期限 %(day)sを過ぎています。対応して回答してください") if overdue
                else _("%(contract)s %(finding)s: 対応の期限は%(day)sです。対応して回答してください")) % {
            "contract": finding.contract.display_name, "finding": finding, "day": wareki(finding.due_on)}
        findings.add(finding.pk)
        people = {user.pk: user for user in people_who_can(finding.contract, "contractor_side")}
        if can(finding.owner, finding.contract, "receive"):
            people[finding.owner.pk] = finding.owner
        for user in people.values():
            add(user, line, finding_url(finding))
    return reminders, inspections, findings


def send_reminders(now=None) -> tuple[int, int, int]:
    """One mail per person. Returns (mails, inspections, findings). A day that sends any writes one audit entry."""
    from audit.services import audit_log

    reminders, inspections, findings = collect_reminders(now)
    sent = 0
    for reminder in reminders.values():
        body = render_to_string("supervision/email/reminder.txt", {"name": display_name(reminder.user),
                                                                   "rows": reminder.rows})
        sent += send_mail(_("【お知らせ】立入り調査等・指摘事項の期限"), body, settings.DEFAULT_FROM_EMAIL,
                          [reminder.user.email])
    if sent:
        audit_log(action="supervision.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "inspections": len(inspections), "findings": len(findings)})
    return sent, len(inspections), len(findings)


def daily_reminders(*, actor_label: str) -> str:
    mails, inspections, findings = send_reminders()
    return f"{mails} supervision reminder mails sent ({inspections} inspections, {findings} findings due or overdue)."
