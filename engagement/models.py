"""The survey export's records: the mapping saved with the contract, an upload held briefly and encrypted,
the package it produced, and the ward-side key for pseudonyms linkable across years.

No value from the survey file is kept in a column here: the files themselves are in encrypted files
(engagement.crypto) named by ``*_blob``, an upload's column mapping (its headers, which in a file without its
header row were a respondent's values) is sealed under the same key, and rows hold figures, settings HR made
and who did what when. The mapping saved with the contract holds only headers that were accepted as headers.
Rows change only through :mod:`engagement.services`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.badges import Badge


class SurveyMapping(models.Model):
    """The column mapping HR confirmed, kept with the contract and carried to next year's copy."""

    contract = models.OneToOneField("contracts.Contract", verbose_name=_("契約"), on_delete=models.CASCADE,
                                    related_name="survey_mapping")
    mapping = models.JSONField(_("列の対応づけ"))
    updated_at = models.DateTimeField(_("更新日時"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("調査データの列の対応づけ")
        verbose_name_plural = _("調査データの列の対応づけ")

    def __str__(self):
        return str(_("列の対応づけ"))


class SurveyUpload(models.Model):
    """One upload of the LoGo フォーム export (and optionally the HR attribute master), while HR maps,
    checks the risk and builds. Purged when the package is built or after the retention period."""

    class State(models.TextChoices):
        MAPPING = "mapping", _("列の対応づけ待ち")
        READY = "ready", _("検証済み（パッケージ作成待ち）")
        BUILT = "built", _("パッケージ作成済み（データ削除済み）")
        PURGED = "purged", _("削除済み")

    class PurgeReason(models.TextChoices):
        BUILT = "built", _("パッケージを作成したため")
        EXPIRED = "expired", _("保存期間を過ぎたため")
        REPLACED = "replaced", _("別のファイルをアップロードしたため")
        DISCARDED = "discarded", _("担当者が取り消したため")
        CLOSED = "closed", _("契約を完了したため")

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="survey_uploads")
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.MAPPING)
    survey_blob = models.CharField(max_length=64, blank=True)
    survey_name = models.CharField(_("ファイル名"), max_length=200, blank=True)
    survey_format = models.CharField(_("形式"), max_length=40, blank=True)
    survey_size = models.PositiveIntegerField(_("ファイルの大きさ"), default=0)
    survey_rows = models.PositiveIntegerField(_("行数"), default=0)
    survey_columns = models.PositiveIntegerField(_("列数"), default=0)
    master_blob = models.CharField(max_length=64, blank=True)
    master_name = models.CharField(_("職員属性マスタのファイル名"), max_length=200, blank=True)
    master_format = models.CharField(_("職員属性マスタの形式"), max_length=40, blank=True)
    master_size = models.PositiveIntegerField(_("職員属性マスタの大きさ"), default=0)
    master_rows = models.PositiveIntegerField(_("職員属性マスタの行数"), null=True, blank=True)
    master_columns = models.PositiveIntegerField(_("職員属性マスタの列数"), null=True, blank=True)
    # The column mapping (the file's headers and their roles), AES-GCM under DATA_KEY and bound to the
    # survey file's name (engagement.services.upload_mapping); emptied when the upload is purged.
    mapping_sealed = models.BinaryField(default=b"", blank=True, editable=False)
    mapping_confirmed_at = models.DateTimeField(_("対応づけの確定日時"), null=True, blank=True)
    validation = models.JSONField(_("検証の結果（件数）"), default=dict, blank=True)
    # Settings HR made on the way (attribute headers and choices, never a cell); cleared with the data.
    quasi = models.JSONField(_("準識別子"), null=True, blank=True)
    k = models.PositiveSmallIntegerField(_("k"), default=5)
    plan = models.JSONField(_("一般化"), default=list, blank=True)
    # Suppression is the last resort: off until HR accepts the proposal (which counts it) or ticks it.
    suppress = models.BooleanField(_("小さいグループのセルを秘匿する"), default=False)
    department_map = models.JSONField(_("所属の対応表"), default=dict, blank=True)
    # Every attribute column that goes into the package counts for k; HR takes one out of k only by
    # dropping it from the package or by keeping it as not identifying with a reason ({header: reason}).
    dropped_columns = models.JSONField(_("パッケージから外す列"), default=list, blank=True)
    not_identifying = models.JSONField(_("識別に使えない列とその理由"), default=dict, blank=True)
    # The most records suppression may touch, in percent of all records; above 5 only with a reason.
    max_suppression = models.PositiveSmallIntegerField(_("秘匿の上限（%）"), default=5)
    suppression_reason = models.CharField(_("秘匿の上限を上げた理由"), max_length=300, blank=True)
    # Free-text findings HR chose to leave as they are (all others are masked with ■).
    unmasked = models.JSONField(_("マスクしない箇所"), default=list, blank=True)
    free_text_reviewed_at = models.DateTimeField(_("自由記述の確認日時"), null=True, blank=True)
    # Counts every change of the settings above, so that a build made from one version of them is not
    # registered after another page changed them.
    revision = models.PositiveIntegerField(default=0)

    uploaded_at = models.DateTimeField(_("アップロード日時"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("アップロードした者"),
                                    on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("削除期限"))
    purged_at = models.DateTimeField(_("削除日時"), null=True, blank=True)
    purge_reason = models.CharField(_("削除の理由"), max_length=10, choices=PurgeReason.choices, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("調査データのアップロード")
        verbose_name_plural = _("調査データのアップロード")
        indexes = [models.Index(fields=["state", "expires_at"], name="engagement_upload_expiry")]

    def __str__(self):
        return f"調査データのアップロード No.{self.pk}"

    @property
    def is_live(self) -> bool:
        """Its data is still kept and may be worked on."""
        return self.state in (self.State.MAPPING, self.State.READY) and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.purged_at is None and self.expires_at <= timezone.now()

    @property
    def status_badge(self) -> Badge:
        # Past its retention the data waits for the daily purge: the state alone would still say "ready".
        label = _("保存期間切れ（削除待ち）") if self.is_expired else self.get_state_display()
        return Badge(label, "warn" if self.is_live else "")

    @property
    def has_master(self) -> bool:
        return bool(self.master_blob) or self.master_rows is not None


class SurveyPackage(models.Model):
    """A built export package: what is on the disc, who built it, the notice's printing, the downloads.

    The encrypted file itself is kept (encrypted again at rest) only until the disc is handed over, for
    HR to download and burn; the password is never kept.
    """

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="survey_packages")
    medium = models.OneToOneField("handover.Item", verbose_name=_("記録媒体"), on_delete=models.PROTECT,
                                  related_name="survey_package")
    notice = models.OneToOneField("handover.Item", verbose_name=_("パスワード通知書"), on_delete=models.PROTECT,
                                  related_name="survey_package_notice")
    file_name = models.CharField(_("暗号化ファイル名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("ファイルの大きさ"))
    rows = models.PositiveIntegerField(_("件数"))
    columns = models.PositiveIntegerField(_("列数"))
    k = models.PositiveSmallIntegerField(_("k（目標）"))
    k_reached = models.PositiveIntegerField(_("k（達成）"))
    quasi = models.JSONField(_("準識別子"), default=list)
    generalisations = models.JSONField(_("一般化"), default=list)
    suppressed_cells = models.PositiveIntegerField(_("秘匿したセル"), default=0)
    suppressed_records = models.PositiveIntegerField(_("秘匿した記録"), default=0)
    masked_cells = models.PositiveIntegerField(_("自由記述でマスクしたセル"), default=0)
    pseudonym_scheme = models.CharField(_("仮名IDの方式"), max_length=20)
    below_k_reason = models.CharField(_("k未満で作成した理由"), max_length=300, blank=True)
    # Written but left out of k, with HR's reason ([{"column", "reason"}]); taken out of the package.
    not_identifying = models.JSONField(_("識別に使えない列とその理由"), default=list, blank=True)
    dropped_columns = models.JSONField(_("パッケージから外した列"), default=list, blank=True)
    max_suppression = models.PositiveSmallIntegerField(_("秘匿の上限（%）"), default=5)
    suppression_reason = models.CharField(_("秘匿の上限を上げた理由"), max_length=300, blank=True)
    built_at = models.DateTimeField(_("作成日時"))
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.PROTECT,
                                 related_name="+")
    notice_printed_at = models.DateTimeField(_("通知書の印刷日時"), null=True, blank=True)
    notice_printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("通知書を印刷した者"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    blob = models.CharField(max_length=64, blank=True)
    file_purged_at = models.DateTimeField(_("ファイルの削除日時"), null=True, blank=True)

    class Meta:
        ordering = ["-built_at", "-pk"]
        verbose_name = _("調査データの暗号化パッケージ")
        verbose_name_plural = _("調査データの暗号化パッケージ")

    def __str__(self):
        return f"暗号化パッケージ {self.file_name}"

    @property
    def has_file(self) -> bool:
        return bool(self.blob) and self.file_purged_at is None

    @property
    def notice_printed(self) -> bool:
        return self.notice_printed_at is not None

    @property
    def not_identifying_words(self) -> str:
        """What follows every statement of this package's k when HR kept columns out of it."""
        from .risk import not_identifying_words

        return not_identifying_words({item["column"]: item["reason"] for item in self.not_identifying or ()})

    @property
    def linkable(self) -> bool:
        from .package import SCHEME_LINKABLE

        return self.pseudonym_scheme == SCHEME_LINKABLE


class SurveyPackageDownload(models.Model):
    """One download of a package's encrypted file (also in the audit trail, with its SHA-256)."""

    package = models.ForeignKey(SurveyPackage, on_delete=models.PROTECT, related_name="downloads")
    downloaded_at = models.DateTimeField(_("ダウンロード日時"))
    downloaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ダウンロードした者"),
                                      on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["package", "downloaded_at"]
        verbose_name = _("暗号化パッケージのダウンロード")
        verbose_name_plural = _("暗号化パッケージのダウンロード")

    def __str__(self):
        return f"{self.package.file_name} {self.downloaded_at:%Y-%m-%d %H:%M}"


class SurveyLinkKey(models.Model):
    """The ward-side key of pseudonyms that stay the same across years ("linkable across years").

    Kept encrypted under DATA_KEY, never written into a package. One per line of contracts: next year's
    copy finds it through ``contract.previous``.
    """

    contract = models.OneToOneField("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                    related_name="survey_link_key")
    name = models.CharField(max_length=64)
    sealed = models.BinaryField()
    created_at = models.DateTimeField(_("作成日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("年度をまたぐ仮名IDの鍵")
        verbose_name_plural = _("年度をまたぐ仮名IDの鍵")

    def __str__(self):
        return str(_("年度をまたぐ仮名IDの鍵"))
