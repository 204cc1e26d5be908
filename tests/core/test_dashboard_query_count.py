"""The dashboard asks every app what waits for the person; its query count does not grow with the number of
contracts in progress the person works on (one contract or four: the same number of queries)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Designation
from handover import services
from handover.models import Handover, Item
from tests.factories import designate, make_contract

pytestmark = pytest.mark.django_db


def _busy(world, contract):
    """A contract whose data went out: an item delivered and acknowledged (the copy register reminder)."""
    paper = services.item_register(contract=contract, actor=world.hr, category=Item.Category.PAPER, label="P-1",
                                   contents="回答用紙の写し")
    handover = services.handover_record(contract=contract, actor=world.hr, direction=Handover.Direction.DELIVERY,
                                        recipient=world.manager, items=[paper])
    services.handover_acknowledge(handover=handover, actor=world.manager, time_confirmed=True)


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["manager", "hr"])
def test_the_dashboard_costs_the_same_for_one_contract_and_for_four(world, client_as, role):
    _busy(world, world.contract)
    client = client_as(world.user(role))
    one = _dashboard_queries(client)
    for n in range(3):
        # This fiscal year's, in progress (a contract past its end lists what blocks its closing, one by one).
        contract = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug=f"more-{n}",
                                 fiscal_year=2026, start_date=dt.date(2026, 5, 1), end_date=dt.date(2099, 3, 31))
        designate(contract, world.manager, Designation.Kind.MANAGER, actor=world.hr)
        _busy(world, contract)
    page = client.get("/").content.decode()
    assert page.count("複製等の記録: 複製を作ったら") == (4 if role == "manager" else 0)
    assert _dashboard_queries(client) == one
