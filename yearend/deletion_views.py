"""Pages of the copy register (複製等の記録) and the deletion report (消去報告書)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from core.errors import DomainError, add_to_form
from core.posting import form_post

from . import copies, deletion
from .deletion_forms import CopyRecordForm, DeletionDecisionForm, DeletionLineForm
from .permissions import (
    deletion_line_for,
    deletion_report_for,
    may_decide_deletion_report,
    may_edit_deletion_report,
    may_export_copy_register,
    may_export_deletion_report,
    may_file_deletion_report,
    may_register_copy,
)
from .selectors import (
    copies_to_cover,
    copy_sources,
    covered_copy_ids,
    deletion_reports_of,
    held_items,
    lines_of,
)

# Refusals about the report's state (submitted meanwhile, accepted, contract closed): no form to show them on.
STATE_REFUSALS = {"not_with_contractor", "not_submitted", "closed", "open_report", "all_covered",
                  "nothing_received"}


# --- the copy register -----------------------------------------------------------------------------


def _copies_page(request, contract, *, form=None, status=200):
    answer = may_register_copy(request.user, contract)
    if answer and form is None:
        form = CopyRecordForm(sources=copy_sources(contract), makers=copies.copy_makers(contract), actor=request.user,
                              holders=copies.copy_holders(contract))
    covered = covered_copy_ids(contract)
    rows = [(copy, copies.copy_label(copy), copy.pk in covered, copies.copy_holder(copy))
            for copy in copies.copies_of(contract)]
    return render(request, "yearend/copies.html", {
        "contract": contract, "rows": rows, "may_register": answer, "form": form if answer else None,
        "may_export": may_export_copy_register(request.user, contract),
    }, status=status)


@login_required
@contract_get
def copy_register_page(request, slug):
    return _copies_page(request, contract_for(request.user, slug))


@login_required
@contract_get
def copy_register_export(request, slug):
    contract = contract_for(request.user, slug)
    may_export_copy_register(request.user, contract).or_403()
    filename, content_type, content = copies.copy_register_xlsx(contract)
    audit_log(action="handover.copy.exported", actor=request.user, contract=contract, request=request,
              payload={"format": "xlsx", "rows": contract.copy_records.count()})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@contract_post
def copy_create(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_register_copy(request.user, contract).or_403()
    if not answer:
        messages.error(request, answer.message)
        return _copies_page(request, contract, status=400)
    return form_post(
        request, CopyRecordForm, form_kwargs={"sources": copy_sources(contract), "makers": copies.copy_makers(contract),
                                     "holders": copies.copy_holders(contract)},
        act=lambda form: copies.copy_register(contract=contract, actor=request.user, request=request,
                                              **form.service_fields()),
        message=lambda copy: _("%(copy)s を記録しました。") % {"copy": copies.copy_label(copy)},
        done=redirect("yearend:copies", slug=slug),
        page=lambda form, status: _copies_page(request, contract, form=form, status=status))


# --- the deletion report ---------------------------------------------------------------------------


@login_required
@contract_get
def deletion_list(request, slug):
    contract = contract_for(request.user, slug)
    return render(request, "yearend/deletion_list.html", {
        "contract": contract,
        "reports": deletion_reports_of(contract),
        "may_file": may_file_deletion_report(request.user, contract),
        "may_export": may_export_deletion_report(request.user, contract),
        "to_cover": copies_to_cover(contract),
        "held": held_items(contract),
    })


@login_required
@contract_post
def deletion_create(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_file_deletion_report(request.user, contract).or_403()
    if not answer:
        messages.error(request, answer.message)
        return redirect("yearend:deletion", slug=slug)
    # No form: a refusal is a message on the list it came from.
    try:
        report = deletion.deletion_report_create(contract=contract, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("yearend:deletion", slug=slug)
    messages.success(request, _("消去報告書 No.%(n)s を作成しました。各行に、消去・破壊の方法と実施者・確認者を記入してください。")
                     % {"n": report.number})
    return redirect("yearend:deletion_detail", slug=slug, pk=report.pk)


def _detail_page(request, report, *, decision_form=None, problems=None, status=200):
    lines = list(lines_of(report))
    labelled = [(line, deletion.line_label(line)) for line in lines]
    may_decide = may_decide_deletion_report(request.user, report)
    may_edit = may_edit_deletion_report(request.user, report)
    if may_decide and decision_form is None:
        decision_form = DeletionDecisionForm(lines=labelled)
    return render(request, "yearend/deletion_detail.html", {
        "contract": report.contract,
        "report": report,
        "lines": [(line, label, decision_form[f"reason_{line.pk}"] if may_decide else None) for line, label in labelled],
        "missing": deletion.missing_targets(report) if report.is_with_submitter else [],
        "problems": problems if problems is not None else (deletion.problems(report) if may_edit else []),
        "may_edit": may_edit,
        "may_decide": may_decide,
        "decision_form": decision_form if may_decide else None,
        "may_export": may_export_deletion_report(request.user, report.contract),
    }, status=status)


@login_required
@contract_get
def deletion_detail(request, slug, pk):
    return _detail_page(request, deletion_report_for(request.user, slug, pk))


def _refused(request, report, error: DomainError):
    messages.error(request, error.message)
    return _detail_page(request, report, status=400)


def _on_error(request, report):
    """A refusal about the report's state goes on the report's page (no form is left to show it on); any
    other on the form."""
    def on_error(form, error: DomainError):
        if error.code in STATE_REFUSALS:
            return _refused(request, report, error)
        return add_to_form(form, error)
    return on_error


@login_required
@contract_methods("GET", "POST")
def deletion_line(request, slug, pk, line_pk):
    line = deletion_line_for(request.user, slug, pk, line_pk)
    report = line.report
    answer = may_edit_deletion_report(request.user, report).or_403()
    if not answer:
        if request.method == "GET":
            messages.info(request, answer.message)
            return redirect("yearend:deletion_detail", slug=slug, pk=pk)
        return _refused(request, report, DomainError(answer.message, code=answer.code))
    label = deletion.line_label(line)
    return form_post(
        request, partial(DeletionLineForm.for_line, line),
        form_kwargs={"people": deletion.sanitisers(report.contract), "destroy_only": deletion.destroy_only_reason(line)},
        act=lambda form: deletion.deletion_line_save(line=line, actor=request.user, request=request,
                                                     **form.cleaned_data),
        on_error=_on_error(request, report),
        message=_("「%(line)s」の行を保存しました。") % {"line": label},
        done=redirect("yearend:deletion_detail", slug=slug, pk=pk),
        page="yearend/deletion_line.html",
        context={"contract": report.contract, "report": report, "line": line, "label": label})


@login_required
@contract_post
def deletion_line_add(request, slug, pk):
    report = deletion_report_for(request.user, slug, pk)
    may_edit_deletion_report(request.user, report).or_403()
    # No form: the one choice posted comes from the report's page, which shows a refusal.
    try:
        line = deletion.deletion_line_add(report=report, actor=request.user, request=request,
                                          target=request.POST.get("target", ""))
    except DomainError as error:
        return _refused(request, report, error)
    messages.success(request, _("「%(line)s」の行を追加しました。") % {"line": deletion.line_label(line)})
    return redirect("yearend:deletion_line", slug=slug, pk=pk, line_pk=line.pk)


@login_required
@contract_post
def deletion_line_remove(request, slug, pk, line_pk):
    line = deletion_line_for(request.user, slug, pk, line_pk)
    may_edit_deletion_report(request.user, line.report).or_403()
    # No form: a button on the report's page, which shows a refusal.
    try:
        deletion.deletion_line_remove(line=line, actor=request.user, request=request)
    except DomainError as error:
        return _refused(request, line.report, error)
    messages.success(request, _("「%(line)s」の行を削除しました。") % {"line": deletion.line_label(line)})
    return redirect("yearend:deletion_detail", slug=slug, pk=pk)


@login_required
@contract_post
def deletion_submit(request, slug, pk):
    report = deletion_report_for(request.user, slug, pk)
    may_edit_deletion_report(request.user, report).or_403()
    # No form: a button on the report's page, which lists what stands in the way.
    try:
        deletion.deletion_report_submit(report=report, actor=request.user, request=request)
    except deletion.ReportIncomplete as refused:
        messages.error(request, _("消去報告書を提出できません。下に挙げたことを直してください。"))
        return _detail_page(request, report, problems=refused.problems, status=400)
    except DomainError as error:
        return _refused(request, report, error)
    messages.success(request, _("消去報告書 No.%(n)s を区に提出しました。") % {"n": report.number})
    return redirect("yearend:deletion_detail", slug=slug, pk=pk)


@login_required
@contract_post
def deletion_decide(request, slug, pk):
    report = deletion_report_for(request.user, slug, pk)
    answer = may_decide_deletion_report(request.user, report).or_403()
    if not answer:
        return _refused(request, report, DomainError(answer.message, code=answer.code))
    labelled = [(line, deletion.line_label(line)) for line in lines_of(report)]
    decision = request.POST.get("decision")

    def act(form):
        if decision == "accept":
            if any(form.reasons().values()):
                raise DomainError(_("差戻しの理由が入力されています。差し戻す場合は「差し戻す」を、受理する場合は理由を消して"
                                    "から「受理する」を押してください。"), code="reason_with_accept")
            deletion.deletion_report_accept(report=report, actor=request.user, request=request)
            return _("消去報告書 No.%(n)s を受理しました。") % {"n": report.number}
        if decision == "return":
            deletion.deletion_report_return(report=report, actor=request.user, request=request,
                                            reasons=form.reasons())
            return _("消去報告書 No.%(n)s を差し戻しました。") % {"n": report.number}
        raise DomainError(_("「受理する」か「差し戻す」を選んでください。"))

    def on_error(form, error):
        if isinstance(error, deletion.ReportIncomplete):
            messages.error(request, error.message)
            return _detail_page(request, report, decision_form=form, problems=error.problems, status=400)
        return _on_error(request, report)(form, error)

    return form_post(
        request, DeletionDecisionForm, form_kwargs={"lines": labelled}, act=act, on_error=on_error,
        message=lambda words: words, done=redirect("yearend:deletion_detail", slug=slug, pk=pk),
        page=lambda form, status: _detail_page(request, report, decision_form=form, status=status))


@login_required
@contract_get
def deletion_pdf(request, slug, pk):
    report = deletion_report_for(request.user, slug, pk)
    may_export_deletion_report(request.user, report.contract).or_403()
    filename, content_type, content = deletion.deletion_report_pdf(report)
    audit_log(action="handover.deletion.exported", actor=request.user, contract=report.contract, obj=report,
              request=request, payload={"number": report.number, "format": "pdf", "status": report.status})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
