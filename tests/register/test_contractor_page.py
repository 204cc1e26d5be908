"""A contractor's page: the company's contracts in the viewer's scope only, its incidents and certificates; a
company none of whose contracts the person audits, and every contractor's own people, get 404."""

import pytest
from django.urls import reverse

from contracts.models import Organisation
from tests.factories import make_contract, make_organisation
from tests.handover.conftest import clock  # noqa: F401 (fixture)
from tests.incidents.conftest import cd_r  # noqa: F401 (fixture)

from .helpers import busy_ward

pytestmark = pytest.mark.django_db


def url(organisation) -> str:
    return reverse("register:contractor", kwargs={"pk": organisation.pk})


def test_the_page_lists_contracts_incidents_and_certificates(world, cd_r, clock, client_as):  # noqa: F811
    ward = busy_ward(world, cd_r, clock)
    response = client_as(world.auditor).get(url(world.contractor))
    assert response.status_code == 200
    page = response.content.decode()
    assert [c.title for c, _a in response.context["contracts"]] == ["契約C", "契約A"]
    assert reverse("contracts:detail", kwargs={"slug": world.contract.slug}) in page
    numbers = sorted(i.number for i, _assessment in response.context["incidents"])
    assert numbers == sorted(i.number for i in ward["incidents"])
    assert "終結" in page and "対応中" in page
    certificates = {c.number: expiring for c, expiring in response.context["certificates"]}
    assert certificates == {"IS 1": True, "PM 1": False}
    assert "30日以内に期限" in page
    assert "契約B" not in page  # another company's contract


def test_only_contracts_in_the_viewers_scope_are_listed(world, client_as):
    elsewhere = make_organisation(Organisation.Kind.WARD_SECTION, "区民部 税務課")
    make_contract(hr=world.hr, ward=elsewhere, contractor=world.contractor, slug="tax-2025", title="税の通知の印刷")
    auditor_sees = [c.title for c, _a in client_as(world.auditor).get(url(world.contractor)).context["contracts"]]
    assert auditor_sees == ["契約A"]
    hr_sees = sorted(c.title for c, _a in client_as(world.hr).get(url(world.contractor)).context["contracts"])
    assert hr_sees == ["契約A", "税の通知の印刷"]


@pytest.mark.parametrize("role", ["manager", "handler", "other", "outsider"])
def test_the_contractors_own_people_and_strangers_get_404(world, client_as, role):
    assert client_as(world.user(role)).get(url(world.contractor)).status_code == 404


def test_a_company_with_no_contract_in_scope_or_no_company_is_404(world, client_as):
    client = client_as(world.auditor)
    stranger = make_organisation(Organisation.Kind.CONTRACTOR, "無関係株式会社")
    assert client.get(url(stranger)).status_code == 404
    assert client.get(url(world.ward)).status_code == 404
    assert client.get("/register/contractors/99999999999999999999/").status_code == 404
