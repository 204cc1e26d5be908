"""Pages of the year's end: the report (⑤) and the measures (⑥), closing and reopening the contract."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.closing import CLOSED, closing_blockers, last_closing
from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from core.errors import DomainError, add_to_form
from core.posting import form_post
from engagement.models import SurveyPackage, SurveyUpload

from . import report as reports
from .closing import ClosingBlocked, contract_close, contract_reopen, link_key_of
from .council import council_submission_pdf
from .forms import CloseForm, MeasureForm, ReopenForm, ReportDecisionForm, ReportSubmitForm
from .permissions import (
    BLOCKED,
    may_close,
    may_decide_report,
    may_export_council_submission,
    may_read_report_file,
    may_record_measure,
    may_reopen,
    may_submit_report,
    report_for,
)
from .selectors import latest_report

# Refusals about the state of the report (accepted meanwhile, contract closed): no form is left to show them on.
STATE_REFUSALS = {"waiting", "accepted", "not_submitted", "closed", "no_report"}


def _report_page(request, contract, *, submit_form=None, decision_form=None, measure_form=None, status=200):
    latest = latest_report(contract)
    may_submit = may_submit_report(request.user, contract)
    may_decide = may_decide_report(request.user, latest) if latest is not None else None
    may_measure = may_record_measure(request.user, contract)
    return render(request, "yearend/report.html", {
        "contract": contract,
        "latest": latest,
        "reports": reports.reports_of(contract),
        "measures": reports.measures_of(contract),
        "may_submit": may_submit,
        "may_decide": may_decide,
        "may_measure": may_measure,
        "submit_form": submit_form or (ReportSubmitForm(contract=contract) if may_submit else None),
        "decision_form": decision_form or (ReportDecisionForm() if may_decide else None),
        "measure_form": measure_form or (MeasureForm() if may_measure else None),
    }, status=status)


def _refused_on_page(request, contract, message):
    """A refusal with no form to show it on (the report's state changed, or the contract was closed)."""
    messages.error(request, message)
    return _report_page(request, contract, status=400)


@login_required
@contract_get
def report_page(request, slug):
    return _report_page(request, contract_for(request.user, slug))


@login_required
@contract_post
def report_submit(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_submit_report(request.user, contract).or_403()
    if not answer:
        return _refused_on_page(request, contract, answer.message)

    def act(form):
        data = form.cleaned_data
        return reports.report_submit(contract=contract, actor=request.user, request=request, title=data["title"],
                                     submitted_at=data["submitted_at"], pages=data["pages"],
                                     no_personal_data=data["no_personal_data"], upload=data.get("file"))

    return form_post(
        request, ReportSubmitForm, files=True, form_kwargs={"contract": contract}, act=act,
        message=_("報告書の提出を記録しました。区の確認を待っています。"), done=redirect("yearend:report", slug=slug),
        page=lambda form, status: _report_page(request, contract, submit_form=form, status=status))


@login_required
@contract_post
def report_decide(request, slug, pk):
    report = report_for(request.user, slug, pk)
    answer = may_decide_report(request.user, report).or_403()
    if not answer:
        return _refused_on_page(request, report.contract, answer.message)
    decision = request.POST.get("decision")

    def act(form):
        if decision == "accept":
            reports.report_accept(report=report, actor=request.user, request=request,
                                  checked=form.cleaned_data["checked"])
            return _("報告書を受理しました。")
        if decision == "return":
            reports.report_return(report=report, actor=request.user, request=request,
                                  reason=form.cleaned_data["reason"])
            return _("報告書を差し戻しました。取扱責任者に理由が表示されます。")
        raise DomainError(_("「受理する」か「差し戻す」を選んでください。"))

    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _refused_on_page(request, report.contract, error.message)
        return add_to_form(form, error)

    return form_post(
        request, ReportDecisionForm, act=act, on_error=on_error, message=lambda words: words,
        done=redirect("yearend:report", slug=slug),
        page=lambda form, status: _report_page(request, report.contract, decision_form=form, status=status))


@login_required
@contract_get
def report_file(request, slug, pk):
    report = report_for(request.user, slug, pk)
    if not may_read_report_file(request.user, report).or_403():
        raise Http404  # no PDF was given with this report
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    # Not a personal-data download: the report holds no personal information (confirmed by both sides).
    audit_log(action="contract.report.downloaded", actor=request.user, contract=report.contract, obj=report,
              request=request, payload={"title": report.title, "pdf_sha256": report.file_sha256})
    return FileResponse(handle, as_attachment=True, content_type="application/pdf",
                        filename=f"{report.contract.file_stem}-report-{report.pk}.pdf")


@login_required
@contract_post
def measure_create(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_record_measure(request.user, contract).or_403()
    if not answer:
        return _refused_on_page(request, contract, answer.message)
    return form_post(
        request, MeasureForm,
        act=lambda form: reports.measure_record(contract=contract, actor=request.user, request=request,
                                                **form.cleaned_data),
        message=_("対応策・改善策を記録しました。"),
        done=redirect(reverse("yearend:report", kwargs={"slug": slug}) + "#measures-h"),
        page=lambda form, status: _report_page(request, contract, measure_form=form, status=status))


# --- closing -------------------------------------------------------------------------------------


@login_required
@contract_methods("GET", "POST")
def close(request, slug):
    """完了: the blockers, each linked to where it is resolved, or the form that closes the contract."""
    contract = contract_for(request.user, slug)
    answer = may_close(request.user, contract).or_403()
    if answer.code == CLOSED:
        messages.info(request, answer.message)
        return redirect("contracts:detail", slug=slug)
    link_key = link_key_of(contract)
    blockers = closing_blockers(contract) if answer.code == BLOCKED else []

    def on_error(form, error):
        nonlocal blockers
        # Something still open is not the form's error: the page lists every blocker, each with its link.
        if isinstance(error, ClosingBlocked):
            blockers = error.blockers
            messages.error(request, _("まだ完了できません。下に挙げたことを済ませてください。"))
            return None
        return add_to_form(form, error)

    return form_post(
        request, CloseForm, form_kwargs={"has_link_key": link_key is not None}, on_error=on_error,
        act=lambda form: contract_close(contract=contract, actor=request.user, request=request,
                                        keep_link_key=form.cleaned_data.get("keep_link_key", False),
                                        keep_reason=form.cleaned_data.get("keep_reason", "")),
        message=_("契約を完了しました。調査データの削除を監査証跡に記録しました。"),
        done=redirect("contracts:detail", slug=slug),
        page=lambda form, status: render(request, "yearend/close.html", {
            "contract": contract, "blockers": blockers, "form": form, "link_key": link_key,
            "survey": _survey_kept(contract),
        }, status=status))


def _survey_kept(contract) -> dict:
    """What closing will purge, as counts, for the page (the service purges what is there when it runs)."""
    return {"uploads": SurveyUpload.objects.filter(contract=contract, purged_at__isnull=True).count(),
            "packages": SurveyPackage.objects.filter(contract=contract).exclude(blob="").count()}


@login_required
@contract_methods("GET", "POST")
def reopen(request, slug):
    contract = contract_for(request.user, slug)
    if not may_reopen(request.user, contract).or_403():
        messages.info(request, _("この契約は完了していません。"))
        return redirect("contracts:detail", slug=slug)
    return form_post(
        request, ReopenForm,
        act=lambda form: contract_reopen(contract=contract, actor=request.user, request=request,
                                         reason=form.cleaned_data["reason"]),
        message=_("契約を再開しました。完了するには、もう一度完了の手続きをしてください。"),
        done=redirect("contracts:detail", slug=slug),
        page="yearend/reopen.html", context={"contract": contract, "closing": last_closing(contract)})


@login_required
@contract_get
def council_submission(request, slug):
    """The council submission (付議事項・資料2-1・別紙) as A4 PDF, for HR and the contract's auditors."""
    contract = contract_for(request.user, slug)
    may_export_council_submission(request.user, contract).or_403()
    filename, content_type, content = council_submission_pdf(contract)
    audit_log(action="contract.council_submission.exported", actor=request.user, contract=contract, request=request,
              payload={"format": "pdf"})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
