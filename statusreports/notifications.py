"""Reminders of status reports by e-mail, from the daily job (core.daily): once before the due date and once
after it, at most one of each kind per report.

- Before: from ``REMIND_BEFORE_DAYS`` days before the due date, to the contract's handling managers in force,
  for a report not yet submitted (or sent back).
- After: from the day after the due date, to the handling managers and to HR of the contract.

The job first writes the rows of the scheduled reports (:func:`statusreports.services.scheduled_reports_sync`),
so a report nobody opened is reminded of too. Mails carry the contract, the report's label, its due date and a
link, never the report's text.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import people_who_can
from contracts.selectors import display_name

from . import services
from .models import StatusReport

REMIND_BEFORE_DAYS = 3
BEFORE, OVERDUE = "before", "overdue"


def report_url(report: StatusReport) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("statusreports:detail", kwargs={
        "slug": report.contract.slug, "pk": report.pk})


def _recipients(contract, kind: str) -> list:
    actions = ("contractor_side", "manage") if kind == OVERDUE else ("contractor_side",)
    found = {}
    for action in actions:
        for user in people_who_can(contract, action).select_related("profile").order_by("username"):
            if user.email:
                found.setdefault(user.email.strip().lower(), user)
    return list(found.values())


def due_reminders(today: dt.date) -> list[tuple[StatusReport, str]]:
    """(report, kind) for every report of a contract in force that is owed a reminder today."""
    open_reports = StatusReport.objects.filter(
        contract__status=Contract.Status.ACTIVE,
        status__in=[StatusReport.Status.DRAFT, StatusReport.Status.RETURNED]).select_related("contract")
    found = []
    for report in open_reports.order_by("contract", "due_on", "pk"):
        if report.due_on < today and report.reminded_overdue_at is None:
            found.append((report, OVERDUE))
        elif today <= report.due_on <= today + dt.timedelta(days=REMIND_BEFORE_DAYS) \
                and report.reminded_before_at is None:
            found.append((report, BEFORE))
    return found


def send_report_reminders(now=None) -> tuple[int, int]:
    """Send the reminders owed today; (mails sent, reports reminded of). A day that sends any writes one audit
    entry."""
    from audit.services import audit_log

    now = now or timezone.now()
    today = timezone.localdate(now)
    for contract in Contract.objects.filter(status=Contract.Status.ACTIVE):
        services.scheduled_reports_sync(contract=contract, actor_label="manage.py send_reminders")
    sent = reports = 0
    for report, kind in due_reminders(today):
        subject = (_("【督促】状況報告の提出期限を過ぎています: %(label)s（%(contract)s）") if kind == OVERDUE
                   else _("【お知らせ】状況報告の提出期限が近づいています: %(label)s（%(contract)s）")) % {
            "label": report.label, "contract": report.contract.display_name}
        mailed = 0
        for user in _recipients(report.contract, kind):
            body = render_to_string("statusreports/email/reminder.txt", {
                "name": display_name(user), "report": report, "overdue": kind == OVERDUE, "url": report_url(report)})
            mailed += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        with transaction.atomic():
            field = "reminded_overdue_at" if kind == OVERDUE else "reminded_before_at"
            # Marked even when nobody could be mailed, so that a report is reminded of once per kind at most.
            StatusReport.objects.filter(pk=report.pk).update(**{field: now})
        sent += mailed
        reports += 1
    if sent:
        audit_log(action="statusreport.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "reports": reports})
    return sent, reports


def daily_reminders(*, actor_label: str) -> str:
    mails, reports = send_report_reminders()
    return f"{mails} status report reminder mails sent ({reports} reports due soon or overdue)."
