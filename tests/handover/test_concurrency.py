"""Two people acknowledging the same handover at the same moment: one success, one clear message.

The recipient (the handler) and, standing in for her with a reason, the handling manager."""

import threading

import pytest
from django.db import connection, connections

from audit.models import AuditEntry
from core.errors import DomainError
from handover.models import Handover
from tests.factories import make_world

from .conftest import acknowledge, deliver, register_disc


@pytest.mark.django_db(transaction=True)
def test_simultaneous_acknowledgements_give_one_success_and_one_message(cd_r):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks across two connections")
    world = make_world()
    disc = register_disc(world, cd_r)
    handover = deliver(world, [disc])
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def attempt(user):
        try:
            barrier.wait(timeout=10)
            acknowledge(Handover.objects.get(pk=handover.pk), user, on_behalf_reason="山田さん不在のため")
            results[user.username] = "ok"
        except DomainError as error:
            results[user.username] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in (world.manager, world.handler)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(results.values(), key=lambda r: r != "ok")
    assert outcomes[0] == "ok", results
    assert isinstance(outcomes[1], DomainError) and outcomes[1].code == "already_acknowledged", results
    assert "受領確認しています" in outcomes[1].message
    handover.refresh_from_db()
    assert handover.is_acknowledged
    assert AuditEntry.objects.filter(action="handover.acknowledged").count() == 1
