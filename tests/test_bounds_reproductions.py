"""The reproductions of issue 7, A.1: out-of-range input broke pages for everyone. Each is refused where it
is typed, with a Japanese message next to the field and nothing stored; a row written before the
bounds existed (or through the admin) still opens every page for every member."""

import datetime as dt

import pytest
from django.urls import reverse

from contracts import services as contract_services
from contracts.models import Contract, Designation
from core.errors import DomainError
from handover import services as handover_services
from handover.models import Handover, Item, MediumKind
from tests.factories import make_user

DATE_MESSAGE = "1989年1月8日から2100年12月31日までの日付を入力してください。"
YEAR_MESSAGE = "年度は1989年度（平成元年度）から2099年度（令和81年度）までの範囲で入力してください。"
MEMBERS = ("hr", "manager", "handler", "auditor")


def _edit_data(world, **overrides):
    """What the edit page posts for contract A as it stands, with ``overrides``."""
    contract = world.contract
    data = {name: getattr(contract, name) for name in contract_services.CONTRACT_FIELDS}
    data.update(ward_section=contract.ward_section_id, contractor=contract.contractor_id,
                start_date=contract.start_date.isoformat(), end_date=contract.end_date.isoformat())
    data.update(overrides)
    return {key: value for key, value in data.items() if value not in (None, False)}


def _stored(contract):
    return {name: getattr(Contract.objects.get(pk=contract.pk), name) for name in contract_services.CONTRACT_FIELDS}


@pytest.mark.parametrize("year", ["20260", "1900", "10000", "32767"])
def test_a_contract_edited_to_an_impossible_fiscal_year_is_refused_at_the_field(client_as, world, year):
    before = _stored(world.contract)
    response = client_as(world.hr).post(reverse("contracts:edit", args=[world.contract.slug]),
                                        _edit_data(world, fiscal_year=year))
    assert response.status_code in (200, 400)
    assert YEAR_MESSAGE in response.content.decode()
    assert _stored(world.contract) == before


@pytest.mark.parametrize(("field", "value"), [("start_date", "0001-01-01"), ("end_date", "9999-12-31")])
def test_a_contract_edited_to_a_date_outside_the_eras_is_refused_at_the_field(client_as, world, field, value):
    before = _stored(world.contract)
    response = client_as(world.hr).post(reverse("contracts:edit", args=[world.contract.slug]),
                                        _edit_data(world, **{field: value}))
    assert DATE_MESSAGE in response.content.decode()
    assert _stored(world.contract) == before


def test_a_purpose_of_10000_characters_is_refused_and_not_kept(client_as, world):
    before = _stored(world.contract)
    response = client_as(world.hr).post(reverse("contracts:edit", args=[world.contract.slug]),
                                        _edit_data(world, purpose="目" * 10_000))
    assert "2,000文字以内で入力してください（いま10,000文字です）。" in response.content.decode()
    assert _stored(world.contract) == before


def test_a_designation_from_year_0226_is_refused_at_the_field(client_as, world):
    analyst = make_user("analyst", world.contractor, display_name="分析 次郎")
    response = client_as(world.manager).post(
        reverse("contracts:designation_report", args=[world.contract.slug]),
        {"user": analyst.pk, "kind": "handler", "duties": "集計", "valid_from": "0226-04-01"})
    assert response.status_code == 400
    assert DATE_MESSAGE in response.content.decode()
    assert not Designation.objects.filter(user=analyst).exists()


def test_a_designation_stored_from_year_0226_still_opens_the_designations_page_for_every_member(client_as, world):
    # Written before the bounds existed: the page answered 500 for every member, and rejecting didn't help.
    Designation.objects.filter(contract=world.contract, user=world.handler).update(valid_from=dt.date(226, 4, 1))
    Designation.objects.filter(contract=world.contract, user=world.manager).update(valid_until=dt.date(9999, 12, 31))
    for role in MEMBERS:
        response = client_as(world.user(role)).get(reverse("contracts:designations", args=[world.contract.slug]))
        assert response.status_code == 200, role
        assert "0226年4月1日" in response.content.decode(), role


@pytest.mark.parametrize("values", [{"fiscal_year": 20260}, {"fiscal_year": 1900}, {"fiscal_year": 10000},
                                    {"fiscal_year": 32767}, {"start_date": dt.date(1, 1, 1)},
                                    {"end_date": dt.date(9999, 12, 31)}],
                         ids=["20260", "1900", "10000", "32767", "start-0001-01-01", "end-9999-12-31"])
