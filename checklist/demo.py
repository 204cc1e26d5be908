"""Demo data: the seed contract's plan is the seed's own — all 48 items ○, finalised. Safe to run twice."""

from .models import Checklist, Mark
from .services import latest_template, plan_finalise, plan_save


def seed(world) -> None:
    contract = world.contract
    hr = world.users["hr"]
    checklist = Checklist.objects.filter(contract=contract).first()
    if checklist is not None and checklist.is_finalised:
        return
    template = checklist.template if checklist is not None else latest_template()
    # The marks come from the template's copy of the seed (every item ○ there), not from an assumption.
    marks = {item.key: (Mark.PLANNED, "") if item.seed_mark == "○" else (Mark.NOT_NEEDED, "原本で「ー」")
             for item in template.items.all()}
    plan_save(contract=contract, marks=marks, actor=hr)
    plan_finalise(contract=contract, actor=hr)
