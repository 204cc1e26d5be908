"""Demo data: the end of the seed contract's finished year (FY2025, ``contracts.demo.SEED_SLUG``), on its own
dates, after the handover, checklist, survey and incident demos have run. FY2026 stays in progress.

- June 2025: the analyst copies the disc CD-2025-001 to the analysis PC (BitLocker), the manager makes an
  encrypted backup; both are in the copy register (複製等の記録).
- 30 January 2026: the manager records the report (報告書, no personal information); HR checks and accepts it
  on 2 February (④). The notice PN-2025-001 came back on 5 February (``handover.demo``).
- 24–25 February 2026: the disc is destroyed (crushed, with the destruction certificate, the ward witnessing)
  and both copies purged; the manager files the deletion report on 26 February and HR accepts it on
  3 March, which marks the disc destroyed (⑤).
- March 2026: the manager re-attests the deletion item of the contractor's checklist, HR accepts it and
  locks the side; HR attests, reviews and locks the ward side; on 18 March HR records the measures (⑥);
  on 25 March HR closes the contract: the app's own survey data for it is purged (none is left for FY2025:
  its package was made outside the app) and the audit trail says so, with counts.

Each service runs at the story's moment: ``django.utils.timezone.now`` answers that moment while it runs
(:func:`story_moment`), so the services check their rules at that time (nothing in the future, nothing
before the disc arrived) and every row and audit entry carries it. Safe to run twice.
"""

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone

from checklist import services as checklist_services
from checklist.models import Checklist, ChecklistItem, ChecklistSide, Mark, Side
from contracts.demo import at
from contracts.models import Contract
from handover.models import Item
from yearend.models import CopyRecord, DeletionLine

from . import closing, copies, deletion, report, selectors

DISC, NOTICE = "CD-2025-001", "PN-2025-001"
COPIES = (  # (when, who, place, where, purpose)
    (at(dt.date(2025, 6, 24), 11, 30), "handler", CopyRecord.Place.ANALYSIS_PC,
     "ANL-PC-01（資産番号 PTM-0231、BitLockerで暗号化）", "集計・分析のため"),
    (at(dt.date(2025, 6, 30), 17, 0), "manager", CopyRecord.Place.BACKUP,
     "外付けHDD BK-2025-01（金庫で保管）", "分析用PCの故障に備えたバックアップ"),
)
REPORT_SUBMITTED = at(dt.date(2026, 1, 30), 10)
REPORT_ACCEPTED = at(dt.date(2026, 2, 2), 15)
DELETION_STARTED = at(dt.date(2026, 2, 24), 9)
DISC_DESTROYED = dt.date(2026, 2, 24)
COPIES_PURGED = dt.date(2026, 2, 25)
DELETION_SUBMITTED = at(dt.date(2026, 2, 26), 16)
DELETION_ACCEPTED = at(dt.date(2026, 3, 3), 10)
REATTESTED = at(dt.date(2026, 3, 4), 10)
CONTRACTOR_LOCKED = at(dt.date(2026, 3, 5), 11)
WARD_DONE = at(dt.date(2026, 3, 6), 10)
MEASURES = (
    (dt.date(2026, 3, 18), "報告書で「上司との対話」の項目が全庁平均を下回った部署を対象に、管理職向けの1on1研修を"
                           "令和8年度上半期に実施する。"),
    (dt.date(2026, 3, 18), "次年度の調査票に、テレワーク環境についての設問を加える（報告書の改善提案による）。"),
)
CLOSED = at(dt.date(2026, 3, 25), 15)

WARD_NOTES = {
    "operational.04": "取扱責任者 田中・取扱者 山田の指定報告を受け、令和7年5月に承認した。",
    "operational.07": "CD-Rは6月24日、パスワード通知書は6月26日に、別々の機会に手渡しした。",
    "operational.08": "受渡しはすべて鍵付きカバンを使用して手渡しした。",
    "operational.09": "受渡しはすべて管理簿（本システム）に記録した。",
    "operational.11": "パスワード通知書は令和8年2月5日に返却を受けた。CD-Rの破壊（区職員立会い）と複製の消去は、"
                      "3月3日に受理した消去報告書 No.1 で確認した。",
}


@contextlib.contextmanager
def story_moment(when: dt.datetime):
    """While it lasts, ``timezone.now()`` (and so ``localdate()``) answers ``when``: a service run inside
    is run on the story's day, and its rows and its audit entry carry that moment."""
    moment = min(when, timezone.now())
    with mock.patch.object(timezone, "now", lambda: moment):
        yield moment


def add_to_demo(world) -> None:
    contract = Contract.objects.get(pk=world.contract.pk)
    if contract.is_closed or timezone.now() < CLOSED + dt.timedelta(hours=1):
        return  # done already, or a clock set before the story's March 2026
    disc = Item.objects.filter(contract=contract, label=DISC).first()
    if disc is None:
        return  # the handover demo told nothing (a clock before February 2026)
    users = world.users
    _copies(contract, disc, users)
    _report(contract, users)
    _deletion_report(contract, users)
    _checklists(contract, users)
    _measures(contract, users)
    with story_moment(CLOSED):
        closing.contract_close(contract=contract, actor=users["hr"])


