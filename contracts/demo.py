"""Demo data: the seed's contract word for word, its ward section and contractor, a user for each
role, and a second contractor with its own contract so that isolation can be seen.

The seed contract repeats every year (次年度以降も、同様の業務委託を行う), and the demo tells two of them:

- FY2025 (令和7年度), the seed contract ``shinjuku-engagement-2025``: a finished year, on fixed dates
  inside its own period (designations approved in May 2025, steps ①–③ done between May and June 2025; the
  handovers and the checklist are added by their apps; the copies, the report, the deletion report, the
  measures that complete ④–⑥ and the closing by ``contracts.year_end_demo``).
- FY2026 (令和8年度), ``shinjuku-engagement-2026``: the current year, copied from it with
  ``contract_copy_to_next_year`` in April 2026, active, its people approved again in May 2026; its
  handovers are told relative to today (see :func:`live_story_days`).

State changes go through the services; the rows are then moved back to the story's dates with
``queryset.update``. Their audit entries carry the story's times too (:func:`told_at`), so the log, filtered
on a day of the story, finds what happened that day; the sequence numbers keep the order the demo data is added in.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from audit.services import recorded_at

from . import services
from .models import Contract, ContractStep, Designation, Membership, Organisation, Role, UserProfile
from .roles import AUDIT_GROUP, HR_GROUP

TOKYO = ZoneInfo("Asia/Tokyo")
DEMO_PASSWORD = "demo-passphrase-2025"
SEED_SLUG = "shinjuku-engagement-2025"
CURRENT_SLUG = "shinjuku-engagement-2026"  # what contract_copy_to_next_year makes of the seed contract
OTHER_SLUG = "sample-analysis-2025"

# The ward's organisation as data (部 → 課, by 組織コード), with Shinjuku's names: the seed's section under
# 総務部, the privacy office (区政情報課) beside it, and a second section (区民部 → 税務課) with its own clerk.
SEED_SECTION_CODE = "jinzai"
SECOND_SECTION_CODE = "zeimu"
SECOND_SECTION_CLERK = "yamamoto"  # 山本, 担当課 of 税務課 (TYPES' 印刷・封入封緘 contract is made by him)
PRIVACY_OFFICER = "ito"  # 伊藤, 個人情報保護担当, ward-wide (journeys.md)
TREE = (  # (code, name, kind, parent code)
    ("somu", "総務部", Organisation.Kind.DEPARTMENT, None),
    ("kuseijoho", "区政情報課", Organisation.Kind.WARD_SECTION, "somu"),
    ("kumin", "区民部", Organisation.Kind.DEPARTMENT, None),
    (SECOND_SECTION_CODE, "税務課", Organisation.Kind.WARD_SECTION, "kumin"),
)
SECTION_CONTACTS = {
    "kuseijoho": {"emergency_contact_name": "区政情報課長", "emergency_contact_email": "kuseijoho@example.lg.jp"},
    SECOND_SECTION_CODE: {"emergency_contact_name": "税務課長", "emergency_contact_email": "zeimu@example.lg.jp",
                          "emergency_procedure": "事故等を発見した場合は、直ちに税務課長へ電話で連絡する。"},
}

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


# FY2025, the finished year: the ward's own steps ①–⑥ of 資料2-1, on the days they were done.
SEED_STEPS = (
    (1, dt.date(2025, 5, 12), "通知文を送付"),
    (2, dt.date(2025, 6, 13), "回答期間終了"),
    (3, dt.date(2025, 6, 24), "CD-Rで送付（手渡し。パスワード通知書は6月26日）"),
)  # ④–⑥ follow the report, the returns and the measures (contracts.year_end_demo)
# When each year's contract was prepared (April, before the council) and its people named and approved (May).
PREPARED_ON = {SEED_SLUG: dt.date(2025, 4, 8), CURRENT_SLUG: dt.date(2026, 4, 8)}
DESIGNATION_DAYS = {  # slug: ((manager reported, approved), (handler reported, approved))
    SEED_SLUG: ((dt.date(2025, 5, 1), dt.date(2025, 5, 2)), (dt.date(2025, 5, 7), dt.date(2025, 5, 9))),
    CURRENT_SLUG: ((dt.date(2026, 5, 1), dt.date(2026, 5, 7)), (dt.date(2026, 5, 7), dt.date(2026, 5, 8))),
}
# The current year's first disc is handed over no earlier than this many days into the period (after
# the approvals above), and its story needs two more days before "this morning".
FIRST_HANDOVER_OFFSET = dt.timedelta(days=10)


@dataclass
class DemoWorld:
    ward: Organisation
    contractor: Organisation
    other_contractor: Organisation
    contract: Contract  # the seed contract, FY2025 (finished year)
    other_contract: Contract
    users: dict = field(default_factory=dict)
    current_contract: Contract | None = None  # FY2026, copied from the seed contract: the current year


@dataclass(frozen=True)
class StoryDays:
    """The days of the current year's story, told relative to today."""

    today: dt.date             # the story's "today": a second disc is handed over that morning
    disc: dt.date              # the first disc, about 45 days earlier
    notice: dt.date            # its password notice, the next day
    check: dt.date | None      # the monthly storage check, a month after the disc (if before "today")
    form_sent: dt.date         # step ①
    answers_closed: dt.date    # step ②


