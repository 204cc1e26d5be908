"""Status reports (状況報告) and the contractor's written reports of its management structure.

The seed's 特記事項 and the prefectures' rules ask the contractor to report on the work monthly or whenever the
ward asks (委託先に対し速やかに状況報告をさせる, items 02), and to report its management structure in writing after
signing and on every change. Both go through the one review workflow (core.review): the handling manager
(取扱責任者) submits, HR accepts or sends back with a reason. Rows change only through
:mod:`statusreports.services`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import wareki
from core.review import Flow, Reviewed, State


class StatusSchedule(models.Model):
    """When a contract's status reports are due: monthly (by default, without a row), on dates HR sets, or not
    at all, with the reason why."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("毎月")
        DATES = "dates", _("区が定める日")
        NONE = "none", _("定期の報告なし")

    # The default: each month's report is due on the 10th of the following month.
    DEFAULT_DAY = 10

    contract = models.OneToOneField("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                    related_name="status_schedule")
    kind = models.CharField(_("報告の予定"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    day = models.PositiveSmallIntegerField(_("提出期限（翌月の日）"), default=DEFAULT_DAY)
    # ISO dates ("2026-06-30"), sorted, for Kind.DATES.
    dates = models.JSONField(_("提出期限の日"), default=list, blank=True)
    reason = models.CharField(_("定期の報告をしない理由"), max_length=300, blank=True)
    set_at = models.DateTimeField(_("設定日時"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("設定した者"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("状況報告の予定")
        verbose_name_plural = _("状況報告の予定")

    def __str__(self):
        return str(_("状況報告の予定"))


class StatusReport(Reviewed, models.Model):
    """状況報告: one report of the contractor on the work, due on a date, scheduled or requested by HR."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("定期")
        REQUESTED = "requested", _("区の求め")

    class Status(models.TextChoices):
        DRAFT = "draft", _("未提出")
        SUBMITTED = "submitted", _("区の確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")

    review_flow = Flow(name=lambda report: _("状況報告「%(label)s」") % {"label": report.label},
                       messages={State.DRAFT: _("%(thing)sは未提出です。取扱責任者が報告内容を書いて提出してください。")})

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="status_reports")
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    # What a scheduled report stands for ("2026-05": May's report; "2026-06-30": the report due that day), so that
    # generating the schedule's reports again finds the ones it made.
    period_key = models.CharField(max_length=10, blank=True)
    label = models.CharField(_("報告"), max_length=100)
    due_on = models.DateField(_("提出期限"))
    # A request: what HR asks to be reported, who asked and when.
    request_text = models.TextField(_("報告を求める事項"), blank=True)
    requested_at = models.DateTimeField(_("求めた日時"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("求めた者"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("報告内容"), blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出した者"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    decided_at = models.DateTimeField(_("受理・差戻し日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理・差戻しした者"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField(_("差戻しの理由"), max_length=300, blank=True)
    # At most one reminder of each kind per report (statusreports.notifications).
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"))

    class Meta:
        ordering = ["contract", "due_on", "pk"]
        verbose_name = _("状況報告")
        verbose_name_plural = _("状況報告")
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_key"], condition=models.Q(kind="scheduled"),
                                    name="one_scheduled_report_per_period"),
        ]

    def __str__(self):
        return f"状況報告「{self.label}」"

    @property
    def is_requested(self) -> bool:
        return self.kind == self.Kind.REQUESTED

    def is_overdue(self, today) -> bool:
        """Past its due date and not with the ward (not submitted, or sent back and not submitted again)."""
        return self.is_with_submitter and self.due_on < today

    @property
    def due_text(self) -> str:
        return wareki(self.due_on)


class StructureReport(Reviewed, models.Model):
    """管理体制の報告: the contractor's written report of its management structure, after signing and on every
    change: who (the designations in force when it is submitted, kept as they were), since when, what changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        SUBMITTED = "submitted", _("区の確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")

    review_flow = Flow(name=lambda report: _("管理体制の報告（%(date)s〜）") % {"date": wareki(report.effective_on)})

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="structure_reports")
    effective_on = models.DateField(_("この体制となった日"))
    changes = models.TextField(_("変更の内容"))
    # [{"kind": "manager", "name": "田中 誠", "duties": "", "valid_from": "2026-04-01", "valid_until": null}, …]:
    # the designations in force when it was last submitted, as they were then.
    people = models.JSONField(_("取扱責任者・取扱者"), default=list, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("作成日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作成した者"), on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出した者"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    decided_at = models.DateTimeField(_("受理・差戻し日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理・差戻しした者"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField(_("差戻しの理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["contract", "-effective_on", "-pk"]
        verbose_name = _("管理体制の報告")
        verbose_name_plural = _("管理体制の報告")

    def __str__(self):
        return f"管理体制の報告（{wareki(self.effective_on)}〜）"