def test_a_contract_stored_out_of_range_still_opens_every_page_for_every_member(client_as, world, values):
    # Written before the bounds existed: /, /contracts/, the contract, its checklist and ledger.xlsx
    # answered 500 for every member.
    Contract.objects.filter(pk=world.contract.pk).update(**values)
    slug = world.contract.slug
    pages = ["/", reverse("contracts:list"), reverse("contracts:detail", args=[slug]),
             reverse("checklist:overview", args=[slug]), reverse("contracts:designations", args=[slug]),
             reverse("handover:items", args=[slug]), reverse("handover:ledger", args=[slug]),
             reverse("handover:ledger_export", args=[slug, "xlsx"]), reverse("handover:ledger_export", args=[slug, "pdf"]),
             reverse("handover:ledger_all"), reverse("contracts:copy", args=[slug])]
    for role in MEMBERS:
        client = client_as(world.user(role))
        for page in pages:
            # The copy preview is HR's (403 for the others): what matters is that nobody meets a 500.
            expected = (200, 403) if page.endswith("/copy/") else (200,)
            assert client.get(page).status_code in expected, (role, page)
    shown = client_as(world.hr).get(reverse("contracts:detail", args=[slug])).content.decode()
    if "fiscal_year" in values:
        assert f"{values['fiscal_year']}年度" in shown


def test_a_record_count_beyond_the_column_is_refused_at_the_field(client_as, world):
    kind = MediumKind.objects.get_or_create(name="CD-R")[0]
    response = client_as(world.hr).post(reverse("handover:item_create", args=[world.contract.slug]), {
        "category": "medium", "medium_kind": kind.pk, "label": "CD-1", "contents": "職員属性・調査回答",
        "record_count": "9223372036854775808", "pieces": "1"})
    assert response.status_code == 400
    assert "0から2,147,483,647までの数を入力してください。" in response.content.decode()
    assert not Item.objects.filter(contract=world.contract).exists()


@pytest.mark.parametrize("name", ["handover:ledger", "handover:ledger_all"])
def test_a_ledger_filtered_to_9999_12_31_answers_with_a_message(client_as, world, name):
    url = reverse(name, args=[world.contract.slug] if name == "handover:ledger" else [])
    response = client_as(world.hr).get(url + "?date_to=9999-12-31")
    assert response.status_code == 200
    assert DATE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("name", ["handover:ledger_export", "handover:ledger_all_export"])
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_ledger_export_filtered_to_9999_12_31_says_why_instead_of_exporting_every_row(client_as, world, name,
                                                                                       fmt):
    args = [world.contract.slug, fmt] if name == "handover:ledger_export" else [fmt]
    response = client_as(world.hr).get(reverse(name, args=args) + "?date_to=9999-12-31&date_from=0001-01-01")
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert DATE_MESSAGE in response.content.decode()


# --- the services refuse the same values, whoever calls them -------------------------------------


def test_the_contract_services_refuse_a_year_or_date_out_of_bounds(world):
    with pytest.raises(DomainError) as refused:
        contract_services.contract_update(contract=world.contract, actor=world.hr, fiscal_year=20260)
    assert refused.value.field == "fiscal_year" and refused.value.message == YEAR_MESSAGE
    with pytest.raises(DomainError) as refused:
        contract_services.contract_update(contract=world.contract, actor=world.hr, start_date=dt.date(1, 1, 1))
    assert refused.value.field == "start_date"
    assert Contract.objects.get(pk=world.contract.pk).fiscal_year == 2025


def test_copying_the_last_fiscal_year_of_the_window_is_refused_in_words(world):
    Contract.objects.filter(pk=world.contract.pk).update(
        fiscal_year=2099, start_date=dt.date(2099, 5, 1), end_date=dt.date(2100, 3, 31), recurring=True)
    with pytest.raises(DomainError) as refused:
        contract_services.contract_copy_to_next_year(contract=world.contract, actor=world.hr)
    assert refused.value.message == YEAR_MESSAGE
    assert not Contract.objects.filter(fiscal_year=2100).exists()


def test_a_designation_service_refuses_year_0226(world):
    analyst = make_user("analyst", world.contractor)
    with pytest.raises(DomainError) as refused:
        contract_services.designation_report(contract=world.contract, user=analyst, kind="handler",
                                             actor=world.manager, valid_from=dt.date(226, 4, 1))
    assert refused.value.field == "valid_from" and refused.value.message == DATE_MESSAGE


def test_the_item_service_refuses_a_record_count_beyond_the_column(world):
    kind = MediumKind.objects.get_or_create(name="CD-R")[0]
    with pytest.raises(DomainError) as refused:
        handover_services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                        medium_kind=kind, label="CD-1", contents="回答",
                                        record_count=9223372036854775808)
    assert refused.value.field == "record_count"
    assert not Item.objects.exists()


def test_the_handover_service_refuses_a_time_at_the_calendars_start(world):
    kind = MediumKind.objects.get_or_create(name="CD-R")[0]
    disc = handover_services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                           medium_kind=kind, label="CD-1", contents="回答")
    with pytest.raises(DomainError) as refused:
        handover_services.handover_record(contract=world.contract, actor=world.hr,
                                          direction=Handover.Direction.DELIVERY, recipient=world.handler,
                                          items=[disc], handed_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC))
    assert refused.value.field == "handed_at" and refused.value.message.startswith("1989年1月8日から")
    assert not Handover.objects.exists()
