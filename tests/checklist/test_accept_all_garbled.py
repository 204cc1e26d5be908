"""Accept-all reads back the items its page listed as ``<pk>@<version>``; a ``pk`` that is a digit to
str.isdigit() but no number to int() (「፩」) was a 500, and is a garbled form like any other (400, nothing
accepted)."""

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_shown_item_int_cannot_read_is_refused_in_words(client_as, world):
    client = client_as(world.hr)
    response = client.post("/checklist/contract-a/side/ward/accept/", {"shown": ["፩@1"]})
    assert response.status_code == 400
    assert "まとめて確認済みにする項目が送られてきませんでした" in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="checklist.item.accepted").exists()
