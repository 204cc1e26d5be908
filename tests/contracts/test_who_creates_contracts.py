"""Only HR registers contracts, whoever calls the service (issue 13: the page refused, the service did not)."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from contracts import services
from contracts.models import Contract
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _fields(world):
    return {f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS}


@pytest.mark.parametrize("who", ["manager", "handler", "auditor", "outsider", "superuser"])
def test_the_service_refuses_someone_who_is_not_hr(world, who):
    if who == "superuser":
        actor = make_user("kanri", world.ward, display_name="管理 者")
        actor.is_staff = actor.is_superuser = True
        actor.save()
    else:
        actor = getattr(world, who)
    contracts, entries = Contract.objects.count(), AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.contract_create(actor=actor, **_fields(world))
    assert Contract.objects.count() == contracts
    assert AuditEntry.objects.count() == entries


def test_hr_creates_a_contract_and_becomes_its_hr_member(world):
    contract = services.contract_create(actor=world.hr, **_fields(world))
    assert contract.memberships.get().user == world.hr
    assert AuditEntry.objects.filter(action="contract.created", object_id=str(contract.pk)).exists()
