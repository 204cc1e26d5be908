"""再委託 pages: the contract's subcontracting (the declaration of none, or the applications with their state), an
application's form (new, edit: save a draft or submit), and its page with the ward's decision (approve, refuse,
send back). The handling manager uses them on a phone too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError, add_to_form
from core.posting import form_post

from . import services
from .closing import closed_refusal
from .forms import DeclarationForm, SubcontractorDecisionForm, SubcontractorForm
from .models import Subcontractor
from .permissions import (
    contract_for,
    contract_get,
    contract_methods,
    contract_post,
    may_apply_subcontractor,
    may_decide_subcontractor,
    may_declare_no_subcontracting,
    may_edit_subcontractor,
    may_view_subcontracting,
    subcontractor_for,
)

# Refusals about the application's or the contract's state: no form is left to show them on.
STATE_REFUSALS = {"not_with_submitter", "not_submitted", "closed", "declared", "has_subcontractors"}


def _list_page(request, contract, *, declare_form=None, status=200):
    may_declare = may_declare_no_subcontracting(request.user, contract)
    if may_declare and declare_form is None:
        declare_form = DeclarationForm()
    declarations = list(contract.subcontracting_declarations.select_related("declared_by__profile"))
    return render(request, "contracts/subcontracting.html", {
        "contract": contract,
        "declaration": next((d for d in declarations if d.is_current), None),
        "withdrawn": [d for d in declarations if not d.is_current],
        "applications": list(contract.subcontractors.select_related("organisation")),
        "may_declare": may_declare,
        "declare_form": declare_form if may_declare else None,
        "may_apply": may_apply_subcontractor(request.user, contract),
        "closed": closed_refusal(contract),
    }, status=status)


@login_required
@contract_get
def subcontracting(request, slug):
    contract = contract_for(request.user, slug)
    may_view_subcontracting(request.user, contract).or_403()
    return _list_page(request, contract)


@login_required
@contract_post
def subcontracting_declare(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_declare_no_subcontracting(request.user, contract).or_403()
    return form_post(
        request, DeclarationForm, allowed=answer,
        act=lambda form: services.subcontracting_declare(contract=contract, actor=request.user, request=request,
                                                         **form.cleaned_data),
        message=_("再委託なしを区に申し出ました。"), done=redirect("contracts:subcontracting", slug=slug),
        page=lambda form, status: _list_page(request, contract, declare_form=form, status=status))


def _form_page(request, contract, subcontractor, form, status):
    return render(request, "contracts/subcontractor_form.html", {
        "contract": contract, "subcontractor": subcontractor, "form": form,
    }, status=status)


def _saved_message(subcontractor) -> str:
    if subcontractor.is_submitted:
        return _("再委託先「%(name)s」の承認を区に申請しました。区の承認後に、この再委託先へ個人情報を渡せます。") % {
            "name": subcontractor.name}
    return _("再委託先「%(name)s」の申請を下書きとして保存しました。") % {"name": subcontractor.name}


@login_required
@contract_methods("GET", "POST")
def subcontractor_new(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_apply_subcontractor(request.user, contract).or_403()
    submit = request.POST.get("action") == "submit"
    return form_post(
        request, SubcontractorForm, allowed=answer,
        act=lambda form: services.subcontractor_apply(contract=contract, actor=request.user, request=request,
                                                      submit=submit, **form.service_fields()),
        message=_saved_message, done=lambda sub: redirect("contracts:subcontractor", slug=slug, pk=sub.pk),
        page=lambda form, status: _form_page(request, contract, None, form, status))


@login_required
@contract_methods("GET", "POST")
def subcontractor_edit(request, slug, pk):
    subcontractor = subcontractor_for(request.user, slug, pk)
    contract = subcontractor.contract
    answer = may_edit_subcontractor(request.user, subcontractor).or_403()
    if request.method == "GET" and not answer:
        messages.info(request, answer.message)
        return redirect("contracts:subcontractor", slug=slug, pk=pk)
    submit = request.POST.get("action") == "submit"
    return form_post(
        request, SubcontractorForm, form_kwargs={"instance": Subcontractor.objects.get(pk=subcontractor.pk)},
        allowed=answer,
        act=lambda form: services.subcontractor_update(subcontractor=subcontractor, actor=request.user,
                                                       request=request, submit=submit, **form.service_fields()),
        message=_saved_message, done=redirect("contracts:subcontractor", slug=slug, pk=pk),
        page=lambda form, status: _form_page(request, contract, subcontractor, form, status))


def _detail_page(request, subcontractor, *, decision_form=None, error="", status=200):
    user = request.user
    may_decide = may_decide_subcontractor(user, subcontractor)
    others = services.other_contractors(subcontractor) if may_decide else []
    if may_decide and decision_form is None:
        decision_form = SubcontractorDecisionForm(label=_("不承認・差戻しの理由"), others=others)
    return render(request, "contracts/subcontractor_detail.html", {
        "contract": subcontractor.contract, "subcontractor": subcontractor,
        "may_edit": may_edit_subcontractor(user, subcontractor),
        "may_decide": may_decide,
        "decision_form": decision_form if may_decide else None,
        "error": error,
        "other_contractors": others,
    }, status=status)


@login_required
@contract_get
def subcontractor_detail(request, slug, pk):
    subcontractor = subcontractor_for(request.user, slug, pk)
    may_view_subcontracting(request.user, subcontractor.contract).or_403()
    return _detail_page(request, subcontractor)


@login_required
@contract_post
def subcontractor_submit(request, slug, pk):
    subcontractor = subcontractor_for(request.user, slug, pk)
    may_edit_subcontractor(request.user, subcontractor).or_403()
    try:
        subcontractor = services.subcontractor_submit(subcontractor=subcontractor, actor=request.user,
                                                      request=request)
    except DomainError as error:
        if error.field:
            # Something is missing: the form, with the message at its field.
            form = SubcontractorForm(instance=Subcontractor.objects.get(pk=subcontractor.pk))
            add_to_form(form, error)
            return _form_page(request, subcontractor.contract, subcontractor, form, 400)
        return _detail_page(request, subcontractor, error=error.message, status=400)
    messages.success(request, _saved_message(subcontractor))
    return redirect("contracts:subcontractor", slug=slug, pk=pk)


@login_required
@contract_post
def subcontractor_decide(request, slug, pk):
    """One form, three buttons: 承認する, 不承認にする (with the reason), 差し戻す (with the reason)."""
    subcontractor = subcontractor_for(request.user, slug, pk)
    may_decide_subcontractor(request.user, subcontractor).or_403()
    decision = request.POST.get("decision")

    def act(form):
        reason = form.cleaned_data.get("reason", "")
        kwargs = {"subcontractor": subcontractor, "actor": request.user, "request": request}
        if decision == "approve":
            if reason:
                raise DomainError(_("理由が入力されています。承認する場合は理由を消してから「承認する」を押してください。"),
                                  field="reason")
            services.subcontractor_approve(same_company=bool(form.cleaned_data.get("same_company")), **kwargs)
            return _("再委託先「%(name)s」を承認しました。") % {"name": subcontractor.name}
        if decision == "refuse":
            services.subcontractor_refuse(reason=reason, **kwargs)
            return _("再委託先「%(name)s」を不承認としました。") % {"name": subcontractor.name}
        if decision == "send_back":
            services.subcontractor_send_back(reason=reason, **kwargs)
            return _("再委託先「%(name)s」の申請を差し戻しました。") % {"name": subcontractor.name}
        raise DomainError(_("「承認する」「不承認にする」「差し戻す」のいずれかを押してください。"))

    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _detail_page(request, subcontractor, error=error.message, status=400)
        return add_to_form(form, error)

    return form_post(
        request, SubcontractorDecisionForm,
        form_kwargs={"label": _("不承認・差戻しの理由"), "others": services.other_contractors(subcontractor)},
        act=act, on_error=on_error,
        message=lambda words: words, done=redirect("contracts:subcontractor", slug=slug, pk=pk),
        page=lambda form, status: _detail_page(request, subcontractor, decision_form=form, status=status))

