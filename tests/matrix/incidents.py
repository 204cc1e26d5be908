"""Incident pages. Incidents are reported through the service on contract A for each case.

Anyone on the contract reports and reads (HR, the manager and the handler in their period), the auditor
reads, only HR closes; another contractor's manager (and a ward person on no contract) finds nothing."""

import datetime as dt

from django.utils import timezone

from incidents import services
from tests.matrix import DONE, Row, audited, post_only, statuses


def _incident(w):
    return services.incident_report(contract=w.contract, actor=w.hr, kind="loss", other_data=True,
                                    discovered_at=timezone.now() - dt.timedelta(hours=1), affected_count=5,
                                    description="分析用パソコンの複製の所在が確認できない")


def a(w):
    return {"slug": w.contract.slug}


def incident(w):
    return {"slug": w.contract.slug, "pk": _incident(w).pk}


def _facts(w, count="5"):
    return {"kind": "loss", "other_data": "on", "affected_count": count, "description": "紛失",
            "discovered_at": (timezone.localtime() - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")}


HIDDEN = {"outsider": 404, "other": 404}
VIEWERS = statuses(200, **HIDDEN)
REPORTERS = statuses(200, auditor=403, **HIDDEN)
NOT_HERE = post_only(**HIDDEN)

ROWS = [
    Row("incidents:list", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("incidents:report", kwargs=a, get=REPORTERS, post=statuses(DONE, auditor=403, **HIDDEN),
        data=_facts, contract_object=True, happened=audited("incident.reported")),
    Row("incidents:detail", kwargs=incident, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # The contractor's people record measures; the Commission's reports are HR's (see test_permissions).
    Row("incidents:event_add", kwargs=incident, get=NOT_HERE, post=statuses(DONE, auditor=403, **HIDDEN),
        data=lambda w: {"kind": "measure", "note": "施錠の手順を見直した",
                        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        contract_object=True, happened=audited("incident.event.recorded")),
    Row("incidents:revise", kwargs=incident, get=REPORTERS, post=statuses(DONE, auditor=403, **HIDDEN),
        data=lambda w: _facts(w, count="6"), contract_object=True, happened=audited("incident.revised")),
    # Not reportable (five people, no flag): the result is all closing needs.
    Row("incidents:close", kwargs=incident, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"summary": "所在を確認し、施錠の手順を改めた"}, contract_object=True,
        happened=audited("incident.closed")),
]
