"""Supervising the contractor (委託先の監督): inspections (立入り調査等), the checklist items examined with a result
each, and findings (指摘事項) the contractor answers and the ward accepts or sends back. Rows change only through
:mod:`supervision.services`.

The seed's items 02 and 03 (both sides): 「契約履行の間、特記事項に基づき立入り調査等を実施する」, and where there is a
subcontractor, 「必要に応じて又は定期的に立入り調査等を実施」. The PPC's guidance expects each outsourced job to be
checked at least once a fiscal year, in principle on site; by video or documents only with the reason recorded."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from core.badges import Badge
from core.review import Flow, Reviewed, State


class Inspection(models.Model):
    """立入り調査等: one inspection of a contract (or of one of its approved subcontractors), planned by HR and then
    recorded as held, or cancelled with a reason. Numbered per contract (立入り調査等 No.1, No.2 …)."""

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("実地（立入り）")
        REMOTE = "remote", _("オンライン（映像による確認）")
        DOCUMENTS = "documents", _("書面による確認")

    class Status(models.TextChoices):
        PLANNED = "planned", _("予定")
        DONE = "done", _("実施済み")
        CANCELLED = "cancelled", _("中止")

    STATUS_TONES = {Status.PLANNED: "warn", Status.DONE: "ok", Status.CANCELLED: ""}

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="inspections")
    # Empty: the contractor itself; else the approved subcontractor inspected.
    subcontractor = models.ForeignKey("contracts.Subcontractor", verbose_name=_("再委託先"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="inspections")
    number = models.PositiveIntegerField(_("番号"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦）"))
    planned_on = models.DateField(_("実施予定日"))
    held_on = models.DateField(_("実施日"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    # The ward's people who inspect, as the record prints them (names, and an outside expert if any).
    inspectors = models.CharField(_("検査者（氏名）"), max_length=300, blank=True)
    method = models.CharField(_("方法"), max_length=10, choices=Method.choices, default=Method.ON_SITE)
    # Required unless on site: why a visit was impractical (the PPC's guidance).
    reason = models.CharField(_("実地以外の方法による理由"), max_length=300, blank=True)
    summary = models.TextField(_("所見"), blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(_("中止の理由"), max_length=300, blank=True)
    planned_at = models.DateTimeField(_("計画した日時"))
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("計画した者"), on_delete=models.PROTECT,
                                   related_name="+")
    recorded_at = models.DateTimeField(_("記録日時"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録者"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(_("中止した日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("中止した者"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # When the daily job mailed HR before the planned date and after it passed unrecorded (at most once each);
    # cleared when the inspection is re-planned to another day (supervision.notifications).
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["contract", "-number"]
        verbose_name = _("立入り調査等")
        verbose_name_plural = _("立入り調査等")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="inspection_number_per_contract"),
        ]

    def __str__(self):
        return _gettext("立入り調査等 No.%(n)s") % {"n": self.number}

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_status_display(), self.STATUS_TONES.get(self.status, ""))

    @property
    def target_name(self) -> str:
        """Who is inspected: the contractor, or 再委託先「…」."""
        if self.subcontractor_id:
            return _gettext("再委託先「%(name)s」") % {"name": self.subcontractor.name}
        return str(self.contract.contractor)

    @property
    def method_text(self) -> str:
        """The method, with the reason when it is not on site."""
        if self.method != self.Method.ON_SITE and self.reason:
            return _gettext("%(method)s（理由: %(reason)s）") % {"method": self.get_method_display(),
                                                              "reason": self.reason}
        return self.get_method_display()


class InspectionResult(models.Model):
    """One checklist item examined at an inspection, with its result (適・要改善・該当なし) and a note."""

    class Result(models.TextChoices):
        GOOD = "good", _("適")
        IMPROVE = "improve", _("要改善")
        NOT_APPLICABLE = "not_applicable", _("該当なし")

    RESULT_TONES = {Result.GOOD: "ok", Result.IMPROVE: "danger", Result.NOT_APPLICABLE: ""}

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    # The checklist item's stable key (contractor.operational.02): one of the contract's checklist template items.
    item_key = models.CharField(_("チェック項目"), max_length=40)
    result = models.CharField(_("結果"), max_length=20, choices=Result.choices)
    note = models.CharField(_("確認した内容・備考"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("立入り調査等の結果")
        verbose_name_plural = _("立入り調査等の結果")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item_key"], name="inspection_result_per_item"),
        ]

    def __str__(self):
        return f"{self.inspection} {self.item_key}"

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_result_display(), self.RESULT_TONES.get(self.result, ""))


def _finding_name(finding) -> str:
    return _gettext("指摘事項 No.%(n)s") % {"n": finding.number}


class Finding(Reviewed, models.Model):
    """指摘事項: something an inspection found to improve, with an owner on the contractor's side and a due date.
    The owner (or the handling manager) sends the response (text and files); HR accepts it or sends it back with a
    reason (core.review). Open until accepted: it blocks locking the checklist side of its item (both sides when
    it names none) and closing the contract."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("対応待ち")
        SUBMITTED = "submitted", _("確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("完了")

    review_flow = Flow(
        name=_finding_name,
        messages={
            State.DRAFT: _("%(thing)sへの対応を、委託先が回答するのを待っています。対応したら、内容と写真などを送ってください。"),
            State.SUBMITTED: _("%(thing)sへの回答は区の確認待ちです。区の受理か、理由を付けた差戻しを待っています。"),
            State.RETURNED: _("%(thing)sへの回答は差し戻されました。差戻しの理由を見て対応し、もう一度回答してください。"),
            State.ACCEPTED: _("%(thing)sへの回答を区が受理しました。対応は完了です。"),
        },
        steps={"submitted": _("回答"), "decided": _("区の確認")},
    )

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="findings")
    number = models.PositiveIntegerField(_("番号"))
    # The checklist item it concerns (its side's locking waits for it), or "" for the whole contract (both sides).
    item_key = models.CharField(_("関係するチェック項目"), max_length=40, blank=True)
    text = models.TextField(_("指摘の内容"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("対応する者（委託先）"), on_delete=models.PROTECT,
                              related_name="+")
    due_on = models.DateField(_("対応の期限"))
    response = models.TextField(_("対応の内容"), blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("指摘した日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("指摘した者"), on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回答した者"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("回答回数"), default=0)
    decided_at = models.DateTimeField(_("受理・差戻し日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理・差戻しした者"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField(_("差戻しの理由"), max_length=300, blank=True)
    # When the daily job mailed the owner before the due date and after it passed (at most once each); cleared when
    # the response is sent back with a new due date (supervision.notifications).
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("指摘事項")
        verbose_name_plural = _("指摘事項")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="finding_number_per_contract"),
        ]
        indexes = [models.Index(fields=["contract", "status"], name="finding_status_per_contract")]

    def __str__(self):
        return _finding_name(self)

    @property
    def is_open(self) -> bool:
        """Not accepted yet: it blocks locking and closing."""
        return not self.is_accepted

    @property
    def anchor(self) -> str:
        return f"finding-{self.number}"
