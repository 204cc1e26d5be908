"""Attacks on the records pages: whatever a person types into a URL is answered with a page, never a 500."""

import pytest

from tests.checklist.helpers import finalise_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("item", ["²", "፩", "9" * 5000, "-1", "0", "abc", "99999999999999999999"])
def test_the_requests_page_reads_any_item_parameter(world, client_as, item):
    """The link from an item's page preselects it with ?item=<pk>; a digit that is not an ASCII digit (「²」, 「፩」),
    thousands of digits or a number of no item only leave the choice empty."""
    finalise_plan(world)
    response = client_as(world.hr).get("/checklist/contract-a/requests/", {"item": item})
    assert response.status_code == 200
    assert "根拠資料" in response.content.decode()
