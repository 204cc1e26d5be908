"""資料2-1's list of measures beside each side: the seed's short words stand for a seed control only while the
item still says what the seed's does."""

import pytest

from checklist import services as checklist_services
from checklist.models import ChecklistTemplate
from tests.checklist.helpers import all_planned
from yearend import council

pytestmark = pytest.mark.django_db


def test_a_control_reworded_in_a_later_version_is_listed_in_its_own_words(world):
    base = ChecklistTemplate.objects.get(contract_type__isnull=True, version=1)
    wording = "区と委託先の間の通信は、閉域網（LGWAN）に限る。"
    checklist_services.template_new_version(base=base, texts={"ward.system.03": wording},
                                            note="通信の対策を閉域網に改めたため", actor=world.hr)
    contract = world.contract
    checklist_services.plan_save(contract=contract, marks=all_planned(), actor=world.hr)
    assert contract.checklist.template.version == 2
    context = council.council_context(contract)
    ward = context["ward_measures"].splitlines()
    assert f"・{wording}" in ward and "・通信内容の暗号化" not in ward
    # The contractor's control 3 still says what the seed's does: the seed's words.
    assert "・通信内容の暗号化" in context["contractor_measures"].splitlines()
    assert "・ウイルス対策" in ward
