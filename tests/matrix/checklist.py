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


def _seed_template(w):
    """The default's first version (the seed's)."""
    from checklist.models import ChecklistTemplate

    return {"pk": ChecklistTemplate.objects.filter(contract_type__isnull=True).order_by("version").first().pk}


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


# The records behind the items (checklist.record_views): everyone on the contract reads them; each side records
# its own confirmations; HR or the manager records a change of measures and its consultation; HR asks for
# evidence and decides, the side's attester (the manager, on the contractor side) answers.
def _today(w):
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _change(w):
    from checklist import records

    change = records.measure_change_record(contract=w.contract, changed_on=_date(2025, 7, 1), what="OSを更新した",
                                           actor=w.hr)
    return {"slug": w.contract.slug, "pk": change.pk}


def _date(*parts):
    import datetime as dt

    return dt.date(*parts)


def _planned(w):
    from tests.checklist.helpers import finalise_plan

    finalise_plan(w)
    return {"slug": w.contract.slug}


def _request(answered=False):
    def kwargs(w):
        from django.utils import timezone

        from checklist import records
        from tests.checklist.helpers import finalise_plan, item

        finalise_plan(w)
        row = records.evidence_request_create(item=item(w, "contractor.operational.10"), asked="施錠の写真",
                                              due_on=timezone.localdate(), actor=w.hr)
        if answered:
            records.evidence_request_answer(request_row=row, answer="写真です", actor=w.manager)
        return {"slug": w.contract.slug, "pk": row.pk}
    return kwargs


def _request_item(w):
    from tests.checklist.helpers import item

    return {"item": str(item(w, "contractor.operational.10").pk), "asked": "施錠の写真", "due_on": _today(w)}


ROWS += [
    Row("checklist:records", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    # The ward's emergency confirmation: HR's; the contractor's people may not record the ward's side.
    Row("checklist:confirmation_record", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"kind": "emergency", "side": "ward", "confirmed_on": "2025-04-20"},
        happened=audited("checklist.confirmation.recorded")),
    Row("checklist:change_record", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, manager=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"changed_on": "2025-07-01", "what": "ウイルス対策ソフトを変更した"},
        happened=audited("checklist.change.recorded")),
    Row("checklist:change_consult", kwargs=_change, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, manager=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"consulted_on": "2025-07-02", "consulted_with": "区 人材育成等担当課", "outcome": "合意した"},
        happened=audited("checklist.change.consulted")),
    Row("checklist:requests", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("checklist:request_new", kwargs=_planned, get=post_only(**HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        contract_object=True, data=_request_item, happened=audited("checklist.evidence.requested")),
    # A contractor-side request: everyone on the contract reads it; the manager answers; HR decides.
    Row("checklist:request_detail", kwargs=_request(), get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("checklist:request_answer", kwargs=_request(), get=post_only(**HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"answer": "キャビネットの施錠写真です"}, happened=audited("checklist.evidence.answered")),
    Row("checklist:request_decide", kwargs=_request(answered=True), get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"decision": "accept"}, happened=audited("checklist.evidence.accepted")),
    # The templates: an administrator's pages (管理者 or a superuser); no role of the matrix is one, so every
    # signed-in role gets 403 (tests/checklist/test_template_import.py imports and publishes as an administrator).
    Row("checklist:template_list", get=statuses(403), post=statuses(405)),
    Row("checklist:template_import", get=statuses(403), post=statuses(403),
        data=lambda w: {"title": "表題", "contract_type": ""}),
    Row("checklist:template_detail", kwargs=_seed_template, get=statuses(403), post=statuses(405)),
    Row("checklist:template_publish", kwargs=_seed_template, get=post_only(), post=statuses(403),
        data=lambda w: {"confirm": "on"}),
]
