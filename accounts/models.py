"""One-time enrolment links for people whose account the ward has just opened."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ENROLMENT_LINK_LIFETIME = dt.timedelta(hours=72)


class EnrolmentInvitation(models.Model):
    """A link that lets one new person set a password and a second factor, once, within 72 hours.

    Only the SHA-256 of the token is kept: someone who reads the database cannot use a pending link.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("利用者"), on_delete=models.CASCADE,
                             related_name="enrolment_invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("発行日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("発行者"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("有効期限"))
    used_at = models.DateTimeField(_("使用日時"), null=True, blank=True)
    # A newer link for the same person replaces this one.
    withdrawn_at = models.DateTimeField(_("無効化日時"), null=True, blank=True)
    # The SHA-256 of a random value kept in the session that first opened the link: only that session is
    # shown the authenticator's secret (issue 13, finding 10). Empty until the link is first opened.
    opened_by = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("利用開始の案内")
        verbose_name_plural = _("利用開始の案内")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return not self.is_used and self.withdrawn_at is None and not self.is_expired


class AttemptCount(models.Model):
    """How many times one anonymous failure (a refused sign-in, an unknown enrolment link, a lockout, a
    throttled request) came from one address in one minute. Not part of the audit trail: the first of a
    kind writes its audit entry at once, the rest only count here, and the count goes into the trail as
    one summary entry once the minute is over (accounts.attempts). Rows are deleted when summarised."""

    address = models.CharField(max_length=45, blank=True)
    minute = models.DateTimeField()
    action = models.CharField(max_length=100)
    # What the entry is about beyond the action (the account's number, a refusal's reason), so that
    # failures on two accounts stay two entries; never what a stranger typed.
    subject = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(default=1)
    # What the summary entry repeats from the first one.
    label = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address", "minute", "action", "subject"],
                                               name="attempt_count_once_per_minute")]
        indexes = [models.Index(fields=["minute"])]

    def __str__(self):
        return f"{self.action} {self.address} {self.minute:%Y-%m-%d %H:%M} ×{self.count}"


class DirectoryAccount(models.Model):
    """An account whose password the ward's directory checks (directory sign-in): it has no password here,
    and ward system item 06 counts its password as the directory's, not as missing."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_account")
    first_signed_in_at = models.DateTimeField(_("ディレクトリでの初回ログイン"))
    last_signed_in_at = models.DateTimeField(_("ディレクトリでの最終ログイン"))

    class Meta:
        verbose_name = _("ディレクトリのアカウント")
        verbose_name_plural = _("ディレクトリのアカウント")

    def __str__(self):
        return str(self.user)
