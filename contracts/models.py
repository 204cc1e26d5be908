"""Organisations, contracts (every field of the council submission), memberships and designations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracttypes.models import default_contract_type
from contracttypes.selectors import label_of
from core.badges import Badge
from core.dates import fiscal_year_label
from core.review import Action, Flow, Reviewed, State


class Organisation(models.Model):
    class Kind(models.TextChoices):
        WARD_SECTION = "ward_section", _("区の担当課")
        CONTRACTOR = "contractor", _("委託事業者")
        SUBCONTRACTOR = "subcontractor", _("再委託先")
        # The ward's organisation tree: 部 → 課 (WARD_SECTION) → 係.
        DEPARTMENT = "department", _("部")
        UNIT = "unit", _("係")

    WARD_KINDS = (Kind.DEPARTMENT, Kind.WARD_SECTION, Kind.UNIT)

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    # 組織コード: the key the ward's own lists (and the imports) name a unit by; blank for companies.
    code = models.CharField(_("組織コード"), max_length=20, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("上位組織"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    emergency_contact_name = models.CharField(_("緊急連絡先（担当者）"), max_length=100, blank=True)
    emergency_contact_phone = models.CharField(_("緊急連絡先（電話）"), max_length=50, blank=True)
    emergency_contact_email = models.EmailField(_("緊急連絡先（メール）"), blank=True)
    emergency_procedure = models.TextField(_("緊急時の連絡体制・対応手順"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="organisation_code_unique"),
        ]

    def __str__(self):
        return self.name


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(Organisation, verbose_name=_("所属組織"), on_delete=models.PROTECT)
    display_name = models.CharField(_("氏名"), max_length=100)

    class Meta:
        verbose_name = _("利用者情報")
        verbose_name_plural = _("利用者情報")

    def __str__(self):
        return self.display_name


class Contract(models.Model):
    """委託契約: one fiscal year's outsourcing contract, with the council submission's fields."""

    class Step(models.IntegerChoices):
        # 資料2-1, the six steps of the data flow.
        FORM_CREATED = 1, _("① LoGoフォームでフォーマットを作成し、全庁へ通知文の送付")
        ANSWERED = 2, _("② LoGoフォームで各自回答")
        DATA_SENT = 3, _("③ データ取りまとめ及びCD-R等で送付")
        REPORT_WRITTEN = 4, _("④ 調査結果をもとに報告書（個人情報なし）作成")
        RETURNED = 5, _("⑤ 報告書（個人情報なし）およびデータ返却（CD-R等）")
        MEASURES = 6, _("⑥ 対応策・改善策検討")

    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        ACTIVE = "active", _("履行中")
        CLOSED = "closed", _("完了")

    slug = models.SlugField(_("識別子"), max_length=80, unique=True)
    # 付議事項
    title = models.CharField(_("件名"), max_length=300)
    project_name = models.CharField(_("事業名"), max_length=300)
    department = models.CharField(_("担当部課"), max_length=200)
    regulation_basis = models.CharField(_("要綱の根拠"), max_length=300)
    purpose = models.TextField(_("目的"))
    subjects = models.TextField(_("対象者"))
    subject_count = models.CharField(_("対象者数"), max_length=100)
    project_description = models.TextField(_("事業内容"))
    holding_section = models.CharField(_("保有課（担当課）"), max_length=200)
    registered_work_name = models.CharField(_("登録業務の名称"), max_length=300)
    contract_type = models.ForeignKey(
        "contracttypes.ContractType", verbose_name=_("委託の種類"), on_delete=models.PROTECT, related_name="contracts",
        default=default_contract_type,
    )
    ward_section = models.ForeignKey(
        Organisation, verbose_name=_("担当課（組織）"), on_delete=models.PROTECT, related_name="owned_contracts",
        limit_choices_to={"kind__in": (Organisation.Kind.WARD_SECTION, Organisation.Kind.UNIT)},
    )
    contractor = models.ForeignKey(
        Organisation, verbose_name=_("委託先"), on_delete=models.PROTECT, related_name="contracts",
        limit_choices_to={"kind": Organisation.Kind.CONTRACTOR},
    )
    information_items = models.TextField(_("委託に伴い事業者処理させる情報項目（だれの、どのような項目か）"))
    recording_media = models.CharField(_("処理させる情報項目の記録媒体"), max_length=200)
    reason = models.TextField(_("委託理由"))
    work_content = models.TextField(_("委託の内容"))
    start_date = models.DateField(_("委託の開始時期"))
    end_date = models.DateField(_("委託の期限"))
    period_note = models.CharField(_("開始時期及び期限の備考"), max_length=300, blank=True)
    protection_measures_note = models.CharField(
        _("委託にあたり区が行う情報保護対策"), max_length=300, default="別紙チェックリストのとおり"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦）"))
    recurring = models.BooleanField(_("次年度以降も同様の委託を行う"), default=False)
    previous = models.ForeignKey(
        "self", verbose_name=_("前年度の契約"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "title"]
        verbose_name = _("委託契約")
        verbose_name_plural = _("委託契約")
        permissions = [
            ("manage_contract", _("区の担当として契約を管理する")),
            ("receive_items", _("指定された取扱者として受領・保管・返却を行う")),
            ("manage_contractor_side", _("取扱責任者として事業者側の対応を行う")),
            ("audit_contract", _("監査のため閲覧・出力する")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="contract_period_order"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """件名（令和8年度）: the title repeats every year, so wherever a contract is named its fiscal year is
        named too. Pages, exports, e-mails, choice lists and the admin all come here."""
        if not self.fiscal_year:
            return self.title
        try:
            year = fiscal_year_label(self.fiscal_year)
        except (ValueError, OverflowError):
            year = f"{self.fiscal_year}年度"
        return _("%(title)s（%(year)s）") % {"title": self.title, "year": year}

    @property
    def file_stem(self) -> str:
        """The part of an export's file name that names the contract and its year, in ASCII."""
        return f"{self.slug}-fy{self.fiscal_year}"

    def clean(self):
        # Reported on the field; full_clean then skips the database constraint that says the same.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("委託の期限は開始時期より後の日付にしてください。")})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_past_end(self) -> bool:
        """The period is over (Tokyo's today is after 委託の期限) but the contract has not been closed."""
        return not self.is_closed and timezone.localdate() > self.end_date

    @property
    def state_label(self) -> str:
        # 「履行中」 months after the end misled the ward: past its end, a contract says what it really is.
        if self.is_past_end:
            return _("期間終了・未完了")
        return self.get_status_display()

    @property
    def status_badge(self) -> Badge:
        return Badge(self.state_label, "warn" if self.is_past_end else "")


