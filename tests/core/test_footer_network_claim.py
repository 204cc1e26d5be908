"""Issue 14 E.18: the footer 「庁内ネットワーク内でのみ利用できます」 is true for the ward's staff, not for the
contractor, who uses the app from outside the ward's network: it shows to the ward's people only."""

import pytest

pytestmark = pytest.mark.django_db

CLAIM = "庁内ネットワーク内でのみ"


def test_the_network_claim_shows_to_the_ward_only(world, client_as):
    assert CLAIM in client_as(world.hr).get("/").content.decode()
    assert CLAIM in client_as(world.auditor).get("/").content.decode()
    for contractor in (world.manager, world.handler):
        assert CLAIM not in client_as(contractor).get("/").content.decode()
