from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from core.dates import wareki
from core.errors import DomainError, add_to_form
from core.posting import form_post

from . import pdf, selectors, services
from .forms import (
    CancelForm,
    DecisionForm,
    FindingForm,
    PlanForm,
    RecordForm,
    ReplanForm,
    ResponseForm,
    ResultForm,
)
from .permissions import (
    finding_for,
    inspection_for,
    may_add_results,
    may_cancel,
    may_decide,
    may_plan,
    may_record,
    may_replan,
    may_respond,
    may_view,
)

# The seed's lines (別紙 チェックリスト 運用上の対策2・3, both sides).
SEED_RULES = {
    "inspect": "契約履行の間、特記事項に基づき立入り調査等を実施する。また、必要に応じて委託先に対し速やかに状況報告をさせる。",
    "subcontract": "再委託先がある場合には、委託先との間に立入り調査等ができる契約内容を付すとともに、必要に応じて又は"
                   "定期的に立入り調査等を実施させる。",
}
# Refusals about the state of the thing (changed meanwhile), shown without the form.
STATE_REFUSALS = {"not_planned", "not_done", "closed", "not_with_submitter", "not_submitted"}


def _list_page(request, contract, *, plan_form=None, status=200):
    answer = may_plan(request.user, contract)
    return render(request, "supervision/list.html", {
        "contract": contract, "rows": selectors.inspections_of(contract),
        "missing": selectors.missing_inspections(contract), "may_plan": answer,
        "plan_form": plan_form or (PlanForm(contract=contract) if answer else None), "seed_rules": SEED_RULES,
    }, status=status)


@login_required
@contract_get
def inspection_list(request, slug):
    contract = contract_for(request.user, slug)
    return _list_page(request, contract)


