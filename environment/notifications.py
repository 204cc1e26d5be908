"""E-mail of certificates about to lapse: 30 days before, 7 days before and on the day after they lapse, to the
profile's keepers (the contractor's handling managers; the ward's IT section) and to HR of the contracts the
organisation works on. The mail names the firm, the certificate and its end date, and links the profile; a
person told of several certificates the same day gets one mail listing them all."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import people_who_can
from contracts.selectors import display_name

from . import permissions
from .models import CERTIFICATE_NOTICE_DAYS, EnvironmentProfile
from .selectors import expiring_certificates

# Days before the end date on which the mail goes (negative: after it lapsed).
NOTICE_DAYS = (CERTIFICATE_NOTICE_DAYS, 7, -1)


def _recipients(profile) -> list:
    people: dict[int, object] = {}
    if profile.is_ward:
        keepers = get_user_model().objects.filter(is_active=True).filter(
            **{"groups__permissions__codename": "keep_ward_profile"}) | get_user_model().objects.filter(
            is_active=True, user_permissions__codename="keep_ward_profile")
        contracts = Contract.objects.exclude(status=Contract.Status.CLOSED)
        for user in keepers.distinct():
            people[user.pk] = user
        actions = ("manage",)
    else:
        contracts = permissions.organisation_contracts(profile.organisation).exclude(status=Contract.Status.CLOSED)
        actions = ("contractor_side", "manage")
    for contract in contracts:
        for action in actions:
            for user in people_who_can(contract, action).select_related("profile"):
                people[user.pk] = user
    return [user for user in people.values() if user.email]


def send_certificate_reminders(day: dt.date | None = None) -> int:
    """The mails of the day: one per person at most, listing every certificate they are told of that day."""
    from audit.services import audit_log

    day = day or timezone.localdate()
    due = [c for c in expiring_certificates(EnvironmentProfile.objects.all(), day)
           if c.days_left(day) in NOTICE_DAYS]
    digests: dict[int, tuple[object, list]] = {}
    recipients: dict[int, list] = {}
    for certificate in due:
        if certificate.profile_id not in recipients:
            recipients[certificate.profile_id] = _recipients(certificate.profile)
        url = settings.SITE_URL.rstrip("/") + reverse("environment:profile", kwargs={"pk": certificate.profile_id})
        for user in recipients[certificate.profile_id]:
            digests.setdefault(user.pk, (user, []))[1].append(
                {"certificate": certificate, "lapsed": certificate.is_expired(day), "url": url})
    sent = 0
    for user, items in digests.values():
        if len(items) == 1:
            subject = _("【認証の有効期限】%(owner)s %(certificate)s") % {
                "owner": items[0]["certificate"].profile.owner_name,
                "certificate": items[0]["certificate"].display_name}
        else:
            subject = _("【認証の有効期限】%(n)s件の認証") % {"n": len(items)}
        body = render_to_string("environment/email/certificate.txt", {"name": display_name(user), "items": items})
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    if sent:
        audit_log(action="environment.reminders.sent", actor_label="manage.py send_reminders",
                  payload={"mails": sent, "certificates": len(due)})
    return sent


def daily_reminders(*, actor_label: str) -> str:
    sent = send_certificate_reminders()
    return f"{sent} certificate expiry mails sent."
