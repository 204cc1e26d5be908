"""A page with a form answers GET and POST; any other method gets 405 (someone who may not see the
contract still gets 404), as every POST-only view already does."""

import pytest
from django.urls import reverse

from tests.factories import login_verified

FORM_PAGES = ["contracts:edit", "handover:item_create", "handover:handover_create"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_form_page_refuses_other_methods(client, world, name, method):
    login_verified(client, world.hr)
    url = reverse(name, kwargs={"slug": world.contract.slug})
    assert getattr(client, method)(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
def test_another_contractor_still_finds_nothing(client, world, name):
    login_verified(client, world.other_manager)
    assert client.put(reverse(name, kwargs={"slug": world.contract.slug})).status_code == 404


@pytest.mark.django_db
def test_the_new_contract_page_refuses_other_methods(client, world):
    login_verified(client, world.hr)
    assert client.put(reverse("contracts:create")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:verify", "accounts:enrol"])
def test_the_sign_in_steps_refuse_other_methods(client, world, name):
    client.force_login(world.hr)
    assert client.delete(reverse(name)).status_code == 405
