"""Contract types (委託の種類) and their flow steps: data an administrator sets up, not code.

A type names the steps of its data flow (the seed's ①–⑥ for a survey analysis; 印刷・封入封緘, 入力業務,
システム保守, クラウドサービス利用 …), which of the app's parts it uses, and the drawing of its data flow for
the council submission. The seed's type (``code="survey"``, ``is_default``) prints exactly as today.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractType(models.Model):
    code = models.SlugField(_("識別子"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("説明"), blank=True)
    # Which of the app's parts a contract of this type uses.
    uses_survey_export = models.BooleanField(_("調査データの書き出しを使う"), default=False)
    uses_media_custody = models.BooleanField(_("記録媒体の受け渡し・保管を使う"), default=True)
    uses_online_transfer = models.BooleanField(_("LGWAN等による送信（記録媒体に代えて）を使う"), default=False)
    is_default = models.BooleanField(_("既定の種類"), default=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("委託の種類")
        verbose_name_plural = _("委託の種類")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_contract_type"),
        ]

    def __str__(self):
        return self.name


class FlowStep(models.Model):
    """One step of a type's data flow (資料2-1 for the seed's type)."""

    class Actor(models.TextChoices):
        WARD = "ward", _("区")
        CONTRACTOR = "contractor", _("委託先")
        BOTH = "both", _("区・委託先")

    class Follows(models.TextChoices):
        # How the step is completed: by hand, or following a year's-end record (the seed's ④–⑥).
        HAND = "", _("担当課が完了を記録する")
        REPORT = "report", _("報告書の受領に従う")
        RETURNED = "returned", _("返却・消去の確認に従う")
        MEASURES = "measures", _("対応策の記録に従う")

    contract_type = models.ForeignKey(ContractType, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("番号"))
    text = models.CharField(_("工程"), max_length=200)
    actor = models.CharField(_("行う者"), max_length=12, choices=Actor.choices, default=Actor.WARD)
    follows = models.CharField(_("完了の記録"), max_length=12, choices=Follows.choices, blank=True,
                               default=Follows.HAND)

    class Meta:
        ordering = ["contract_type", "number"]
        verbose_name = _("工程")
        verbose_name_plural = _("工程")
        constraints = [
            models.UniqueConstraint(fields=["contract_type", "number"], name="flow_step_number_unique"),
        ]

    def __str__(self):
        return self.text


def default_contract_type() -> int:
    """The default type's id (the seed's survey analysis unless an administrator chose another)."""
    from .seed import ensure_survey_type

    pk = ContractType.objects.filter(is_default=True).values_list("pk", flat=True).first()
    return pk if pk is not None else ensure_survey_type(ContractType, FlowStep).pk
