"""A contract past its end date says so, and says what stands between it and closing.

Issue 7, B.15: 「The FY2025 contract showed 履行中 eight months after its end and still offered 「記録媒体等を登録する」.
A contract past its end date shows 「期間終了・未完了」 and what stands between it and closing.」
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from checklist.models import ChecklistSide, Mark
from checklist.services import plan_finalise, plan_save
from contracts import services
from contracts.closing import closing_blockers
from contracts.models import Contract, Designation
from handover.models import Item
from tests.checklist.helpers import all_planned
from tests.factories import designate, make_contract
from yearend import report

pytestmark = pytest.mark.django_db


def _contract(world, *, ended: bool) -> Contract:
    today = timezone.localdate()
    start, end = (today - dt.timedelta(days=400), today - dt.timedelta(days=30)) if ended else \
        (today - dt.timedelta(days=30), today + dt.timedelta(days=300))
    contract = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, title="期間の契約",
                             start_date=start, end_date=end, fiscal_year=start.year if start.month >= 4 else start.year - 1)
    services.membership_grant(contract=contract, user=world.auditor, role="auditor", actor=world.hr)
    return contract


def _item(contract, world, label, state):
    now = timezone.now()
    return Item.objects.create(contract=contract, category=Item.Category.MEDIUM, label=label, contents="調査データ",
                               state=state, state_changed_at=now, holder=world.handler, created_at=now,
                               created_by=world.hr)


def test_a_contract_past_its_end_reads_period_over_not_in_progress(world, client_as):
    ended, current = _contract(world, ended=True), _contract(world, ended=False)
    assert ended.state_label == "期間終了・未完了" and current.state_label == "履行中"
    client = client_as(world.auditor)
    listing = client.get(reverse("contracts:list")).content.decode()
    assert "期間終了・未完了" in listing
    assert "期間終了・未完了" in client.get(reverse("contracts:detail", args=[ended.slug])).content.decode()
    assert "期間終了・未完了" not in client.get(reverse("contracts:detail", args=[current.slug])).content.decode()


def test_what_stands_between_it_and_closing_is_listed_where_it_is_done(world, client_as):
    contract = _contract(world, ended=True)
    _item(contract, world, "CD-1", Item.State.AT_CONTRACTOR)
    _item(contract, world, "PN-1", Item.State.IN_TRANSIT)
    _item(contract, world, "CD-0", Item.State.RETURNED)
    for step in (1, 2, 3):
        services.contract_step_complete(contract=contract, step=step, actor=world.hr,
                                        completed_at=timezone.now() - dt.timedelta(days=60))
    blockers = closing_blockers(contract)
    # ④ and ⑤ follow the report and the returns (issue 9), which are blockers of their own.
    assert [b.text for b in blockers] == [
        "⑥ 対応策・改善策が記録されていません",
        "報告書（個人情報なし）が受理されていません（未提出）",
        "区に戻っていない記録媒体等があります（受理された消去報告書にもありません）: CD-1（委託先で保管）、"
        "PN-1（受渡し中（受領確認待ち））",
        "チェックリストの計画（○・ー）が確定していません",
    ]
    assert blockers[2].url == reverse("handover:items", args=[contract.slug])
    assert blockers[1].url == reverse("yearend:report", args=[contract.slug])
    page = client_as(world.hr).get(reverse("contracts:detail", args=[contract.slug])).content.decode()
    for blocker in blockers:
        assert blocker.text in page


def test_each_checklist_side_not_locked_is_a_blocker(world):
    contract = _contract(world, ended=True)
    plan_save(contract=contract, marks=all_planned(), actor=world.hr)
    plan_finalise(contract=contract, actor=world.hr)
    texts = [b.text for b in closing_blockers(contract)]
    assert "チェックリスト（区が行う対策）が確定していません（記入中）" in texts
    assert "チェックリスト（委託事業者に行わせる対策）が確定していません（記入中）" in texts
    ChecklistSide.objects.filter(checklist__contract=contract).update(status=ChecklistSide.Status.LOCKED)
    assert not any("チェックリスト" in text for text in [b.text for b in closing_blockers(contract)])


def test_with_nothing_open_the_page_says_so(world, client_as):
    contract = _contract(world, ended=True)
    plan_save(contract=contract, marks=all_planned(**{"ward.operational.03": (Mark.NOT_NEEDED, "再委託なし")}),
              actor=world.hr)
    plan_finalise(contract=contract, actor=world.hr)
    ChecklistSide.objects.filter(checklist__contract=contract).update(status=ChecklistSide.Status.LOCKED)
    for step in range(1, 4):
        services.contract_step_complete(contract=contract, step=step, actor=world.hr,
                                        completed_at=timezone.now() - dt.timedelta(days=40))
    _item(contract, world, "CD-1", Item.State.RETURNED)
    # ④–⑥ follow the report and the measures (issue 9).
    designate(contract, world.manager, Designation.Kind.MANAGER, actor=world.hr)
    submitted = report.report_submit(contract=contract, actor=world.manager, title="分析報告書",
                                     submitted_at=timezone.now(), pages=10, no_personal_data=True)
    report.report_accept(report=submitted, actor=world.hr, checked=True)
    report.measure_record(contract=contract, actor=world.hr, decided_on=timezone.localdate(), text="研修を行う")
    assert closing_blockers(contract) == []
    assert all(step.is_done for step in contract.steps.all())
    page = client_as(world.hr).get(reverse("contracts:detail", args=[contract.slug])).content.decode()
    assert "期間終了・未完了" in page and "完了までに残っていることはありません" in page


def test_hr_finds_it_on_the_dashboard(world, client_as):
    contract = _contract(world, ended=True)
    _contract(world, ended=False)
    page = client_as(world.hr).get("/").content.decode()
    count = len(closing_blockers(contract))
    assert f"期間終了・未完了: 完了までに残っていることが{count}件あります" in page
    # The contractor's people see the state in their list, but closing is the ward's task.
    assert "完了までに残っていること" not in client_as(world.manager).get("/").content.decode()


def test_only_hr_gets_links_to_where_the_work_is_done(world, client_as):
    contract = _contract(world, ended=True)
    blocker = closing_blockers(contract)[-1]  # the checklist plan: HR's page
    hr_page = client_as(world.hr).get(reverse("contracts:detail", args=[contract.slug])).content.decode()
    assert f'<a href="{blocker.url}">{blocker.text}</a>' in hr_page
    auditor_page = client_as(world.auditor).get(reverse("contracts:detail", args=[contract.slug])).content.decode()
    assert blocker.text in auditor_page and f'href="{blocker.url}"' not in auditor_page
