"""What a step that follows a record says it follows: the record its type names, not the seed's three."""

import pytest
from django.urls import reverse

from contracts import services
from contracttypes.models import ContractType, FlowStep
from core.errors import DomainError
from tests.factories import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(world):
    kind = ContractType.objects.create(code="review", name="報告書作成", uses_media_custody=False)
    FlowStep.objects.create(contract_type=kind, number=1, text="区が資料を送付", actor="ward")
    FlowStep.objects.create(contract_type=kind, number=2, text="報告書の提出", actor="contractor", follows="report")
    return make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="review-2025",
                         contract_type=kind)


def test_a_step_following_only_the_report_is_refused_naming_the_report_alone(world, review):
    with pytest.raises(DomainError) as refused:
        services.contract_step_complete(contract=review, step=2, actor=world.hr)
    message = refused.value.message
    assert message.startswith("工程②は") and "報告書の受領に従う" in message
    assert "返却" not in message and "対応策と" not in message


def test_the_contract_page_says_which_record_each_step_follows(world, review, client_as):
    page = client_as(world.hr).get(reverse("contracts:detail", args=[review.slug])).content.decode()
    assert "報告書の提出の記録に従います" in page and "報告書と返却・消去の記録に従います" not in page
    seed = client_as(world.hr).get(reverse("contracts:detail", args=[world.contract.slug])).content.decode()
    # The seed's ④ follows the report, ⑤ the acceptance and the returns, ⑥ the measures.
    assert seed.count("報告書の提出の記録に従います") == 1
    assert seed.count("報告書と返却・消去の記録に従います") == 1
    assert seed.count("対応策・改善策の記録に従います") == 1


def test_the_seeds_steps_keep_the_seeds_words(world):
    with pytest.raises(DomainError) as refused:
        services.contract_step_complete(contract=world.contract, step=5, actor=world.hr)
    assert refused.value.message == ("工程④〜⑥は、報告書・対応策と記録媒体等の返却・消去報告書の記録に従って完了になります。"
                                     "「報告書・対応策」の画面で記録してください。")
