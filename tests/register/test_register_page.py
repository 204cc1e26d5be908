"""The register (委託一覧): who opens it, what it lists, its filters and their refusals."""

import pytest
from django.urls import reverse

from contracts.models import Contract, Organisation
from tests.factories import make_contract, make_organisation

pytestmark = pytest.mark.django_db

URL = reverse("register:list")


def titles(response) -> list[str]:
    return [row.contract.title for row in response.context["rows"]]


def test_the_auditor_sees_every_contract_they_audit_with_links(world, client_as):
    response = client_as(world.auditor).get(URL)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["契約A", "契約B"]
    page = response.content.decode()
    assert reverse("contracts:detail", kwargs={"slug": world.contract.slug}) in page
    assert reverse("register:contractor", kwargs={"pk": world.contractor.pk}) in page
    assert "委託一覧" in page  # the menu offers it


@pytest.mark.parametrize("role", ["outsider", "manager", "handler", "other"])
def test_people_who_audit_no_contract_are_refused_and_not_offered_it(world, client_as, role):
    client = client_as(world.user(role))
    assert client.get(URL).status_code == 403
    assert reverse("register:list") not in client.get(reverse("core:dashboard")).content.decode()


def test_a_contract_the_person_does_not_audit_is_not_listed(world, client_as):
    elsewhere = make_organisation(Organisation.Kind.WARD_SECTION, "区民部 税務課")
    make_contract(hr=world.hr, ward=elsewhere, contractor=world.contractor, slug="tax-2025", title="税の通知の印刷")
    response = client_as(world.auditor).get(URL)
    assert "税の通知の印刷" not in titles(response)
    assert "税の通知の印刷" in titles(client_as(world.hr).get(URL))  # HR of that contract reads it


def test_filters_by_contractor_year_and_state(world, client_as):
    client = client_as(world.auditor)
    assert titles(client.get(URL, {"contractor": world.other_contractor.pk})) == ["契約B"]
    assert sorted(titles(client.get(URL, {"fiscal_year": 2025}))) == ["契約A", "契約B"]
    # Both ended on 31 March 2026 and are not closed.
    assert sorted(titles(client.get(URL, {"state": "past_end"}))) == ["契約A", "契約B"]
    assert titles(client.get(URL, {"state": "active"})) == []
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.CLOSED)
    assert titles(client.get(URL, {"state": "closed"})) == ["契約A"]
    assert titles(client.get(URL, {"state": "past_end"})) == ["契約B"]


def test_filters_by_department_and_section(world, client_as):
    department = Organisation.objects.create(name="総務部", kind=Organisation.Kind.DEPARTMENT, code="reg-somu")
    Organisation.objects.filter(pk=world.ward.pk).update(parent=department)
    other_department = Organisation.objects.create(name="保健部", kind=Organisation.Kind.DEPARTMENT, code="reg-hoken")
    client = client_as(world.auditor)
    assert sorted(titles(client.get(URL, {"department": department.pk}))) == ["契約A", "契約B"]
    assert titles(client.get(URL, {"department": other_department.pk})) == []
    assert sorted(titles(client.get(URL, {"section": world.ward.pk}))) == ["契約A", "契約B"]
    page = client.get(URL).content.decode()
    assert "総務部" in page  # the department of each contract's section


@pytest.mark.parametrize("query", [
    {"fiscal_year": "20260"}, {"fiscal_year": "abc"}, {"fiscal_year": "2019"},
    {"department": "99999999999999999999"}, {"section": "x"}, {"contractor": "-1"},
    {"contract_type": "0"}, {"state": "open"}, {"state": "\x00"},
])
def test_a_bad_filter_is_a_japanese_error_at_its_field_never_a_500(world, client_as, query):
    client = client_as(world.auditor)
    response = client.get(URL, query)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors
    assert all(any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in message)
               for messages in form.errors.values() for message in messages)
    assert response.context["rows"] == []
    export = client.get(reverse("register:export"), query)
    assert export.status_code == 400
    assert export["Content-Type"].startswith("text/html")


def test_a_contractor_of_another_scope_is_not_a_choice(world, client_as):
    stranger = make_organisation(Organisation.Kind.CONTRACTOR, "無関係株式会社")
    response = client_as(world.auditor).get(URL, {"contractor": stranger.pk})
    assert response.status_code == 400
    assert "無関係株式会社" not in response.content.decode()


def test_a_contract_owned_by_a_unit_names_its_section_then_the_unit(world, client_as):
    import io

    from openpyxl import load_workbook

    department = Organisation.objects.create(name="総務部", kind=Organisation.Kind.DEPARTMENT, code="reg-somu")
    section = Organisation.objects.create(name="人事課", kind=Organisation.Kind.WARD_SECTION, code="reg-jinji",
                                          parent=department)
    Organisation.objects.filter(pk=world.ward.pk).update(kind=Organisation.Kind.UNIT, parent=section)
    client = client_as(world.auditor)
    page = client.get(URL).content.decode()
    assert f"総務部<br>人事課 {world.ward.name}" in page
    ws = load_workbook(io.BytesIO(client.get(reverse("register:export")).content)).worksheets[0]
    assert {ws.cell(row=r, column=2).value for r in (6, 7)} == {f"人事課 {world.ward.name}"}
    assert sorted(titles(client.get(URL, {"section": section.pk}))) == ["契約A", "契約B"]


def test_only_the_contracts_needing_attention(world, client_as):
    import datetime as dt

    from contracts.services import contract_create
    from tests.register.helpers import _fields

    current = contract_create(actor=world.hr, slug="far-ahead", ward_section=world.ward, contractor=world.contractor,
                              **{**_fields(), "title": "来年度の契約", "fiscal_year": 2099,
                                 "start_date": dt.date(2099, 4, 1), "end_date": dt.date(2100, 3, 31)})
    client = client_as(world.hr)
    assert "来年度の契約" in titles(client.get(URL))
    response = client.get(URL, {"needs_attention": "on"})
    assert sorted(titles(response)) == ["契約A", "契約B"]  # both past their end and not closed
    assert response.context["totals"].contracts == 2
    assert current.pk not in {row.contract.pk for row in response.context["rows"]}


def test_filters_by_contract_type(world, client_as):
    from contracttypes.models import ContractType

    printing = ContractType.objects.create(code="reg-printing", name="印刷・封入封緘（一覧のテスト）")
    Contract.objects.filter(pk=world.other_contract.pk).update(contract_type=printing)
    client = client_as(world.auditor)
    assert titles(client.get(URL, {"contract_type": printing.pk})) == ["契約B"]
    survey = Contract.objects.get(pk=world.contract.pk).contract_type
    assert titles(client.get(URL, {"contract_type": survey.pk})) == ["契約A"]
    assert "印刷・封入封緘（一覧のテスト）" in client.get(URL).content.decode()  # the type column
