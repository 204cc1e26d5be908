"""Demo data for the checklists of the seed contract's two years (see ``contracts.demo``). Safe to run twice.

- FY2025 (the seed contract): the plan is the seed's own — all 48 items ○, finalised in April 2025 for
  the council. After the returns of February 2026 the contractor's handling manager attests the
  contractor side and submits it; HR accepts every item but one: 返却・消去・消去の報告書 (operational 11)
  is attested as not yet done, since the deletion report is still to come, and HR sends it back to wait
  for it. Once the deletion report is accepted, ``contracts.year_end_demo`` finishes both sides and locks them.
- FY2026 (the current year): the plan starts from last year's (as the plan form does) and is finalised
  in April 2026; attestation of both sides is this year's work, waiting on the dashboards.
- Both years: the records behind items 01, 05 and 12 (``checklist.records``): HR records the 特記事項 attached
  (令和7年4月1日版), the contractor's manager declares that no cloud service is used, HR shares the business flow
  (資料2-1) 第1版 and the manager acknowledges that version, and both sides confirm the emergency contacts and
  procedure before the work starts.

- The printing type (印刷・封入封緘, made by ``contracttypes.demo``; its contract by ``handover.demo``, which runs
  before this): the administrator imports ``fixtures/checklist_printing.xlsx`` (30 items) as the type's template
  and publishes it (dated 1 March 2026), and HR plans that contract's checklist on it, every item ○. Skipped
  quietly while the type or its contract is not there.

The services take the time from the clock; the rows are moved back to the story's dates afterwards with
``queryset.update``, and their audit entries carry the story's times (``audit.services.recorded_at``). The
attestation is written after the handover demo has run, so the app's own evidence it records is the
finished year's.
"""

import datetime as dt
from pathlib import Path

from django.utils import timezone

from audit.services import recorded_at
from contracts.demo import at

from . import records, versions
from .models import Checklist, ChecklistEvent, ChecklistItem, ChecklistSide, Confirmation, Mark, Side
from .selectors import previous_plan
from .services import item_attest, item_review, latest_template, plan_finalise, plan_save, side_submit

PLAN_FINALISED = {2025: at(dt.date(2025, 4, 15), 11), 2026: at(dt.date(2026, 4, 15), 11)}
ATTESTED_ON = dt.date(2026, 2, 13)
REVIEWED_ON = dt.date(2026, 2, 19)

# What the contractor's handling manager wrote for FY2025, item by item (contractor side).
CONTRACTOR_NOTES = {
    "operational.01": "特記事項を付した契約を締結。個人情報保護法・新宿区情報セキュリティポリシーの遵守を社内に周知。"
                      "クラウドサービスは利用していない。",
    "operational.02": "特記事項に基づき、毎月の作業状況を区に報告。",
    "operational.03": "再委託なし。",
    "operational.04": "取扱責任者 田中・取扱者 山田を指定して区に報告し、令和7年5月に承認を受けた。",
    "operational.05": "区が作成した業務フロー（資料2-1）のとおり実施。",
    "operational.06": "取扱責任者が毎月、記録媒体とパスワード通知書の保管状況を確認し記録。",
    "operational.07": "受領したデータは暗号化済み。CD-Rとパスワード通知書は別の日に手渡しで受領した。",
    "operational.08": "受領・返却はすべて鍵付きカバンを使用して手渡し。",
    "operational.09": "受領・返却はすべて管理簿（本システム）に記録。",
    "operational.10": "CD-Rは分析室キャビネットB-2、パスワード通知書は管理室金庫に施錠して保管。",
    "operational.12": "業務開始前に緊急時の連絡体制・対応手順を区と確認。",
    "operational.13": "期間中、事故及び対策の変更はなし。発生時は直ちに区と協議する体制とした。",
    "system.01": "分析用PCはインターネットに接続しない環境で使用。",
    "system.02": "分析用PCの通信先をファイアウォールで限定。",
    "system.03": "個人情報を含むデータの通信は行わない（記録媒体の手渡しのみ）。",
    "system.04": "ファイアウォール・侵入検知を導入し、セキュリティパッチを毎月適用。",
    "system.05": "ウイルス対策ソフトウェアを導入し、パターンファイルを自動更新。",
    "system.06": "分析用PCは取扱者ごとのID・パスワードで利用者を限定。",
    "system.07": "保存先フォルダのアクセス権を取扱者に限定し、ファイルにパスワードを設定。",
    "system.08": "分析用PCの操作ログを取得し、取扱責任者が毎月確認。",
    "system.09": "暗号化したバックアップを取得。",
    "system.10": "分析室はICカードによる入退室管理を実施。",
    "system.11": "国内の自社設備のみを使用。",
}
NOT_YET_KEY = "operational.11"
NOT_YET_NOTE = ("パスワード通知書は令和8年2月5日に返却済み。CD-Rの破壊と電子データ（分析用PC・バックアップ）の消去、"
                "消去の報告書の提出はこれから行う。")
