"""Contract addresses are made, never typed.

Issue 7, A.8: 「a contract slug `new` is unreachable (generate slugs; a clerk never types one)」: /contracts/new/
is the page that creates a contract, so a contract called ``new`` could never be opened.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from contracts import services
from contracts.models import Contract
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def _fields(world):
    return {f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS}


def test_the_form_has_no_slug_to_type(world, client_as):
    page = client_as(world.hr).get(reverse("contracts:create")).content.decode()
    assert 'name="slug"' not in page and "識別子" not in page


def test_a_new_contract_gets_an_address_from_its_fiscal_year(world, client_as):
    contract = services.contract_create(actor=world.hr, **_fields(world))
    year, _, part = contract.slug.partition("-")
    assert year == "2025" and len(part) == 6 and part.isalnum()
    assert client_as(world.hr).get(reverse("contracts:detail", args=[contract.slug])).status_code == 200


def test_addresses_do_not_repeat(world):
    slugs = {services.contract_create(actor=world.hr, **_fields(world)).slug for _ in range(20)}
    assert len(slugs) == 20


def test_a_contract_posted_with_slug_new_is_still_reachable(world, client_as):
    client = client_as(world.hr)
    data = {k: v.pk if hasattr(v, "pk") else v for k, v in _fields(world).items() if v not in (None, False)}
    response = client.post(reverse("contracts:create"), {**data, "slug": "new", "recurring": "on"})
    assert response.status_code == 302
    contract = Contract.objects.exclude(slug__in=["contract-a", "contract-b"]).get()
    assert contract.slug != "new"
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("contracts:detail", args=[contract.slug])).context["contract"] == contract


def test_a_given_slug_for_fixed_data_must_be_free_and_not_a_page(world):
    with pytest.raises(DomainError, match="この識別子は使えません"):
        services.contract_create(actor=world.hr, slug="new", **_fields(world))
    with pytest.raises(DomainError, match="すでに使われています"):
        services.contract_create(actor=world.hr, slug="contract-a", **_fields(world))


def test_existing_slugs_keep_working_and_a_stuck_new_is_moved(world, client_as):
    stuck = services.contract_create(actor=world.hr, **_fields(world))
    Contract.objects.filter(pk=stuck.pk).update(slug="new")
    migration = importlib.import_module("contracts.migrations.0003_step_history_from_present_state")
    migration.forwards(apps, None)
    stuck.refresh_from_db()
    assert stuck.slug.startswith("2025-")
    world.contract.refresh_from_db()
    assert world.contract.slug == "contract-a"
    client = client_as(world.hr)
    assert client.get(reverse("contracts:detail", args=["contract-a"])).status_code == 200
    assert client.get(reverse("contracts:detail", args=[stuck.slug])).status_code == 200
