"""A ward's worth of things needing attention, made through the services as people would, on the test world's
contracts A and B (FY2025, ended 31 March 2026) and a current contract C (FY2026), then the clock moved to
1 May 2026."""

import datetime as dt

from contracts import services as contract_services
from contracts.models import Contract
from incidents import services as incident_services
from statusreports import services as statusreport_services
from statusreports.models import StatusReport
from supervision import services as supervision_services
from tests.environment.helpers import accepted, certificate, filled
from tests.factories import make_contract
from tests.handover.conftest import acknowledge, deliver, give_back, register_paper, tokyo
from tests.incidents.helpers import delivered_pair, report

TODAY = dt.date(2026, 5, 1)


def busy_ward(world, cd_r, clock) -> dict:
    """Returns the contracts and what was made: {"a", "b", "c", "draft", "incidents"}."""
    clock.set(tokyo(2025, 6, 10, 9, 0))
    disc, notice = delivered_pair(world, cd_r, clock)  # both at the contractor of A
    paper = register_paper(world, "P-001")
    clock.advance(days=1)
    acknowledge(deliver(world, [paper]), world.handler)
    clock.advance(days=1)
    acknowledge(give_back(world, [paper]), world.hr)  # back at the ward: not counted
    # Encrypted disc with its notice kept apart: not reportable; and 1,500 people's other data: reportable.
    quiet = report(world, world.hr, items=[disc], affected_count=20, description="媒体の所在確認が遅れた")
    loud = report(world, world.hr, items=[], other_data=True, affected_count=1500, password_exposure="",
                  description="紙の名簿の一部が見当たらない")
    settled = report(world, world.hr, items=[], other_data=True, affected_count=2, password_exposure="",
                     description="軽微")
    incident_services.incident_close(incident=settled, actor=world.hr, summary="所在を確認した")
    supervision_services.inspection_plan(contract=world.contract, actor=world.hr, planned_on=dt.date(2026, 1, 15),
                                         method="on_site", place="委託先 本社")
    cancelled = supervision_services.inspection_plan(contract=world.other_contract, actor=world.hr,
                                                     planned_on=dt.date(2026, 2, 10), method="on_site", place="本社")
    supervision_services.inspection_cancel(inspection=cancelled, actor=world.hr, reason="日程を改める")

    # Status reports: A's first written and with the ward (not overdue), the rest missing; B none scheduled, one
    # requested and left unanswered.
    statusreport_services.scheduled_reports_sync(contract=world.contract)
    first = StatusReport.objects.filter(contract=world.contract).order_by("due_on").first()
    statusreport_services.report_submit(report=first, actor=world.manager, text="5月分: 異常なし")
    statusreport_services.schedule_set(contract=world.other_contract, actor=world.hr, kind="none",
                                       reason="年度末の報告書で足りるため")
    statusreport_services.report_request(contract=world.other_contract, actor=world.hr, due_on=dt.date(2025, 7, 1),
                                         request_text="保管状況を報告してください")

    profile_a = accepted(world)
    certificate(world, profile_a, kind="isms", number="IS 1", valid_until=dt.date(2026, 5, 20))   # within 30 days
    certificate(world, profile_a, kind="pmark", number="PM 1", valid_until=dt.date(2027, 3, 31))  # not yet
    profile_b = filled(world, world.other_contractor, keeper=world.other_manager)
    certificate(world, profile_b, kind="isms", number="IS 2", valid_until=dt.date(2026, 4, 10),
                actor=world.other_manager)  # lapsed
    certificate(world, profile_b, kind="pmark", number="PM 2", valid_until=dt.date(2026, 4, 20),
                actor=world.other_manager)  # lapsed but renewed below
    certificate(world, profile_b, kind="pmark", number="PM 2", valid_until=dt.date(2028, 4, 20),
                actor=world.other_manager)

    clock.set(tokyo(2026, 5, 1, 9, 0))
    current = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-c",
                            title="契約C", fiscal_year=2026, start_date=dt.date(2026, 4, 1),
                            end_date=dt.date(2027, 3, 31))
    contract_services.membership_grant(contract=current, user=world.auditor, role="auditor", actor=world.hr)
    supervision_services.inspection_plan(contract=current, actor=world.hr, planned_on=dt.date(2026, 4, 20),
                                         method="on_site", place="本社")
    supervision_services.inspection_plan(contract=current, actor=world.hr, planned_on=dt.date(2026, 6, 20),
                                         method="on_site", place="本社")
    draft = contract_services.contract_create(
        actor=world.hr, slug="contract-d", ward_section=world.ward, contractor=world.other_contractor,
        **{**_fields(), "title": "契約D", "fiscal_year": 2026, "start_date": dt.date(2026, 6, 1),
           "end_date": dt.date(2027, 2, 28)})
    contract_services.membership_grant(contract=draft, user=world.auditor, role="auditor", actor=world.hr)
    return {"a": Contract.objects.get(pk=world.contract.pk), "b": Contract.objects.get(pk=world.other_contract.pk),
            "c": current, "draft": draft, "incidents": [quiet, loud, settled], "disc": disc, "notice": notice}


def _fields() -> dict:
    return {"project_name": "テスト事業", "department": "総務部人材育成等担当課", "regulation_basis": "第3条",
            "purpose": "テスト", "subjects": "区民", "subject_count": "1,200名", "project_description": "テスト",
            "holding_section": "人材育成等担当課", "registered_work_name": "テスト業務", "information_items": "氏名",
            "recording_media": "紙", "reason": "テスト", "work_content": "テスト", "recurring": False}

