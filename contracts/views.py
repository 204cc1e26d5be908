from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.dashboard import contract_links
from core.errors import DomainError, add_to_form

from . import selectors, services
from .forms import ContractForm, DecisionForm, DesignationReportForm, MembershipGrantForm, StepForm
from .models import Contract
from .permissions import can, contract_for, contract_get, contract_post, designation_for, membership_for


@login_required
@require_safe
def contract_list(request):
    return render(request, "contracts/list.html", {
        "contracts": selectors.contract_list_for(request.user),
        "can_create": request.user.has_perm("contracts.add_contract"),
    })


@login_required
def contract_create(request):
    if not request.user.has_perm("contracts.add_contract"):
        raise PermissionDenied
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                actor=request.user, slug=form.cleaned_data["slug"], request=request, **form.service_fields()
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("契約を登録しました。"))
            return redirect("contracts:detail", slug=contract.slug)
    return render(request, "contracts/form.html", {"form": form, "contract": None})


@login_required
@contract_get
def contract_detail(request, slug):
    contract = contract_for(request.user, slug)
    return render(request, "contracts/detail.html", {
        "contract": contract,
        "steps": contract.steps.select_related("completed_by__profile"),
        "members": selectors.members_of(contract),
        "designations": selectors.designations_of(contract),
        "can_manage": can(request.user, contract, "manage"),
        "can_audit": can(request.user, contract, "audit"),
        "grant_form": MembershipGrantForm(people=selectors.ward_people()),
        "contract_links": contract_links(request.user, contract),
    })


@login_required
def contract_edit(request, slug):
    contract = contract_for(request.user, slug, "manage")
    form = ContractForm(request.POST or None, instance=contract, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(contract=Contract.objects.get(pk=contract.pk), actor=request.user,
                                     request=request, **form.service_fields())
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("契約を更新しました。"))
            return redirect("contracts:detail", slug=contract.slug)
    return render(request, "contracts/form.html", {"form": form, "contract": contract})


@login_required
@contract_post
def contract_copy(request, slug):
    contract = contract_for(request.user, slug, "manage")
    try:
        copy = services.contract_copy_to_next_year(contract=contract, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("contracts:detail", slug=contract.slug)
    messages.success(request, _("翌年度の契約を作成しました。日付と委託先の情報を確認してください。"))
    return redirect("contracts:edit", slug=copy.slug)


@login_required
@contract_post
def contract_start(request, slug):
    contract = contract_for(request.user, slug, "manage")
    try:
        services.contract_start(contract=contract, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("契約を履行中にしました。"))
    return redirect("contracts:detail", slug=contract.slug)


@login_required
@contract_post
def contract_step(request, slug):
    contract = contract_for(request.user, slug, "manage")
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("工程の指定が正しくありません。"))
    else:
        try:
            services.contract_step_set(contract=contract, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("工程の進捗を記録しました。"))
    return redirect("contracts:detail", slug=contract.slug)


@login_required
@contract_post
def membership_grant(request, slug):
    contract = contract_for(request.user, slug, "manage")
    form = MembershipGrantForm(request.POST, people=selectors.ward_people())
    if form.is_valid():
        try:
            services.membership_grant(contract=contract, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("利用者を登録しました。"))
    else:
        messages.error(request, _("職員と役割を選んでください。"))
    return redirect("contracts:detail", slug=contract.slug)


@login_required
@contract_post
def membership_revoke(request, slug, pk):
    membership = membership_for(request.user, slug, pk, "manage")
    try:
        services.membership_revoke(membership=membership, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("利用者の登録を取り消しました。"))
    return redirect("contracts:detail", slug=slug)


def _designation_page(request, contract, form=None, status=200):
    may_report = can(request.user, contract, "manage") or can(request.user, contract, "contractor_side")
    if form is None and may_report:
        form = DesignationReportForm(people=selectors.contractor_people(contract))
    return render(request, "contracts/designations.html", {
        "contract": contract,
        "designations": selectors.designations_of(contract),
        "form": form if may_report else None,
        "can_manage": can(request.user, contract, "manage"),
    }, status=status)


@login_required
@contract_get
def designations(request, slug):
    return _designation_page(request, contract_for(request.user, slug))


@login_required
@contract_post
def designation_report(request, slug):
    contract = contract_for(request.user, slug)
    if not (can(request.user, contract, "manage") or can(request.user, contract, "contractor_side")):
        raise PermissionDenied
    form = DesignationReportForm(request.POST, people=selectors.contractor_people(contract))
    if form.is_valid():
        try:
            services.designation_report(contract=contract, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("取扱者の指定を区に報告しました。区の承認後に受領等ができます。"))
            return redirect("contracts:designations", slug=slug)
    return _designation_page(request, contract, form, status=400)


def _decide(request, slug, pk, service, done_message):
    designation = designation_for(request.user, slug, pk, "manage")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(designation=designation, actor=request.user, note=note, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("contracts:designations", slug=slug)


@login_required
@contract_post
def designation_approve(request, slug, pk):
    return _decide(request, slug, pk, services.designation_approve, _("指定を承認しました。"))


@login_required
@contract_post
def designation_reject(request, slug, pk):
    return _decide(request, slug, pk, services.designation_reject, _("指定を不承認としました。"))


@login_required
@contract_post
def designation_revoke(request, slug, pk):
    return _decide(request, slug, pk, services.designation_revoke, _("指定を取り消しました。"))
