"""Demo data: the status reports and the management-structure reports of both years of the seed contract.

- FY2025 (``world.contract``, finished): on 8 May 2025 HR sets the monthly schedule (each month's report by the
  10th of the next); the manager 田中 reports the structure in writing on 12 May (himself and 山田, approved on
  2 and 9 May), HR accepts it on 14 May. Every month's report from May to February is submitted two days before
  its due date and accepted two days after it; August's is sent back once (the copies were not mentioned) and
  submitted again. All of it before the year's end closes the contract in March 2026.
- FY2026 (``world.current_contract``): the same schedule from May 2026 and the structure report accepted in
  May; the reports due so far are accepted, except the latest one, which waits for HR.

Each service runs at the story's moment (``timezone.now`` answers it while it runs), so rows and audit entries
carry it; a moment still to come is not told. Safe to run twice.
"""

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone

from contracts.demo import at
from contracts.models import Contract

from . import services
from .models import StatusReport, StatusSchedule, StructureReport

TEXTS = {
    5: "契約締結後の準備を行った。取扱責任者・取扱者の指定を報告し、承認を受けた。個人情報の受領はまだない。",
    6: "6月24日に調査データ（CD-R、暗号化済み）を手渡しで受領し、金庫で保管している。分析用PCへの複製（BitLocker）と"
       "バックアップの作成を複製等の記録に記入した。",
    7: "集計・分析を進めている。分析用PCは分析室から持ち出していない。記録媒体は毎月の点検で所在を確認した。",
    8: "集計を終え、分析に入った。複製（分析用PC・バックアップ）は保管場所から動かしていない。",
    9: "分析を進めている。個人情報の取扱いに問題はない。",
    10: "報告書の構成案を作成した。個人情報の取扱いに問題はない。",
    11: "報告書の作成を進めている。記録媒体は金庫で保管している。",
    12: "報告書の原稿を作成した。個人情報の取扱いに問題はない。",
    1: "1月30日に報告書（個人情報なし）を提出した。",
    2: "記録媒体の返却・破壊と複製の消去の準備を行い、消去報告書を提出した。",
}
RETURNED = {8: "分析用PCとバックアップの複製の状況が書かれていません。保管場所と、持ち出していないことを書いてください。"}
AUGUST_AGAIN = "集計を終え、分析に入った。分析用PC（分析室）とバックアップ（金庫）の複製は、いずれも保管場所から動かしていない。"


@contextlib.contextmanager
def _moment(when: dt.datetime):
    with mock.patch.object(timezone, "now", lambda: when):
        yield


def _past(when: dt.datetime) -> bool:
    return when < timezone.now()


def _schedule(contract, hr, when) -> bool:
    if StatusSchedule.objects.filter(contract=contract).exists() or not _past(when):
        return False
    with _moment(when):
        services.schedule_set(contract=contract, actor=hr, kind=StatusSchedule.Kind.MONTHLY, day=10)
    return True


def _structure(contract, manager, hr, *, effective_on, submitted, accepted) -> None:
    if StructureReport.objects.filter(contract=contract).exists() or not _past(submitted):
        return
    with _moment(submitted):
        report = services.structure_create(contract=contract, actor=manager, effective_on=effective_on,
                                           changes="契約締結時の体制（取扱責任者 1名、取扱者 1名）")
        report = services.structure_submit(report=report, actor=manager, effective_on=effective_on,
                                           changes=report.changes)
    if _past(accepted):
        with _moment(accepted):
            services.structure_accept(report=report, actor=hr)


def _reports(contract, manager, hr, *, leave_last_waiting: bool) -> None:
    reports = list(StatusReport.objects.filter(contract=contract, kind=StatusReport.Kind.SCHEDULED,
                                               status=StatusReport.Status.DRAFT).order_by("due_on"))
    due = [r for r in reports if _past(at(r.due_on - dt.timedelta(days=2), 17))]
    for n, report in enumerate(due):
        month = int(report.period_key[5:7])
        submitted = at(report.due_on - dt.timedelta(days=2), 17)
        accepted = at(report.due_on + dt.timedelta(days=2), 10)
        with _moment(submitted):
            report = services.report_submit(report=report, actor=manager, text=TEXTS.get(month, TEXTS[9]))
        if leave_last_waiting and n == len(due) - 1 or not _past(accepted):
            continue
        if month in RETURNED and not leave_last_waiting:
            with _moment(accepted):
                report = services.report_send_back(report=report, actor=hr, reason=RETURNED[month])
            submitted, accepted = accepted + dt.timedelta(hours=6), accepted + dt.timedelta(days=1)
            with _moment(submitted):
                report = services.report_submit(report=report, actor=manager, text=AUGUST_AGAIN)
        with _moment(accepted):
            services.report_accept(report=report, actor=hr)


def add_to_demo(world) -> None:
    users = world.users
    hr, manager = users["hr"], users["manager"]
    finished = Contract.objects.get(pk=world.contract.pk)
    if not finished.is_closed and _schedule(finished, hr, at(dt.date(2025, 5, 8), 10)):
        _structure(finished, manager, hr, effective_on=dt.date(2025, 5, 9), submitted=at(dt.date(2025, 5, 12), 11),
                   accepted=at(dt.date(2025, 5, 14), 15))
        _reports(finished, manager, hr, leave_last_waiting=False)
    current = world.current_contract
    if current is None:
        return
    current = Contract.objects.get(pk=current.pk)
    if current.status != Contract.Status.ACTIVE:
        return
    start = current.start_date
    if _schedule(current, hr, at(start + dt.timedelta(days=7), 10)):
        _structure(current, manager, hr, effective_on=start + dt.timedelta(days=7),
                   submitted=at(start + dt.timedelta(days=10), 11), accepted=at(start + dt.timedelta(days=12), 15))
        _reports(current, manager, hr, leave_last_waiting=True)
