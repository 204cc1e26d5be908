"""Who may do what with incidents: anyone on the contract reports and reads (the contractor's people only
while their designation is in force), auditors read, only HR records the Commission's reports and closes,
and another contractor's people find nothing at all (404)."""

import datetime as dt

import pytest

from contracts import services as contract_services
from contracts.models import Designation
from core.errors import DomainError
from incidents import services
from incidents.models import Incident, IncidentEvent
from tests.incidents.helpers import register_paper, report, tokyo

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(world, clock):
    return report(world, items=[register_paper(world)], affected_count=101)


def urls(world, incident):
    base = f"/incidents/{world.contract.slug}"
    return {"list": f"{base}/", "report": f"{base}/new/", "detail": f"{base}/{incident.pk}/",
            "revise": f"{base}/{incident.pk}/revise/", "event": f"{base}/{incident.pk}/events/",
            "close": f"{base}/{incident.pk}/close/"}


def test_contractor_b_finds_nothing_of_contract_a(world, incident, client_as):
    client = client_as(world.other_manager)
    for name, url in urls(world, incident).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"kind": "other", "happened_at": "2025-06-10T09:00", "note": "x",
                                 "summary": "x"}).status_code == 404, name
    # Nor by guessing the incident's number under its own contract.
    assert client.get(f"/incidents/{world.other_contract.slug}/{incident.pk}/").status_code == 404
    assert IncidentEvent.objects.count() == 0 and Incident.objects.get().is_open


def test_the_auditor_reads_but_reports_nothing(world, incident, client_as):
    client = client_as(world.auditor)
    assert client.get(urls(world, incident)["detail"]).status_code == 200
    page = client.get(urls(world, incident)["list"]).content.decode()
    assert "事故を報告する" not in page
    assert client.get(urls(world, incident)["report"]).status_code == 403
    assert client.post(urls(world, incident)["event"], {"kind": "other"}).status_code == 403
    with pytest.raises(DomainError, match="事故を報告できるのは"):
        report(world, world.auditor, other_data=True)


def test_the_handler_records_measures_but_not_the_commissions_reports(world, incident, client_as):
    client = client_as(world.handler)
    page = client.get(urls(world, incident)["detail"]).content.decode()
    assert 'value="measure"' in page and 'value="ppc_preliminary"' not in page
    assert "事故を終結する" not in page
    response = client.post(urls(world, incident)["event"], {"kind": "ppc_preliminary",
                                                            "happened_at": "2025-06-10T09:00"})
    assert response.status_code == 400
    with pytest.raises(DomainError, match="区の担当課の職員が記録します"):
        services.incident_event_add(incident=incident, actor=world.handler, kind="ppc_preliminary",
                                    happened_at=tokyo(2025, 6, 10, 9, 0))
    assert client.post(urls(world, incident)["close"], {"summary": "x"}).status_code == 403
    assert not IncidentEvent.objects.exists()


def test_only_hr_closes(world, incident):
    for person in (world.manager, world.handler, world.auditor, world.other_manager):
        with pytest.raises(DomainError, match="事故を終結できるのは"):
            services.incident_close(incident=incident, actor=person, summary="対応済み", missing_reports_reason="理由")
    services.incident_close(incident=incident, actor=world.hr, summary="対応済み", missing_reports_reason="協議中のため")
    assert Incident.objects.get().is_closed


def test_a_designation_out_of_its_period_opens_nothing(world, clock, client_as):
    # The handler named for 1–30 June only; on 1 July the contract's incidents are not theirs to see.
    Designation.objects.filter(contract=world.contract, user=world.handler).update(
        valid_from=dt.date(2025, 6, 1), valid_until=dt.date(2025, 6, 30))
    incident = report(world, world.handler, other_data=True)
    clock.set(tokyo(2025, 7, 1, 9, 0))
    client = client_as(world.handler)
    assert client.get(urls(world, incident)["detail"]).status_code == 404
    with pytest.raises(DomainError):
        report(world, world.handler, other_data=True)


def test_a_revoked_manager_reports_nothing(world, clock):
    designation = Designation.objects.get(contract=world.contract, user=world.manager)
    contract_services.designation_revoke(designation=designation, actor=world.hr)
    with pytest.raises(DomainError, match="事故を報告できるのは"):
        report(world, world.manager, other_data=True)


def test_a_closed_incident_takes_no_more_records(world, incident, client_as):
    services.incident_close(incident=incident, actor=world.hr, summary="対応済み", missing_reports_reason="協議中のため")
    client = client_as(world.hr)
    page = client.get(urls(world, incident)["detail"]).content.decode()
    assert "対応の記録に加える" not in page and "報告内容を訂正する" not in page
    response = client.post(urls(world, incident)["event"], {"kind": "other", "happened_at": "2025-06-10T09:00",
                                                            "note": "追記"})
    assert response.status_code == 400
    assert "この事故は終結しているため、記録できません。" in response.content.decode()
    assert not IncidentEvent.objects.exists()


def test_a_closed_contract_takes_no_new_incident_and_says_whom_to_call(world, incident, client_as):
    from contracts.models import Contract

    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    client = client_as(world.hr)
    page = client.get(urls(world, incident)["report"]).content.decode()
    assert "この契約は完了しているため、記録できません。" in page and "<form method=\"post\" novalidate>" not in page
    assert "直ちに区の担当課へ電話で連絡してください。" in page
    response = client.post(urls(world, incident)["report"], {"kind": "loss", "other_data": "on",
                                                             "discovered_at": "2025-06-10T08:00",
                                                             "affected_count": "1", "description": "紛失"})
    assert response.status_code == 400 and "この契約は完了しているため、記録できません。" in response.content.decode()
    assert Incident.objects.count() == 1
    assert client.post(urls(world, incident)["close"], {"summary": "x", "missing_reports_reason": "y"}).status_code == 400
    assert Incident.objects.get().is_open
