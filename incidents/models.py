"""Incidents (事故): what happened to which items, when it was discovered, how many people it touches,
and the timeline of what was done until HR closes it. Rows change only through :mod:`incidents.services`.

Whether the incident must be reported to the Personal Information Protection Commission, and by when,
is not stored: :mod:`incidents.rules` decides it from these facts and from what the ledger knows about
the items (see :func:`incidents.assessment.assess`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.badges import Badge


class Incident(models.Model):
    """事故報告: one incident on one contract, numbered per contract (事故 No.1, No.2 …)."""

    class Kind(models.TextChoices):
        LOSS = "loss", _("紛失")
        THEFT = "theft", _("盗難")
        LEAK = "leak", _("漏えい")
        MISDELIVERY = "misdelivery", _("誤送付")
        UNAUTHORISED_ACCESS = "unauthorised_access", _("不正アクセス")
        OTHER = "other", _("その他")

    class Status(models.TextChoices):
        OPEN = "open", _("対応中")
        CLOSED = "closed", _("終結")

    STATUS_TONES = {Status.OPEN: "warn", Status.CLOSED: "ok"}

    class PasswordExposure(models.TextChoices):
        """Whether whoever has the data may know the password of an encrypted medium, as the reporter knows it:
        the ledger alone cannot tell (a notice handed over with the disc although refused, a firm holding both,
        a file opened before). The encryption exception of 施行規則第43条 holds only for the three 否 answers."""

        WARD_KEEPS = "ward_keeps", _("否：パスワード通知書は区が保管しており、データを持つ者は知り得ない")
        OTHER_KEEPS = "other_keeps", _("否：パスワード通知書は別の者が保管しており、データを持ち出した者は知り得ない")
        # An insider acting for an unlawful purpose can reach what his own organisation holds: when the notice is
        # at the contractor, "another person keeps it" is true only of someone from outside that organisation.
        OUTSIDER = "outsider", _("否：データを持ち出した者はパスワード通知書を保持する組織の外の者で、通知書に近づけない"
                                 "（外部からの盗難・不正アクセスなど）")
        SAME_HOLDER = "same_holder", _("可能性あり：パスワード通知書を、データを持ち出した者と同じ者・同じ組織が保持している")
        SAME_OCCASION = "same_occasion", _("可能性あり：パスワード通知書が媒体と同じ機会に渡った")
        OPENED = "opened", _("可能性あり：データを持つ者がファイルを開いたことがある")
        UNKNOWN = "unknown", _("可能性あり：分からない")

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="incidents")
    number = models.PositiveIntegerField(_("事故番号"))
    kind = models.CharField(_("事故の種類"), max_length=20, choices=Kind.choices)
    items = models.ManyToManyField("handover.Item", verbose_name=_("関係する記録媒体等"), blank=True,
                                   related_name="incidents")
    # Data outside the ledger's items: the copies on the analysis PC, a printed extract, an e-mail …
    other_data = models.BooleanField(_("記録媒体等以外のデータも関係する"), default=False)
    discovered_at = models.DateTimeField(_("発見日時"))
    affected_count = models.PositiveIntegerField(_("漏えい等のおそれがある本人の数"))
    sensitive = models.BooleanField(_("要配慮個人情報が含まれる"), default=False)
    financial_harm = models.BooleanField(_("不正に利用されることにより財産的被害が生じるおそれがある"), default=False)
    wrongful_purpose = models.BooleanField(_("不正の目的をもって行われたおそれがある"), default=False)
    ordinance_sensitive = models.BooleanField(_("条例要配慮個人情報が含まれる"), default=False)
    description = models.TextField(_("事故の概要"))
    # Asked when an encrypted medium is involved; blank when none is (or for an incident reported before
    # the question existed, which the rule then treats as not known).
    password_exposure = models.CharField(_("データを持つ者がパスワードを知り得るか"), max_length=20,
                                         choices=PasswordExposure.choices, blank=True)

    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reported_at = models.DateTimeField(_("報告日時"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("報告者"), on_delete=models.PROTECT,
                                    related_name="+")
    closed_at = models.DateTimeField(_("終結日時"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("終結した者"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closing_summary = models.TextField(_("対応の結果"), blank=True)
    # Why HR closed a reportable incident without every report the law asks for being recorded.
    missing_reports_reason = models.CharField(_("報告等の記録がないまま終結する理由"), max_length=300, blank=True)

    # The answers that keep the encryption exception: the password out of reach of whoever has the data.
    PROTECTED = (PasswordExposure.WARD_KEEPS, PasswordExposure.OTHER_KEEPS, PasswordExposure.OUTSIDER)

    class Meta:
        ordering = ["contract", "-number"]
        verbose_name = _("事故")
        verbose_name_plural = _("事故")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="incident_number_per_contract"),
        ]
        indexes = [models.Index(fields=["status", "contract"], name="incident_open_per_contract")]

    def __str__(self):
        return f"事故 No.{self.number}（{self.get_kind_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_status_display(), self.STATUS_TONES.get(self.status, ""))

    @property
    def flag_labels(self) -> list[str]:
        """The items of 施行規則第43条 the reporter marked, in words."""
        names = {"sensitive": _("要配慮個人情報"), "financial_harm": _("財産的被害のおそれ"),
                 "wrongful_purpose": _("不正の目的"), "ordinance_sensitive": _("条例要配慮個人情報")}
        return [str(label) for name, label in names.items() if getattr(self, name)]

    @property
    def password_may_be_known(self) -> bool:
        """Whether the reporter said the password may be known to whoever has the data (unanswered: may be)."""
        return self.password_exposure not in self.PROTECTED

    @property
    def affected_text(self) -> str:
        return _("%(n)s人") % {"n": f"{self.affected_count:,}"}


class IncidentEvent(models.Model):
    """One entry of an incident's timeline: a report to the Commission, the people notified, a
    consultation between the ward and the contractor, a measure, or a revision of the reported facts."""

    class Kind(models.TextChoices):
        PPC_PRELIMINARY = "ppc_preliminary", _("個人情報保護委員会へ速報")
        PPC_FINAL = "ppc_final", _("個人情報保護委員会へ確報")
        PERSONS_NOTIFIED = "persons_notified", _("本人への通知（又は代わりの措置）")
        CONSULTED = "consulted", _("区と委託先の協議")
        MEASURE = "measure", _("措置・再発防止策")
        OTHER = "other", _("その他の対応")
        # Written by the service when the reported facts are corrected, never chosen on the form.
        FACTS_REVISED = "facts_revised", _("報告内容の訂正")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("内容"), max_length=20, choices=Kind.choices)
    happened_at = models.DateTimeField(_("日時"))
    note = models.TextField(_("記録"), blank=True)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["incident", "happened_at", "pk"]
        verbose_name = _("事故の対応記録")
        verbose_name_plural = _("事故の対応記録")

    def __str__(self):
        return f"{self.incident} {self.get_kind_display()}"
