"""Only people whose designation is in force today may be handed items."""

import datetime as dt

import pytest

from contracts.models import Designation
from core.errors import DomainError
from handover.selectors import recipients_for
from tests.handover.conftest import deliver, snapshot

pytestmark = pytest.mark.django_db


def test_a_designation_whose_period_has_ended_cannot_receive(world, disc):
    """別紙: 「取扱責任者及び取扱者をあらかじめ指定し、区に報告する」 — and only for the period named."""
    Designation.objects.filter(user=world.handler).update(valid_until=dt.date(2025, 6, 1))  # clock: 2025-06-10
    before = snapshot()
    with pytest.raises(DomainError, match="指定期間内"):
        deliver(world, [disc], recipient=world.handler)
    assert snapshot() == before
    assert world.handler not in recipients_for(world.contract, "delivery")
    assert world.manager in recipients_for(world.contract, "delivery")


def test_a_designation_starting_later_is_not_in_force_yet(world, disc):
    Designation.objects.filter(user=world.handler).update(valid_from=dt.date(2025, 7, 1))
    with pytest.raises(DomainError, match="指定期間内"):
        deliver(world, [disc], recipient=world.handler)
