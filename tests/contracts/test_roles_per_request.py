"""A page asks the same person's roles many times (the dashboard asks every app, the checklist page asks for
each of its 48 items): within one request they are read once (contracts.permissions.roles_remembered, opened
by RolesPerRequestMiddleware). A change of membership or designation in the request is seen at once, and a
service, in its own transaction, still asks the database afresh."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import services
from contracts.models import Designation, Membership
from contracts.permissions import can, contracts_where, roles_remembered
from tests.checklist.helpers import finalise_plan

pytestmark = pytest.mark.django_db


def _role_queries(queries) -> int:
    # A query that reads roles (whose role a membership holds); a provider counting a contract's people through
    # their memberships (ward s06: every account has TOTP) reads no one's roles.
    return sum('"contracts_membership"' in q["sql"] and '."role"' in q["sql"] for q in queries)


@pytest.mark.parametrize("role, side", [("manager", "contractor"), ("hr", "ward"), ("auditor", "ward")])
def test_the_checklist_page_reads_roles_once_for_all_its_items(world, client_as, role, side):
    finalise_plan(world)
    client = client_as(world.user(role))
    url = reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # One with the contract (contract_for), one for everything else the page asks.
    assert _role_queries(queries) <= 2, _role_queries(queries)


@pytest.mark.parametrize("role", ["hr", "manager", "handler", "auditor"])
def test_the_dashboard_reads_roles_once_whatever_each_app_asks(world, client_as, role):
    client = client_as(world.user(role))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _role_queries(queries) <= 1, _role_queries(queries)


def test_a_designation_revoked_in_the_request_is_seen_at_once(world):
    designation = Designation.objects.get(contract=world.contract, user=world.handler)
    with roles_remembered():
        assert can(world.handler, world.contract, "receive")
        assert list(contracts_where(world.handler, "receive")) == [world.contract]
        services.designation_revoke(designation=designation, actor=world.hr)
        assert not can(world.handler, type(world.contract).objects.get(pk=world.contract.pk), "receive")
        assert list(contracts_where(world.handler, "receive")) == []


def test_a_service_in_its_transaction_asks_the_database_afresh(world):
    with roles_remembered():
        assert can(world.handler, world.contract, "receive")
        # Changed behind the app's back (no signal): the request's reads keep what they read, but a service's
        # transaction reads the rows as they are now.
        Membership.objects.filter(user=world.handler).update(revoked_at=world.contract.created_at)
        with transaction.atomic():
            assert not can(world.handler, world.contract, "receive")


def test_outside_a_request_each_question_reads_the_database(world):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            can(world.manager, world.contract, "receive")
    assert _role_queries(queries) == 3
