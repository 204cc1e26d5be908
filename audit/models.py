"""The audit trail: one append-only, hash-chained log of every state change and every access to
personal data. Rows are written only by :func:`audit.services.audit_log`.

Each entry's digest covers its content and the digest before it. Since the audit key came in, the digest
is an HMAC-SHA256 under a key kept outside the database (settings.AUDIT_KEY), so someone who can write to
the database but lacks the key cannot recompute the chain after an edit. Entries written before that keep
their plain SHA-256 (scheme ``sha256``) and still verify as such, but only within the range the declaration
outside the database names (audit/state.py); the first keyed entry after them is the ``audit.chain.rekeyed``
marker, whose keyed digest covers the last plain one, so the old part cannot be rewritten either without
breaking the first keyed link. Nothing is re-signed: re-signing old entries would bless whatever had been
done to them before the key existed. An installation keyed from its first entry accepts no plain entry.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryImmutable(Exception):
    """Raised on any attempt to change or remove an audit entry through the ORM."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryImmutable("Audit entries are append-only.")

    def delete(self):
        raise AuditEntryImmutable("Audit entries are append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AuditEntryImmutable("Audit entries are append-only.")


class Scheme(models.TextChoices):
    LEGACY = "sha256", "SHA-256"  # entries written before the audit key existed
    KEYED = "hmac-sha256", "HMAC-SHA256"


REKEYED_ACTION = "audit.chain.rekeyed"


def audit_key() -> bytes:
    # Read at every use, so a test (or a process told another key) never signs with a stale one.
    return settings.AUDIT_KEY.encode()


class AuditChainHead(models.Model):
    """One row holding the chain's last sequence number and hash.

    Every append first updates this row, which takes a row lock on PostgreSQL and the write lock on
    SQLite, so concurrent appends queue one behind another and the chain never forks.
    """

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    # Written True with every append and read by nothing: whether the chain is keyed, and where the
    # ``audit.chain.rekeyed`` marker goes, is the declaration's to say (audit/state.py), outside the database.
    keyed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("監査証跡の末尾")

    def __str__(self):
        return f"#{self.last_seq}"


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("連番"), unique=True, editable=False)
    created_at = models.DateTimeField(_("日時（UTC）"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作者"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_label = models.CharField(_("操作者名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("契約"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="audit_entries",
    )
    object_type = models.CharField(_("対象の種類"), max_length=100, blank=True)
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("対象"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)
    scheme = models.CharField(max_length=16, choices=Scheme.choices, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("監査証跡")
        verbose_name_plural = _("監査証跡")
        permissions = [("view_security_log", _("契約に属さない記録（ログイン等）を閲覧できる"))]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AuditEntryImmutable("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryImmutable("Audit entries are append-only.")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself, in a fixed order."""
        data = {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "contract": self.contract_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "ip_address": self.ip_address,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        """The digest of this entry under its scheme: keyed entries need settings.AUDIT_KEY."""
        if self.scheme == Scheme.LEGACY:
            return hashlib.sha256(self.canonical()).hexdigest()
        if self.scheme == Scheme.KEYED:
            return hmac.new(audit_key(), self.canonical(), hashlib.sha256).hexdigest()
        raise ValueError(f"unknown audit digest scheme {self.scheme!r}")


class LogAnalysis(models.Model):
    """One month of the access log, analysed by an auditor: the seed's system item 08 (「…アクセスログ等を
    取得する。取得したログは、定期的に分析する。」). A month may be analysed more than once (the current
    month early, then again when it is over); each record stands, with the figures the auditor saw."""

    month = models.DateField(_("対象月"), db_index=True)  # its first day
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("分析した者"),
                                    on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("所見"))
    # The counts of each section as the page showed them when the record was made.
    figures = models.JSONField(_("集計"), default=dict)
    # The recorder's own entries among those the analysis shows (section → count), and why they analysed a
    # month with their own actions in it: a record with any must say so (audit.analysis.analysis_record).
    own_actions = models.JSONField(_("分析者自身の操作"), default=dict, blank=True)
    own_actions_reason = models.TextField(_("自身の操作を含む月を分析した理由"), blank=True, default="")

    class Meta:
        ordering = ["-month", "-recorded_at"]
        verbose_name = _("アクセスログの月次分析")
        verbose_name_plural = _("アクセスログの月次分析")

    def __str__(self):
        return f"{self.month:%Y-%m}"
