"""Demo data: the contractor's environment and the ward's own, as the ward accepted them.

パブリックタレントモビリティ (world.contract's contractor) processes the survey in a data centre in Tokyo and holds an
ISMS certificate (IS 000000, valid through October 2027; its scan is attached). 田中 filed the profile in its
yearly review of April 2026, and HR (佐藤) accepted it the next day. The firm analyses its access
logs every month and test-restores its backup every September, and records both here. The ward's IT section
(高橋, who holds ``environment.keep_ward_profile``) filed the ward's own profile, which HR accepted in April 2026.
FY2026's approved subcontractor (contracts.demo) has its own profile, filed by 田中 in May 2026, with its own
monthly log analyses and a backup check each September.

Everything goes through the services; rows are then moved to the story's dates. Safe to run twice.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments import selectors as attachment_selectors
from contracts.demo import DEMO_PASSWORD, at, told_at
from contracts.models import UserProfile

from . import services
from .evidence import months_before
from .models import SYSTEM_ITEMS, Certificate, EnvironmentProfile, OperationReport

IT_GROUP = "情報システム担当"
CONTRACTOR_ANSWERS = {
    "country": "日本", "premises": "data_centre", "place": "東京都内の自社専用ラック（データセンター、所在地は区に別途報告）",
    "cloud_guideline": "not_applicable", "ismap": "not_applicable",
    "s01": "分析用PCはインターネットに接続しない閉域の分析室ネットワークで使用。",
    "s02": "ファイアウォールで分析室ネットワークの通信先をファイルサーバのみに限定。",
    "s03": "個人情報を含むデータは通信しない（記録媒体の手渡しのみ）。分析室内の通信はTLSで暗号化。",
    "s04": "UTMと侵入検知を導入し、セキュリティパッチを毎月第2水曜日の翌週に適用。",
    "s05": "ウイルス対策ソフトウェアを導入し、パターンファイルを社内配信サーバから自動更新。",
    "s06": "取扱者ごとのID、14文字以上のパスワードとICカードによる多要素認証。異動・退職の当日にIDを停止。",
    "s07": "保存先フォルダのアクセス権を当該契約の取扱者に限定し、ファイルにパスワードを設定。",
    "s08": "分析用PCとファイルサーバの操作ログ・アクセスログを1年保存し、取扱責任者が毎月分析。",
    "s09": "ファイルサーバを冗長化し、暗号化したバックアップを日次で取得。年1回復元テスト。",
    "s10": "分析室はICカードで入退室を管理し、記録を1年保存。",
    "s11": "国内のデータセンターのみを使用し、日本法を準拠法とする契約。",
}
WARD_ANSWERS = {
    "country": "日本", "premises": "own", "place": "新宿区役所本庁舎（区の情報システム室）",
    "cloud_guideline": "not_applicable", "ismap": "not_applicable",
    "s01": "委託契約の管理アプリは庁内ネットワーク（LGWAN接続系）からのみ利用できる。",
    "s02": "ファイアウォールでアプリのサーバへの通信を庁内ネットワークの端末に限定。",
    "s03": "アプリへの通信はTLSで暗号化。",
    "s04": "庁内のファイアウォール・侵入検知を利用し、サーバのセキュリティパッチを毎月適用。",
    "s05": "庁内の端末とサーバにウイルス対策ソフトウェアを導入し、パターンファイルを自動更新。",
    "s06": "職員のアカウントはパスワードとワンタイムパスワード（TOTP）で利用（アプリの記録も根拠）。",
    "s07": "調査データは暗号化して保存（アプリの記録も根拠）。",
    "s08": "アプリの監査証跡を毎月分析（アプリの記録が根拠）。",
    "s09": "バックアップと復元訓練（アプリの記録が根拠）。",
    "s10": "情報システム室はICカードで入退室を管理。",
    "s11": "区のサーバは区役所内にあり、日本法が適用される。",
}
FIRST_FILED, ACCEPTED = dt.date(2026, 4, 13), dt.date(2026, 4, 14)
WARD_ACCEPTED = dt.date(2026, 4, 20)
# A PDF of one page saying what it stands for (the attachments app reads the type from the bytes).
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
            b"endobj\n4 0 obj<</Length 58>>stream\nBT /F1 18 Tf 72 760 Td (ISMS certificate IS 000000 - demo) Tj ET\n"
            b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _values(answers: dict) -> dict:
    values = {name: answers[name] for name in ("country", "premises", "place", "cloud_guideline", "ismap")}
    for number in SYSTEM_ITEMS:
        values[f"s{number}_status"] = "in_place"
        values[f"s{number}_text"] = answers[f"s{number}"]
    return values


def _it_keeper(ward):
    group, _ = Group.objects.get_or_create(name=IT_GROUP)
    group.permissions.add(Permission.objects.get(codename="keep_ward_profile", content_type__app_label="environment"))
    user, created = get_user_model().objects.get_or_create(username="takahashi",
                                                           defaults={"email": "takahashi@example.lg.jp"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    UserProfile.objects.update_or_create(user=user, defaults={"organisation": ward, "display_name": "高橋 健太"})
    user.groups.add(group)
    return user


def _accepted_profile(organisation, *, keeper, hr, answers, filed: dt.date, accepted: dt.date) -> EnvironmentProfile:
    profile = EnvironmentProfile.objects.filter(organisation=organisation, is_ward=organisation is None).first()
    if profile is not None and profile.accepted_at is not None:
        return profile
    with told_at(at(filed, 10)):
        if profile is None:
            profile = services.profile_start(organisation=organisation, actor=keeper)
        profile = services.profile_save(profile=profile, actor=keeper, **_values(answers))
        if profile.is_with_submitter:
            profile = services.profile_submit(profile=profile, actor=keeper)
    with told_at(at(accepted, 15)):
        profile = services.profile_accept(profile=profile, actor=hr)
    EnvironmentProfile.objects.filter(pk=profile.pk).update(
        updated_at=at(filed, 10), submitted_at=at(filed, 11), decided_at=at(accepted, 15), accepted_at=at(accepted, 15))
    profile.refresh_from_db()
    return profile


def _certificate(profile, *, keeper) -> Certificate:
    certificate = Certificate.objects.filter(profile=profile, kind=Certificate.Kind.ISMS).first()
    if certificate is None:
        with told_at(at(FIRST_FILED, 11)):
            certificate = services.certificate_add(
                profile=profile, actor=keeper, kind=Certificate.Kind.ISMS, number="IS 000000（デモ）",
                issuer="一般財団法人デモ認証機構", valid_from=dt.date(2024, 11, 1), valid_until=dt.date(2027, 10, 31))
        Certificate.objects.filter(pk=certificate.pk).update(recorded_at=at(FIRST_FILED, 11))
    if not attachment_selectors.files_for(certificate, "certificate").exists():
        with told_at(at(FIRST_FILED, 11)):
            services._attach(certificate, SimpleUploadedFile("ISMS登録証（デモ）.pdf", DEMO_PDF,
                                                             content_type="application/pdf"),
                             actor=keeper, slot="certificate")
    return certificate


def _report_days(today: dt.date, since: dt.date = dt.date(2025, 4, 10),
                 backup: str = OperationReport.Kind.RESTORE_TEST) -> list[tuple[str, dt.date]]:
    """Monthly log analyses (the 10th, of the month before) from ``since`` to today; a test restore (or a backup
    check) each September."""
    days = []
    month = since
    while month <= today:
        days.append((OperationReport.Kind.LOG_ANALYSIS, month))
        if month.month == 9:
            days.append((backup, month + dt.timedelta(days=8)))
        month = months_before(month, -1)
    return [(kind, day) for kind, day in days if day <= today]


TEXTS = {
    OperationReport.Kind.LOG_ANALYSIS: "前月分の操作ログ・アクセスログを分析。業務時間外のアクセス、取扱者以外のアクセスはなし。",
    OperationReport.Kind.RESTORE_TEST: "前日のバックアップから検証環境へ復元し、ファイル数とハッシュ値の一致を確認。",
    OperationReport.Kind.BACKUP_CHECK: "入力データの日次バックアップが取得され、暗号化されていることを確認。",
}


def _reports(profile, *, keeper, **days) -> None:
    today = timezone.localdate()
    for kind, day in _report_days(today, **days):
        if OperationReport.objects.filter(profile=profile, kind=kind, done_on=day).exists():
            continue
        if kind == OperationReport.Kind.LOG_ANALYSIS:
            start = months_before(day.replace(day=1), 1)
            period = (start, day.replace(day=1) - dt.timedelta(days=1))
        else:
            period = (months_before(day, 12) + dt.timedelta(days=1), day)
        with told_at(at(day, 17)):
            report = services.report_record(profile=profile, actor=keeper, kind=kind, period_from=period[0],
                                            period_until=period[1], done_on=day, text=TEXTS[kind])
        OperationReport.objects.filter(pk=report.pk).update(recorded_at=at(day, 17))


SUBCONTRACTOR_ANSWERS = {
    **CONTRACTOR_ANSWERS, "premises": "own", "place": "再委託先の本社 3階 入力室（東京都新宿区）",
    "s01": "入力用PCは入力室内の閉域ネットワークのみに接続し、インターネットに接続しない。",
    "s02": "入力室のネットワーク機器で、入力用PCの通信先を入力データの保存先サーバに限定。",
    "s03": "入力結果は暗号化した記録媒体で委託先に手渡し、通信では送らない。",
    "s08": "入力用PCの操作ログを取得し、再委託先の取扱責任者が毎月分析。",
    "s09": "入力データを日次でバックアップし、毎年9月に取得状況を確認。",
}
SUBCONTRACTOR_FILED, SUBCONTRACTOR_ACCEPTED = dt.date(2026, 5, 18), dt.date(2026, 5, 20)


def _subcontractor_profiles(world, *, keeper, hr) -> None:
    """FY2026's approved subcontractor: its environment, filed by the contractor's manager after the approval."""
    from contracts import subcontracting

    if world.current_contract is None or SUBCONTRACTOR_ACCEPTED > timezone.localdate():
        return
    for sub in subcontracting.approved(world.current_contract).exclude(organisation=None).select_related("organisation"):
        profile = _accepted_profile(sub.organisation, keeper=keeper, hr=hr, answers=SUBCONTRACTOR_ANSWERS,
                                    filed=SUBCONTRACTOR_FILED, accepted=SUBCONTRACTOR_ACCEPTED)
        _reports(profile, keeper=keeper, since=dt.date(2026, 6, 10), backup=OperationReport.Kind.BACKUP_CHECK)


def add_to_demo(world) -> None:
    hr, manager = world.users["hr"], world.users["manager"]
    profile = _accepted_profile(world.contract.contractor, keeper=manager, hr=hr, answers=CONTRACTOR_ANSWERS,
                                filed=FIRST_FILED, accepted=ACCEPTED)
    _certificate(profile, keeper=manager)
    _reports(profile, keeper=manager)
    _subcontractor_profiles(world, keeper=manager, hr=hr)
    keeper = _it_keeper(world.ward)
    _accepted_profile(None, keeper=keeper, hr=hr, answers=WARD_ANSWERS, filed=WARD_ACCEPTED - dt.timedelta(days=3),
                      accepted=WARD_ACCEPTED)
