"""The end of contract A's year told through the services, for the tests of the copy register, the deletion
report, the report (報告書) and closing: the disc and its notice delivered in June 2025 and acknowledged,
copies made on the analysis PC, the checklists locked, the report accepted."""

import datetime as dt

from django.utils import timezone

from checklist import services as checklist_services
from checklist.models import Side
from contracts import services as contract_services
from handover.models import Item
from tests.checklist.helpers import accept_all, attest_side, finalise_plan
from tests.handover.conftest import acknowledge, deliver, give_back, register_disc, register_notice, tokyo
from yearend import copies, deletion
from yearend import report as reports
from yearend.models import CopyRecord, DeletionLine

__all__ = ["acknowledge", "delivered", "give_back", "tokyo"]


def delivered(world, clock, cd_r) -> tuple[Item, Item]:
    """The disc to the analyst on 10 June 2025, its notice to the manager two days later; both acknowledged."""
    clock.set(tokyo(2025, 6, 10, 10, 0))
    disc = register_disc(world, cd_r, label="CD-2025-001")
    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 6, 12, 14, 0))
    notice = register_notice(world, disc, label="PN-2025-001")
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    return disc, notice


def register_copy(world, source, *, by=None, place=CopyRecord.Place.ANALYSIS_PC, location="ANL-PC-01",
                  encrypted=True, **extra) -> CopyRecord:
    person = by or world.handler
    return copies.copy_register(contract=world.contract, actor=person, source=source, place=place,
                                location=location, made_at=extra.pop("made_at", timezone.now()), made_by=person,
                                purpose="集計・分析のため", encrypted=encrypted, **extra)


def line_values(line: DeletionLine, world, **overrides) -> dict:
    """What a careful manager writes on a line: a disc destroyed by the shredder, a copy purged."""
    if line.item_id or (line.copy_id and line.copy.is_destroy_only):
        values = {"method_type": DeletionLine.Method.DESTROY, "method": "シュレッダーによる粉砕",
                  "tool": "クロスカットシュレッダー", "tool_version": "MS-200", "certificate": "R8-0203-01"}
    else:
        values = {"method_type": DeletionLine.Method.PURGE, "method": "暗号化消去（BitLockerの鍵の破棄）と上書き",
                  "tool": "データ消去ソフト", "tool_version": "3.2.1", "certificate": ""}
    values.update(performed_on=timezone.localdate(), performer=world.handler, verifier=world.manager,
                  verification="完了レポートと目視で確認", witnessed=False, notes="")
    values.update(overrides)
    return values


def fill(line: DeletionLine, world, **overrides) -> DeletionLine:
    return deletion.deletion_line_save(line=line, actor=world.manager, **line_values(line, world, **overrides))


def filled_report(world):
    """A deletion report started by the manager with every line filled in."""
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    for line in deletion.lines_of(report):
        fill(line, world)
    return report


def locked_checklists(world) -> None:
    """Both checklists planned, attested, accepted and locked, through the checklist services."""
    finalise_plan(world)
    for side, attester in ((Side.WARD, world.hr), (Side.CONTRACTOR, world.manager)):
        attest_side(world, side, attester)
        checklist_services.side_submit(contract=world.contract, side=side, actor=attester)
        accept_all(world, side)
        checklist_services.side_lock(contract=world.contract, side=side, actor=world.hr)


def steps_by_hand(world) -> None:
    """①–③, the ward's own steps, recorded by HR on their days."""
    for step, day in ((1, dt.date(2025, 5, 12)), (2, dt.date(2025, 6, 6)), (3, dt.date(2025, 6, 10))):
        contract_services.contract_step_complete(contract=world.contract, step=step, actor=world.hr,
                                                 completed_at=tokyo(day.year, day.month, day.day, 10, 0))


def accepted_report(world):
    report = reports.report_submit(contract=world.contract, actor=world.manager, title="分析報告書",
                                   submitted_at=timezone.now(), pages=42, no_personal_data=True)
    return reports.report_accept(report=report, actor=world.hr, checked=True)
