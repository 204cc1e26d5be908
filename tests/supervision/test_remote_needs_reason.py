"""The PPC's guidance (事務対応ガイド 4-8-9(3)): each outsourced job is checked at least once a year, in principle on
site; by video or documents only with the reason recorded. A remote inspection without a reason is refused."""

import pytest

from core.errors import DomainError
from supervision.models import Inspection
from tests.supervision.helpers import plan, record


@pytest.mark.django_db
def test_a_remote_inspection_without_a_reason_is_refused_when_planned(world):
    with pytest.raises(DomainError) as refused:
        plan(world, method=Inspection.Method.REMOTE, reason="  ")
    assert refused.value.field == "reason"
    assert "理由" in refused.value.message
    assert not Inspection.objects.filter(contract=world.contract).exists()


@pytest.mark.django_db
def test_a_remote_inspection_without_a_reason_is_refused_when_recorded(world):
    inspection = plan(world)
    with pytest.raises(DomainError) as refused:
        record(world, inspection, method=Inspection.Method.DOCUMENTS, reason="")
    assert refused.value.field == "reason"
    inspection.refresh_from_db()
    assert inspection.is_planned


@pytest.mark.django_db
def test_a_remote_inspection_with_its_reason_is_recorded_and_an_on_site_one_keeps_no_reason(world):
    remote = record(world, plan(world, method=Inspection.Method.REMOTE, reason="遠隔地のため"),
                    method=Inspection.Method.REMOTE, reason="事業所が遠隔地のため映像で確認")
    assert remote.is_done and remote.reason == "事業所が遠隔地のため映像で確認"
    on_site = plan(world, method=Inspection.Method.ON_SITE, reason="理由は要らない")
    assert on_site.reason == ""


@pytest.mark.django_db
def test_the_page_refuses_a_remote_inspection_without_a_reason_at_the_field(world, client_as):
    client = client_as(world.hr)
    response = client.post(f"/supervision/{world.contract.slug}/inspections/plan/",
                           {"planned_on": "2025-11-12", "method": "remote", "reason": ""})
    assert response.status_code == 400
    assert "実地（立入り）以外の方法で行うときは、その理由を入力してください" in response.content.decode()
    assert not Inspection.objects.filter(contract=world.contract).exists()


@pytest.mark.django_db
def test_a_clerk_typing_a_five_digit_year_gets_an_error_at_the_field(world, client_as):
    client = client_as(world.hr)
    response = client.post(f"/supervision/{world.contract.slug}/inspections/plan/",
                           {"planned_on": "20260-11-12", "method": "on_site"})
    assert response.status_code == 400
    assert 'id="id_planned_on_error"><p>日付を正しく入力してください。' in response.content.decode()
    assert not Inspection.objects.filter(contract=world.contract).exists()
