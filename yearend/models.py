"""The year's end (資料2-1 ④–⑥ and what closes a contract): the contractor's report and the ward's measures, the
register of copies the contractor made, and the deletion report that accounts for every copy and item.

The tables keep the names they had when these models lived in ``contracts`` and ``handover`` (``db_table``),
so moving them here (migrations ``yearend.0001``, ``contracts.0005``, ``handover.0006``) moved no row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.review import Action, Flow, Reviewed, State, Step


def _report_path(instance, filename) -> str:
    # A random name: the original file name is kept in its own column, never in the path.
    import secrets

    return f"reports/{instance.contract_id}/{secrets.token_hex(16)}.pdf"


class ContractReport(Reviewed, models.Model):
    """報告書 (資料2-1 ⑤): one submission of the contractor's report, which holds no personal information
    (④ 調査結果をもとに報告書（個人情報なし）作成), through the one review workflow (core.review). A row is born
    submitted (``submitted_at`` is the date the contractor states); a report sent back is submitted again as a
    new row, so the latest row answers whether one may be."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("区の確認待ち")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")

    # A new submission refused by the latest row keeps the codes the pages know.
    review_flow = Flow(name=lambda report: _("報告書「%(title)s」") % {"title": report.title},
                       codes={(Action.SUBMIT, State.SUBMITTED): "waiting", (Action.SUBMIT, State.ACCEPTED): "accepted"},
                       refusals={(Action.SUBMIT, State.SUBMITTED): _("提出した%(thing)sを区が確認中です。確認の結果を待ってください。")})

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(_("報告書の表題"), max_length=200)
    submitted_at = models.DateTimeField(_("提出日時"))
    pages = models.PositiveSmallIntegerField(_("ページ数"))
    no_personal_data = models.BooleanField(_("個人情報を含まないことの確認（委託先）"), default=False)
    # The report's PDF, when the contractor gives one. It holds no personal information (the contractor
    # confirms it, the ward checks it before accepting), so it is kept as it is under MEDIA_ROOT, never
    # served from there: only the download view, which checks who asks, reads it.
    file = models.FileField(_("報告書のPDF"), upload_to=_report_path, blank=True)
    file_name = models.CharField(_("ファイル名"), max_length=200, blank=True)
    file_size = models.PositiveIntegerField(_("ファイルの大きさ"), default=0)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録した者"), on_delete=models.PROTECT,
                                    related_name="+")
    decided_at = models.DateTimeField(_("受理・差戻し日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理・差戻しした者"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField(_("差戻しの理由"), max_length=300, blank=True)

    class Meta:
        db_table = "contracts_contractreport"
        ordering = ["contract", "-recorded_at", "-pk"]
        verbose_name = _("報告書")
        verbose_name_plural = _("報告書")

    def __str__(self):
        return f"報告書「{self.title}」"

    def review_steps(self) -> list[Step]:
        """The submission (the date the contractor states, recorded by whom) and the ward's decision."""
        return [Step(_("提出"), self.recorded_by, self.submitted_at), *super().review_steps()]


class ContractMeasure(models.Model):
    """対応策・改善策 (資料2-1 ⑥): a dated note of what the ward decided from the report."""

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT, related_name="measures")
    decided_on = models.DateField(_("検討・決定した日"))
    text = models.TextField(_("対応策・改善策"))
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録した者"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        db_table = "contracts_contractmeasure"
        ordering = ["contract", "decided_on", "recorded_at"]
        verbose_name = _("対応策・改善策")
        verbose_name_plural = _("対応策・改善策")

    def __str__(self):
        return f"対応策・改善策 {self.decided_on}"



class CopyRecord(models.Model):
    """複製等の記録: one copy of the contract's data the contractor made (on the analysis PC, an encrypted
    backup, another medium), from the moment the disc was acknowledged. The deletion report must account
    for every one (seed: 電子データは消去させる。また、区に電子データの消去を行ったことの報告書を提出させる)."""

    class Place(models.TextChoices):
        ANALYSIS_PC = "analysis_pc", _("分析用PC")
        BACKUP = "backup", _("暗号化したバックアップ")
        OTHER_MEDIUM = "other_medium", _("その他の媒体")

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="copy_records")
    number = models.PositiveIntegerField(_("複製番号"))
    source = models.ForeignKey("handover.Item", verbose_name=_("複製元の記録媒体"), on_delete=models.PROTECT,
                               related_name="copies")
    place = models.CharField(_("複製先の種類"), max_length=15, choices=Place.choices)
    location = models.CharField(_("複製先（PC名・資産番号・媒体の管理番号等）"), max_length=200)
    medium_kind = models.ForeignKey("handover.MediumKind", verbose_name=_("媒体の種類"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("複製した日時"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("複製した者"), on_delete=models.PROTECT,
                                related_name="+")
    # The party holding the copy when it is a subcontractor the ward approved (再委託先); empty: the contractor.
    subcontractor = models.ForeignKey("contracts.Subcontractor", verbose_name=_("複製を保管する再委託先"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="copies")
    purpose = models.CharField(_("複製の目的"), max_length=200)
    encrypted = models.BooleanField(_("暗号化"))
    notes = models.CharField(_("備考"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "handover_copyrecord"
        ordering = ["contract", "number"]
        verbose_name = _("複製等の記録")
        verbose_name_plural = _("複製等の記録")
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="copy_number_per_contract")]

    def __str__(self):
        return f"複製 No.{self.number}（{self.get_place_display()} {self.location}）"

    @property
    def is_destroy_only(self) -> bool:
        """A copy on another medium can only be destroyed unless its kind is one the ward knows can be erased; a
        copy registered without its kind (before the kind was required) is of an unknown kind."""
        return self.place == self.Place.OTHER_MEDIUM and (self.medium_kind_id is None or self.medium_kind.destroy_only)


class DeletionReport(Reviewed, models.Model):
    """消去報告書: how every registered copy and every item still at the contractor was erased or destroyed,
    filed by the contractor's handling manager and accepted (or sent back, line by line) by the ward, through the
    one review workflow (core.review); the reasons of a send-back are its lines' own (``DeletionLine.return_reason``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        SUBMITTED = "submitted", _("提出済み（区の確認待ち）")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")

    # The refusal of a change or submission keeps the code the pages know.
    review_flow = Flow(name=lambda report: _("消去報告書 No.%(n)s") % {"n": report.number},
                       codes={Action.SUBMIT: "not_with_contractor"})

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="deletion_reports")
    number = models.PositiveIntegerField(_("報告番号"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("作成日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出者（取扱責任者）"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submission_count = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    decided_at = models.DateTimeField(_("受理・差戻し日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理・差戻しした者"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "handover_deletionreport"
        ordering = ["contract", "-number"]
        verbose_name = _("消去報告書")
        verbose_name_plural = _("消去報告書")
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="deletion_report_number")]

    def __str__(self):
        return f"消去報告書 No.{self.number}"


class DeletionLine(models.Model):
    """One line of a deletion report: one registered copy or one item still at the contractor, and how it
    was sanitised (NIST SP 800-88 Rev. 1 / IEEE 2883: Clear, Purge, Destroy)."""

    class Method(models.TextChoices):
        CLEAR = "clear", _("消去（Clear）")
        PURGE = "purge", _("完全消去（Purge）")
        DESTROY = "destroy", _("破壊（Destroy）")

    report = models.ForeignKey(DeletionReport, on_delete=models.CASCADE, related_name="lines")
    copy = models.ForeignKey(CopyRecord, verbose_name=_("複製"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="deletion_lines")
    item = models.ForeignKey("handover.Item", verbose_name=_("記録媒体等"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="deletion_lines")
    # Data received online (LGWAN) instead of on a medium: the received file the contractor holds.
    transfer = models.ForeignKey("handover.OnlineTransfer", verbose_name=_("送信されたデータ"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="deletion_lines")
    method_type = models.CharField(_("方式"), max_length=10, choices=Method.choices, blank=True)
    method = models.CharField(_("方法"), max_length=200, blank=True)
    tool = models.CharField(_("使用したツール・機器"), max_length=100, blank=True)
    tool_version = models.CharField(_("ツールの版"), max_length=50, blank=True)
    performed_on = models.DateField(_("実施日"), null=True, blank=True)
    performer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("実施者"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("確認者"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    verification = models.CharField(_("確認の方法"), max_length=200, blank=True)
    certificate = models.CharField(_("証明書の番号等"), max_length=100, blank=True)
    witnessed = models.BooleanField(_("区の立会い"), default=False)
    notes = models.CharField(_("備考"), max_length=300, blank=True)
    return_reason = models.CharField(_("差戻しの理由"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("差戻し日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("記入日時"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        db_table = "handover_deletionline"
        ordering = ["report", "pk"]
        verbose_name = _("消去報告書の行")
        verbose_name_plural = _("消去報告書の行")
        constraints = [
            models.CheckConstraint(condition=models.Q(copy__isnull=True, item__isnull=False, transfer__isnull=True)
                                   | models.Q(copy__isnull=False, item__isnull=True, transfer__isnull=True)
                                   | models.Q(copy__isnull=True, item__isnull=True, transfer__isnull=False),
                                   name="deletion_line_one_target"),
            models.UniqueConstraint(fields=["report", "copy"], name="deletion_line_copy_once"),
            models.UniqueConstraint(fields=["report", "item"], name="deletion_line_item_once"),
            models.UniqueConstraint(fields=["report", "transfer"], name="deletion_line_transfer_once"),
        ]

    def __str__(self):
        return f"{self.report} / {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.copy_id:
            return str(self.copy)
        if self.transfer_id:
            return transfer_label(self.transfer)
        return f"{self.item.kind_label} {self.item.label}"

    @property
    def is_filled(self) -> bool:
        return bool(self.method_type)

    @property
    def is_returned(self) -> bool:
        return bool(self.return_reason)

    @property
    def corrected_since_return(self) -> bool:
        return bool(self.returned_at and self.updated_at and self.updated_at > self.returned_at)


def transfer_label(transfer) -> str:
    """「送信 No.1 atena.zip（令和…）」: the data received online, as a deletion line names it."""
    return _("送信 No.%(number)s %(name)s") % {"number": transfer.number, "name": transfer.file_name}
