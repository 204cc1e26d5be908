"""The demo: 伊藤 of the privacy office signs in and sees in the register every contract of the ward, the seed's
section's and 税務課's, with no grant per contract; 山本, 税務課's clerk, sees only his section's."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from contracts.models import Contract

pytestmark = pytest.mark.django_db


def test_the_privacy_office_sees_the_whole_ward_and_a_clerk_his_section(client_as):
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects
    response = client_as(users.get(username="ito")).get(reverse("register:list"))
    assert response.status_code == 200
    listed = {row.contract.slug for row in response.context["rows"]}
    assert listed == set(Contract.objects.values_list("slug", flat=True))
    sections = {row.contract.ward_section_id for row in response.context["rows"]}
    assert len(sections) >= 2
    clerk = users.get(username="yamamoto")
    mine = {row.contract.slug for row in client_as(clerk).get(reverse("register:list")).context["rows"]}
    assert mine and mine < listed
    assert all(row.contract.ward_section.code == "zeimu" or row.contract.ward_section.parent.code == "zeimu"
               for row in client_as(clerk).get(reverse("register:list")).context["rows"])
