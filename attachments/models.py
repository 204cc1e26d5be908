"""Evidence files (添付資料): a file attached to a record of another app, encrypted at rest, in versions.

A file belongs to its target (any registered model, by content type and id) and a slot on it ("" for the
target's one list of files; "certificate", "response" where a target holds files of several kinds). A new
upload to the same (target, slot) is the next version; earlier versions stay, listed and readable. The
bytes live sealed in settings.EVIDENCE_DATA_DIR under ``token`` (attachments.storage); the row keeps what
a reader checks the file against: its SHA-256, size and type as received.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceFile(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    slot = models.CharField(_("種類"), max_length=40, blank=True, default="")
    # The contract and organisation the target belongs to (the registry's contract_of / organisation_of),
    # so that selectors can filter by the user's contracts without knowing the target's model.
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    organisation = models.ForeignKey("contracts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    version = models.PositiveIntegerField(_("版"), default=1)
    name = models.CharField(_("ファイル名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大きさ"))
    sha256 = models.CharField("SHA-256", max_length=64)
    media_type = models.CharField(_("形式"), max_length=100)
    token = models.CharField(max_length=64, unique=True, editable=False)
    uploaded_at = models.DateTimeField(_("登録日時"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("添付資料")
        verbose_name_plural = _("添付資料")
        ordering = ["content_type", "object_id", "slot", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "slot", "version"],
                                    name="evidence_file_one_version_per_slot"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "slot"], name="evidence_file_target")]

    def __str__(self) -> str:
        # Never the file's name: str() is what the audit trail keeps of an object, and a name may name a person.
        return _("添付資料 %(pk)s（第%(version)s版）") % {"pk": self.pk, "version": self.version}
