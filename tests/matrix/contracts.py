from contracts import services
from tests.matrix import DONE, REFUSED, Row, audited, post_only, statuses


def a(w):
    return {"slug": w.contract.slug}


def designation_of(kind):
    def kwargs(w):
        d = w.contract.designations.get(user__username=kind)
        return {"slug": w.contract.slug, "pk": d.pk}
    return kwargs


def auditor_membership(w):
    m = w.contract.memberships.get(user=w.auditor, revoked_at__isnull=True)
    return {"slug": w.contract.slug, "pk": m.pk}


def open_step(w):
    return {"slug": w.contract.slug, "step": 1}


def done_step(w):
    services.contract_step_complete(contract=w.contract, step=2, actor=w.hr, note="回答期間終了")
    return {"slug": w.contract.slug, "step": 2}


# Roles that cannot see contract A at all get 404: the outsider and the other contractor.
HIDDEN = {"outsider": 404, "other": 404}

ROWS = [
    Row("contracts:list", get=statuses(200), post=statuses(405)),
    Row("contracts:create", get=statuses(403, hr=200), post=statuses(403, hr=200)),
    Row("contracts:detail", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("contracts:edit", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=200, **HIDDEN),
        contract_object=True),
    # GET: what the copy would carry; POST: the copy (contract A is recurring), then its edit page.
    Row("contracts:copy", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        contract_object=True, happened=audited("contract.copied")),
    # Contract A is already in force: HR is sent back to it with a message, GET or POST.
    Row("contracts:start", kwargs=a, get=statuses(403, hr=302, **HIDDEN), post=statuses(403, hr=REFUSED, **HIDDEN),
        contract_object=True, happened=audited("contract.started")),
    # The council submission (PDF): HR and the auditor download it; the contractor's people may not.
    Row("yearend:council_submission", kwargs=a, get=statuses(403, hr=200, auditor=200, **HIDDEN),
        post=statuses(405, **HIDDEN), contract_object=True),
    Row("contracts:step_complete", kwargs=open_step, get=statuses(403, hr=200, **HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"completed_at": "2025-06-01T10:00"},
        contract_object=True, happened=audited("contract.step.completed")),
    Row("contracts:step_reopen", kwargs=done_step, get=statuses(403, hr=200, **HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"reason": "誤って完了にしたため"}, contract_object=True,
        happened=audited("contract.step.reopened")),
    Row("contracts:member_grant", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"user": w.outsider.pk, "role": "auditor"}, contract_object=True,
        happened=audited("contract.membership.granted")),
    Row("contracts:member_revoke", kwargs=auditor_membership, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), contract_object=True, happened=audited("contract.membership.revoked")),
    Row("contracts:designations", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    # The manager reports; HR may enter a paper report; the handler and auditor may not. An empty form is
    # refused on the page (400).
    Row("contracts:designation_report", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=400, manager=400, **HIDDEN), contract_object=True),
    Row("contracts:designation_report_new_person", kwargs=a, get=post_only(**HIDDEN),
        post=statuses(403, hr=400, manager=400, **HIDDEN), contract_object=True),
    # handler_a is approved already: approving or rejecting again is refused at its row (400).
    Row("contracts:designation_approve", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True, happened=audited("contract.designation.approved")),
    Row("contracts:designation_reject", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True, happened=audited("contract.designation.rejected")),
    Row("contracts:designation_revoke", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), contract_object=True, happened=audited("contract.designation.revoked")),
    # handler_a has had an account all along: no enrolment link to send (refused at its row).
    Row("contracts:designation_resend_enrolment", kwargs=designation_of("handler_a"), get=post_only(**HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True),
]


# --- the report (⑤), the measures (⑥), closing and reopening (issue 9) -------------------------------

def _pdf(pages=1) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _submitted(w, with_pdf=False):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from yearend import report

    upload = SimpleUploadedFile("report.pdf", _pdf(), content_type="application/pdf") if with_pdf else None
    return report.report_submit(contract=w.contract, actor=w.manager, title="分析報告書", submitted_at=timezone.now(),
                                pages=1, no_personal_data=True, upload=upload)


def submitted_report(w):
    return {"slug": w.contract.slug, "pk": _submitted(w).pk}


def report_with_pdf(w):
    return {"slug": w.contract.slug, "pk": _submitted(w, with_pdf=True).pk}


def accepted(w):
    from yearend import report

    report.report_accept(report=_submitted(w), actor=w.hr, checked=True)
    return a(w)


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _report_data(w):
    from django.utils import timezone

    return {"title": "分析報告書", "submitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "pages": "12",
            "no_personal_data": "on"}


ROWS += [
    Row("yearend:report", kwargs=a, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN), contract_object=True),
    # The handling manager records the report's submission; nobody else.
    Row("yearend:report_submit", kwargs=a, get=post_only(**HIDDEN), post=statuses(403, manager=DONE, **HIDDEN),
        data=_report_data, contract_object=True, happened=audited("contract.report.submitted")),
    # HR accepts or sends back; here it sends the report back with a reason.
    Row("yearend:report_decide", kwargs=submitted_report, get=post_only(**HIDDEN),
        post=statuses(403, hr=DONE, **HIDDEN), data=lambda w: {"decision": "return", "decision-reason": "表の修正を"},
        contract_object=True, happened=audited("contract.report.returned")),
    # The report holds no personal information: everyone on the contract may read its PDF.
    Row("yearend:report_file", kwargs=report_with_pdf, get=statuses(200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("yearend:measure_create", kwargs=accepted, get=post_only(**HIDDEN), post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"measure-decided_on": _today(), "measure-text": "管理職向けの研修を実施する"},
        contract_object=True, happened=audited("contract.measure.recorded")),
    # Contract A has everything still open: HR sees the blockers, and closing is refused (400).
    Row("yearend:close", kwargs=a, get=statuses(403, hr=200, **HIDDEN), post=statuses(403, hr=400, **HIDDEN),
        contract_object=True, happened=audited("contract.closed")),
    # Contract A is not closed: HR is sent back to it with a message.
    Row("yearend:reopen", kwargs=a, get=statuses(403, hr=302, **HIDDEN), post=statuses(403, hr=REFUSED, **HIDDEN),
        data=lambda w: {"reason": "事故の記録のため"}, contract_object=True, happened=audited("contract.reopened")),
]
