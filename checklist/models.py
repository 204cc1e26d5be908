"""The two checklists of the seed (別紙「5 業務委託にかかる個人情報保護対策チェックリスト」).

A *template* holds the 48 items word for word, in the seed's order; every installation gets version 1
from ``fixtures/checklist_items.json`` through a data migration. A contract's :class:`Checklist` points
at one template version: once any contract uses a version it is frozen, and a change to the wording
makes a new version (``services.template_new_version``) while old checklists keep theirs.

Per contract the ward plans every item ○ (the measure will be taken) or ー (not needed, with a reason)
for the council, then during the contract each ○ item is attested (the contractor's manager for the
contractor side, HR for the ward side), reviewed by HR item by item and finally locked.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.badges import Badge
from core.review import Action, Flow, Reviewed, State, Step


class TemplateFrozen(Exception):
    """A template version that a contract uses cannot change; make a new version instead."""


class Side(models.TextChoices):
    WARD = "ward", _("区が行う対策")
    CONTRACTOR = "contractor", _("委託事業者に行わせる対策")


class Section(models.TextChoices):
    OPERATIONAL = "operational", _("運用上の対策")
    SYSTEM = "system", _("システム上の対策")


class Mark(models.TextChoices):
    # The seed's two marks. ー is written 「-」 on the ward's list and 「ー」 on the contractor's (the
    # template keeps the seed's wording as written); pages and documents print the long ー on both, marks
    # and column headers alike, since a hyphen in a mark column is easily missed or read as a blank.
    PLANNED = "planned", "○"
    NOT_NEEDED = "not_needed", "ー"


class ChecklistTemplate(models.Model):
    """One version of the checklist for one contract type (``contract_type`` null: the default, used by every type
    without its own). A version is written as a draft (an import previewed and found valid) and published; a
    contract's plan starts on the latest version published for its type at that moment (``services.template_for``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き（未公開）")
        PUBLISHED = "published", _("公開済み")

    STATUS_TONES = {Status.DRAFT: "warn", Status.PUBLISHED: "ok"}

    contract_type = models.ForeignKey("contracttypes.ContractType", verbose_name=_("委託の種類"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="checklist_templates")
    version = models.PositiveIntegerField(_("版"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    title = models.CharField(_("表題"), max_length=200)
    subtitle = models.CharField(_("副題"), max_length=200, blank=True)
    control_header = models.CharField(_("対策欄の見出し"), max_length=100)
    ward_heading = models.CharField(_("区側の見出し"), max_length=200)
    ward_mark_header = models.CharField(_("区側の記入欄の見出し"), max_length=200)
    ward_no_mark = models.CharField(_("区側の「必要なし」の記号"), max_length=5)
    contractor_heading = models.CharField(_("事業者側の見出し"), max_length=200)
    contractor_mark_header = models.CharField(_("事業者側の記入欄の見出し"), max_length=200)
    contractor_no_mark = models.CharField(_("事業者側の「必要なし」の記号"), max_length=5)
    operational_heading = models.CharField(_("運用上の対策の見出し"), max_length=100)
    system_heading = models.CharField(_("システム上の対策の見出し"), max_length=100)
    source = models.CharField(_("出典"), max_length=300)
    change_note = models.TextField(_("改版の理由"), blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-version"]
        verbose_name = _("チェックリストのひな形")
        verbose_name_plural = _("チェックリストのひな形")
        permissions = [("import_template", _("チェックリストのひな形を取り込み、公開する"))]
        constraints = [
            # NULL is never equal to NULL in a unique index: the default's versions have a constraint of their own.
            models.UniqueConstraint(fields=["contract_type", "version"], condition=models.Q(contract_type__isnull=False),
                                    name="checklist_template_version_per_type"),
            models.UniqueConstraint(fields=["version"], condition=models.Q(contract_type__isnull=True),
                                    name="checklist_template_version_default"),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    def save(self, *args, **kwargs):
        if self.is_in_use:
            raise TemplateFrozen("This template version is used by a contract; make a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_in_use:
            raise TemplateFrozen("This template version is used by a contract.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_status_display(), self.STATUS_TONES.get(self.status, ""))

    @property
    def type_label(self) -> str:
        return self.contract_type.name if self.contract_type_id else str(_("既定（種類ごとのひな形がない場合）"))

    @property
    def is_in_use(self) -> bool:
        return self.pk is not None and self.checklists.exists()

    def heading(self, side: str) -> str:
        return self.ward_heading if side == Side.WARD else self.contractor_heading

    def mark_header(self, side: str) -> str:
        """The mark column's header as printed: the list's own wording, its "not needed" mark written as the
        pages and documents write it (「ー」 on both lists, where the seed's ward list has 「-」)."""
        header = self.ward_mark_header if side == Side.WARD else self.contractor_mark_header
        return header.replace(f"「{self.no_mark(side)}」", f"「{Mark.NOT_NEEDED.label}」")

    def no_mark(self, side: str) -> str:
        return self.ward_no_mark if side == Side.WARD else self.contractor_no_mark

    def section_heading(self, section: str) -> str:
        return self.operational_heading if section == Section.OPERATIONAL else self.system_heading


class TemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    # Stable across versions ("contractor.operational.09"): the evidence registry and the comparison of
    # versions use it. A new version keeps the key of an item whose wording it only corrects.
    key = models.CharField(_("キー"), max_length=40)
    side = models.CharField(_("区分"), max_length=12, choices=Side.choices)
    section = models.CharField(_("対策の種類"), max_length=12, choices=Section.choices)
    number = models.PositiveSmallIntegerField(_("番号"))
    position = models.PositiveSmallIntegerField(_("順序"))
    text = models.TextField(_("個人情報保護対策"))
    seed_mark = models.CharField(_("原本の記入"), max_length=5, blank=True)
    # The record that backs the item: a key registered in core.evidence (the seed's items are backed by their own
    # key), or "" — attestation with files: the attestation "in place" then needs at least one file attached.
    backing = models.CharField(_("裏付け"), max_length=40, blank=True)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("チェック項目（ひな形）")
        verbose_name_plural = _("チェック項目（ひな形）")
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="checklist_template_key_unique"),
            models.UniqueConstraint(fields=["template", "position"], name="checklist_template_position_unique"),
        ]

    def __str__(self):
        return f"{self.key} {self.text[:30]}"

    def save(self, *args, **kwargs):
        if self.template_id and ChecklistTemplate.objects.filter(pk=self.template_id, checklists__isnull=False).exists():
            raise TemplateFrozen("This template version is used by a contract; make a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.template.is_in_use:
            raise TemplateFrozen("This template version is used by a contract.")
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        """How a clerk names the item: 区が行う対策・運用上の対策 4."""
        return f"{self.get_side_display()}・{self.get_section_display()} {self.number}"

    @property
    def needs_files(self) -> bool:
        """Attestation with files: no record backs the item, so its attestation "in place" needs a file."""
        return not self.backing

    @property
    def anchor(self) -> str:
        """The HTML id of the item's row on its side's page (and the fragment that returns there)."""
        return "item-" + self.key.replace(".", "-")


class Checklist(models.Model):
    """One contract's two checklists, on one template version."""

    class PlanStatus(models.TextChoices):
        DRAFT = "draft", _("計画中（未確定）")
        FINALISED = "finalised", _("確定済み")

    PLAN_STATUS_TONES = {PlanStatus.DRAFT: "warn", PlanStatus.FINALISED: "ok"}

    contract = models.OneToOneField("contracts.Contract", on_delete=models.CASCADE, related_name="checklist")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="checklists")
    plan_status = models.CharField(_("計画の状態"), max_length=10, choices=PlanStatus.choices,
                                   default=PlanStatus.DRAFT)
    # 0 until the plan is first finalised for the council; each later change adds one.
    plan_revision = models.PositiveSmallIntegerField(_("計画の版"), default=0)
    plan_finalised_at = models.DateTimeField(_("計画の確定日時"), null=True, blank=True)
    plan_finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    plan_changed_at = models.DateTimeField(_("計画の最終変更日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("個人情報保護対策チェックリスト")
        verbose_name_plural = _("個人情報保護対策チェックリスト")

    def __str__(self):
        return f"{self.contract} チェックリスト"

    @property
    def is_finalised(self) -> bool:
        return self.plan_status == self.PlanStatus.FINALISED

    @property
    def is_draft(self) -> bool:
        return self.plan_status == self.PlanStatus.DRAFT

    @property
    def plan_badge(self) -> Badge:
        return Badge(self.get_plan_status_display(), self.PLAN_STATUS_TONES.get(self.plan_status, ""))


class ChecklistSide(Reviewed, models.Model):
    """The attestation and review of one side's list, through the one review workflow (core.review): the side is
    submitted for review (記入中・差戻し → 確認待ち) and settles as its items are reviewed one by one (all ○ accepted
    → 全項目確認済み, some sent back → 差戻し); ``locked`` (確定, HR closes it) is the checklist's own last state."""

    class Status(models.TextChoices):
        OPEN = "open", _("記入中")
        SUBMITTED = "submitted", _("確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("全項目確認済み（確定待ち）")
        LOCKED = "locked", _("確定")

    # The review's badges (core.review.TONES), and "ok" for the side's own last state; refusals in the list's words.
    review_flow = Flow(
        name=lambda side: str(side.get_side_display()),
        states={Status.OPEN: State.DRAFT},
        tones={Status.LOCKED: "ok"},
        refusals={
            (Action.SUBMIT, State.SUBMITTED): _("区に確認を依頼中のため変更できません。確認の結果（差戻し）を待ってください。"),
            (Action.SUBMIT, State.ACCEPTED): _("すべての項目が確認済みのため変更できません。"),
            Action.ACCEPT: _("確認を依頼されていないため、確認できません。"),
            Action.SEND_BACK: _("確認を依頼されていないため、確認できません。"),
        },
    )

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="sides")
    side = models.CharField(_("区分"), max_length=12, choices=Side.choices)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    locked_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["checklist", "-side"]
        verbose_name = _("チェックリスト（区分別）")
        verbose_name_plural = _("チェックリスト（区分別）")
        constraints = [models.UniqueConstraint(fields=["checklist", "side"], name="checklist_one_row_per_side")]

    def __str__(self):
        return f"{self.checklist} {self.get_side_display()}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    def review_steps(self) -> list[Step]:
        """The last request for review (and how many there have been) and the lock; the items' reviews are in the
        history (``ChecklistEvent``)."""
        steps = []
        if self.submitted_at:
            steps.append(Step(_("確認の依頼"), self.submitted_by, self.submitted_at,
                              _("%(n)s回目") % {"n": self.submission_count}))
        if self.locked_at:
            steps.append(Step(_("確定"), self.locked_by, self.locked_at))
        return steps


class ChecklistItem(models.Model):
    """One of the 48 items on one contract: its plan mark, attestation and review."""

    class Attestation(models.TextChoices):
        BLANK = "blank", _("未記入")
        IN_PLACE = "in_place", _("実施済み")
        NOT_YET = "not_yet", _("未実施")

    class Review(models.TextChoices):
        NONE = "none", _("未確認")
        ACCEPTED = "accepted", _("確認済み")
        RETURNED = "returned", _("差戻し")

    ATTESTATION_TONES = {Attestation.IN_PLACE: "ok", Attestation.NOT_YET: "warn"}
    REVIEW_TONES = {Review.ACCEPTED: "ok", Review.RETURNED: "danger"}

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    template_item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(_("計画"), max_length=12, choices=Mark.choices, blank=True)
    mark_reason = models.TextField(_("「ー」の理由"), blank=True)
    attestation = models.CharField(_("実施状況"), max_length=10, choices=Attestation.choices,
                                   default=Attestation.BLANK)
    note = models.TextField(_("実施内容・未実施の理由"), blank=True)
    evidence = models.CharField(_("根拠資料"), max_length=300, blank=True)
    attested_at = models.DateTimeField(_("記入日時"), null=True, blank=True)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # Attested as in place while the app's own records showed the control unmet: the reviewer sees it.
    flagged = models.BooleanField(_("アプリの記録と不一致"), default=False)
    app_evidence = models.TextField(_("記入時のアプリの記録"), blank=True)
    review = models.CharField(_("確認"), max_length=10, choices=Review.choices, default=Review.NONE)
    review_comment = models.TextField(_("確認のコメント"), blank=True)
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["checklist", "template_item__position"]
        verbose_name = _("チェック項目")
        verbose_name_plural = _("チェック項目")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "template_item"], name="checklist_item_once"),
        ]

    def __str__(self):
        return f"{self.template_item.key}"

    @property
    def side(self) -> str:
        return self.template_item.side

    @property
    def is_planned(self) -> bool:
        return self.mark == Mark.PLANNED

    @property
    def is_not_needed(self) -> bool:
        return self.mark == Mark.NOT_NEEDED

    @property
    def is_attested(self) -> bool:
        return self.attestation != self.Attestation.BLANK

    @property
    def is_in_place(self) -> bool:
        return self.attestation == self.Attestation.IN_PLACE

    @property
    def is_accepted(self) -> bool:
        return self.review == self.Review.ACCEPTED

    @property
    def is_returned(self) -> bool:
        return self.review == self.Review.RETURNED

    @property
    def attestation_badge(self) -> Badge:
        return Badge(self.get_attestation_display(), self.ATTESTATION_TONES.get(self.attestation, ""))

    @property
    def review_badge(self) -> Badge:
        return Badge(self.get_review_display(), self.REVIEW_TONES.get(self.review, ""))

    @property
    def awaits_review(self) -> bool:
        return self.is_planned and self.is_attested and self.review == self.Review.NONE


class ChecklistEvent(models.Model):
    """The checklist's own history: who said what, when (the audit trail holds the same, hash-chained)."""

    class Kind(models.TextChoices):
        PLAN_SAVED = "plan_saved", _("計画を保存")
        PLAN_FINALISED = "plan_finalised", _("計画を確定")
        PLAN_REVISED = "plan_revised", _("計画を変更")
        ITEM_ATTESTED = "item_attested", _("実施状況を記入")
        ITEM_ACCEPTED = "item_accepted", _("確認済みとした")
        ITEM_RETURNED = "item_returned", _("差し戻した")
        SIDE_SUBMITTED = "side_submitted", _("確認を依頼")
        SIDE_LOCKED = "side_locked", _("確定")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    side = models.CharField(_("区分"), max_length=12, choices=Side.choices, blank=True)
    kind = models.CharField(_("内容"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)
    revision = models.PositiveSmallIntegerField(_("計画の版"), default=0)
    text = models.TextField(_("コメント・理由"), blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("チェックリストの履歴")
        verbose_name_plural = _("チェックリストの履歴")

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Confirmation(models.Model):
    """A dated confirmation that backs an item of the checklist with a record rather than a tick: the 特記事項
    attached to the contract (item 01), the contractor's cloud declaration (01), the business flow shared by the
    ward and acknowledged by the contractor's manager with its version (05), the emergency contacts and procedure
    confirmed by each side before the work starts (12). Rows are never changed: a later confirmation of the same
    kind and side stands beside the earlier one, and the newest counts."""

    class Kind(models.TextChoices):
        SPECIAL_TERMS = "special_terms", _("特記事項を契約に付した")
        CLOUD = "cloud", _("クラウドサービスの利用についての申告")
        FLOW_SHARED = "flow_shared", _("業務フロー（資料2-1）を委託先と共有した")
        FLOW_ACKNOWLEDGED = "flow_acknowledged", _("業務フロー（資料2-1）を確認した")
        EMERGENCY = "emergency", _("緊急時の連絡体制・対応手順を確認した")

    # Who records each kind: the ward (HR) or the contractor's handling manager; the emergency confirmation is
    # made by both, one row each.
    SIDES = {
        Kind.SPECIAL_TERMS: (Side.WARD,),
        Kind.CLOUD: (Side.CONTRACTOR,),
        Kind.FLOW_SHARED: (Side.WARD,),
        Kind.FLOW_ACKNOWLEDGED: (Side.CONTRACTOR,),
        Kind.EMERGENCY: (Side.WARD, Side.CONTRACTOR),
    }
    # The kinds whose reference (the version or date of a document) is required.
    NEEDS_REFERENCE = (Kind.SPECIAL_TERMS, Kind.FLOW_SHARED, Kind.FLOW_ACKNOWLEDGED)

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="confirmations")
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    side = models.CharField(_("確認した側"), max_length=12, choices=Side.choices)
    confirmed_on = models.DateField(_("確認日"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("確認者"), on_delete=models.PROTECT,
                                     related_name="+")
    reference = models.CharField(_("版・日付"), max_length=200, blank=True)
    # CLOUD only: False — no cloud service is used; True — one is used and the contractor follows the
    # 総務省 guideline (the service is named in the note).
    cloud_used = models.BooleanField(_("クラウドサービスの利用"), null=True, blank=True)
    note = models.TextField(_("内容・備考"), blank=True)
    recorded_at = models.DateTimeField(_("記録日時"))

    class Meta:
        ordering = ["contract", "kind", "-confirmed_on", "-pk"]
        verbose_name = _("確認の記録")
        verbose_name_plural = _("確認の記録")

    def __str__(self):
        return f"{self.get_kind_display()} {self.confirmed_on:%Y-%m-%d}"


class MeasureChange(models.Model):
    """A change of the protection or security measures (item 13: 個人情報保護及び情報セキュリティ対策の変更があった
    場合は、直ちに…今後の対応を協議): what changed and when, and the consultation between the ward and the
    contractor that followed — when, with whom, and its outcome. Recorded by either side; the consultation may
    be added afterwards."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="measure_changes")
    changed_on = models.DateField(_("変更日"))
    what = models.TextField(_("変更の内容"))
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.PROTECT,
                                    related_name="+")
    consulted_on = models.DateField(_("協議日"), null=True, blank=True)
    consulted_with = models.CharField(_("協議の相手"), max_length=200, blank=True)
    outcome = models.TextField(_("協議の結果"), blank=True)
    consulted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("協議を記録した者"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract", "-changed_on", "-pk"]
        verbose_name = _("対策の変更")
        verbose_name_plural = _("対策の変更")

    def __str__(self):
        return f"{self.changed_on:%Y-%m-%d} {self.what[:30]}"

    @property
    def is_consulted(self) -> bool:
        return self.consulted_on is not None


class EvidenceRequest(Reviewed, models.Model):
    """HR asks for the evidence behind one item by a date; the side's attester (the contractor's handling
    manager, or HR itself on the ward side) answers with text and files (attachments, slot ``response``), and HR
    accepts the answer or sends it back with a reason (core.review)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("提出待ち")
        SUBMITTED = "submitted", _("確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")

    review_flow = Flow(
        name=lambda request: _("根拠資料（%(item)s）") % {"item": request.item.template_item.label},
        states={Status.REQUESTED: State.DRAFT},
        messages={State.DRAFT: _("%(thing)sの提出を依頼しています。期限までに提出してください。")},
    )

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="evidence_requests")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("チェック項目"), on_delete=models.PROTECT,
                             related_name="evidence_requests")
    asked = models.TextField(_("依頼する内容"))
    due_on = models.DateField(_("提出期限"))
    requested_at = models.DateTimeField(_("依頼日時"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("依頼者"), on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    answer = models.TextField(_("回答"), blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    decided_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    return_reason = models.TextField(_("差戻しの理由"), blank=True)

    class Meta:
        ordering = ["contract", "due_on", "pk"]
        verbose_name = _("根拠資料の依頼")
        verbose_name_plural = _("根拠資料の依頼")

    def __str__(self):
        return f"{self.item} {self.due_on:%Y-%m-%d}"

    @property
    def side(self) -> str:
        return self.item.template_item.side
