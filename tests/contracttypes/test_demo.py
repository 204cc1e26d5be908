"""The demo: the second section's 印刷・封入封緘 contract of its own type, its people, its data sent over LGWAN and
acknowledged, its steps ①–③ done; the survey contracts keep their six steps. Safe to run twice."""

import io

import pytest
from django.core.management import call_command

from contracts.models import Contract
from contracttypes.models import ContractType
from handover.models import Item, OnlineTransfer
from handover.printing_demo import PRINTING_SLUG

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_printing_contract_with_an_acknowledged_transfer_and_running_it_again_changes_nothing(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    contract = Contract.objects.get(slug=PRINTING_SLUG)
    assert contract.contract_type.code == "printing" and contract.ward_section.code == "zeimu"
    assert contract.contract_type.steps.count() == 4
    assert [s.step for s in contract.steps.filter(completed_at__isnull=False).order_by("step")] == [1, 2, 3]
    transfer = OnlineTransfer.objects.get(contract=contract)
    assert transfer.is_acknowledged and transfer.recipient.username == "ogawa"
    assert transfer.sent_by.username == "yamamoto"
    assert not Item.objects.filter(contract=contract).exists()
    assert sorted(contract.designations.filter(status="approved").values_list("user__username", flat=True)) == [
        "nakamura", "ogawa"]
    # the seed's contracts keep the default type and its six steps
    survey = ContractType.objects.get(is_default=True)
    assert all(c.steps.count() == 6 for c in Contract.objects.filter(contract_type=survey))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    assert OnlineTransfer.objects.count() == 1 and Contract.objects.filter(slug=PRINTING_SLUG).count() == 1
