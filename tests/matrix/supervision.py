"""Inspection pages (立入り調査等). Everyone on contract A reads them and their PDF (the auditor included); HR plans,
records, cancels, records results and findings and accepts or sends back responses; the finding's owner (the
manager here) responds; another contractor's manager (and a ward person on no contract) finds nothing."""

import datetime as dt

from tests.matrix import DONE, Row, audited, post_only, statuses
from tests.supervision.helpers import finding, plan, record, respond


def a(w):
    return {"slug": w.contract.slug}


def planned(w):
    return {"slug": w.contract.slug, "pk": plan(w).pk}


def held(w):
    return {"slug": w.contract.slug, "pk": record(w, plan(w)).pk}


def _finding_kwargs(found):
    return {"slug": found.contract.slug, "pk": found.inspection_id, "number": found.number}


def open_finding(w):
    return _finding_kwargs(finding(w))


def submitted_finding(w):
    return _finding_kwargs(respond(w, finding(w)))


HIDDEN = {"outsider": 404, "other": 404}
VIEWERS = statuses(200, **HIDDEN)
HR_ONLY = statuses(403, hr=200, **HIDDEN)
NOT_HERE = post_only(**HIDDEN)

ROWS = [
    Row("supervision:list", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("supervision:plan", kwargs=a, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"planned_on": "2025-11-12", "method": "on_site", "place": "本社 分析室"},
        contract_object=True, happened=audited("supervision.inspection.planned")),
    Row("supervision:detail", kwargs=planned, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("supervision:record", kwargs=planned, get=HR_ONLY, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"held_on": "2025-11-12", "method": "remote", "reason": "遠隔地のため映像で確認",
                        "place": "本社 分析室（オンライン）", "inspectors": "佐藤 花子"},
        contract_object=True, happened=audited("supervision.inspection.recorded")),
    Row("supervision:replan", kwargs=planned, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"replan-planned_on": "2025-11-20"}, contract_object=True,
        happened=audited("supervision.inspection.replanned")),
    Row("supervision:cancel", kwargs=planned, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"cancel-reason": "委託先の移転のため日程を改める"}, contract_object=True,
        happened=audited("supervision.inspection.cancelled")),
    Row("supervision:result", kwargs=held, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"result-item_key": "contractor.operational.09", "result-result": "good",
                        "result-note": "保管庫の施錠を確認"},
        contract_object=True, happened=audited("supervision.result.recorded")),
    Row("supervision:finding_raise", kwargs=held, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"finding-text": "鍵の管理手順を定めること", "finding-item_key": "",
                        "finding-owner": str(w.manager.pk),
                        "finding-due_on": (dt.date(2025, 12, 12)).isoformat()},
        contract_object=True, happened=audited("supervision.finding.raised")),
    Row("supervision:pdf", kwargs=held, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("supervision:finding", kwargs=open_finding, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # The owner (the manager, who is also the handling manager) responds; the handler is not the owner.
    Row("supervision:finding_respond", kwargs=open_finding, get=NOT_HERE,
        post=statuses(403, manager=DONE, **HIDDEN),
        data=lambda w: {"response-response": "鍵を金庫で保管することにした"},
        contract_object=True, happened=audited("supervision.finding.responded")),
    Row("supervision:finding_decide", kwargs=submitted_finding, get=NOT_HERE,
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"decision": "accept"}, contract_object=True,
        happened=audited("supervision.finding.accepted")),
]
