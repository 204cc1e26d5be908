"""The incident forms answer GET and POST only: PUT, PATCH or DELETE get 405 (they used to render the form,
200), and to someone who does not see the contract the contract still does not exist (404)."""

import pytest

from tests.matrix.incidents import _incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_report_and_revise_refuse_other_methods(client_as, world, method):
    incident = _incident(world)
    urls = ["/incidents/contract-a/new/", f"/incidents/contract-a/{incident.pk}/revise/"]
    client = client_as(world.hr)
    assert [getattr(client, method)(url).status_code for url in urls] == [405, 405]
    client = client_as(world.other_manager)
    assert [getattr(client, method)(url).status_code for url in urls] == [404, 404]
