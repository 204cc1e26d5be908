"""Attacks on the inspection and finding pages: numbers typed into the URL, another contract's findings under this
contract's URL, and people acting for a colleague."""

import pytest

from tests.supervision.helpers import finding

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def test_absurd_numbers_in_a_finding_url_find_nothing(world, client_as):
    """An inspection number beyond any database integer is a page that does not exist (404), not a server error."""
    found = finding(world)
    client = client_as(world.hr)
    base = "/supervision/contract-a/inspections"
    for url in (f"{base}/{HUGE}/findings/{found.number}/", f"{base}/{found.inspection.pk}/findings/{HUGE}/",
                f"{base}/{HUGE}/findings/{found.number}/respond/", f"{base}/0/findings/{found.number}/"):
        response = client.get(url) if not url.endswith("respond/") else client.post(url, {})
        assert response.status_code == 404, url


def test_a_finding_is_not_found_under_another_contracts_url(world, client_as):
    """HR of both contracts asks for contract A's finding under contract B's address: there is none."""
    found = finding(world)
    client = client_as(world.hr)
    path = f"inspections/{found.inspection.pk}/findings/{found.number}/"
    assert client.get(f"/supervision/contract-a/{path}").status_code == 200
    assert client.get(f"/supervision/contract-b/{path}").status_code == 404
    assert client.post(f"/supervision/contract-b/{path}decide/", {"decision": "accept"}).status_code == 404


def test_a_handler_cannot_answer_a_colleagues_finding(world, client_as):
    """The finding is the manager's: another handler of the contract reads it but may not answer it (403)."""
    found = finding(world, owner=world.manager)
    url = f"/supervision/contract-a/inspections/{found.inspection.pk}/findings/{found.number}/respond/"
    response = client_as(world.handler).post(url, {"response-response": "対応しました"})
    assert response.status_code == 403
    found.refresh_from_db()
    assert found.response == "" and found.submission_count == 0