def live_story_days(contract: Contract, today: dt.date | None = None) -> StoryDays | None:
    """The current year's story: a disc about 45 days before today, its notice the next day, a monthly
    check a month later, and a second disc this morning.

    The dates are kept inside the contract's period. When the demo is run after the period (another
    year), the story is anchored at the period's last day instead of today; when today is so early in
    the period (or before it) that the approvals of May and two handover days do not fit before it, the
    first disc goes as early as the approvals allow. Before that there is nothing to tell: the services
    refuse handovers dated in the future, so None is returned and no handover is seeded for this year.
    """
    today = today or timezone.localdate()
    earliest = contract.start_date + FIRST_HANDOVER_OFFSET
    if today < earliest + dt.timedelta(days=2):
        return None
    anchor = min(today, contract.end_date)
    disc = max(anchor - dt.timedelta(days=45), earliest)
    check = disc + dt.timedelta(days=31)
    return StoryDays(
        today=anchor, disc=disc, notice=disc + dt.timedelta(days=1), check=check if check < anchor else None,
        form_sent=max(disc - dt.timedelta(days=40), contract.start_date),
        answers_closed=max(disc - dt.timedelta(days=10), contract.start_date),
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of the story, in Tokyo."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def told_at(when: dt.datetime | None):
    """Audit entries written inside carry the story's moment ``when``, never a moment still to come."""
    return recorded_at(min(when, timezone.now())) if when is not None else contextlib.nullcontext()


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


def _approved(contract, user, kind, *, reporter, approver, duties, reported_at=None, decided_at=None):
    """Reported (by the manager, or by HR from a paper report) and approved by HR; a report carried over
    from last year's contract is approved as it stands."""
    open_designation = Designation.objects.filter(contract=contract, user=user, status__in=["reported", "approved"]).first()
    if open_designation is None:
        with told_at(reported_at):
            open_designation = services.designation_report(contract=contract, user=user, kind=kind, actor=reporter,
                                                           duties=duties)
    if open_designation.is_pending:
        with told_at(decided_at):
            services.designation_approve(designation=open_designation, actor=approver, note="デモ")
    return open_designation


def _approved_on(contract, user, kind, *, reporter, approver, duties, days):
    """``_approved``, then the report and approval moved to their days (only when made now)."""
    reported, decided = days
    made_now = not Designation.objects.filter(contract=contract, user=user, status="approved").exists()
    designation = _approved(contract, user, kind, reporter=reporter, approver=approver, duties=duties,
                            reported_at=at(reported, 10), decided_at=at(decided, 15))
    if made_now:
        Designation.objects.filter(pk=designation.pk).update(reported_at=at(reported, 10), decided_at=at(decided, 15))
        Membership.objects.filter(contract=contract, user=user, role=designation.role,
                                  revoked_at__isnull=True).update(granted_at=at(decided, 15))
    return designation


def _steps_done(contract, steps, *, actor):
    # The demo tells the year as it happened: the steps were done on their own days, as a clerk states them.
    for step, day, note in steps:
        if not ContractStep.objects.get(contract=contract, step=step).is_done:
            with told_at(at(day, 10)):
                services.contract_step_complete(contract=contract, step=step, actor=actor, completed_at=at(day, 10),
                                                note=note)


def _current_year(seed: Contract, users) -> Contract:
    """FY2026: the seed contract copied into the next fiscal year (April), carrying the auditor and last
    year's two people as reports the ward approves again in May; active; its people approved."""
    hr = users["hr"]
    contract = Contract.objects.filter(slug=CURRENT_SLUG).first()
    if contract is None:
        prepared = at(PREPARED_ON[CURRENT_SLUG], 9)
        with told_at(prepared):
            contract = services.contract_copy_to_next_year(contract=seed, actor=hr, slug=CURRENT_SLUG)
        Membership.objects.filter(contract=contract).update(granted_at=prepared)
        # Started on its start date in the story; a demo run long before May must not stop to ask.
        with told_at(at(contract.start_date, 9)):
            contract = services.contract_start(contract=contract, actor=hr, confirm_early=True)
        story = live_story_days(contract)
        if story is not None:
            _steps_done(contract, ((1, story.form_sent, "通知文を送付"), (2, story.answers_closed, "回答期間終了"),
                                   (3, story.disc, "CD-Rで送付（手渡し）")), actor=hr)
    if not contract.memberships.filter(user=users["auditor"], revoked_at__isnull=True).exists():
        with told_at(at(PREPARED_ON[CURRENT_SLUG], 9)):
            services.membership_grant(contract=contract, user=users["auditor"], role="auditor", actor=hr)
        Membership.objects.filter(contract=contract, user=users["auditor"], revoked_at__isnull=True).update(
            granted_at=at(PREPARED_ON[CURRENT_SLUG], 9))
    manager_days, handler_days = DESIGNATION_DAYS[CURRENT_SLUG]
    _approved_on(contract, users["manager"], Designation.Kind.MANAGER, reporter=hr, approver=hr, duties="取扱責任者",
                 days=manager_days)
    _approved_on(contract, users["handler"], Designation.Kind.HANDLER, reporter=users["manager"], approver=hr,
                 duties="データ分析", days=handler_days)
    return contract


def _organisation_tree(ward: Organisation, admin) -> dict[str, Organisation]:
    """総務部 → 人材育成等担当課 (the seed's section, its name unchanged) and 区政情報課; 区民部 → 税務課."""
    units = {}
    for code, name, kind, parent in TREE:
        units[code] = services.unit_save(code=code, name=name, kind=kind, parent=units.get(parent), actor=admin)
        contact = SECTION_CONTACTS.get(code)
        if contact and not units[code].emergency_contact_phone:
            Organisation.objects.filter(pk=units[code].pk).update(
                address="東京都新宿区歌舞伎町1-4-1", emergency_contact_phone="03-0000-0000", **contact)
    units[SEED_SECTION_CODE] = services.unit_save(code=SEED_SECTION_CODE, name=ward.name, kind=ward.kind,
                                                  parent=units["somu"], actor=admin)
    return units


def _scopes(users, ward, units, admin) -> None:
    """Roles on a part of the ward: 佐藤 担当課 of the seed's section, 山本 担当課 of 税務課, 伊藤 the privacy
    office and 鈴木 the audit office on the whole ward (鈴木 keeps the contract-by-contract grants too)."""
    for user, role, unit in ((users["hr"], Role.HR, units[SEED_SECTION_CODE]),
                             (users["section_clerk"], Role.HR, units[SECOND_SECTION_CODE]),
                             (users["privacy"], Role.PRIVACY, None),
                             (users["auditor"], Role.AUDITOR, None)):
        services.scope_grant(user=user, role=role, unit=unit, actor=admin)


def demo_contracts() -> DemoWorld:
    from .roles import ensure_groups

    ensure_groups()
    ward, _ = Organisation.objects.update_or_create(
        name="新宿区 総務部人材育成等担当課",
        defaults={"kind": Organisation.Kind.WARD_SECTION, "code": SEED_SECTION_CODE, "address": "東京都新宿区歌舞伎町1-4-1",
                  "emergency_contact_name": "人材育成等担当課長", "emergency_contact_phone": "03-0000-0000",
                  "emergency_contact_email": "jinzai@example.lg.jp",
                  "emergency_procedure": "事故等を発見した場合は、直ちに担当課長へ電話で連絡する。"},
    )
    contractor, _ = Organisation.objects.update_or_create(
        name="パブリックタレントモビリティ株式会社",
        defaults={"kind": Organisation.Kind.CONTRACTOR, "emergency_contact_name": "取扱責任者 田中",
                  "emergency_contact_phone": "03-1111-1111", "emergency_contact_email": "tanaka@example.co.jp",
                  "emergency_procedure": "事故等を発見した者は直ちに取扱責任者へ報告し、取扱責任者は区の担当課長へ電話で"
                                         "連絡したうえで、アプリで事故を報告する。"},
    )
    other, _ = Organisation.objects.update_or_create(
        name="株式会社サンプル分析（デモ）",
        defaults={"kind": Organisation.Kind.CONTRACTOR, "emergency_contact_name": "小林",
                  "emergency_contact_phone": "03-2222-2222", "emergency_contact_email": "kobayashi@example.co.jp",
                  "emergency_procedure": "事故等を発見した場合は、直ちに区の担当課へ電話で連絡する。"},
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
    units = _organisation_tree(ward, admin)
    users["privacy"] = _user(PRIVACY_OFFICER, "伊藤", units["kuseijoho"], email="ito@example.lg.jp")
    users["section_clerk"] = _user(SECOND_SECTION_CLERK, "山本", units[SECOND_SECTION_CODE],
                                   email="yamamoto@example.lg.jp")
    _scopes(users, ward, units, admin)

    hr = users["hr"]
    contracts = {}
    for slug, fields, org in ((SEED_SLUG, SEED_CONTRACT, contractor), (OTHER_SLUG, OTHER_CONTRACT, other)):
        contract = Contract.objects.filter(slug=slug).first()
        prepared = at(PREPARED_ON[SEED_SLUG], 9) if slug == SEED_SLUG else None  # the other contract has no story
        if contract is None:
            with told_at(prepared):
                contract = services.contract_create(actor=hr, slug=slug, ward_section=ward, contractor=org, **fields)
            if slug == SEED_SLUG:
                Membership.objects.filter(contract=contract).update(granted_at=at(PREPARED_ON[SEED_SLUG], 9))
                _steps_done(contract, SEED_STEPS, actor=hr)
            # The seed contract's year is over, but closing it (deletion report) is not part of the demo yet.
            with told_at(at(contract.start_date, 9) if prepared else None):
                contract = services.contract_start(contract=contract, actor=hr, confirm_early=True)
        if not contract.memberships.filter(user=users["auditor"], revoked_at__isnull=True).exists():
            with told_at(prepared):
                services.membership_grant(contract=contract, user=users["auditor"], role="auditor", actor=hr)
            if slug == SEED_SLUG:
                Membership.objects.filter(contract=contract, user=users["auditor"], revoked_at__isnull=True).update(
                    granted_at=at(PREPARED_ON[SEED_SLUG], 9))
        contracts[slug] = contract

    manager_days, handler_days = DESIGNATION_DAYS[SEED_SLUG]
    _approved_on(contracts[SEED_SLUG], users["manager"], Designation.Kind.MANAGER, reporter=hr, approver=hr,
                 duties="取扱責任者", days=manager_days)
    _approved_on(contracts[SEED_SLUG], users["handler"], Designation.Kind.HANDLER, reporter=users["manager"],
                 approver=hr, duties="データ分析", days=handler_days)
    _approved(contracts[OTHER_SLUG], users["other_manager"], Designation.Kind.MANAGER, reporter=hr, approver=hr,
              duties="取扱責任者")
    current = _current_year(contracts[SEED_SLUG], users)
    return DemoWorld(ward=ward, contractor=contractor, other_contractor=other, contract=contracts[SEED_SLUG],
                     other_contract=contracts[OTHER_SLUG], users=users, current_contract=current)


# --- 再委託 (issue 16): FY2025 declared no subcontracting; FY2026 has a subcontractor applied for and approved ------

DECLARED_ON = dt.date(2025, 5, 12)
DEMO_SUBCONTRACTOR = {
    "name": "株式会社新宿データエントリー（デモ）", "address": "東京都新宿区西新宿二丁目8番1号", "country": "日本",
    "work": "紙の回答用紙（回答用紙の写し）の入力と、入力結果の照合",
    "data_items": "職員の所属・職名・調査回答内容（回答用紙の写しに記載された項目）",
    "place": "再委託先の本社 3階 入力室（入退室管理あり・施錠保管庫あり）",
    "manager_name": "入力 太郎", "handlers": "入力 花子\n入力 次郎", "flows_down": True,
}
SUBCONTRACTING_DAYS = (dt.date(2026, 5, 11), dt.date(2026, 5, 13))  # applied, approved


def _declare_no_subcontracting(contract: Contract, manager) -> None:
    if contract.subcontracting_declarations.exists() or contract.is_closed:
        return
    with told_at(at(DECLARED_ON, 10)):
        declaration = services.subcontracting_declare(contract=contract, actor=manager, declared_on=DECLARED_ON)
    type(declaration).objects.filter(pk=declaration.pk).update(recorded_at=min(at(DECLARED_ON, 10), timezone.now()))


def _approved_subcontractor(contract: Contract, manager, hr) -> None:
    if contract.subcontractors.exists() or contract.is_closed:
        return
    applied, approved = (at(day, 10) for day in SUBCONTRACTING_DAYS)
    if approved > timezone.now():
        return  # the story's days are still to come: nothing to tell yet
    with told_at(applied):
        subcontractor = services.subcontractor_apply(contract=contract, actor=manager, submit=True,
                                                     **DEMO_SUBCONTRACTOR)
    with told_at(approved):
        subcontractor = services.subcontractor_approve(subcontractor=subcontractor, actor=hr)
    type(subcontractor).objects.filter(pk=subcontractor.pk).update(created_at=applied, submitted_at=applied,
                                                                   decided_at=approved)


def add_to_demo(world: DemoWorld) -> None:
    """FY2025 (world.contract): the manager declared on 12 May 2025 that there is no subcontracting. FY2026
    (world.current_contract): the manager applied on 11 May 2026 for a subcontractor that keys in the paper
    answers, and HR approved it two days later. Safe to run twice."""
    manager, hr = world.users["manager"], world.users["hr"]
    _declare_no_subcontracting(world.contract, manager)
    if world.current_contract is not None:
        _approved_subcontractor(world.current_contract, manager, hr)
