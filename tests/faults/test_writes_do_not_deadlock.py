"""Two people writing about the same contract at the same moment must not deadlock (found by make loadtest).

Every write appends to the audit chain, whose head is one locked row held until commit; an audit entry names
its contract, and PostgreSQL checks that reference at commit by taking a KEY SHARE lock on the contract row.
A service that held the contract FOR UPDATE and then waited for the chain's head (recording a handover)
blocked the commit of an entry that already held the head (an export audited at that moment): each waited
for the other, PostgreSQL aborted one and the person got the 503 page. The services lock the contract FOR NO
KEY UPDATE, which still serialises them but lets such a reference be checked."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from audit.models import AuditEntry
from audit.services import audit_log, verify_chain
from handover import services
from handover.models import Handover, Item
from tests.factories import make_world

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_an_export_audited_while_a_handover_is_recorded_on_the_same_contract_does_not_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (the PostgreSQL phase of make test)")
    world = make_world()
    paper = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.PAPER,
                                   label="P-001", contents="回答用紙の写し")
    head_taken, errors = threading.Event(), []

    def export():
        # The auditor's export: its entry is appended (the chain's head locked) and, a moment later, committed.
        try:
            with transaction.atomic():
                audit_log(action="handover.ledger.exported", actor=world.auditor, contract=world.contract,
                          payload={"format": "xlsx", "rows": 1})
                head_taken.set()
                time.sleep(1.5)  # meanwhile HR's handover holds the contract and waits for the head
        except Exception as error:  # noqa: BLE001  (a deadlock is what the test looks for)
            errors.append(error)
        finally:
            connections.close_all()

    def record():
        head_taken.wait(10)
        try:
            services.handover_record(contract=world.contract, actor=world.hr, direction=Handover.Direction.DELIVERY,
                                     recipient=world.handler, items=[paper])
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=export), threading.Thread(target=record)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Handover.objects.count() == 1
    assert AuditEntry.objects.filter(action__in=["handover.ledger.exported", "handover.recorded"]).count() == 2
    assert verify_chain()[1] is None
