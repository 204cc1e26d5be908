"""The record of each import: who imported which file (its name and SHA-256), of what kind, how many rows, when.

It holds no row of the file: the objects it made are the services' own, each with its audit entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    UNITS = "units", _("組織（部・課・係）")
    CONTRACTORS = "contractors", _("委託事業者")
    CONTRACTS = "contracts", _("委託契約")
    DESIGNATIONS = "designations", _("取扱責任者・取扱者の指定")


class ImportRun(models.Model):
    kind = models.CharField(_("取込の種類"), max_length=20, choices=ImportKind.choices)
    filename = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("行数"))
    created = models.PositiveIntegerField(_("登録した件数"), default=0)
    updated = models.PositiveIntegerField(_("更新した件数"), default=0)
    imported_at = models.DateTimeField(_("取込日時"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("取り込んだ人"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("一括取込の記録")
        verbose_name_plural = _("一括取込の記録")
        permissions = [("run_import", _("組織・事業者・契約・指定を一括で取り込む"))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"
