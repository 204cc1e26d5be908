"""Items that carry personal data, the occasions they change hands (受渡し), where they are locked up
and each confirmation that they still are. Rows change only through :mod:`handover.services`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.badges import Badge

from . import rules


class MediumKind(models.Model):
    """A kind of recording medium (CD-R, DVD-R, …); the ward adds others in the admin."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=100)
    # NIST SP 800-88 Rev. 1, Appendix A (optical media: Clear and Purge not applicable, only Destroy): a
    # written CD-R or DVD-R is destroyed or returned. The deletion report refuses anything else for it. A kind
    # nobody has said can be erased is treated the same: a new kind starts destroy-only until the ward clears the box.
    destroy_only = models.BooleanField(
        _("消去できず破壊のみ"), default=True,
        help_text=_("CD-R・DVD-R など書き込んだデータを消去できない媒体と、消去できるか確かめていない種類。"
                    "消去（上書き）できることを確かめた種類（USBメモリ等）だけ、印を外してください。"))

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("記録媒体の種類")
        verbose_name_plural = _("記録媒体の種類")

    def __str__(self):
        return self.name


class Item(models.Model):
    """A recording medium, a paper document or a password notice (パスワード通知書).

    A notice opens one medium: the two are a pair and never travel together. The password itself
    is never stored anywhere in the app.
    """

    class Category(models.TextChoices):
        MEDIUM = "medium", _("電磁的媒体")
        PAPER = "paper", _("紙媒体")
        NOTICE = "notice", _("パスワード通知書")

    class State(models.TextChoices):
        PREPARED = "prepared", _("区で保管（未交付）")
        IN_TRANSIT = "in_transit", _("受渡し中（受領確認待ち）")
        AT_CONTRACTOR = "at_contractor", _("委託先で保管")
        RETURNED = "returned", _("返却済み（区で保管）")
        # Destroyed (or erased) at the contractor, as a line of the deletion report the ward accepted.
        DISPOSED = "disposed", _("破壊・消去済み（消去報告書受理）")

    # The badge of each state (core/templatetags/badges.py); a state not named is a plain badge.
    STATE_TONES = {State.IN_TRANSIT: "warn", State.AT_CONTRACTOR: "ok"}

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="handover_items")
    category = models.CharField(_("区分"), max_length=10, choices=Category.choices)
    medium_kind = models.ForeignKey(MediumKind, verbose_name=_("媒体の種類"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("管理番号"), max_length=50)
    contents = models.CharField(_("内容"), max_length=300)
    record_count = models.PositiveIntegerField(_("件数"), null=True, blank=True)
    pieces = models.PositiveSmallIntegerField(_("数量（枚・部）"), default=1)
    file_name = models.CharField(_("暗号化ファイル名"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    opens = models.ForeignKey("self", verbose_name=_("対応する記録媒体"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="notices")
    notes = models.CharField(_("備考"), max_length=300, blank=True)

    state = models.CharField(_("状態"), max_length=15, choices=State.choices, default=State.PREPARED)
    state_changed_at = models.DateTimeField(_("状態の変更日時"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("保管者"), on_delete=models.PROTECT,
                               related_name="+")
    storage = models.ForeignKey("StorageRecord", verbose_name=_("保管場所"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # The storage record's time or the last periodic confirmation, whichever is later.
    last_checked_at = models.DateTimeField(_("最終確認日時"), null=True, blank=True)

    created_at = models.DateTimeField(_("登録日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract", "label"]
        verbose_name = _("記録媒体等")
        verbose_name_plural = _("記録媒体等")
        constraints = [
            models.UniqueConstraint(fields=["contract", "label"], name="handover_item_label_per_contract"),
        ]
        indexes = [models.Index(fields=["state", "last_checked_at"], name="handover_item_check_due")]

    def __str__(self):
        return f"{self.label}（{self.kind_label}）"

    @property
    def kind_label(self) -> str:
        if self.category == self.Category.MEDIUM and self.medium_kind_id:
            return str(self.medium_kind)
        return self.get_category_display()

    @property
    def is_notice(self) -> bool:
        return self.category == self.Category.NOTICE

    @property
    def is_medium(self) -> bool:
        return self.category == self.Category.MEDIUM

    @property
    def is_in_transit(self) -> bool:
        return self.state == self.State.IN_TRANSIT

    @property
    def is_at_contractor(self) -> bool:
        return self.state == self.State.AT_CONTRACTOR

    @property
    def is_at_ward(self) -> bool:
        return self.state in (self.State.PREPARED, self.State.RETURNED)

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_state_display(), self.STATE_TONES.get(self.state, ""))

    @property
    def next_check_due(self):
        if not self.is_at_contractor or self.last_checked_at is None:
            return None
        return self.last_checked_at + rules.storage_check_interval()

    def describe(self) -> str:
        """One line for the ledger: kind, number, contents, record count."""
        text = f"{self.kind_label} {self.label} {self.contents}"
        if self.record_count is not None:
            text += f"（{self.record_count:,}件）"
        return text


class Handover(models.Model):
    """受渡し: one occasion on which items change hands, and its acknowledgement (受領確認)."""

    class Direction(models.TextChoices):
        DELIVERY = "delivery", _("区→委託先（提供）")
        RETURN = "return", _("委託先→区（返却）")

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("受領確認待ち")
        ACKNOWLEDGED = "acknowledged", _("受領確認済み")
        CANCELLED = "cancelled", _("取消")

    STATUS_TONES = {Status.IN_TRANSIT: "warn", Status.ACKNOWLEDGED: "ok"}

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="handovers")
    number = models.PositiveIntegerField(_("受渡し番号"))
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    handed_at = models.DateTimeField(_("受渡し日時"))
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("渡した者"), on_delete=models.PROTECT,
                              related_name="+")
    # A return recorded by the handling manager for the item's holder who is away: for whom, and why.
    given_for = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代理で渡した相手（保管者）"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    given_for_reason = models.CharField(_("代理の理由"), max_length=300, blank=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受け取った者"),
                                  on_delete=models.PROTECT, related_name="+")
    by_hand = models.BooleanField(_("手渡し"), default=True)
    container = models.CharField(_("運搬方法"), max_length=100, default="鍵付きカバン")
    notes = models.CharField(_("備考"), max_length=300, blank=True)
    status = models.CharField(_("状態"), max_length=15, choices=Status.choices, default=Status.IN_TRANSIT)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Why a handover was written in the ledger only after the clock tolerance had passed (事後記録).
    late_reason = models.CharField(_("事後記録の理由"), max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(_("受領確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受領確認者"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    # Acknowledged by another person of the receiving side while the recipient was away: for whom, and why.
    acknowledged_for = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代理で受領確認した相手"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_for_reason = models.CharField(_("代理の理由"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    cancel_reason = models.CharField(_("取消の理由"), max_length=300, blank=True)

    class Meta:
        # The order in which the ledger was written, as on paper; a late entry keeps its stated time.
        ordering = ["-recorded_at", "-number"]
        verbose_name = _("受渡し")
        verbose_name_plural = _("受渡し")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="handover_number_per_contract"),
        ]
        indexes = [
            models.Index(fields=["contract", "-handed_at", "-number"], name="handover_ledger_order"),
            models.Index(fields=["status", "direction"], name="handover_status_direction"),
            models.Index(fields=["contract", "-recorded_at", "-number"], name="handover_recording_order"),
        ]

    def __str__(self):
        return f"受渡し No.{self.number}"

    @property
    def is_in_transit(self) -> bool:
        return self.status == self.Status.IN_TRANSIT

    @property
    def is_acknowledged(self) -> bool:
        return self.status == self.Status.ACKNOWLEDGED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def status_badge(self) -> Badge:
        return Badge(self.get_status_display(), self.STATUS_TONES.get(self.status, ""))

    @property
    def is_delivery(self) -> bool:
        return self.direction == self.Direction.DELIVERY

    @property
    def is_return(self) -> bool:
        return self.direction == self.Direction.RETURN

    @property
    def is_late_entry(self) -> bool:
        """事後記録: written in the ledger more than the clock tolerance after the stated handover time."""
        return self.recorded_at - self.handed_at > rules.CLOCK_TOLERANCE

    @property
    def receiving_action(self) -> str:
        """The contract permission of the side that acknowledges (see contracts.permissions.ACTIONS)."""
        return "receive" if self.is_delivery else "manage"

    @property
    def acknowledgement_due(self):
        return self.handed_at + rules.ACKNOWLEDGEMENT_DUE


class HandoverLine(models.Model):
    """One item on one handover, with the quantity that travelled and the hash check on receipt."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("記録媒体等"), on_delete=models.PROTECT,
                             related_name="handover_lines")
    quantity = models.PositiveSmallIntegerField(_("数量"))
    # None: no hash was entered (or the item has none); True: the recipient's hash matched.
    hash_verified = models.BooleanField(_("SHA-256確認"), null=True, blank=True)
    # The recipient could not compute the hash (no tool, unreadable disc, …) and said why.
    hash_not_computed_reason = models.CharField(_("SHA-256を計算できない理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["handover", "item__label"]
        verbose_name = _("受渡しの品目")
        verbose_name_plural = _("受渡しの品目")
        constraints = [models.UniqueConstraint(fields=["handover", "item"], name="handover_line_once")]

    def __str__(self):
        return f"{self.handover} / {self.item.label}"


class StorageRecord(models.Model):
    """Where a held item is locked up (施錠できる金庫又はキャビネット等)."""

    class Place(models.TextChoices):
        SAFE = "safe", _("金庫")
        CABINET = "cabinet", _("キャビネット")
        OTHER = "other", _("その他の施錠できる場所")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="storage_records")
    place = models.CharField(_("保管設備"), max_length=10, choices=Place.choices)
    location = models.CharField(_("保管場所"), max_length=200)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["item", "recorded_at"]
        verbose_name = _("保管場所の記録")
        verbose_name_plural = _("保管場所の記録")

    def __str__(self):
        return f"{self.get_place_display()} {self.location}"


class StorageCheck(models.Model):
    """One periodic confirmation that a held item is still where it was locked up."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="storage_checks")
    storage = models.ForeignKey(StorageRecord, on_delete=models.PROTECT, related_name="checks")
    checked_at = models.DateTimeField(_("確認日時"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("確認者"), on_delete=models.PROTECT,
                                   related_name="+")
    note = models.CharField(_("備考"), max_length=300, blank=True)

    class Meta:
        ordering = ["item", "checked_at"]
        verbose_name = _("保管状況の定期確認")
        verbose_name_plural = _("保管状況の定期確認")

    def __str__(self):
        return f"{self.item.label} {self.checked_at:%Y-%m-%d}"


class OnlineTransfer(models.Model):
    """送信: the ward sends a file over LGWAN (instead of handing over a medium) to an approved designee of the
    contractor, who acknowledges receipt. For a contract type that uses online transfer (印刷・封入封緘 …)."""

    class Channel(models.TextChoices):
        LGWAN_ASP = "lgwan_asp", _("LGWAN-ASP（ファイル転送サービス）")
        LGWAN_MAIL = "lgwan_mail", _("LGWANメール（添付ファイル）")
        OTHER = "other", _("その他（備考に記載）")

    contract = models.ForeignKey("contracts.Contract", verbose_name=_("契約"), on_delete=models.PROTECT,
                                 related_name="online_transfers")
    number = models.PositiveIntegerField(_("送信番号"))
    sent_at = models.DateTimeField(_("送信日時"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("送信した者"), on_delete=models.PROTECT,
                                related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受信する者（委託先）"),
                                  on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("送信の経路"), max_length=20, choices=Channel.choices, default=Channel.LGWAN_ASP)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"))
    notes = models.CharField(_("備考"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("記録日時"))
    acknowledged_at = models.DateTimeField(_("受信確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受信確認者"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-sent_at", "-number"]
        verbose_name = _("送信（LGWAN等）")
        verbose_name_plural = _("送信（LGWAN等）")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="online_transfer_number_per_contract"),
        ]

    def __str__(self):
        return f"送信 No.{self.number}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def status_badge(self) -> Badge:
        if self.is_acknowledged:
            return Badge(_("受信確認済み"), "ok")
        return Badge(_("受信確認待ち"), "warn")
