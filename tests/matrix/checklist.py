"""The checklist's URLs. Contract A has no checklist yet unless a row's kwargs start one (through the
services, as HR would); a side is named in the URL: the ward side is HR's and the auditor's, the
contractor side everyone's on the contract. The other contractor gets 404 on all of contract A."""

from tests.matrix import DONE, REFUSED, Row, audited, post_only, statuses

HIDDEN = {"outsider": 404, "other": 404}


def a(w):
    return {"slug": w.contract.slug}


def side(name):
    def kwargs(w):
        return {"slug": w.contract.slug, "side": name}
    return kwargs


def started_item(key):
    """Contract A with its plan finalised (all ○) and the item ``key``."""
    def kwargs(w):
        from tests.checklist.helpers import finalise_plan, item

        finalise_plan(w)
        return {"slug": w.contract.slug, "pk": item(w, key).pk}
    return kwargs


def export(side_name, fmt):
    def kwargs(w):
        return {"slug": w.contract.slug, "side": side_name, "fmt": fmt}
    return kwargs


ROWS = [
    Row("checklist:overview", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    # The plan is HR's: the empty POST saves a draft (302); everyone else may not.
    Row("checklist:plan", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        contract_object=True, happened=audited("checklist.plan.saved")),
    # No plan saved yet: HR is told what to do (302 back to the plan with the message).
    Row("checklist:plan_finalise", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=REFUSED, **HIDDEN),
        contract_object=True, happened=audited("checklist.plan.finalised")),
    Row("checklist:history", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    # The ward side is not the contractor's to read.
    Row("checklist:side", kwargs=side("ward"), get=statuses(200, manager=403, handler=403, **HIDDEN),
        post=statuses(405, **HIDDEN), contract_object=True),
    # The contractor's manager attests its side (one form for the whole side): before the plan is final,
    # saving and submitting are refused with a message (400).
    Row("checklist:side_attest", kwargs=side("contractor"), get=post_only(**HIDDEN),
        post=statuses(403, manager=400, **HIDDEN), contract_object=True),
    Row("checklist:side_submit", kwargs=side("contractor"), get=post_only(**HIDDEN),
        post=statuses(403, manager=400, **HIDDEN), contract_object=True),
    # HR locks; nothing to lock yet (400).
    Row("checklist:side_lock", kwargs=side("contractor"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True),
    # HR accepts the remaining items at once; nothing submitted yet (400, said on the page).
    Row("checklist:side_accept_all", kwargs=side("contractor"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True),
    Row("checklist:item_review", kwargs=started_item("contractor.operational.01"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True),
    # Both sides: HR and the auditor. (The manager's own side: see tests/checklist/test_exports.py.)
    Row("checklist:export", kwargs=export("both", "xlsx"), get=statuses(403, hr=200, auditor=200, **HIDDEN),
        post=statuses(405, **HIDDEN), contract_object=True),
]
