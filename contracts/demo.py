"""Demo data: the seed's contract word for word, its ward section and contractor, a user for each
role, and a second contractor with its own contract so that isolation can be seen."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import services
from .models import Contract, Designation, Organisation, UserProfile
from .roles import AUDIT_GROUP, HR_GROUP

TOKYO = ZoneInfo("Asia/Tokyo")
DEMO_PASSWORD = "demo-passphrase-2025"
SEED_SLUG = "shinjuku-engagement-2025"
OTHER_SLUG = "sample-analysis-2025"

SEED_CONTRACT = {
    "title": "新宿区職員エンゲージメント向上等支援に係る業務の委託について",
    "project_name": "新宿区職員エンゲージメント向上等支援業務委託",
    "department": "総務部人材育成等担当課",
    "regulation_basis": "第3条第1項第3号（業務委託）",
    "purpose": "職員エンゲージメント向上のため",
    "subjects": "区職員（会計年度任用職員は除く）",
    "subject_count": "約 3,000 人",
    "project_description": (
        "1 概要\n"
        "職員の働きがいや意欲、組織に対する思い入れ、愛着などのエンゲージメントを向上させることにより、組織の健全化、"
        "組織力の向上、個人の意欲向上、人材の定着につなげていくことを目的として、職員エンゲージメント向上の取り組みを行う。\n"
        "2 個人情報保護管理運営会議への付議内容\n"
        "区は、職員向けに LoGo フォームによる調査を実施し、調査結果を委託事業者に提供する。委託事業者は調査結果を詳細に"
        "分析するとともに、課題に対する改善提案なども含め報告書を作成する。\n"
        "3 対象者数\n"
        "約 3,000 人\n"
        "※個人情報の流れは、資料 2-1 のとおり"
    ),
    "holding_section": "人材育成等担当課",
    "registered_work_name": "新宿区職員エンゲージメント向上等支援業務",
    "information_items": (
        "《委託先に提供する項目》 調査対象者(区職員)の属性に関する情報(所属・職名・職種・職務名・性別・年齢・採用年・"
        "採用区分・在庁歴・社会人歴・昇任歴等) 調査回答内容"
    ),
    "recording_media": "電磁的記録(CD-R等)",
    "reason": (
        "エンゲージメント向上に関する調査や改善策の提案は、単なるデータ収集にとどまらず、組織の文化や職員の意識に深く関わる"
        "重要な業務である。そのため、幅広い視点やアプローチを持つ事業者が実施することで、より効果的で実践的な解決策を見出す"
        "ことが可能となる。"
    ),
    "work_content": (
        "区は、職員向けにLoGoフォームによる調査を実施し、調査結果を委託事業者提供。委託事業者は調査結果を詳細に分析すると"
        "ともに、課題に対する改善提案なども含め報告書を作成する。"
    ),
    "start_date": dt.date(2025, 5, 1),
    "end_date": dt.date(2026, 3, 31),
    "period_note": "次年度以降も、同様の業務委託を行う。",
    "protection_measures_note": "別紙チェックリストのとおり",
    "fiscal_year": 2025,
    "recurring": True,
}

OTHER_CONTRACT = {
    "title": "新宿区区民意識調査集計分析業務の委託について",
    "project_name": "新宿区区民意識調査集計分析業務委託",
    "department": "総務部人材育成等担当課",
    "regulation_basis": "第3条第1項第3号（業務委託）",
    "purpose": "（デモ用の架空の契約）他の委託先の契約が見えないことを確かめるため",
    "subjects": "（デモ用）架空の回答者",
    "subject_count": "約 100 人",
    "project_description": "デモ用の架空の契約です。",
    "holding_section": "人材育成等担当課",
    "registered_work_name": "区民意識調査集計分析業務（デモ）",
    "information_items": "（デモ用）架空の回答内容",
    "recording_media": "電磁的記録(CD-R等)",
    "reason": "デモ用",
    "work_content": "デモ用",
    "start_date": dt.date(2025, 6, 1),
    "end_date": dt.date(2026, 2, 28),
    "period_note": "",
    "protection_measures_note": "別紙チェックリストのとおり",
    "fiscal_year": 2025,
    "recurring": False,
}


@dataclass
class DemoWorld:
    ward: Organisation
    contractor: Organisation
    other_contractor: Organisation
    contract: Contract
    other_contract: Contract
    users: dict = field(default_factory=dict)


def _user(username, display_name, organisation, *, email, groups=(), staff=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email, "is_staff": staff})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    UserProfile.objects.update_or_create(user=user, defaults={"organisation": organisation, "display_name": display_name})
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def _approved(contract, user, kind, *, actor, duties):
    open_designation = Designation.objects.filter(contract=contract, user=user, status__in=["reported", "approved"]).first()
    if open_designation is None:
        open_designation = services.designation_report(contract=contract, user=user, kind=kind, actor=actor, duties=duties)
    if open_designation.is_pending:
        services.designation_approve(designation=open_designation, actor=actor, note="デモ")
    return open_designation


def seed_contracts() -> DemoWorld:
    from .roles import ensure_groups

    ensure_groups()
    ward, _ = Organisation.objects.update_or_create(
        name="新宿区 総務部人材育成等担当課",
        defaults={"kind": Organisation.Kind.WARD_SECTION, "address": "東京都新宿区歌舞伎町1-4-1",
                  "emergency_contact_name": "人材育成等担当課長", "emergency_contact_phone": "03-0000-0000",
                  "emergency_contact_email": "jinzai@example.lg.jp",
                  "emergency_procedure": "事故等を発見した場合は、直ちに担当課長へ電話で連絡する。"},
    )
    contractor, _ = Organisation.objects.update_or_create(
        name="パブリックタレントモビリティ株式会社",
        defaults={"kind": Organisation.Kind.CONTRACTOR, "emergency_contact_name": "取扱責任者 田中",
                  "emergency_contact_phone": "03-1111-1111", "emergency_contact_email": "tanaka@example.co.jp"},
    )
    other, _ = Organisation.objects.update_or_create(
        name="株式会社サンプル分析（デモ）",
        defaults={"kind": Organisation.Kind.CONTRACTOR, "emergency_contact_name": "小林",
                  "emergency_contact_phone": "03-2222-2222"},
    )
    users = {
        "hr": _user("sato", "佐藤 花子", ward, email="sato@example.lg.jp", groups=[HR_GROUP]),
        "auditor": _user("suzuki", "鈴木 一郎", ward, email="suzuki@example.lg.jp", groups=[AUDIT_GROUP]),
        "manager": _user("tanaka", "田中 誠", contractor, email="tanaka@example.co.jp"),
        "handler": _user("yamada", "山田 美咲", contractor, email="yamada@example.co.jp"),
        "other_manager": _user("kobayashi", "小林 健", other, email="kobayashi@example.co.jp"),
        "admin": _user("admin", "システム管理者", ward, email="admin@example.lg.jp", staff=True),
    }
    admin = users["admin"]
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])

    hr = users["hr"]
    contracts = {}
    for slug, fields, org in ((SEED_SLUG, SEED_CONTRACT, contractor), (OTHER_SLUG, OTHER_CONTRACT, other)):
        contract = Contract.objects.filter(slug=slug).first()
        if contract is None:
            contract = services.contract_create(actor=hr, slug=slug, ward_section=ward, contractor=org, **fields)
            if slug == SEED_SLUG:
                for step, day, note in ((1, dt.date(2025, 5, 12), "通知文を送付"), (2, dt.date(2025, 6, 13), "回答期間終了"),
                                        (3, dt.date(2025, 6, 20), "CD-Rで送付")):
                    row = services.contract_step_set(contract=contract, step=step, done=True, actor=hr, note=note)
                    # The demo tells the year as it happened: the steps were done on their own days.
                    row.completed_at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=TOKYO)
                    row.save(update_fields=["completed_at"])
            contract.status = Contract.Status.ACTIVE
            contract.save(update_fields=["status"])
        if not contract.memberships.filter(user=users["auditor"], revoked_at__isnull=True).exists():
            services.membership_grant(contract=contract, user=users["auditor"], role="auditor", actor=hr)
        contracts[slug] = contract

    _approved(contracts[SEED_SLUG], users["manager"], Designation.Kind.MANAGER, actor=hr, duties="取扱責任者")
    _approved(contracts[SEED_SLUG], users["handler"], Designation.Kind.HANDLER, actor=users["manager"],
              duties="データ分析")
    _approved(contracts[OTHER_SLUG], users["other_manager"], Designation.Kind.MANAGER, actor=hr, duties="取扱責任者")
    return DemoWorld(ward=ward, contractor=contractor, other_contractor=other, contract=contracts[SEED_SLUG],
                     other_contract=contracts[OTHER_SLUG], users=users)
