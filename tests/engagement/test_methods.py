"""The survey forms answer GET and POST only: PUT, PATCH or DELETE get 405 (they used to render the form,
200), and to someone who does not see the contract the contract still does not exist (404)."""

import pytest

from tests.engagement import web

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_survey_forms_refuse_other_methods(client_as, world, method):
    upload = web.ready(world)
    urls = [web.url("upload", world.contract)] + [web.url(name, world.contract, pk=upload.pk)
                                                  for name in ("mapping", "risk", "review", "build")]
    client = client_as(world.hr)
    assert [getattr(client, method)(url).status_code for url in urls] == [405] * 5
    client = client_as(world.other_manager)
    assert [getattr(client, method)(url).status_code for url in urls] == [404] * 5