def _copies(contract, disc, users) -> None:
    if CopyRecord.objects.filter(contract=contract).exists():
        return
    for when, who, place, where, purpose in COPIES:
        with story_moment(when):
            copies.copy_register(contract=contract, actor=users[who], source=disc, place=place, location=where,
                                 made_at=when, made_by=users[who], purpose=purpose, encrypted=True)


def _report(contract, users) -> None:
    if selectors.latest_report(contract) is not None:
        return
    with story_moment(REPORT_SUBMITTED):
        submitted = report.report_submit(
            contract=contract, actor=users["manager"], title="令和7年度 新宿区職員エンゲージメント調査 分析報告書",
            submitted_at=REPORT_SUBMITTED, pages=48, no_personal_data=True)
    with story_moment(REPORT_ACCEPTED):
        report.report_accept(report=submitted, actor=users["hr"], checked=True)


def _deletion_report(contract, users) -> None:
    if selectors.accepted_report(contract) is not None:
        return
    manager, handler = users["manager"], users["handler"]
    with story_moment(DELETION_STARTED):
        filed = selectors.open_report(contract) or deletion.deletion_report_create(contract=contract, actor=manager)
    for line in selectors.lines_of(filed):
        line.report = filed
        if line.item_id:
            values = {"method_type": DeletionLine.Method.DESTROY, "method": "破砕機による粉砕（記録面を破壊）",
                      "tool": "光ディスク破砕機", "tool_version": "DS-300", "performed_on": DISC_DESTROYED,
                      "performer": handler, "verifier": manager,
                      "verification": "破砕後の破片を区職員と目視で確認し、破壊証明書を受領",
                      "certificate": "PTM-DS-2026-0224", "witnessed": True, "notes": "区の人材育成等担当課の職員が立会い"}
        else:
            values = {"method_type": DeletionLine.Method.PURGE,
                      "method": "暗号化消去（BitLockerの回復キーと暗号鍵を破棄）の後、全領域を上書き",
                      "tool": "データ消去ソフト", "tool_version": "4.1.0", "performed_on": COPIES_PURGED,
                      "performer": handler if line.copy.place == CopyRecord.Place.ANALYSIS_PC else manager,
                      "verifier": manager if line.copy.place == CopyRecord.Place.ANALYSIS_PC else handler,
                      "verification": "消去ソフトの完了レポートを確認し、ファイルが復元できないことを確認",
                      "certificate": "", "witnessed": False, "notes": ""}
        with story_moment(at(values["performed_on"], 17)):
            deletion.deletion_line_save(line=line, actor=manager, **values)
    with story_moment(DELETION_SUBMITTED):
        deletion.deletion_report_submit(report=filed, actor=manager)
    with story_moment(DELETION_ACCEPTED):
        deletion.deletion_report_accept(report=filed, actor=users["hr"])


def _checklists(contract, users) -> None:
    checklist = Checklist.objects.filter(contract=contract).first()
    if checklist is None or not checklist.is_finalised:
        return
    hr, manager = users["hr"], users["manager"]
    contractor = ChecklistSide.objects.get(checklist=checklist, side=Side.CONTRACTOR)
    if not contractor.is_locked:
        returned = [item for item in _planned(checklist, Side.CONTRACTOR) if item.is_returned]
        with story_moment(REATTESTED):
            for item in returned:
                checklist_services.item_attest(
                    item=item, attestation=ChecklistItem.Attestation.IN_PLACE, actor=manager,
                    note="パスワード通知書は令和8年2月5日に返却。CD-Rは2月24日に破砕（区職員立会い、破壊証明書あり）、"
                         "分析用PCとバックアップの複製は2月25日に完全消去し、消去報告書 No.1 を提出（3月3日受理）。")
            if any(item.awaits_review for item in _planned(checklist, Side.CONTRACTOR)):
                checklist_services.side_submit(contract=contract, side=Side.CONTRACTOR, actor=manager)
        _accept_and_lock(contract, checklist, Side.CONTRACTOR, hr, CONTRACTOR_LOCKED)
    ward = ChecklistSide.objects.get(checklist=checklist, side=Side.WARD)
    if not ward.is_locked:
        with story_moment(WARD_DONE):
            for item in _planned(checklist, Side.WARD):
                if not item.is_attested:
                    key = item.template_item.key.removeprefix("ward.")
                    checklist_services.item_attest(item=item, attestation=ChecklistItem.Attestation.IN_PLACE,
                                                   note=WARD_NOTES.get(key, "別紙のとおり実施した。"), actor=hr)
            checklist_services.side_submit(contract=contract, side=Side.WARD, actor=hr)
        _accept_and_lock(contract, checklist, Side.WARD, hr, WARD_DONE + dt.timedelta(hours=2))


def _planned(checklist, side) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(checklist=checklist, template_item__side=side, mark=Mark.PLANNED)
                .select_related("template_item").order_by("template_item__position"))


def _accept_and_lock(contract, checklist, side, hr, when) -> None:
    with story_moment(when):
        for item in _planned(checklist, side):
            if item.awaits_review:
                checklist_services.item_review(item=item, decision=ChecklistItem.Review.ACCEPTED, actor=hr)
        checklist_services.side_lock(contract=contract, side=side, actor=hr)


def _measures(contract, users) -> None:
    if report.measures_of(contract).exists():
        return
    for day, text in MEASURES:
        with story_moment(at(day, 14)):
            report.measure_record(contract=contract, actor=users["hr"], decided_on=day, text=text)
