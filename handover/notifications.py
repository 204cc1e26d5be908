"""E-mails: the request for acknowledgement, and the daily reminders.

Mails carry the contract, the ledger numbers and the items' labels, never personal data, and a
link to the page where the person acts.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.selectors import display_name

from . import selectors


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def handover_url(handover) -> str:
    return absolute(reverse("handover:handover_detail", kwargs={"slug": handover.contract.slug, "pk": handover.pk}))


def acknowledgement_requested(handover_pk: int) -> int:
    """Ask the recipient of a new handover to acknowledge it in the app."""
    from .models import Handover

    handover = Handover.objects.select_related("contract", "giver__profile", "recipient__profile").get(pk=handover_pk)
    recipient = handover.recipient
    if not recipient.email:
        return 0
    labels = [line.item.label for line in handover.lines.select_related("item").order_by("item__label")]
    body = render_to_string("handover/email/acknowledgement_request.txt", {
        "handover": handover, "labels": labels, "url": handover_url(handover),
        "recipient_name": display_name(recipient), "giver_name": display_name(handover.giver),
    })
    subject = _("【受領確認のお願い】%(contract)s 受渡し No.%(number)s") % {
        "contract": handover.contract.display_name, "number": handover.number}
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


@dataclass
class Reminder:
    user: object
    handovers: list = field(default_factory=list)
    items: list = field(default_factory=list)


def collect_reminders(now=None) -> dict[int, Reminder]:
    """Who is reminded of what: acknowledgements pending over a day go to the recipient and the giver;
    overdue storage checks to the holder and to the contract's HR members."""
    now = now or timezone.now()
    reminders: dict[int, Reminder] = {}

    def add(user, kind, obj):
        if user is None or not user.is_active or not user.email:
            return
        reminder = reminders.setdefault(user.pk, Reminder(user=user))
        bucket = getattr(reminder, kind)
        if obj not in bucket:
            bucket.append(obj)

    for handover in selectors.pending_acknowledgements(now=now, overdue_only=True):
        add(handover.recipient, "handovers", handover)
        add(handover.giver, "handovers", handover)

    overdue = list(selectors.overdue_storage_checks(now=now))
    hr_by_contract = selectors.hr_people([item.contract_id for item in overdue])
    for item in overdue:
        add(item.holder, "items", item)
        for user in hr_by_contract.get(item.contract_id, []):
            add(user, "items", item)
    return reminders


def send_reminders(now=None) -> tuple[int, int, int]:
    """Send one mail per person. Returns (mails sent, pending acknowledgements, overdue checks).

    The auditors get theirs every day: it carries the audit trail's anchor of the moment, a line to keep
    outside the database (see audit.services.current_anchor)."""
    from audit.services import anchor_keepers, current_anchor

    now = now or timezone.now()
    reminders = collect_reminders(now)
    anchor = current_anchor(now)
    keepers = set()
    if anchor is not None:
        for user in anchor_keepers():
            reminders.setdefault(user.pk, Reminder(user=user))
            keepers.add(user.pk)
    handovers, items = set(), set()
    sent = 0
    for reminder in reminders.values():
        handovers.update(h.pk for h in reminder.handovers)
        items.update(i.pk for i in reminder.items)
        body = render_to_string("handover/email/reminder.txt", {
            "name": display_name(reminder.user),
            "handovers": [(h, handover_url(h)) for h in reminder.handovers],
            "items": [(i, absolute(reverse("handover:item_detail",
                                           kwargs={"slug": i.contract.slug, "pk": i.pk}))) for i in reminder.items],
        })
        subject = _("【督促】受領確認・保管状況の定期確認のお願い")
        if reminder.user.pk in keepers:
            body += render_to_string("audit/email/anchor.txt", {"anchor": anchor})
            if not reminder.handovers and not reminder.items:
                subject = _("【監査証跡】本日のアンカー（印刷して保管）")
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.user.email])
    return sent, len(handovers), len(items)


def daily_reminders(*, actor_label: str) -> str:
    """The daily job (core.daily): the reminders, one audit entry with their counts, and the line it prints."""
    from audit.services import audit_log

    sent, handovers, items = send_reminders()
    audit_log(action="handover.reminders.sent", actor_label=actor_label,
              payload={"mails": sent, "pending_acknowledgements": handovers, "overdue_checks": items})
    return f"{sent} reminder mails sent ({handovers} pending acknowledgements, {items} overdue storage checks)."
