"""What stands between a contract and its closing (design: a contract closes only when every item is
back, every copy is accounted for in an accepted deletion report, and the report has been received).

Closing itself comes with its own issue; until then a contract past its end date lists here what is
known to be open today: items not back at the ward, checklists not locked, steps ①–⑥ not done.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Contract

LISTED = 3  # names shown per line before 「ほかn件」


@dataclass(frozen=True)
class Blocker:
    text: str
    url: str


def _listing(names: list[str]) -> str:
    text = "、".join(names[:LISTED])
    if len(names) > LISTED:
        text += _(" ほか%(n)s件") % {"n": len(names) - LISTED}
    return text


def _items_not_back(contract: Contract) -> list[Blocker]:
    # Imported here: handover builds on contracts, not the other way round.
    from handover.models import Item

    out = [item for item in Item.objects.filter(contract=contract).order_by("label") if not item.is_at_ward]
    names = [f"{item.label}（{item.get_state_display()}）" for item in out]
    if not names:
        return []
    return [Blocker(_("区に戻っていない記録媒体等があります: %(items)s") % {"items": _listing(names)},
                    reverse("handover:items", kwargs={"slug": contract.slug}))]


def _checklists_not_locked(contract: Contract) -> list[Blocker]:
    from checklist.models import Checklist, Side

    checklist = Checklist.objects.filter(contract=contract).prefetch_related("sides").first()
    if checklist is None or not checklist.is_finalised:
        return [Blocker(_("チェックリストの計画（○・ー）が確定していません"),
                        reverse("checklist:plan", kwargs={"slug": contract.slug}))]
    states = {row.side: row for row in checklist.sides.all()}
    blockers = []
    for side in (Side.WARD, Side.CONTRACTOR):
        row = states.get(side)
        if row is not None and row.is_locked:
            continue
        status = row.get_status_display() if row is not None else _("未作成")
        blockers.append(Blocker(
            _("チェックリスト（%(side)s）が確定していません（%(status)s）") % {"side": Side(side).label, "status": status},
            reverse("checklist:side", kwargs={"slug": contract.slug, "side": side})))
    return blockers


def _steps_not_done(contract: Contract) -> list[Blocker]:
    open_steps = [row.get_step_display() for row in contract.steps.filter(completed_at__isnull=True).order_by("step")]
    if not open_steps:
        return []
    return [Blocker(_("未了の工程があります: %(steps)s") % {"steps": "、".join(s.split(" ", 1)[0] for s in open_steps)},
                    reverse("contracts:detail", kwargs={"slug": contract.slug}) + "#steps-h")]


def closing_blockers(contract: Contract) -> list[Blocker]:
    """Everything known today to stand between ``contract`` and its closing, in the order work is done."""
    if contract.is_closed:
        return []
    return [*_steps_not_done(contract), *_items_not_back(contract), *_checklists_not_locked(contract)]
