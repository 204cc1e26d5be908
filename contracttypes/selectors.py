"""The steps of a contract's type, and their labels as the pages and the documents print them."""

from django.utils.translation import gettext

from .models import ContractType, FlowStep

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(number: int) -> str:
    """①–⑳, then the number in brackets."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"


def numbers_text(numbers) -> str:
    """「④〜⑥」 for a run of three or more, else 「④⑥」."""
    numbers = sorted(numbers)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{circled(numbers[0])}〜{circled(numbers[-1])}"
    return "".join(circled(n) for n in numbers)


def steps_of_type(contract_type: ContractType | int) -> list[FlowStep]:
    type_id = contract_type if isinstance(contract_type, int) else contract_type.pk
    return list(FlowStep.objects.filter(contract_type_id=type_id).order_by("number"))


def steps_for(contract) -> list[FlowStep]:
    """The contract's type's flow steps, in order (kept on the contract object for the request)."""
    cached = getattr(contract, "_flow_steps", None)
    if cached is None or cached[0] != contract.contract_type_id:
        cached = (contract.contract_type_id, steps_of_type(contract.contract_type_id))
        contract._flow_steps = cached
    return cached[1]


def step_label(step: FlowStep) -> str:
    """「① text」. The seed's six print exactly as they always have (and in English from the catalogue)."""
    label = f"{circled(step.number)} {step.text}"
    return gettext(label)  # a variable: the words are data, only the seed's are in the catalogue


def labels_for(contract) -> dict[int, str]:
    """{number: 「① text」} for the contract's steps."""
    return {step.number: step_label(step) for step in steps_for(contract)}


def label_of(contract, number: int) -> str:
    return labels_for(contract).get(number) or circled(number)


def following_steps(contract) -> dict[int, str]:
    """{number: follows} for the steps that follow a year's-end record (the seed's ④–⑥), never a click."""
    return {step.number: step.follows for step in steps_for(contract) if step.follows}


def hand_steps(contract) -> list[int]:
    return [step.number for step in steps_for(contract) if not step.follows]


def is_seed_flow(contract) -> bool:
    """The seed's six steps word for word (its type, not edited since): they keep 資料2-1's own drawing;
    every other flow gets one drawn from its steps."""
    from .seed import SURVEY_STEPS

    return [(s.number, s.text, s.actor, s.follows) for s in steps_for(contract)] == list(SURVEY_STEPS)
