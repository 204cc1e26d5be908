"""Who may do what: HR inspects and decides, the finding's owner (or the handling manager) responds, the auditor
reads, another contractor finds nothing; a closed contract takes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from contracts.models import Contract
from core.errors import DomainError
from supervision import permissions, services
from supervision.models import Finding
from tests.supervision.helpers import finding, held, plan, respond


@pytest.mark.django_db
def test_only_hr_plans_records_and_decides(world):
    for person in (world.manager, world.handler, world.auditor):
        with pytest.raises(PermissionDenied):
            services.inspection_plan(contract=world.contract, actor=person, planned_on=world.contract.start_date,
                                     method="on_site")
    inspection = plan(world)
    assert permissions.may_record(world.hr, inspection)
    assert not permissions.may_record(world.manager, inspection)
    assert permissions.may_record(world.manager, inspection).forbidden


@pytest.mark.django_db
def test_the_owner_and_the_handling_manager_respond_another_handler_does_not(world):
    found = finding(world, owner=world.handler)
    assert permissions.may_respond(world.handler, found)  # the owner
    assert permissions.may_respond(world.manager, found)  # the handling manager
    assert permissions.may_respond(world.hr, found).forbidden
    assert permissions.may_respond(world.auditor, found).forbidden
    other = finding(world, owner=world.manager)
    assert permissions.may_respond(world.handler, other).forbidden


@pytest.mark.django_db
def test_a_finding_owner_must_be_an_approved_designee_of_the_contract(world):
    with pytest.raises(DomainError) as refused:
        finding(world, owner=world.other_manager)
    assert refused.value.field == "owner"
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_a_response_waiting_for_the_ward_cannot_be_sent_again(world):
    found = respond(world, finding(world))
    answer = permissions.may_respond(world.manager, found)
    assert not answer and not answer.forbidden and "区の確認待ち" in answer.message


@pytest.mark.django_db
def test_a_closed_contract_refuses_every_write(world):
    inspection = held(world)
    found = finding(world, inspection)
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    with pytest.raises(DomainError) as refused:
        services.inspection_plan(contract=world.contract, actor=world.hr, planned_on=world.contract.start_date,
                                 method="on_site")
    assert "完了しているため" in refused.value.message
    with pytest.raises(DomainError):
        services.finding_respond(finding=found, actor=world.manager, response="対応した")
    with pytest.raises(DomainError):
        services.result_record(inspection=inspection, actor=world.hr, item_key="ward.operational.02", result="good")


@pytest.mark.django_db
def test_another_contractor_finds_no_inspection(world, client_as):
    inspection = held(world)
    response = client_as(world.other_manager).get(
        f"/supervision/{world.contract.slug}/inspections/{inspection.pk}/pdf/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_auditor_reaches_the_inspections_from_the_contract_page(world, client_as):
    inspection = held(world)
    client = client_as(world.auditor)
    page = client.get(f"/contracts/{world.contract.slug}/").content.decode()
    assert f'href="/supervision/{world.contract.slug}/inspections/"' in page
    detail = client.get(f"/supervision/{world.contract.slug}/inspections/{inspection.pk}/").content.decode()
    assert "記録をPDFで出力" in detail
    assert "指摘事項を記録する" not in detail and "結果を記録する" not in detail
