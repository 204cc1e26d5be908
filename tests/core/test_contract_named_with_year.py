"""The contract's title repeats every year (次年度以降も同様), so wherever a contract is named its fiscal
year is named too: dashboard tasks, lists, page titles, breadcrumbs, e-mails, exports and their file names."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts import services as contract_services
from contracts.models import Designation
from handover import services
from handover.models import Item, MediumKind
from tests.factories import make_contract, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_year(world):
    """The same contract copied into FY2026: the same title, another year."""
    return make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-a-next",
                         title="契約A", fiscal_year=2026, start_date=dt.date(2026, 5, 1),
                         end_date=dt.date(2027, 3, 31))


def page_title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_a_contract_is_named_with_its_fiscal_year(world, next_year):
    assert world.contract.display_name == "契約A（令和7年度）"
    assert str(next_year) == "契約A（令和8年度）"


def test_the_same_task_on_two_years_reads_differently_on_the_dashboard(world, next_year, client_as):
    newcomer = make_user("newcomer", world.contractor, display_name="新人 一郎")
    for contract in (world.contract, next_year):
        # HR enters the contractor's report made on paper (the manager is not yet named for FY2026).
        contract_services.designation_report(contract=contract, user=newcomer, kind=Designation.Kind.HANDLER,
                                             actor=world.hr)
    body = client_as(world.hr).get(reverse("core:dashboard")).content.decode()
    tasks = re.findall(r"取扱者指定の承認待ち: 新人 一郎.*?</li>", body, re.S)
    assert len(tasks) == 2
    assert any("契約A（令和7年度）" in t for t in tasks) and any("契約A（令和8年度）" in t for t in tasks)


def test_page_titles_and_breadcrumbs_name_the_year(world, next_year, client_as):
    client = client_as(world.hr)
    for url in (reverse("contracts:detail", args=[next_year.slug]), reverse("handover:items", args=[next_year.slug]),
                reverse("handover:ledger", args=[next_year.slug]), reverse("checklist:overview", args=[next_year.slug]),
                reverse("contracts:designations", args=[next_year.slug])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "契約A（令和8年度）" in page_title(response), url
        assert "令和7年度" not in page_title(response), url
    items = client.get(reverse("handover:items", args=[next_year.slug])).content.decode()
    assert f'href="{reverse("contracts:detail", args=[next_year.slug])}">← 契約A（令和8年度）</a>' in items


def test_choice_lists_tell_the_two_years_apart(world, next_year, client_as):
    body = client_as(world.hr).get(reverse("handover:ledger_all")).content.decode()
    assert ">契約A（令和7年度）</option>" in body and ">契約A（令和8年度）</option>" in body


@pytest.fixture
def delivered(world, django_capture_on_commit_callbacks, mailoutbox):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    disc = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=kind, label="CD-001", contents="職員属性・調査回答")
    with django_capture_on_commit_callbacks(execute=True):
        return services.handover_record(contract=world.contract, actor=world.hr, direction="delivery",
                                        recipient=world.handler, items=[disc])


def test_the_acknowledgement_mail_names_the_year(delivered, mailoutbox):
    (mail,) = mailoutbox
    assert "契約A（令和7年度）" in mail.subject
    assert "「契約A（令和7年度）」の受渡し No.1" in mail.body


def test_the_ledger_exports_name_the_year_in_heading_and_file_name(world, delivered, client_as):
    client = client_as(world.hr)
    response = client.get(reverse("handover:ledger_export", args=[world.contract.slug, "xlsx"]))
    assert re.search(r'filename="ledger-contract-a-fy2025-[0-9-]+\.xlsx"', response["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "契約: 契約A（令和7年度）"

    across = client.get(reverse("handover:ledger_all_export", args=["xlsx"]))
    cells = [c.value for row in load_workbook(io.BytesIO(across.content)).active.iter_rows() for c in row]
    assert "契約A（令和7年度）" in cells


def test_the_checklist_export_file_name_names_the_year(world, client_as):
    response = client_as(world.hr).get(reverse("checklist:export", args=[world.contract.slug, "both", "xlsx"]))
    assert response.status_code == 200
    assert re.search(r'filename="checklist-contract-a-fy2025-both-\d+\.xlsx"', response["Content-Disposition"])