RETURN_COMMENT = "消去の報告書の提出を受けてから確認します。"


def _backdate_events(checklist, after_pk, when) -> None:
    ChecklistEvent.objects.filter(checklist=checklist, pk__gt=after_pk).update(created_at=when)


def _last_event_pk(checklist) -> int:
    last = ChecklistEvent.objects.filter(checklist=checklist).order_by("-pk").first()
    return last.pk if last else 0


def _finalised_plan(contract, hr, marks_for, when) -> Checklist:
    checklist = Checklist.objects.filter(contract=contract).first()
    if checklist is not None and checklist.is_finalised:
        return checklist
    template = checklist.template if checklist is not None else latest_template()
    # Never later than now: a demo run before the story's April still tells a consistent log.
    with recorded_at(min(when - dt.timedelta(days=6), timezone.now())):
        plan_save(contract=contract, marks=marks_for(template), actor=hr)
    with recorded_at(min(when, timezone.now())):
        checklist = plan_finalise(contract=contract, actor=hr)
    Checklist.objects.filter(pk=checklist.pk).update(created_at=when - dt.timedelta(days=6), plan_finalised_at=when,
                                                     plan_changed_at=when)
    ChecklistEvent.objects.filter(checklist=checklist, kind=ChecklistEvent.Kind.PLAN_SAVED).update(
        created_at=when - dt.timedelta(days=6))
    ChecklistEvent.objects.filter(checklist=checklist, kind=ChecklistEvent.Kind.PLAN_FINALISED).update(created_at=when)
    return checklist


def _seed_marks(template):
    # The marks come from the template's copy of the seed (every item ○ there), not from an assumption.
    return {item.key: (Mark.PLANNED, "") if item.seed_mark == "○" else (Mark.NOT_NEEDED, "原本で「ー」")
            for item in template.items.all()}


def _contractor_side_attested(contract, world, checklist) -> None:
    """FY2025: the manager attests and submits; HR accepts all but the deletion item, sent back."""
    side = ChecklistSide.objects.get(checklist=checklist, side=Side.CONTRACTOR)
    if side.submission_count or not side.is_with_submitter:
        return
    if timezone.now() < at(REVIEWED_ON, 12):
        return  # a clock set before the story's February 2026: nothing attested yet
    manager, hr = world.users["manager"], world.users["hr"]
    items = list(ChecklistItem.objects.filter(checklist=checklist, template_item__side=Side.CONTRACTOR,
                                              mark=Mark.PLANNED).select_related("template_item")
                 .order_by("template_item__position"))
    for n, item in enumerate(items):
        key = item.template_item.key.removeprefix("contractor.")
        when = at(ATTESTED_ON, 10) + dt.timedelta(minutes=2 * n)
        last = _last_event_pk(checklist)
        with recorded_at(when):
            if key == NOT_YET_KEY:
                item_attest(item=item, attestation=ChecklistItem.Attestation.NOT_YET, note=NOT_YET_NOTE,
                            actor=manager)
            else:
                item_attest(item=item, attestation=ChecklistItem.Attestation.IN_PLACE,
                            note=CONTRACTOR_NOTES.get(key, "特記事項に基づき実施。"), actor=manager)
        ChecklistItem.objects.filter(pk=item.pk).update(attested_at=when)
        _backdate_events(checklist, last, when)

    when = at(ATTESTED_ON, 16)
    last = _last_event_pk(checklist)
    with recorded_at(when):
        side_submit(contract=contract, side=Side.CONTRACTOR, actor=manager)
    ChecklistSide.objects.filter(pk=side.pk).update(submitted_at=when)
    _backdate_events(checklist, last, when)

    for n, item in enumerate(items):
        key = item.template_item.key.removeprefix("contractor.")
        when = at(REVIEWED_ON, 10) + dt.timedelta(minutes=n)
        last = _last_event_pk(checklist)
        with recorded_at(when):
            if key == NOT_YET_KEY:
                item_review(item=item, decision=ChecklistItem.Review.RETURNED, comment=RETURN_COMMENT, actor=hr)
            else:
                item_review(item=item, decision=ChecklistItem.Review.ACCEPTED, actor=hr)
        ChecklistItem.objects.filter(pk=item.pk).update(reviewed_at=when)
        _backdate_events(checklist, last, when)


