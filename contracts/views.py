from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import services as accounts_services
from contracttypes.selectors import following_steps, labels_for
from core.dashboard import contract_links, waiting_for
from core.errors import DomainError
from core.posting import form_post

from . import selectors, services
from .closing import closed_refusal, closing_blockers, last_closing
from .forms import (
    ContractForm,
    CopyForm,
    DecisionForm,
    DesignationReportForm,
    MembershipGrantForm,
    NewPersonForm,
    StartForm,
    StepCompleteForm,
    StepReopenForm,
)
from .models import Contract, ContractStep
from .permissions import (
    can,
    contract_for,
    contract_get,
    contract_methods,
    contract_post,
    designation_for,
    may_copy_to_next_year,
    may_create_contract,
    may_decide_designation,
    may_edit_contract,
    may_grant_membership,
    may_record_steps,
    may_report_designation,
    may_resend_enrolment,
    may_revoke_designation,
    may_revoke_membership,
    may_start_contract,
    membership_for,
)
from .services.steps import follows_records_text


@login_required
@require_safe
def home(request):
    """The site's home page (core:dashboard): the person's contracts and what waits for them in every app."""
    return render(request, "contracts/home.html", {
        "contracts": list(selectors.contract_list_for(request.user)),
        "waiting": waiting_for(request.user),
    })


