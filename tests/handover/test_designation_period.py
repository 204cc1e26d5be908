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


# --- a designation outside its period opens nothing, in any app (issue 7, A.7) --------------------


def _pages(world, slug, item_pk, handover_pk):
    from django.urls import reverse

    return [
        reverse("contracts:detail", args=[slug]),
        reverse("handover:items", args=[slug]),
        reverse("handover:item_detail", args=[slug, item_pk]),
        reverse("handover:handover_detail", args=[slug, handover_pk]),
        reverse("handover:ledger", args=[slug]),
        reverse("handover:ledger_export", args=[slug, "xlsx"]),
        reverse("checklist:overview", args=[slug]),
        reverse("checklist:side", args=[slug, "contractor"]),
    ]


@pytest.mark.parametrize("period", [
    {"valid_until": dt.date(2025, 6, 9)},   # ended yesterday (the clock says 2025-06-10 in Tokyo)
    {"valid_from": dt.date(2025, 6, 11)},   # begins tomorrow
])
def test_a_designation_outside_its_period_opens_nothing(client_as, world, disc, period):
    from django.urls import reverse

    from contracts.permissions import ACTIONS, can
    from contracts.selectors import contracts_for

    from .conftest import acknowledge

    handover = acknowledge(deliver(world, [disc], recipient=world.handler), world.handler)
    client = client_as(world.handler)
    pages = _pages(world, world.contract.slug, disc.pk, handover.pk)
    assert all(client.get(page).status_code == 200 for page in pages)  # while in force, every page opens

    Designation.objects.filter(user=world.handler).update(**period)
    client = client_as(world.handler)
    for page in pages:
        assert client.get(page).status_code == 404, page
    assert not any(can(world.handler, world.contract, action) for action in ACTIONS)
    assert world.contract not in contracts_for(world.handler)
    assert "CD-001" not in client.get(reverse("handover:ledger_all")).content.decode()
    assert "契約A" not in client.get(reverse("contracts:list")).content.decode()
    # The manager, whose designation is in force, still sees everything.
    assert client_as(world.manager).get(pages[0]).status_code == 200


def test_the_period_is_read_in_tokyo(world, clock):
    from contracts.permissions import can

    from .conftest import tokyo

    Designation.objects.filter(user=world.handler).update(valid_until=dt.date(2025, 6, 10))
    clock.set(tokyo(2025, 6, 10, 23, 59))   # 14:59 UTC: still the 10th in Tokyo
    assert can(world.handler, world.contract, "receive")
    clock.set(tokyo(2025, 6, 11, 0, 0))     # 15:00 UTC on the 10th, but the 11th in Tokyo
    assert not can(world.handler, world.contract, "receive")


def test_a_handover_to_someone_whose_period_ended_is_acknowledged_only_on_their_behalf(client_as, world, disc):
    from django.urls import reverse

    from .conftest import acknowledge

    handover = deliver(world, [disc], recipient=world.handler)
    Designation.objects.filter(user=world.handler).update(valid_until=dt.date(2025, 6, 9))
    with pytest.raises(DomainError):
        acknowledge(handover, world.handler)
    page = client_as(world.manager).get(reverse("handover:handover_detail", args=[world.contract.slug, handover.pk]))
    assert 'name="on_behalf_reason"' in page.content.decode()
    acknowledge(handover, world.manager, on_behalf_reason="山田の指定期間が終了したため")


def test_the_page_offers_exactly_what_the_service_accepts(client_as, world, disc, cd_r):
    """For every person, the acknowledgement form is on the page exactly when the service takes it, and
    the storage form exactly when the storage service takes it (one helper answers both)."""
    from django.urls import reverse

    from contracts import services as contract_services
    from handover import permissions, services
    from tests.factories import make_user

    from .conftest import acknowledge, register_disc

    expired = make_user("expired_h", world.contractor, display_name="期間 終了")
    designation = contract_services.designation_report(contract=world.contract, user=expired, kind="handler",
                                                       actor=world.hr)
    contract_services.designation_approve(designation=designation, actor=world.hr)
    Designation.objects.filter(pk=designation.pk).update(valid_until=dt.date(2025, 6, 9))
    people = [world.hr, world.manager, world.handler, world.auditor, world.other_manager, world.outsider, expired]

    for number, person in enumerate(people):
        item = register_disc(world, cd_r, label=f"CD-P{number}")
        handover = deliver(world, [item], recipient=world.handler)
        response = client_as(person).get(reverse("handover:handover_detail", args=[world.contract.slug, handover.pk]))
        offered = response.status_code == 200 and "受け取りました（受領確認）" in response.content.decode()
        handover.refresh_from_db()
        assert offered == bool(permissions.may_acknowledge(person, handover)), person
        try:
            acknowledge(handover, person, on_behalf_reason="不在のため")
        except DomainError:
            accepted = False
        else:
            accepted = True
        assert accepted == offered, person.username

        if not accepted:
            acknowledge(handover, world.handler)
        item.refresh_from_db()
        response = client_as(person).get(reverse("handover:item_detail", args=[world.contract.slug, item.pk]))
        offered = response.status_code == 200 and "保管場所を記録する" in response.content.decode()
        try:
            services.storage_record(item=item, actor=person, place="safe", location="金庫", locked=True)
        except DomainError:
            accepted = False
        else:
            accepted = True
        assert accepted == offered, person.username
    # Who may: the recipient and the other designee in force; the expired handler may do nothing.
    assert permissions.may_store(world.manager, item) and not permissions.may_store(expired, item)
