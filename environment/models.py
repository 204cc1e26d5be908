"""The environment in which an organisation processes the data: the contractor's, each subcontractor's and the
ward's own, as a profile reviewed once a year, with the certificates that back it and the contractor's own
records of log analysis and backup.

The seed's system items (別紙 チェックリスト 【システム上の対策】) are facts about the environment of the side they
concern: on the contractor's side (「…させる」) the contractor's and its subcontractors' own networks, servers
and rooms; on the ward's side the ward's. The profile holds one status and one short description per item,
and the checklist's evidence for s01–s11 (``environment.evidence``) is read from it.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Organisation
from core import review
from core.dates import wareki

# A profile accepted more than this long ago is out of date: the seed's controls are reviewed yearly.
REVIEW_PERIOD = dt.timedelta(days=365)
# A certificate is announced this many days before it lapses (dashboard and e-mail).
CERTIFICATE_NOTICE_DAYS = 30

# The seed's system items, by number, in its order, as the profile names them.
SYSTEM_ITEMS: dict[str, str] = {
    "01": _("接続するネットワークの限定（特定相手以外との通信を不可とする）"),
    "02": _("ネットワーク機器・サーバの制御（通信できるシステムの限定）"),
    "03": _("通信内容の暗号化"),
    "04": _("ファイアウォール・サーバの要塞化・侵入検知・セキュリティパッチの適用"),
    "05": _("ウイルス対策ソフトウェアと最新のパターンファイル"),
    "06": _("ID・パスワード等による利用者の管理"),
    "07": _("保存先フォルダのアクセス権・ファイルのパスワード"),
    "08": _("システム・ネットワークの監視、アクセスログの取得と定期的な分析"),
    "09": _("サーバ冗長化・バックアップ"),
    "10": _("入退室管理"),
    "11": _("日本国内の法が適用されるサーバ"),
}
# The ward's own profile backs these; its s06–s09 are the app's own records (accounts, engagement, audit,
# operations), registered by those apps.
WARD_ITEMS = ("01", "02", "03", "04", "05", "10", "11")
JAPAN_NAMES = {"日本", "日本国", "japan", "jp", "jpn"}


def is_japan(country: str) -> bool:
    return (country or "").strip().lower() in JAPAN_NAMES


class Measure(models.TextChoices):
    IN_PLACE = "in_place", _("実施している")
    NOT_IN_PLACE = "not_in_place", _("実施していない")
    NOT_APPLICABLE = "not_applicable", _("該当しない")


class Premises(models.TextChoices):
    OWN = "own", _("自社の施設")
    DATA_CENTRE = "data_centre", _("データセンター")
    CLOUD = "cloud", _("クラウドサービス")


def _status(number: str):
    return models.CharField(SYSTEM_ITEMS[number], max_length=20, choices=Measure.choices, blank=True)


def _text(number: str):
    return models.TextField(_("具体的な内容"), max_length=1000, blank=True)


class EnvironmentProfile(review.Reviewed, models.Model):
    """情報セキュリティ環境の届出: one per organisation (the contractor, a subcontractor) and one of the ward itself
    (``is_ward``, no organisation: kept by the ward's IT section). The contractor's handling manager fills it in
    and submits it; the ward accepts it or sends it back (core.review). Reviewed yearly: an accepted profile is
    opened again for the next review (``profile_revise``), and one accepted over a year ago is out of date."""

    class Status(models.TextChoices):
        DRAFT = review.State.DRAFT.value, _("作成中")
        SUBMITTED = review.State.SUBMITTED.value, _("確認待ち")
        RETURNED = review.State.RETURNED.value, _("差戻し")
        ACCEPTED = review.State.ACCEPTED.value, _("受理")

    organisation = models.OneToOneField(Organisation, verbose_name=_("組織"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="environment_profile")
    is_ward = models.BooleanField(_("区の環境"), default=False)

    # Where the data is processed and stored.
    country = models.CharField(_("データを処理・保管する国"), max_length=100, default="日本")
    premises = models.CharField(_("処理・保管の場所"), max_length=20, choices=Premises.choices, blank=True)
    place = models.CharField(_("施設の名称・所在地"), max_length=300, blank=True)
    cloud_service = models.CharField(_("クラウドサービスの名称"), max_length=200, blank=True)
    cloud_provider = models.CharField(_("クラウドサービスの提供事業者"), max_length=200, blank=True)
    cloud_guideline = models.CharField(_("総務省「クラウドサービス提供における情報セキュリティ対策ガイドライン」への準拠"),
                                       max_length=20, choices=Measure.choices, blank=True)
    ismap = models.CharField(_("ISMAP（政府情報システムのためのセキュリティ評価制度）への登録"), max_length=20,
                             choices=Measure.choices, blank=True)

    s01_status, s01_text = _status("01"), _text("01")
    s02_status, s02_text = _status("02"), _text("02")
    s03_status, s03_text = _status("03"), _text("03")
    s04_status, s04_text = _status("04"), _text("04")
    s05_status, s05_text = _status("05"), _text("05")
    s06_status, s06_text = _status("06"), _text("06")
    s07_status, s07_text = _status("07"), _text("07")
    s08_status, s08_text = _status("08"), _text("08")
    s09_status, s09_text = _status("09"), _text("09")
    s10_status, s10_text = _status("10"), _text("10")
    s11_status, s11_text = _status("11"), _text("11")

    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(_("更新日時"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submission_count = models.PositiveIntegerField(_("提出回数"), default=0)
    decided_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    return_reason = models.TextField(_("差戻しの理由"), max_length=1000, blank=True)
    # The last acceptance: a yearly review that is under way keeps it, and the profile is out of date a year on.
    accepted_at = models.DateTimeField(_("受理日時"), null=True, blank=True)

    review_flow = review.Flow(name=lambda profile: str(profile.title))

    class Meta:
        ordering = ["-is_ward", "organisation__name"]
        verbose_name = _("情報セキュリティ環境の届出")
        verbose_name_plural = _("情報セキュリティ環境の届出")
        permissions = [("keep_ward_profile", _("区の情報セキュリティ環境の届出を作成・更新する（情報システム担当）"))]
        constraints = [
            models.UniqueConstraint(fields=["is_ward"], condition=models.Q(is_ward=True), name="one_ward_profile"),
            models.CheckConstraint(
                condition=(models.Q(is_ward=True, organisation__isnull=True)
                           | models.Q(is_ward=False, organisation__isnull=False)),
                name="profile_of_the_ward_or_an_organisation"),
        ]

    def __str__(self):
        return str(self.title)

    @property
    def owner_name(self) -> str:
        return str(_("区")) if self.is_ward else self.organisation.name

    @property
    def title(self) -> str:
        if self.is_ward:
            return _("区の情報セキュリティ環境の届出")
        return _("%(organisation)sの情報セキュリティ環境の届出") % {"organisation": self.organisation.name}

    def measure(self, number: str) -> str:
        return getattr(self, f"s{number}_status")

    def measure_text(self, number: str) -> str:
        return getattr(self, f"s{number}_text")

    def items(self) -> list[tuple[str, str, str, str]]:
        """(number, what the item is, its status in words, its description), in the seed's order."""
        return [(number, label, self.get_measure_display(number), self.measure_text(number))
                for number, label in SYSTEM_ITEMS.items()]

    def get_measure_display(self, number: str) -> str:
        value = self.measure(number)
        return str(Measure(value).label) if value in Measure.values else str(_("未記入"))

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """Accepted more than a year ago (or never): the yearly review is due."""
        now = now or timezone.now()
        return self.accepted_at is None or now - self.accepted_at > REVIEW_PERIOD

    @property
    def review_due_on(self) -> dt.date | None:
        if self.accepted_at is None:
            return None
        return timezone.localtime(self.accepted_at + REVIEW_PERIOD).date()


COVERS_BY_KIND: dict[str, tuple[str, ...]] = {
    # ISMS (ISO/IEC 27001) and ISMAP audit the whole information security management of the scope certified.
    "isms": tuple(SYSTEM_ITEMS),
    "ismap": tuple(SYSTEM_ITEMS),
    # The Pマーク (JIS Q 15001) audits the handling of personal information: who may reach it and where.
    "pmark": ("06", "07", "10"),
    "other": (),
}


class Certificate(models.Model):
    """A certificate the organisation holds (Pマーク, ISMS, ISMAP…) and the system items it backs. A certificate
    past its validity turns the items it backs unmet until a renewed one is recorded."""

    class Kind(models.TextChoices):
        PMARK = "pmark", _("プライバシーマーク（Pマーク）")
        ISMS = "isms", _("ISMS（ISO/IEC 27001）")
        ISMAP = "ismap", _("ISMAP")
        OTHER = "other", _("その他の認証")

    profile = models.ForeignKey(EnvironmentProfile, verbose_name=_("届出"), on_delete=models.CASCADE,
                                related_name="certificates")
    kind = models.CharField(_("認証の種類"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("認証の名称（その他の場合）"), max_length=200, blank=True)
    number = models.CharField(_("登録番号"), max_length=100)
    issuer = models.CharField(_("認証機関"), max_length=200)
    valid_from = models.DateField(_("有効期間（開始）"))
    valid_until = models.DateField(_("有効期間（終了）"))
    covers = models.JSONField(_("裏付ける対策（システム上の対策の番号）"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("登録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["profile", "-valid_until", "pk"]
        verbose_name = _("認証")
        verbose_name_plural = _("認証")
        constraints = [models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                              name="certificate_period_order")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        kind = self.name if self.kind == self.Kind.OTHER and self.name else self.get_kind_display()
        return _("%(kind)s 登録番号 %(number)s") % {"kind": kind, "number": self.number}

    def is_expired(self, day: dt.date | None = None) -> bool:
        return self.valid_until < (day or timezone.localdate())

    def days_left(self, day: dt.date | None = None) -> int:
        return (self.valid_until - (day or timezone.localdate())).days

    def expires_soon(self, day: dt.date | None = None) -> bool:
        return 0 <= self.days_left(day) <= CERTIFICATE_NOTICE_DAYS

    def backs(self, number: str) -> bool:
        return number in (self.covers or [])

    @property
    def covers_text(self) -> str:
        return "、".join(f"s{number}" for number in sorted(self.covers or [])) or str(_("なし"))

    @property
    def validity_text(self) -> str:
        return _("%(start)s〜%(end)s") % {"start": wareki(self.valid_from), "end": wareki(self.valid_until)}

    @property
    def status_badge(self):
        from core.badges import Badge

        if self.is_expired():
            return Badge(str(_("期限切れ")), "danger")
        if self.valid_from > timezone.localdate():
            return Badge(str(_("有効期間前")), "")
        if self.expires_soon():
            return Badge(str(_("まもなく期限")), "warn")
        return Badge(str(_("有効")), "ok")


class OperationReport(models.Model):
    """The contractor's own record of a log analysis (s08) or a backup check or test restore (s09): what it
    did, when, for which period, with its files. Never the ward's analysis or drills: those are this app's."""

    class Kind(models.TextChoices):
        LOG_ANALYSIS = "log_analysis", _("アクセスログ等の分析")
        RESTORE_TEST = "restore_test", _("バックアップからの復元テスト")
        BACKUP_CHECK = "backup_check", _("バックアップの取得状況の確認")

    ITEM_OF_KIND = {Kind.LOG_ANALYSIS: "08", Kind.RESTORE_TEST: "09", Kind.BACKUP_CHECK: "09"}

    profile = models.ForeignKey(EnvironmentProfile, verbose_name=_("届出"), on_delete=models.CASCADE,
                                related_name="reports")
    kind = models.CharField(_("内容"), max_length=20, choices=Kind.choices)
    period_from = models.DateField(_("対象期間（開始）"))
    period_until = models.DateField(_("対象期間（終了）"))
    done_on = models.DateField(_("実施日"))
    text = models.TextField(_("結果"), max_length=2000)
    recorded_at = models.DateTimeField(_("記録日時"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["profile", "-done_on", "-pk"]
        verbose_name = _("ログ分析・バックアップの記録")
        verbose_name_plural = _("ログ分析・バックアップの記録")
        constraints = [models.CheckConstraint(condition=models.Q(period_until__gte=models.F("period_from")),
                                              name="operation_report_period_order")]

    def __str__(self):
        return _("%(kind)s（%(day)s）") % {"kind": self.get_kind_display(), "day": wareki(self.done_on)}

    @property
    def item(self) -> str:
        return self.ITEM_OF_KIND[self.kind]

    @property
    def period_text(self) -> str:
        return _("%(start)s〜%(end)s") % {"start": wareki(self.period_from), "end": wareki(self.period_until)}