@login_required
@require_safe
def contract_list(request):
    return render(request, "contracts/list.html", {
        "contracts": selectors.contract_list_for(request.user),
        "can_create": may_create_contract(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request):
    may_create_contract(request.user).or_403()
    # A form sent back answers 200 here, as it always has.
    return form_post(
        request, ContractForm, form_kwargs={"user": request.user}, invalid_status=200,
        act=lambda form: services.contract_create(actor=request.user, request=request, **form.service_fields()),
        message=_("契約を登録しました。"), done=lambda contract: redirect("contracts:detail", slug=contract.slug),
        page="contracts/form.html", context={"contract": None})


@login_required
@contract_get
def contract_detail(request, slug):
    contract = contract_for(request.user, slug)
    can_manage = can(request.user, contract, "manage")
    return render(request, "contracts/detail.html", {
        "contract": contract,
        "steps": _labelled(contract, selectors.steps_with_history(contract)),
        "members": selectors.members_of(contract),
        "designations": selectors.designations_of(contract),
        "can_manage": can_manage,
        "can_audit": can(request.user, contract, "audit"),
        "blockers": closing_blockers(contract) if contract.is_past_end else [],
        "closing": last_closing(contract) if contract.is_closed else None,
        "start_warning": services.early_start_warning(contract) if contract.status == Contract.Status.DRAFT else "",
        "grant_form": MembershipGrantForm(people=selectors.ward_people()),
        "may_grant": may_grant_membership(request.user, contract),
        "may_start": may_start_contract(request.user, contract),
        "may_copy": may_copy_to_next_year(request.user, contract),
        "may_record_steps": may_record_steps(request.user, contract),
        "contract_links": contract_links(request.user, contract),
    })


@login_required
@contract_methods("GET", "POST")
def contract_edit(request, slug):
    contract = contract_for(request.user, slug)
    may_edit_contract(request.user, contract).or_403()
    # A form sent back answers 200 here, as it always has.
    return form_post(
        request, ContractForm, form_kwargs={"instance": contract, "user": request.user}, invalid_status=200,
        act=lambda form: services.contract_update(contract=Contract.objects.get(pk=contract.pk), actor=request.user,
                                                  request=request, **form.service_fields()),
        message=_("契約を更新しました。"), done=redirect("contracts:detail", slug=contract.slug),
        page="contracts/form.html", context={"contract": contract})


@login_required
@contract_methods("GET", "POST")
def contract_copy(request, slug):
    """First what the copy carries, then the copy of exactly what was ticked."""
    contract = contract_for(request.user, slug)
    may_copy_to_next_year(request.user, contract).or_403()
    preview = selectors.copy_preview(contract)
    return form_post(
        request, CopyForm, form_kwargs={"preview": preview},
        act=lambda form: services.contract_copy_to_next_year(contract=contract, actor=request.user, request=request,
                                                             **form.selection()),
        message=_("翌年度の契約を作成しました。日付と委託先の情報を確認してください。"),
        done=lambda copy: redirect("contracts:edit", slug=copy.slug),
        page="contracts/copy.html", context={"contract": contract, "preview": preview})


@login_required
@contract_methods("GET", "POST")
def contract_start(request, slug):
    """履行開始, on a page that says how early it is when it is a month or more before the start date."""
    contract = contract_for(request.user, slug)
    may_start_contract(request.user, contract).or_403()
    if contract.status != Contract.Status.DRAFT:
        messages.info(request, _("この契約は「%(status)s」です。") % {"status": contract.state_label})
        return redirect("contracts:detail", slug=slug)
    warning = services.early_start_warning(contract)
    return form_post(
        request, StartForm, form_kwargs={"warning": warning},
        act=lambda form: services.contract_start(contract=contract, actor=request.user, request=request,
                                                 confirm_early=form.cleaned_data.get("confirm_early", False)),
        message=_("契約を履行中にしました。"), done=redirect("contracts:detail", slug=slug),
        page="contracts/start.html", context={"contract": contract, "warning": warning})


def _labelled(contract, rows, only: int | None = None) -> list[ContractStep]:
    """The contract's steps in its type's order, with their words (``label``) and how each is completed
    (``follows``). A step an administrator added to the type after the contract was made has no row yet: it is
    shown 未了 (its row is made when it is completed); a step taken out of the type is not shown."""
    labels, following = labels_for(contract), following_steps(contract)
    by_step = {row.step: row for row in rows}
    shown = []
    for number, label in labels.items():
        if only is not None and number != only:
            continue
        row = by_step.get(number)
        if row is None:
            row = ContractStep(contract=contract, step=number)
            row.history = []
        row.label, row.follows = label, following.get(number, "")
        shown.append(row)
    return shown


def _step_row(contract, step: int) -> ContractStep:
    rows = _labelled(contract, selectors.steps_with_history(contract).filter(step=step), only=step)
    if not rows:
        raise Http404
    return rows[0]


def _step_page(request, contract, row, *, form, action, status=200):
    return render(request, "contracts/step.html", {
        "contract": contract, "row": row, "form": form, "action": action,
    }, status=status)


def _back_to_steps(slug, step):
    return redirect(reverse("contracts:detail", kwargs={"slug": slug}) + f"#step-{step}")


def _follows_records(request, contract):
    """The steps that follow the records (the seed's ④–⑥) are never ticked by hand: they follow the report,
    the returns and the measures."""
    messages.info(request, follows_records_text(following_steps(contract)))
    return redirect("yearend:report", slug=contract.slug)


@login_required
@contract_methods("GET", "POST")
def step_complete(request, slug, step):
    contract = contract_for(request.user, slug)
    may_record_steps(request.user, contract).or_403()
    row = _step_row(contract, step)
    if row.follows:
        return _follows_records(request, contract)
    if request.method == "GET" and (row.is_done or contract.is_closed):
        messages.info(request, _("この工程はすでに完了です。") if row.is_done else closed_refusal(contract))
        return _back_to_steps(slug, step)
    return form_post(
        request, StepCompleteForm,
        act=lambda form: services.contract_step_complete(contract=contract, step=step, actor=request.user,
                                                         request=request, **form.cleaned_data),
        message=_("「%(step)s」を完了として記録しました。") % {"step": row.label},
        done=_back_to_steps(slug, step),
        page=lambda form, status: _step_page(request, contract, row, form=form, action="complete", status=status))


@login_required
@contract_methods("GET", "POST")
def step_reopen(request, slug, step):
    """未了に戻す asks for a reason and shows what will be undone; the record stays in the history."""
    contract = contract_for(request.user, slug)
    may_record_steps(request.user, contract).or_403()
    row = _step_row(contract, step)
    if row.follows:
        return _follows_records(request, contract)
    if request.method == "GET" and (not row.is_done or contract.is_closed):
        messages.info(request, _("この工程は未了です。") if not row.is_done else closed_refusal(contract))
        return _back_to_steps(slug, step)
    return form_post(
        request, StepReopenForm,
        act=lambda form: services.contract_step_reopen(contract=contract, step=step, actor=request.user,
                                                       request=request, reason=form.cleaned_data["reason"]),
        message=_("「%(step)s」を未了に戻しました。") % {"step": row.label},
        done=_back_to_steps(slug, step),
        page=lambda form, status: _step_page(request, contract, row, form=form, action="reopen", status=status))


@login_required
@contract_post
def membership_grant(request, slug):
    contract = contract_for(request.user, slug)
    may_grant_membership(request.user, contract).or_403()
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
    membership = membership_for(request.user, slug, pk, "view")
    may_revoke_membership(request.user, membership).or_403()
    try:
        services.membership_revoke(membership=membership, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("利用者の登録を取り消しました。"))
    return redirect("contracts:detail", slug=slug)


def _designation_rows(user, designations):
    """Each designation with what ``user`` may do with it, and for a person reported as new, where their
    account stands."""
    rows = list(designations)
    for d in rows:
        d.may_decide = may_decide_designation(user, d)
        d.may_revoke = may_revoke_designation(user, d)
        d.awaits_enrolment = d.new_account and accounts_services.awaits_enrolment(d.user)
        d.invitation = accounts_services.latest_invitation(d.user) if d.awaits_enrolment else None
        d.may_resend = may_resend_enrolment(user, d)
    return rows


def _designation_page(request, contract, *, form=None, new_form=None, failed=None, status=200):
    may_report = may_report_designation(request.user, contract)
    can_manage = can(request.user, contract, "manage")
    if may_report:
        form = form or DesignationReportForm(people=selectors.contractor_people(contract))
        new_form = new_form or NewPersonForm(organisations=selectors.receiving_organisations(contract))
    return render(request, "contracts/designations.html", {
        "contract": contract,
        "designations": _designation_rows(request.user, selectors.designations_of(contract)),
        "form": form if may_report else None,
        "new_form": new_form if may_report else None,
        "can_manage": can_manage,
        "closed": closed_refusal(contract),
        # HR enters a report the contractor made on paper; the contractor reports to the ward.
        "entering_for_contractor": can_manage,
        "may_see_addresses": may_report,
        "failed": failed,
    }, status=status)


@login_required
@contract_get
def designations(request, slug):
    return _designation_page(request, contract_for(request.user, slug))


@login_required
@contract_post
def designation_report(request, slug):
    contract = contract_for(request.user, slug)
    if not may_report_designation(request.user, contract):
        # Refused for any reason, a closed contract included: 403, as the page offers no form.
        raise PermissionDenied
    return form_post(
        request, DesignationReportForm, form_kwargs={"people": selectors.contractor_people(contract)},
        act=lambda form: services.designation_report(contract=contract, actor=request.user, request=request,
                                                     **form.cleaned_data),
        message=lambda _result: (_("指定を登録しました。") if can(request.user, contract, "manage")
                                 else _("取扱者の指定を区に報告しました。区の承認後に受領等ができます。")),
        done=redirect("contracts:designations", slug=slug),
        page=lambda form, status: _designation_page(request, contract, form=form, status=status))


@login_required
@contract_post
def designation_report_new_person(request, slug):
    contract = contract_for(request.user, slug)
    if not may_report_designation(request.user, contract):
        # Refused for any reason, a closed contract included: 403, as the page offers no form.
        raise PermissionDenied
    return form_post(
        request, NewPersonForm, form_kwargs={"organisations": selectors.receiving_organisations(contract)},
        act=lambda form: services.designation_report_new_person(contract=contract, actor=request.user,
                                                                request=request, **form.cleaned_data),
        message=lambda _result: (_("新しい方の指定を登録しました。承認すると、本人に利用開始の案内メールが届きます。")
                                 if can(request.user, contract, "manage")
                                 else _("新しい方の指定を区に報告しました。区が承認すると、本人に利用開始の案内メールが"
                                        "届きます。")),
        done=redirect("contracts:designations", slug=slug),
        page=lambda form, status: _designation_page(request, contract, new_form=form, status=status))


def _decide(request, slug, pk, may, service, done_message):
    designation = designation_for(request.user, slug, pk)
    may(request.user, designation).or_403()
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # Never act on a part of what was sent: an over-long note refuses the whole decision.
        message = " ".join(form.errors["note"])
        return _designation_page(request, designation.contract, failed={"pk": designation.pk, "message": message},
                                 status=400)
    try:
        service(designation=designation, actor=request.user, note=form.cleaned_data["note"], request=request)
    except DomainError as error:
        return _designation_page(request, designation.contract,
                                 failed={"pk": designation.pk, "message": error.message}, status=400)
    messages.success(request, done_message(designation) if callable(done_message) else done_message)
    return redirect("contracts:designations", slug=slug)


def _approved_message(designation) -> str:
    if designation.new_account:
        return _("指定を承認しました。本人に利用開始の案内メール（72時間有効のリンク）を送りました。")
    return _("指定を承認しました。")


@login_required
@contract_post
def designation_approve(request, slug, pk):
    return _decide(request, slug, pk, may_decide_designation, services.designation_approve, _approved_message)


@login_required
@contract_post
def designation_reject(request, slug, pk):
    return _decide(request, slug, pk, may_decide_designation, services.designation_reject, _("指定を不承認としました。"))


@login_required
@contract_post
def designation_revoke(request, slug, pk):
    return _decide(request, slug, pk, may_revoke_designation, services.designation_revoke, _("指定を取り消しました。"))


@login_required
@contract_post
def designation_resend_enrolment(request, slug, pk):
    designation = designation_for(request.user, slug, pk)
    may_resend_enrolment(request.user, designation).or_403()
    try:
        services.designation_resend_enrolment(designation=designation, actor=request.user, request=request)
    except DomainError as error:
        return _designation_page(request, designation.contract,
                                 failed={"pk": designation.pk, "message": error.message}, status=400)
    messages.success(request, _("利用開始の案内メールを送り直しました。前の案内のリンクは使えなくなりました。"))
    return redirect("contracts:designations", slug=slug)