@login_required
@contract_post
def inspection_plan(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_plan(request.user, contract).or_403()
    return form_post(
        request, PlanForm, form_kwargs={"contract": contract}, allowed=answer,
        act=lambda form: services.inspection_plan(contract=contract, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=lambda inspection: _("%(inspection)sを%(day)sに計画しました。") % {
            "inspection": inspection, "day": wareki(inspection.planned_on)},
        done=lambda inspection: redirect("supervision:detail", slug=slug, pk=inspection.pk),
        page=lambda form, status: _list_page(request, contract, plan_form=form, status=status))


def _detail_page(request, inspection, *, cancel_form=None, result_form=None, finding_form=None, replan_form=None,
                 status=200):
    user = request.user
    inspection = selectors.inspection_detail(inspection)
    contract = inspection.contract
    labels = selectors.item_labels(contract)
    adding = may_add_results(user, inspection)
    findings = list(inspection.findings.all())
    for finding in findings:
        finding.item_label = labels.get(finding.item_key, "")
    return render(request, "supervision/detail.html", {
        "contract": contract, "inspection": inspection,
        "results": [(row, labels.get(row.item_key, "")) for row in inspection.results.all()],
        "findings": findings,
        "may_record": may_record(user, inspection), "may_cancel": may_cancel(user, inspection),
        "may_replan": may_replan(user, inspection),
        "replan_form": replan_form or ReplanForm(),
        "may_add_results": adding,
        "cancel_form": cancel_form or CancelForm(),
        "result_form": result_form or (ResultForm(contract=contract) if adding else None),
        "finding_form": finding_form or (FindingForm(contract=contract) if adding else None),
        "seed_rules": SEED_RULES,
    }, status=status)


def _finding_page(request, finding, *, response_form=None, decision_form=None, status=200):
    """A finding on its own page (the contractor answers it on a phone): what was found, its state, the files and
    the forms of whoever acts next."""
    user = request.user
    finding = selectors.finding_detail(finding)
    respond = may_respond(user, finding)
    decide = may_decide(user, finding)
    return render(request, "supervision/finding.html", {
        "contract": finding.contract, "inspection": finding.inspection, "finding": finding,
        "item_label": selectors.item_labels(finding.contract).get(finding.item_key, ""),
        "may_respond": respond, "may_decide": decide,
        "response_form": response_form or (ResponseForm(initial={"response": finding.response}) if respond else None),
        "decision_form": decision_form or (DecisionForm() if decide else None),
    }, status=status)


@login_required
@contract_get
def inspection_detail(request, slug, pk):
    return _detail_page(request, inspection_for(request.user, slug, pk))


@login_required
@contract_get
def finding_detail(request, slug, pk, number):
    return _finding_page(request, finding_for(request.user, slug, pk, number))


def _refused_finding(request, finding, message):
    messages.error(request, message)
    return _finding_page(request, finding, status=400)


def _on_finding_error(request, finding):
    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _refused_finding(request, finding, error.message)
        return add_to_form(form, error)
    return on_error


def _refused(request, inspection, message):
    """A refusal about the state (recorded, cancelled or closed meanwhile): the page without that form."""
    messages.error(request, message)
    return _detail_page(request, inspection, status=400)


def _on_error(request, inspection):
    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _refused(request, inspection, error.message)
        return add_to_form(form, error)
    return on_error


@login_required
@contract_methods("GET", "POST")
def inspection_record(request, slug, pk):
    inspection = inspection_for(request.user, slug, pk)
    answer = may_record(request.user, inspection).or_403()
    return form_post(
        request, RecordForm, allowed=answer, form_kwargs={"initial": RecordForm.initial_from(inspection)},
        act=lambda form: services.inspection_record(inspection=inspection, actor=request.user, request=request,
                                                    **form.cleaned_data),
        message=_("%(inspection)sの実施を記録しました。確認した項目の結果と指摘事項を記録してください。") % {
            "inspection": inspection},
        done=redirect("supervision:detail", slug=slug, pk=pk),
        page="supervision/record.html", context={"contract": inspection.contract, "inspection": inspection,
                                                 "answer": answer, "seed_rules": SEED_RULES})


@login_required
@contract_post
def inspection_replan(request, slug, pk):
    inspection = inspection_for(request.user, slug, pk)
    answer = may_replan(request.user, inspection).or_403()
    if not answer:
        return _refused(request, inspection, answer.message)

    def act(form):
        done = services.inspection_replan(inspection=inspection, actor=request.user, request=request,
                                          **form.cleaned_data)
        return _("%(inspection)sの実施予定日を%(day)sに変更しました。") % {
            "inspection": done, "day": wareki(done.planned_on)}

    return form_post(
        request, ReplanForm, act=act, on_error=_on_error(request, inspection), message=lambda words: words,
        done=redirect("supervision:detail", slug=slug, pk=pk),
        page=lambda form, status: _detail_page(request, inspection, replan_form=form, status=status))


@login_required
@contract_post
def inspection_cancel(request, slug, pk):
    inspection = inspection_for(request.user, slug, pk)
    answer = may_cancel(request.user, inspection).or_403()
    if not answer:
        return _refused(request, inspection, answer.message)
    return form_post(
        request, CancelForm, on_error=_on_error(request, inspection),
        act=lambda form: services.inspection_cancel(inspection=inspection, actor=request.user, request=request,
                                                    **form.cleaned_data),
        message=_("%(inspection)sを中止しました。同じ年度に改めて計画してください。") % {"inspection": inspection},
        done=redirect("supervision:detail", slug=slug, pk=pk),
        page=lambda form, status: _detail_page(request, inspection, cancel_form=form, status=status))


@login_required
@contract_post
def result_record(request, slug, pk):
    inspection = inspection_for(request.user, slug, pk)
    answer = may_add_results(request.user, inspection).or_403()
    if not answer:
        return _refused(request, inspection, answer.message)
    return form_post(
        request, ResultForm, form_kwargs={"contract": inspection.contract}, on_error=_on_error(request, inspection),
        act=lambda form: services.result_record(inspection=inspection, actor=request.user, request=request,
                                                **form.cleaned_data),
        message=_("確認した項目の結果を記録しました。"), done=redirect("supervision:detail", slug=slug, pk=pk),
        page=lambda form, status: _detail_page(request, inspection, result_form=form, status=status))


@login_required
@contract_post
def finding_raise(request, slug, pk):
    inspection = inspection_for(request.user, slug, pk)
    answer = may_add_results(request.user, inspection).or_403()
    if not answer:
        return _refused(request, inspection, answer.message)
    return form_post(
        request, FindingForm, form_kwargs={"contract": inspection.contract},
        on_error=_on_error(request, inspection),
        act=lambda form: services.finding_raise(inspection=inspection, actor=request.user, request=request,
                                                **form.cleaned_data),
        message=lambda finding: _("%(finding)sを記録しました。対応する者の画面に表示されます。") % {"finding": finding},
        done=lambda finding: redirect(selectors.finding_url(finding)),
        page=lambda form, status: _detail_page(request, inspection, finding_form=form, status=status))


@login_required
@contract_post
def finding_respond(request, slug, pk, number):
    finding = finding_for(request.user, slug, pk, number)
    answer = may_respond(request.user, finding).or_403()
    if not answer:
        return _refused_finding(request, finding, answer.message)
    return form_post(
        request, ResponseForm, on_error=_on_finding_error(request, finding),
        act=lambda form: services.finding_respond(finding=finding, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=_("%(finding)sに回答しました。区の確認を待っています。") % {"finding": finding},
        done=redirect(selectors.finding_url(finding)),
        page=lambda form, status: _finding_page(request, finding, response_form=form, status=status))


@login_required
@contract_post
def finding_decide(request, slug, pk, number):
    finding = finding_for(request.user, slug, pk, number)
    answer = may_decide(request.user, finding).or_403()
    if not answer:
        return _refused_finding(request, finding, answer.message)
    decision = request.POST.get("decision")

    def act(form):
        if decision == "accept":
            services.finding_accept(finding=finding, actor=request.user, request=request)
            return _("%(finding)sへの回答を受理しました。対応は完了です。") % {"finding": finding}
        if decision == "return":
            services.finding_send_back(finding=finding, actor=request.user, request=request,
                                       reason=form.cleaned_data["reason"], due_on=form.cleaned_data.get("due_on"))
            return _("%(finding)sへの回答を差し戻しました。対応する者に理由が表示されます。") % {"finding": finding}
        raise DomainError(_("「受理する」か「差し戻す」を選んでください。"))

    return form_post(
        request, DecisionForm, act=act, on_error=_on_finding_error(request, finding), message=lambda words: words,
        done=redirect(selectors.finding_url(finding)),
        page=lambda form, status: _finding_page(request, finding, decision_form=form, status=status))


@login_required
@contract_get
def inspection_pdf(request, slug, pk):
    inspection = inspection_for(request.user, slug, pk)
    may_view(request.user, inspection.contract).or_403()
    filename, content_type, content = pdf.inspection_pdf(inspection)
    audit_log(action="supervision.inspection.exported", actor=request.user, contract=inspection.contract,
              obj=inspection, request=request, payload={"number": inspection.number, "format": "pdf"})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