def _confirmations(contract, world) -> None:
    """The ward's and the contractor's confirmations for items 01, 05 and 12, dated before the work starts."""
    if contract.is_closed or Confirmation.objects.filter(contract=contract).exists():
        return
    hr, manager = world.users["hr"], world.users["manager"]
    start = contract.start_date
    year = f"令和{contract.fiscal_year - 2018}年"
    steps = [
        (Confirmation.Kind.SPECIAL_TERMS, Side.WARD, hr, start - dt.timedelta(days=30),
         {"reference": f"{year}4月1日版", "note": "個人情報の取扱いに関する特記事項を契約書に添付した。"}),
        (Confirmation.Kind.CLOUD, Side.CONTRACTOR, manager, start - dt.timedelta(days=20),
         {"cloud_used": False, "note": "分析は自社の分析室の端末のみで行い、クラウドサービスは利用しない。"}),
        (Confirmation.Kind.FLOW_SHARED, Side.WARD, hr, start - dt.timedelta(days=14),
         {"reference": "第1版", "note": "資料2-1（業務フロー ①〜⑥）を打合せで説明し、写しを渡した。"}),
        (Confirmation.Kind.FLOW_ACKNOWLEDGED, Side.CONTRACTOR, manager, start - dt.timedelta(days=12),
         {"reference": "第1版", "note": "業務フロー第1版の内容を確認し、取扱者に周知した。"}),
        (Confirmation.Kind.EMERGENCY, Side.WARD, hr, start - dt.timedelta(days=10),
         {"note": "担当課長の緊急連絡先と対応手順を委託先と読み合わせた。"}),
        (Confirmation.Kind.EMERGENCY, Side.CONTRACTOR, manager, start - dt.timedelta(days=10),
         {"note": "取扱責任者の緊急連絡先と社内の対応手順を区と確認した。"}),
    ]
    for kind, side, actor, day, fields in steps:
        if day > timezone.localdate():
            return  # a clock set before the story: nothing confirmed yet
        with recorded_at(min(at(day, 15), timezone.now())):
            row = records.confirmation_record(contract=contract, kind=kind, side=side, confirmed_on=day, actor=actor,
                                              **fields)
        Confirmation.objects.filter(pk=row.pk).update(recorded_at=at(day, 15))


PRINTING_TEMPLATE = Path(__file__).resolve().parent.parent / "fixtures" / "checklist_printing.xlsx"
PRINTING_PUBLISHED = at(dt.date(2026, 3, 1), 10)


def _printing(world) -> None:
    """The printing type's own template, imported and published by the administrator; its contract planned on it."""
    from contracts.models import Contract
    from contracttypes.models import ContractType

    from . import template_import
    from .models import ChecklistTemplate
    from .services import template_draft, template_publish

    kind = ContractType.objects.filter(code="printing").first()
    admin = world.users.get("admin")
    if kind is None or admin is None:
        return
    if not ChecklistTemplate.objects.filter(contract_type=kind, status=ChecklistTemplate.Status.PUBLISHED).exists():
        read = template_import.read_items(PRINTING_TEMPLATE.read_bytes())
        with recorded_at(min(PRINTING_PUBLISHED, timezone.now())):
            draft = template_draft(contract_type=kind, read=read, title="業務委託にかかる個人情報保護対策チェックリスト"
                                   "（印刷・封入封緘）", note="印刷・封入封緘の委託用に作成", actor=admin)
            template = template_publish(template=draft, actor=admin)
        ChecklistTemplate.objects.filter(pk=template.pk).update(
            published_at=min(PRINTING_PUBLISHED, timezone.now()), created_at=min(PRINTING_PUBLISHED, timezone.now()))
    hr = world.users.get("hr")
    for contract in Contract.objects.filter(contract_type=kind).exclude(status=Contract.Status.CLOSED):
        if Checklist.objects.filter(contract=contract).exists():
            continue
        from contracts.permissions import can, people_who_can

        planner = hr if can(hr, contract, "manage") else people_who_can(contract, "manage").order_by("pk").first()
        if planner is None:
            continue
        template = versions.in_force(kind.pk)
        plan_save(contract=contract, marks={item.key: (Mark.PLANNED, "") for item in template.items.all()},
                  actor=planner)
        plan_finalise(contract=contract, actor=planner)


def add_to_demo(world) -> None:
    _confirmations(world.contract, world)
    if world.current_contract is not None:
        _confirmations(world.current_contract, world)
    hr = world.users["hr"]
    last_year = _finalised_plan(world.contract, hr, _seed_marks, PLAN_FINALISED[2025])
    _contractor_side_attested(world.contract, world, last_year)
    current = world.current_contract
    if current is not None:
        # This year's plan starts from last year's finalised one, as the plan form does.
        _finalised_plan(current, hr, lambda template: previous_plan(current) or _seed_marks(template),
                        PLAN_FINALISED[2026])
    _printing(world)
