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
