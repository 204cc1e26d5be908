"""An administrator sets up a contract type in the admin: its steps numbered 1..n (at least one), the default
type kept (never deleted, handed on only by making another the default); every edit audited."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from contracttypes.models import ContractType, FlowStep

pytestmark = pytest.mark.django_db

ADD = reverse("admin:contracttypes_contracttype_add")


def _data(steps, *, code="printing", name="印刷・封入封緘", is_default=False, initial=0, ids=()):
    data = {"code": code, "name": name, "description": "", "uses_online_transfer": "on",
            "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": str(initial),
            "steps-MIN_NUM_FORMS": "1", "steps-MAX_NUM_FORMS": "1000"}
    if is_default:
        data["is_default"] = "on"
    for i, (number, text, actor) in enumerate(steps):
        data.update({f"steps-{i}-number": str(number), f"steps-{i}-text": text, f"steps-{i}-actor": actor,
                     f"steps-{i}-follows": ""})
        if i < len(ids):
            data[f"steps-{i}-id"] = str(ids[i])
    return data


FOUR = [(1, "区が宛名データを作成しLGWANで送付", "ward"), (2, "委託先が印刷", "contractor"),
        (3, "委託先が封入封緘・発送", "contractor"), (4, "データ消去の報告", "contractor")]


def test_an_administrator_creates_a_type_with_four_steps_audited(admin_client):
    response = admin_client.post(ADD, _data(FOUR))
    assert response.status_code == 302, response.content.decode()[:2000]
    kind = ContractType.objects.get(code="printing")
    assert list(kind.steps.values_list("number", "text")) == [(n, t) for n, t, _a in FOUR]
    assert kind.uses_online_transfer and not kind.uses_media_custody and not kind.uses_survey_export
    assert AuditEntry.objects.filter(action="admin.contracttypes.contracttype.added").exists()


@pytest.mark.parametrize(("steps", "message"), [
    ([(1, "a", "ward"), (2, "b", "ward"), (4, "c", "ward")], "工程の番号は1から順に、抜けや重複なく付けてください（いま: 1、2、4）。"),
    ([(1, "a", "ward"), (1, "b", "ward")], "抜けや重複なく"),
    ([(2, "a", "ward")], "抜けや重複なく"),
])
def test_step_numbers_with_a_gap_or_a_repeat_are_refused(admin_client, steps, message):
    response = admin_client.post(ADD, _data(steps))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContractType.objects.filter(code="printing").exists()


def test_a_type_without_steps_is_refused(admin_client):
    response = admin_client.post(ADD, _data([]))
    assert response.status_code == 200
    assert not ContractType.objects.filter(code="printing").exists()


def test_steps_can_be_renumbered_by_swapping_two(admin_client):
    admin_client.post(ADD, _data(FOUR))
    kind = ContractType.objects.get(code="printing")
    ids = list(kind.steps.order_by("number").values_list("pk", flat=True))
    swapped = [(2, FOUR[0][1], "ward"), (1, FOUR[1][1], "contractor"), FOUR[2], FOUR[3]]
    response = admin_client.post(reverse("admin:contracttypes_contracttype_change", args=[kind.pk]),
                                 _data(swapped, initial=4, ids=ids))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert FlowStep.objects.get(pk=ids[0]).number == 2 and FlowStep.objects.get(pk=ids[1]).number == 1


def test_the_default_type_cannot_be_deleted_nor_left_without_a_default(admin_client):
    survey = ContractType.objects.get(is_default=True)
    assert admin_client.get(reverse("admin:contracttypes_contracttype_delete", args=[survey.pk])).status_code == 403
    change = reverse("admin:contracttypes_contracttype_change", args=[survey.pk])
    steps = [(s.number, s.text, s.actor) for s in survey.steps.order_by("number")]
    ids = [s.pk for s in survey.steps.order_by("number")]
    data = _data(steps, code=survey.code, name=survey.name, initial=len(steps), ids=ids)
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "既定の種類は外せません" in response.content.decode()
    assert ContractType.objects.get(pk=survey.pk).is_default


def test_making_another_type_the_default_hands_the_mark_on(admin_client):
    response = admin_client.post(ADD, _data(FOUR, is_default=True))
    assert response.status_code == 302
    assert list(ContractType.objects.filter(is_default=True).values_list("code", flat=True)) == ["printing"]


def test_the_contract_in_the_admin_names_its_steps_as_its_type_does(admin_client, printing, world):
    """The admin's contract page lists the progress rows in the words of the contract's own type; the seed's
    contract still reads ①–⑥ of 資料2-1."""
    page = admin_client.get(reverse("admin:contracts_contract_change", args=[printing.pk])).content.decode()
    kind_steps = [f"{n} {text}" for n, text in zip("①②③④", (s.text for s in printing.contract_type.steps.all()),
                                                    strict=True)]
    for label in kind_steps:
        assert label in page
    assert "LoGoフォーム" not in page
    seed = admin_client.get(reverse("admin:contracts_contract_change", args=[world.contract.pk])).content.decode()
    assert "① LoGoフォームでフォーマットを作成し、全庁へ通知文の送付" in seed