class ContractStep(models.Model):
    """Progress of one step of the contract's flow (its type's FlowSteps; the seed's six of 資料2-1) on one
    contract. ``step`` is the step's number; its words are the type's."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(_("工程"))
    completed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("備考"), max_length=300, blank=True)

    class Meta:
        ordering = ["contract", "step"]
        constraints = [models.UniqueConstraint(fields=["contract", "step"], name="one_row_per_step")]
        verbose_name = _("工程の進捗")
        verbose_name_plural = _("工程の進捗")

    def __str__(self):
        # 「① text」 as the contract's type names the step (the seed's exactly as before).
        return label_of(self.contract, self.step)

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class ContractStepEvent(models.Model):
    """One entry in a step's history: completed (on a stated date, with a note) or put back to 未了 (with a
    reason). The step row holds only the present state; a mis-click undone keeps what it replaced here."""

    class Kind(models.TextChoices):
        COMPLETED = "completed", _("完了")
        REOPENED = "reopened", _("未了に戻す")

    step = models.ForeignKey(ContractStep, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("内容"), max_length=10, choices=Kind.choices)
    # For a completion, when the step was done (the date the clerk states); for an undo, when it was undone.
    happened_at = models.DateTimeField(_("日時"))
    text = models.CharField(_("備考・理由"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    recorded_at = models.DateTimeField(_("記録日時"))

    class Meta:
        ordering = ["step", "recorded_at", "pk"]
        verbose_name = _("工程の履歴")
        verbose_name_plural = _("工程の履歴")

    def __str__(self):
        return f"{self.step} {self.get_kind_display()}"

    @property
    def is_completion(self) -> bool:
        return self.kind == self.Kind.COMPLETED


class Role(models.TextChoices):
    HR = "hr", _("担当課")
    CONTRACTOR_MANAGER = "contractor_manager", _("取扱責任者（委託先）")
    CONTRACTOR_HANDLER = "contractor_handler", _("取扱者（委託先）")
    AUDITOR = "auditor", _("監査")
    PRIVACY = "privacy", _("個人情報保護担当")


# The contract permissions each role holds; granted and taken away only in contracts.services.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.HR: ("view_contract", "change_contract", "manage_contract", "audit_contract"),
    Role.CONTRACTOR_MANAGER: ("view_contract", "receive_items", "manage_contractor_side"),
    Role.CONTRACTOR_HANDLER: ("view_contract", "receive_items"),
    Role.AUDITOR: ("view_contract", "audit_contract"),
    Role.PRIVACY: ("view_contract", "audit_contract"),
}

# The roles granted on a part of the ward's organisation (ScopeGrant) rather than on one contract.
SCOPED_ROLES = (Role.HR, Role.PRIVACY, Role.AUDITOR)


class ScopeGrant(models.Model):
    """A ward role held on a part of the ward's organisation: 担当課 on a section's contracts (and its 係'),
    個人情報保護担当 and 監査 on a department's or, with no unit, on the whole ward's. Contractors are never
    scoped: their roles come from designations on one contract. A grant from the directory (``source``)
    is replaced at each sign-in by what the person's directory groups say."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("管理者による付与")
        DIRECTORY = "directory", _("ディレクトリのグループ")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scope_grants")
    role = models.CharField(_("役割"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(Organisation, verbose_name=_("範囲（組織）"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="scope_grants",
                             help_text=_("空欄は区全体"))
    source = models.CharField(_("付与の根拠"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    granted_at = models.DateTimeField(_("付与日時"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        ordering = ["user__username", "role", "unit__code"]
        verbose_name = _("組織単位の役割")
        verbose_name_plural = _("組織単位の役割")

    def __str__(self):
        return f"{self.user} / {self.get_role_display()} / {self.unit or _('区全体')}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Membership(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("役割"), max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(_("付与日時"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "role", "user__username"]
        verbose_name = _("契約の利用者")
        verbose_name_plural = _("契約の利用者")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "user", "role"], condition=models.Q(revoked_at__isnull=True),
                name="one_active_membership_per_role",
            )
        ]

    def __str__(self):
        return f"{self.user} / {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DesignationQuerySet(models.QuerySet):
    def in_force(self, day=None):
        """Approved, and within the designated period (where one was given) on ``day`` (today in Tokyo)."""
        day = day or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
            status=Designation.Status.APPROVED,
        )


class Designation(models.Model):
    """取扱者指定: a person the contractor names for this contract (seed: 取扱責任者及び取扱者をあらかじめ
    指定し、区に報告する), approved or revoked by the ward."""

    class Kind(models.TextChoices):
        MANAGER = "manager", _("取扱責任者")
        HANDLER = "handler", _("取扱者")

    class Status(models.TextChoices):
        REPORTED = "reported", _("報告済み（承認待ち）")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("不承認")
        REVOKED = "revoked", _("取消")

    STATUS_TONES = {Status.REPORTED: "warn", Status.APPROVED: "ok"}

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="designations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("氏名"), on_delete=models.PROTECT,
                             related_name="designations")
    kind = models.CharField(_("区分"), max_length=10, choices=Kind.choices)
    duties = models.CharField(_("担当業務"), max_length=200, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.REPORTED)
    reported_at = models.DateTimeField(_("報告日時"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("承認・不承認日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("指定期間（開始）"), null=True, blank=True)
    valid_until = models.DateField(_("指定期間（終了）"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("備考"), max_length=300, blank=True)
    # Reported as a new person: the account was made (inactive, no password) with the report, and the
    # ward's approval opens it and sends the one-time enrolment link.
    new_account = models.BooleanField(_("新たに報告された方"), default=False)
    carried_from = models.ForeignKey(
        "self", verbose_name=_("前年度の指定"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "kind", "reported_at"]
        verbose_name = _("取扱者指定")
        verbose_name_plural = _("取扱者指定")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "user"], condition=models.Q(status__in=["reported", "approved"]),
                name="one_open_designation_per_person",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.REPORTED

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_status_display(), self.STATUS_TONES.get(self.status, ""))

    @property
    def role(self) -> str:
        return Role.CONTRACTOR_MANAGER if self.kind == self.Kind.MANAGER else Role.CONTRACTOR_HANDLER

    @property
    def period_has_ended(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def may_be_approved(self) -> bool:
        """Pending, and its period not over: approving a period that has ended would grant nothing."""
        return self.is_pending and not self.period_has_ended


class ClosingEvent(models.Model):
    """A contract closed (with what the closing purged) or reopened (with the reason). The contract's status
    says where it stands; these say when, by whom and why, for the contract page."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("完了")
        REOPENED = "reopened", _("再開")

    contract = models.ForeignKey(Contract, verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="closing_events")
    kind = models.CharField(_("内容"), max_length=10, choices=Kind.choices)
    happened_at = models.DateTimeField(_("日時"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作した者"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    # What closing purged of the survey data, as counts:
    # {"uploads": 1, "packages": 1, "files": 2, "pseudonym_keys": 0}.
    purged = models.JSONField(_("削除した調査データ（件数）"), default=dict, blank=True)
    link_key_kept_reason = models.CharField(_("仮名IDの鍵を残した理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["contract", "happened_at", "pk"]
        verbose_name = _("契約の完了・再開")
        verbose_name_plural = _("契約の完了・再開")

    def __str__(self):
        return f"{self.contract} {self.get_kind_display()}"


class SubcontractingDeclaration(models.Model):
    """再委託なしの申出: the contractor's handling manager states, dated, that no part of the work is subcontracted.
    An application for a subcontractor withdraws it (``withdrawn_at``); the current one is the one not withdrawn."""

    DEFAULT_STATEMENT = _("本契約の業務について、再委託は行いません。")

    contract = models.ForeignKey(Contract, verbose_name=_("契約"), on_delete=models.CASCADE,
                                 related_name="subcontracting_declarations")
    declared_on = models.DateField(_("申出日"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申出者（取扱責任者）"),
                                    on_delete=models.PROTECT, related_name="+")
    statement = models.CharField(_("申出の内容"), max_length=300)
    recorded_at = models.DateTimeField(_("記録日時"))
    withdrawn_at = models.DateTimeField(_("取下げ日時"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "-declared_on", "-pk"]
        verbose_name = _("再委託なしの申出")
        verbose_name_plural = _("再委託なしの申出")
        constraints = [
            models.UniqueConstraint(fields=["contract"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="one_current_subcontracting_declaration"),
        ]

    def __str__(self):
        return f"{self.contract} {self.declared_on}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class Subcontractor(Reviewed, models.Model):
    """再委託の承認申請: one subcontractor the contractor applies for (特記事項「再委託の制限」: subcontracting needs
    the ward's prior written approval), reviewed through core.review; HR approves (accepted = 承認) or refuses
    (``refused`` = 不承認, a state of its own with ``refusal_reason``). An approved application links an
    :class:`Organisation` of kind 再委託先 whose people may then be designated and receive items."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        SUBMITTED = "submitted", _("承認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("承認")
        REFUSED = "refused", _("不承認")

    review_flow = Flow(
        name=lambda sub: _("再委託先「%(name)s」の承認申請") % {"name": sub.name},
        tones={"refused": "danger"},
        refusals={
            (Action.SUBMIT, "refused"): _("%(thing)sは不承認となったため、変更・提出できません。必要であれば新しく申請してください。"),
            (Action.SUBMIT, State.ACCEPTED): _("%(thing)sは承認されているため、変更・提出できません。"),
            (Action.SUBMIT, State.SUBMITTED): _("%(thing)sは区の確認待ちです。承認・不承認・差戻しを待ってください。"),
            Action.ACCEPT: _("%(thing)sは「%(status)s」のため、承認・不承認・差戻しできません。"),
            Action.SEND_BACK: _("%(thing)sは「%(status)s」のため、承認・不承認・差戻しできません。"),
        },
        messages={
            State.DRAFT: _("%(thing)sを作成中です。できたら区に提出してください。"),
            State.SUBMITTED: _("%(thing)sは区の確認待ちです。区の承認・不承認か、理由を付けた差戻しを待っています。"),
            State.ACCEPTED: _("%(thing)sは区が承認しました。この再委託先の方を取扱者に指定し、個人情報を渡せます。"),
            "refused": _("%(thing)sは区が承認しませんでした。この再委託先には個人情報を渡せません。"),
        },
        steps={"decided": _("区の承認・不承認・差戻し")},
    )

    contract = models.ForeignKey(Contract, verbose_name=_("契約"), on_delete=models.CASCADE,
                                 related_name="subcontractors")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("再委託先（組織）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="subcontracting", limit_choices_to={"kind": Organisation.Kind.SUBCONTRACTOR},
    )
    name = models.CharField(_("再委託先の名称"), max_length=200)
    address = models.CharField(_("所在地"), max_length=300)
    country = models.CharField(_("国"), max_length=100, default="日本")
    work = models.TextField(_("再委託する業務の内容"))
    data_items = models.TextField(_("取り扱う個人情報の項目"))
    place = models.CharField(_("取扱いの場所"), max_length=300)
    manager_name = models.CharField(_("再委託先の取扱責任者"), max_length=100)
    handlers = models.TextField(_("再委託先の取扱者"))
    flows_down = models.BooleanField(
        _("特記事項及び区の立入り調査等の権限を再委託先にも負わせる契約であることを確認しました"), default=False)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("作成日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出者（取扱責任者）"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    decided_at = models.DateTimeField(_("承認・不承認・差戻し日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承認・不承認・差戻しした者"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField(_("差戻しの理由"), max_length=300, blank=True)
    refusal_reason = models.CharField(_("不承認の理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["contract", "created_at", "pk"]
        verbose_name = _("再委託先")
        verbose_name_plural = _("再委託先")
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation"],
                                    condition=models.Q(organisation__isnull=False),
                                    name="one_subcontractor_per_organisation"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.REFUSED

    @property
    def is_pending(self) -> bool:
        """Submitted and waiting for the ward's decision."""
        return self.status == self.Status.SUBMITTED

    def review_steps(self):
        steps = super().review_steps()
        if self.is_refused and steps and self.refusal_reason:
            last = steps[-1]
            steps[-1] = type(last)(last.what, last.who, last.when,
                                   _("不承認の理由: %(reason)s") % {"reason": self.refusal_reason})
        return steps
