"""Free-text answers that name someone in the file, or hold an e-mail address or a phone number, are listed
for HR and masked with ■ unless HR leaves them."""

import pytest

from engagement import services
from tests.engagement import web

pytestmark = pytest.mark.django_db


def test_a_colleagues_name_in_free_text_is_listed_with_its_row(client_as, world):
    upload = web.ready(world)
    page = client_as(world.hr).get(web.url("review", world.contract, pk=upload.pk)).content.decode()
    # Row 4 names the colleague of row 9 (the file's 氏名 column never leaves; neither may the name here).
    assert f"<mark>{web.name(7)}</mark>さんに助けてもらった。" in page
    assert "ファイル内の氏名・メールアドレス等" in page
    assert 'name="mask"' in page and "checked" in page


def test_masked_by_default_and_left_as_it_is_when_hr_unticks_it(client_as, world):
    client = client_as(world.hr)
    upload = web.ready(world)
    loaded = services.load(upload)
    assert loaded.masked.values["自由記述"][2] == "■" * len(web.name(7)) + "さんに助けてもらった。"
    response = client.post(web.url("review", world.contract, pk=upload.pk), {})
    assert response["Location"] == web.url("build", world.contract, pk=upload.pk)
    upload.refresh_from_db()
    assert len(upload.unmasked) == 1
    assert services.load(upload).masked.values["自由記述"][2] == f"{web.name(7)}さんに助けてもらった。"
    # Ticked again: masked again.
    key = upload.unmasked[0]
    client.post(web.url("review", world.contract, pk=upload.pk), {"mask": [key]})
    upload.refresh_from_db()
    assert upload.unmasked == []


def test_a_key_that_is_not_a_finding_is_refused(client_as, world):
    upload = web.ready(world)
    response = client_as(world.hr).post(web.url("review", world.contract, pk=upload.pk), {"mask": ["0:0:0:99"]})
    assert response.status_code == 400
    upload.refresh_from_db()
    assert upload.free_text_reviewed_at is None
