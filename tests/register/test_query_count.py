"""The register costs a fixed number of queries whatever the number of contracts it lists: 5 or 60, each with
an overdue inspection, an open incident to report to the Commission, a disc still at the contractor, a delivery
with no deletion report and a certificate about to lapse."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import Organisation
from handover.models import Handover, HandoverLine, Item
from incidents import services as incident_services
from supervision import services as supervision_services
from tests.environment.helpers import certificate, filled
from tests.factories import designate, make_contract, make_organisation, make_user

pytestmark = pytest.mark.django_db


def populate(world, count: int, start: int) -> None:
    departments = [Organisation.objects.get_or_create(name=f"第{n}部", kind=Organisation.Kind.DEPARTMENT,
                                                      code=f"dept{n}")[0] for n in range(2)]
    now = timezone.now()
    for n in range(start, start + count):
        section, _ = Organisation.objects.get_or_create(
            name=f"第{n % 4}課", kind=Organisation.Kind.WARD_SECTION,
            defaults={"code": f"sec{n % 4}", "parent": departments[n % 2]})
        contractor = make_organisation(Organisation.Kind.CONTRACTOR, f"委託先{n}株式会社")
        manager = make_user(f"mgr{n}", contractor)
        contract = make_contract(hr=world.hr, ward=section, contractor=contractor, slug=f"bulk-{n}",
                                 title=f"業務{n}", subject_count=f"{n + 1}00人")
        contract_services.membership_grant(contract=contract, user=world.auditor, role="auditor", actor=world.hr)
        designate(contract, manager, "manager", actor=world.hr)
        supervision_services.inspection_plan(contract=contract, actor=world.hr, planned_on=dt.date(2026, 1, 15),
                                             method="on_site", place="本社")
        incident_services.incident_report(contract=contract, actor=world.hr, kind="loss", discovered_at=now,
                                          affected_count=1500, description="名簿の一部が見当たらない", other_data=True)
        item = Item.objects.create(contract=contract, category=Item.Category.MEDIUM, label=f"CD-{n}",
                                   contents="属性", record_count=10, state=Item.State.AT_CONTRACTOR,
                                   state_changed_at=now, holder=manager, created_at=now, created_by=world.hr)
        handover = Handover.objects.create(contract=contract, number=1, direction=Handover.Direction.DELIVERY,
                                           handed_at=now, giver=world.hr, recipient=manager,
                                           status=Handover.Status.ACKNOWLEDGED, recorded_at=now, recorded_by=world.hr,
                                           acknowledged_at=now, acknowledged_by=manager)
        HandoverLine.objects.create(handover=handover, item=item, quantity=1)
        profile = filled(world, contractor, keeper=manager)
        certificate(world, profile, number=f"IS {n}", valid_until=timezone.localdate() + dt.timedelta(days=10),
                    actor=manager)


def queries_of(client, url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response


LIST, EXPORT = reverse("register:list"), reverse("register:export")


def test_the_register_and_its_export_cost_the_same_queries_for_5_and_for_60_contracts(world, client_as):
    populate(world, 3, 0)  # with contracts A and B: 5
    client = client_as(world.auditor)
    few, response = queries_of(client, LIST)
    assert len(response.context["rows"]) == 5
    assert response.context["totals"].open_incidents == 3
    few_export, _response = queries_of(client, EXPORT)
    populate(world, 55, 3)
    many, response = queries_of(client, LIST)
    assert len(response.context["rows"]) == 60
    assert response.context["totals"].inspections_overdue == 58
    assert response.context["totals"].certificates_expiring == 58
    assert response.context["totals"].media_not_back == 58
    assert many == few, f"{few} queries for 5 contracts, {many} for 60"
    many_export, _response = queries_of(client, EXPORT)
    assert many_export == few_export, f"export: {few_export} queries for 5 contracts, {many_export} for 60"
    department = Organisation.objects.get(code="dept0")
    filtered, response = queries_of(client, LIST, {"state": "past_end", "department": department.pk})
    assert len(response.context["rows"]) == 29
    assert filtered == few + 1  # the chosen department, read once to check it is a choice
