"""What must hold in the ledger whatever was cut off half-way (a killed worker, a database restart, fifty
people at once), checked after the load test and the fault tests:

- every handover has its lines;
- every item's state is the one its last handover leaves it in (none: still at the ward);
- no handover was acknowledged twice, and each handover was recorded exactly once in the audit trail.

Returns the problems found, in words for the developer running the check; an empty list when all hold.
"""

from collections import Counter

from django.db.models import Count

from audit.models import AuditEntry
from handover.models import Handover, Item

AFTER = {
    (Handover.Direction.DELIVERY, Handover.Status.IN_TRANSIT): Item.State.IN_TRANSIT,
    (Handover.Direction.DELIVERY, Handover.Status.ACKNOWLEDGED): Item.State.AT_CONTRACTOR,
    (Handover.Direction.RETURN, Handover.Status.IN_TRANSIT): Item.State.IN_TRANSIT,
    (Handover.Direction.RETURN, Handover.Status.ACKNOWLEDGED): Item.State.RETURNED,
}


def ledger_problems() -> list[str]:
    problems = []
    empty = list(Handover.objects.annotate(n=Count("lines")).filter(n=0).values_list("pk", flat=True))
    if empty:
        problems.append(f"handovers without lines: {empty}")

    last: dict[int, tuple[str, str]] = {}
    for item_id, direction, status in (Handover.objects.exclude(status=Handover.Status.CANCELLED)
                                       .order_by("recorded_at", "number")
                                       .values_list("lines__item_id", "direction", "status")):
        last[item_id] = (direction, status)
    for item_id, state in Item.objects.exclude(state=Item.State.DISPOSED).values_list("pk", "state"):
        expected = AFTER[last[item_id]] if item_id in last else Item.State.PREPARED
        if state != expected:
            problems.append(f"item {item_id} is {state}, its last handover leaves it {expected}")

    acknowledged = Counter(AuditEntry.objects.filter(action="handover.acknowledged")
                           .values_list("object_id", flat=True))
    twice = sorted(pk for pk, n in acknowledged.items() if n > 1)
    if twice:
        problems.append(f"handovers acknowledged more than once: {twice}")
    in_ledger = set(Handover.objects.filter(status=Handover.Status.ACKNOWLEDGED).values_list("pk", flat=True))
    if {int(pk) for pk in acknowledged} != in_ledger:
        problems.append("acknowledgements in the audit trail and in the ledger differ")
    recorded = Counter(AuditEntry.objects.filter(action="handover.recorded").values_list("object_id", flat=True))
    if {int(pk) for pk in recorded} != set(Handover.objects.values_list("pk", flat=True)) or any(
            n > 1 for n in recorded.values()):
        problems.append("handovers and their entries in the audit trail differ")
    return problems
