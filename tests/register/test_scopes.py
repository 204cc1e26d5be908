"""The register answers for roles held on the organisation (ScopeGrant), with no grant per contract: the privacy
office ward-wide or on a department sees every contract there; a section's clerk (担当課) sees only his section's."""

import pytest
from django.urls import reverse

from contracts.models import Contract, Membership, Organisation, Role, ScopeGrant
from contracts.services import scope_grant, scope_revoke
from tests.factories import make_contract, make_organisation, make_user

pytestmark = pytest.mark.django_db

URL = reverse("register:list")


def titles(response) -> list[str]:
    return sorted(row.contract.title for row in response.context["rows"])


@pytest.fixture
def tax(world):
    """A contract of 税務課 (区民部) with a printing company, made by its own clerk."""
    printer = make_organisation(Organisation.Kind.CONTRACTOR, "印刷株式会社")
    return make_contract(hr=world.section_other, ward=world.other_section, contractor=printer, slug="tax-print",
                         title="納税通知書の印刷・封入封緘")


def test_the_ward_wide_privacy_office_sees_every_contract_without_a_membership(world, tax, client_as):
    assert not Membership.objects.filter(user=world.privacy).exists()
    response = client_as(world.privacy).get(URL)
    assert response.status_code == 200
    assert titles(response) == ["契約A", "契約B", "納税通知書の印刷・封入封緘"]
    assert "委託一覧" in response.content.decode()
    # And filters them by the department of the owning section.
    kumin = world.other_section.parent
    assert titles(client_as(world.privacy).get(URL, {"department": kumin.pk})) == ["納税通知書の印刷・封入封緘"]


def test_a_sections_clerk_sees_only_his_sections_contracts(world, tax, client_as):
    client = client_as(world.section_other)
    assert titles(client.get(URL)) == ["納税通知書の印刷・封入封緘"]
    # Another section's company is not a choice, and its page does not exist for him.
    assert client.get(URL, {"contractor": world.contractor.pk}).status_code == 400
    assert client.get(reverse("register:contractor", kwargs={"pk": world.contractor.pk})).status_code == 404
    assert client.get(reverse("register:contractor", kwargs={"pk": tax.contractor_id})).status_code == 200
    # HR of contracts A and B does not see 税務課's.
    assert titles(client_as(world.hr).get(URL)) == ["契約A", "契約B"]


def test_a_department_scoped_privacy_officer_sees_that_department_only(world, tax, client_as):
    officer = make_user("privacy_kumin", world.ward, display_name="区民部 担当")
    scope_grant(user=officer, role=Role.PRIVACY, unit=world.other_section.parent, actor=world.hr)
    assert titles(client_as(officer).get(URL)) == ["納税通知書の印刷・封入封緘"]


def test_a_revoked_grant_takes_the_register_away(world, tax, client_as):
    client = client_as(world.privacy)
    assert client.get(URL).status_code == 200
    for grant in ScopeGrant.objects.filter(user=world.privacy, revoked_at__isnull=True):
        scope_revoke(grant=grant, actor=world.hr)
    assert client.get(URL).status_code == 403


def test_the_privacy_offices_export_holds_every_contract_of_the_ward(world, tax, client_as):
    import io

    from openpyxl import load_workbook

    response = client_as(world.privacy).get(reverse("register:export"))
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    titles_in_sheet = sorted(row[2].value for row in ws.iter_rows(min_row=6) if row[2].value)
    assert titles_in_sheet == sorted(Contract.objects.values_list("title", flat=True))
