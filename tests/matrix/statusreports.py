"""Status reports and management-structure reports. Everyone on contract A reads them; HR sets the schedule,
requests reports and decides; the handling manager writes and submits; another contractor's manager (and a
ward person on no contract) finds nothing."""

import datetime as dt

from django.utils import timezone

from statusreports import services
from statusreports.models import StatusReport
from tests.matrix import DONE, Row, audited, post_only, statuses


def a(w):
    return {"slug": w.contract.slug}


def running(w):
    """Contract A with its period reaching past today (the world's dates are fixed, the clock is not): a requested
    report's due date must fall within the contract's period and not in the past."""
    from contracts.models import Contract

    Contract.objects.filter(pk=w.contract.pk).update(
        end_date=max(w.contract.end_date, timezone.localdate() + dt.timedelta(days=60)))
    return a(w)


def _draft(w):
    services.scheduled_reports_sync(contract=w.contract)
    return StatusReport.objects.filter(contract=w.contract, kind="scheduled").order_by("due_on").first()


def draft(w):
    return {"slug": w.contract.slug, "pk": _draft(w).pk}


def submitted(w):
    report = services.report_submit(report=_draft(w), actor=w.manager, text="5月は準備のみ")
    return {"slug": w.contract.slug, "pk": report.pk}


def _structure(w):
    return services.structure_create(contract=w.contract, actor=w.manager, effective_on=timezone.localdate(),
                                     changes="契約締結時の体制")


def structure(w):
    return {"slug": w.contract.slug, "pk": _structure(w).pk}


def structure_submitted(w):
    report = _structure(w)
    report = services.structure_submit(report=report, actor=w.manager, effective_on=report.effective_on,
                                       changes=report.changes)
    return {"slug": w.contract.slug, "pk": report.pk}


HIDDEN = {"outsider": 404, "other": 404}
VIEWERS = statuses(200, **HIDDEN)
NOT_HERE = post_only(**HIDDEN)
HR_ONLY = statuses(403, hr=DONE, **HIDDEN)
MANAGER_ONLY = statuses(403, manager=DONE, **HIDDEN)


def _structure_data(w):
    return {"effective_on": timezone.localdate().isoformat(), "changes": "取扱者 1名を追加"}


ROWS = [
    Row("statusreports:list", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("statusreports:schedule", kwargs=a, get=NOT_HERE, post=HR_ONLY, data=lambda w: {"kind": "monthly", "day": "12"},
        contract_object=True, happened=audited("statusreport.schedule.set")),
    Row("statusreports:request", kwargs=running, get=NOT_HERE, post=HR_ONLY,
        data=lambda w: {"due_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
                        "request_text": "記録媒体の保管状況"},
        contract_object=True, happened=audited("statusreport.requested")),
    Row("statusreports:detail", kwargs=draft, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("statusreports:submit", kwargs=draft, get=NOT_HERE, post=MANAGER_ONLY, data=lambda w: {"text": "準備のみ"},
        contract_object=True, happened=audited("statusreport.submitted")),
    Row("statusreports:decide", kwargs=submitted, get=NOT_HERE, post=HR_ONLY, data=lambda w: {"decision": "accept"},
        contract_object=True, happened=audited("statusreport.accepted")),
    Row("statusreports:structure_list", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("statusreports:structure_new", kwargs=a, get=statuses(403, manager=200, **HIDDEN), post=MANAGER_ONLY,
        data=_structure_data, contract_object=True, happened=audited("structurereport.created")),
    Row("statusreports:structure_detail", kwargs=structure, get=VIEWERS, post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("statusreports:structure_submit", kwargs=structure, get=NOT_HERE, post=MANAGER_ONLY, data=_structure_data,
        contract_object=True, happened=audited("structurereport.submitted")),
    Row("statusreports:structure_decide", kwargs=structure_submitted, get=NOT_HERE, post=HR_ONLY,
        data=lambda w: {"decision": "accept"}, contract_object=True, happened=audited("structurereport.accepted")),
]
