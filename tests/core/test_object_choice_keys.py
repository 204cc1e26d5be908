"""A choice of objects refuses, at the field, a key that looks like digits but is no number Python reads:
「፩」 (a digit to str.isdigit(), refused by int()) and a key of 5,000 digits (past int()'s 4,300) were a
500 from core.bounds' guard on every ModelChoiceField; here the incident form's 関係する記録媒体等."""

import pytest

from incidents.models import Incident
from tests.matrix.incidents import _facts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["፩", "9" * 5000])
def test_a_key_int_refuses_is_an_invalid_choice(client_as, world, key):
    client = client_as(world.hr)
    response = client.post("/incidents/contract-a/new/", {**_facts(world), "items": [key]})
    assert response.status_code == 400
    assert "正しく選択してください。" in response.content.decode()
    assert not Incident.objects.exists()
