"""The year's end: the report (⑤), the measures (⑥), the copy register, the deletion report, closing and
reopening, and the council submission. Objects are made through the services on contract A for each case."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from handover.models import Item
from tests.matrix import DONE, REFUSED, Row, audited, post_only, statuses
from tests.matrix.handover import _at_contractor
from yearend import copies, deletion, report
from yearend.models import CopyRecord, DeletionReport


def a(w):
    return {"slug": w.contract.slug}


# Roles that cannot see contract A at all get 404: the outsider and the other contractor.
HIDDEN = {"outsider": 404, "other": 404}
VIEWERS = statuses(200, **HIDDEN)
NOT_HERE = post_only(**HIDDEN)  # POST-only views: 405 to a GET from those who see the contract


# --- the report (⑤), the measures (⑥), closing and reopening (issue 9) -------------------------------

def _pdf(pages=1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _submitted(w, with_pdf=False):
    upload = SimpleUploadedFile("report.pdf", _pdf(), content_type="application/pdf") if with_pdf else None
    return report.report_submit(contract=w.contract, actor=w.manager, title="分析報告書", submitted_at=timezone.now(),
                                pages=1, no_personal_data=True, upload=upload)


def submitted_report(w):
    return {"slug": w.contract.slug, "pk": _submitted(w).pk}


def report_with_pdf(w):
    return {"slug": w.contract.slug, "pk": _submitted(w, with_pdf=True).pk}


def accepted(w):
    report.report_accept(report=_submitted(w), actor=w.hr, checked=True)
    return a(w)


def _today() -> str:
    return timezone.localdate().isoformat()


def _report_data(w):
    return {"title": "分析報告書", "submitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "pages": "12",
            "no_personal_data": "on"}


ROWS = [
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
    # The council submission (PDF): HR and the auditor download it; the contractor's people may not.
    Row("yearend:council_submission", kwargs=a, get=statuses(403, hr=200, auditor=200, **HIDDEN),
        post=statuses(405, **HIDDEN), contract_object=True),
]


# --- the copy register and the deletion report (issue 9) ---------------------------------------------

def _copy(w, source=None):
    source = source or w.contract.handover_items.get(state=Item.State.AT_CONTRACTOR)
    return copies.copy_register(contract=w.contract, actor=w.handler, source=source, place="analysis_pc",
                                location="ANL-PC-01", made_at=timezone.now(), made_by=w.handler,
                                purpose="集計・分析のため", encrypted=True)


def _report(w):
    _at_contractor(w)
    return deletion.deletion_report_create(contract=w.contract, actor=w.manager)


def _line_data(w):
    return {"method_type": "destroy", "method": "シュレッダーによる粉砕", "tool": "クロスカットシュレッダー",
            "tool_version": "MS-200", "performed_on": timezone.localdate().isoformat(), "performer": w.handler.pk,
            "verifier": w.manager.pk, "verification": "破片を目視で確認"}


def _filled(w):
    filed = _report(w)
    line = filed.lines.get()
    data = _line_data(w)
    deletion.deletion_line_save(line=line, actor=w.manager, method_type="destroy", method=data["method"],
                                tool=data["tool"], tool_version=data["tool_version"],
                                performed_on=timezone.localdate(),
                                performer=w.handler, verifier=w.manager, verification=data["verification"])
    return filed


def held(w):
    _at_contractor(w)
    return a(w)


def report_kwargs(w):
    return {"slug": w.contract.slug, "pk": _report(w).pk}


def line_kwargs(w):
    filed = _report(w)
    return {"slug": w.contract.slug, "pk": filed.pk, "line_pk": filed.lines.get().pk}


def report_with_new_copy(w):
    filed = _report(w)
    _copy(w)
    return {"slug": w.contract.slug, "pk": filed.pk}


def filled_kwargs(w):
    return {"slug": w.contract.slug, "pk": _filled(w).pk}


def submitted_kwargs(w):
    filed = deletion.deletion_report_submit(report=_filled(w), actor=w.manager)
    return {"slug": w.contract.slug, "pk": filed.pk}


def _copy_data(w):
    disc = w.contract.handover_items.get(state=Item.State.AT_CONTRACTOR)
    return {"copy-source": disc.pk, "copy-place": "analysis_pc", "copy-location": "ANL-PC-01",
            "copy-made_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "copy-made_by": w.handler.pk,
            "copy-purpose": "集計・分析のため", "copy-encrypted": "yes"}


def _return_data(w):
    filed = DeletionReport.objects.filter(contract=w.contract).latest("pk")
    return {"decision": "return", f"reason_{filed.lines.get().pk}": "証明書の番号を記入してください"}


def _new_copy_target(w):
    return {"target": f"copy:{CopyRecord.objects.filter(contract=w.contract).latest('pk').pk}"}


ROWS += [
    Row("yearend:copies", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # The register as XLSX: both sides and the auditors, as the deletion report's PDF.
    Row("yearend:copies_export", kwargs=a, get=statuses(403, hr=200, manager=200, auditor=200, **HIDDEN),
        post=statuses(405, **HIDDEN), contract_object=True),
    # The contract's designees record copies once they hold a disc; HR and the auditor may not.
    Row("yearend:copy_create", kwargs=held, get=NOT_HERE, post=statuses(403, manager=DONE, handler=DONE, **HIDDEN),
        data=_copy_data, contract_object=True, happened=audited("handover.copy.registered")),
    Row("yearend:deletion", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # Only the handling manager files the deletion report.
    Row("yearend:deletion_create", kwargs=held, get=NOT_HERE, post=statuses(403, manager=DONE, **HIDDEN),
        contract_object=True, happened=audited("handover.deletion.created")),
    Row("yearend:deletion_detail", kwargs=report_kwargs, get=VIEWERS, post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("yearend:deletion_line", kwargs=line_kwargs, get=statuses(403, manager=200, **HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), data=_line_data, contract_object=True,
        happened=audited("handover.deletion.line_saved")),
    Row("yearend:deletion_line_add", kwargs=report_with_new_copy, get=NOT_HERE,
        post=statuses(403, manager=DONE, **HIDDEN), data=_new_copy_target, contract_object=True,
        happened=audited("handover.deletion.line_added")),
    Row("yearend:deletion_line_remove", kwargs=line_kwargs, get=NOT_HERE, post=statuses(403, manager=DONE, **HIDDEN),
        contract_object=True, happened=audited("handover.deletion.line_removed")),
    Row("yearend:deletion_submit", kwargs=filled_kwargs, get=NOT_HERE, post=statuses(403, manager=DONE, **HIDDEN),
        contract_object=True, happened=audited("handover.deletion.submitted")),
    # HR accepts or sends back; here it sends the one line back with a reason.
    Row("yearend:deletion_decide", kwargs=submitted_kwargs, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=_return_data, contract_object=True, happened=audited("handover.deletion.returned")),
    # The PDF: both sides and the auditor; the handler may not.
    Row("yearend:deletion_pdf", kwargs=report_kwargs,
        get=statuses(403, hr=200, manager=200, auditor=200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
]
