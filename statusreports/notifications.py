"""Reminders of status reports by e-mail, from the daily job (core.daily): once before the due date and once
after it, at most one of each kind per report.

- Before: from ``REMIND_BEFORE_DAYS`` days before the due date, to the contract's handling managers in force,
  for a report not yet submitted (or sent back).
- After: from the day after the due date, to the handling managers and to HR of the contract.
- One mail a day per person at most: a digest listing every report they are reminded of that day.

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
    """Send the reminders owed today; (mails sent, reports reminded of). Each person gets at most one mail a day,
    listing every report they are reminded of (a manager of many contracts is not sent one mail per report). A day
    that sends any writes one audit entry."""
    from audit.services import audit_log

    now = now or timezone.now()
    today = timezone.localdate(now)
    for contract in Contract.objects.filter(status=Contract.Status.ACTIVE):
        services.scheduled_reports_sync(contract=contract, actor_label="manage.py send_reminders")
    due = due_reminders(today)
    digests: dict[str, tuple[object, list[tuple[StatusReport, str]]]] = {}
    recipients: dict[tuple[int, str], list] = {}
    for report, kind in due:
        key = (report.contract_id, kind)
        if key not in recipients:
            recipients[key] = _recipients(report.contract, kind)
        for user in recipients[key]:
            digests.setdefault(user.email.strip().lower(), (user, []))[1].append((report, kind))
    sent = 0
    for user, items in digests.values():
        sent += send_mail(_subject(items), render_to_string("statusreports/email/reminder.txt", {
            "name": display_name(user),
            "items": [{"report": report, "overdue": kind == OVERDUE, "url": report_url(report)}
                      for report, kind in items],
            "any_overdue": any(kind == OVERDUE for _report, kind in items),
            "any_before": any(kind == BEFORE for _report, kind in items)}),
            settings.DEFAULT_FROM_EMAIL, [user.email])
    with transaction.atomic():
        # Marked even when nobody could be mailed, so that a report is reminded of once per kind at most.
        for kind, field in ((OVERDUE, "reminded_overdue_at"), (BEFORE, "reminded_before_at")):
            StatusReport.objects.filter(pk__in=[report.pk for report, k in due if k == kind]).update(**{field: now})
    if sent:
        audit_log(action="statusreport.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "reports": len(due)})
    return sent, len(due)


def _subject(items: list[tuple[StatusReport, str]]) -> str:
    overdue = any(kind == OVERDUE for _report, kind in items)
    if len(items) == 1:
        report = items[0][0]
        return (_("【督促】状況報告の提出期限を過ぎています: %(label)s（%(contract)s）") if overdue
                else _("【お知らせ】状況報告の提出期限が近づいています: %(label)s（%(contract)s）")) % {
            "label": report.label, "contract": report.contract.display_name}
    return (_("【督促】状況報告の提出期限を過ぎています（%(n)s件）") if overdue
            else _("【お知らせ】状況報告の提出期限が近づいています（%(n)s件）")) % {"n": len(items)}


def daily_reminders(*, actor_label: str) -> str:
    mails, reports = send_report_reminders()
    return f"{mails} status report reminder mails sent ({reports} reports due soon or overdue)."
