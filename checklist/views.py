from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.permissions import can, contract_for, contract_get, contract_methods, contract_post
from core.errors import DomainError, add_to_form

from . import exports, selectors, services
from .forms import AttestForm, PlanForm, ReviewForm
from .models import Side
from .permissions import check_side, item_for, may, side_for, visible_sides


def _plan_visible(user, contract, checklist) -> bool:
    """The ward reads its draft plan; the contractor's people see the lists once the plan is final."""
    if can(user, contract, "manage") or can(user, contract, "audit"):
        return True
    return checklist is not None and checklist.is_finalised


@login_required
@contract_get
def overview(request, slug):
    contract = contract_for(request.user, slug)
    sides = visible_sides(request.user, contract)
    views = selectors.side_views(contract, sides)
    checklist = views[0].checklist if views else None
    return render(request, "checklist/overview.html", {
        "contract": contract,
        "checklist": checklist,
        "views": views,
        "plan_visible": _plan_visible(request.user, contract, checklist),
        "can_plan": can(request.user, contract, "manage"),
        "exports": [side for side in ("ward", "contractor", "both")
                    if all(may(request.user, contract, s, "export") for s in exports.sides_of(side))],
    })


def _plan_page(request, contract, form, views, status=200):
    checklist = views[0].checklist
    return render(request, "checklist/plan.html", {
        "contract": contract, "checklist": checklist, "form": form, "views": views,
        "locked_sides": [v.side for v in views if v.state is not None and v.state.is_locked],
    }, status=status)


@login_required
@contract_methods("GET", "POST")
def plan(request, slug):
    contract = contract_for(request.user, slug, "manage")
    views = selectors.side_views(contract, [Side.WARD, Side.CONTRACTOR])
    if not views:
        messages.error(request, _("チェックリストのひな形がありません。管理者に連絡してください（migrate が必要です）。"))
        return redirect("checklist:overview", slug=slug)
    checklist = views[0].checklist
    revising = checklist is not None and checklist.is_finalised
    form = PlanForm(request.POST if request.method == "POST" else None, rows=[row for v in views for row in v.rows], side_views=views,
                    revising=revising,
                    initial_marks=selectors.previous_plan(contract) if checklist is None else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                if revising:
                    services.plan_revise(contract=contract, marks=form.marks(), actor=request.user, request=request,
                                         reason=form.cleaned_data["revision_reason"])
                else:
                    services.plan_save(contract=contract, marks=form.marks(), actor=request.user, request=request)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("計画を変更しました。新しい版として履歴に残ります。") if revising
                                 else _("計画を下書きとして保存しました。"))
                return redirect("checklist:plan", slug=slug)
        return _plan_page(request, contract, form, views, status=400)
    return _plan_page(request, contract, form, views)


@login_required
@contract_post
def plan_finalise(request, slug):
    contract = contract_for(request.user, slug, "manage")
    try:
        services.plan_finalise(contract=contract, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("checklist:plan", slug=slug)
    messages.success(request, _("計画を確定しました。個人情報保護管理運営会議への提出用に出力できます。"))
    return redirect("checklist:overview", slug=slug)


def _side_page(request, contract, side, *, failed_item=None, failed_form=None, side_error="", status=200):
    view = selectors.side_view(contract, side)
    if view is None:
        raise Http404  # no template at all: the installation has not been migrated
    checklist = view.checklist
    state = view.state
    can_attest = (may(request.user, contract, side, "attest") and checklist is not None and checklist.is_finalised
                  and state is not None and state.is_with_attester)
    can_review = may(request.user, contract, side, "review") and state is not None and state.is_submitted
    for row in view.rows:
        item = row.item
        row.attest_form = row.review_form = None
        if item is None or not item.is_planned:
            continue
        if can_attest and not item.is_accepted:
            row.attest_form = AttestForm(
                initial={"attestation": item.attestation if item.is_attested else "", "note": item.note,
                         "evidence": item.evidence},
                auto_id=f"{row.anchor}-%s",
            )
        if can_review and item.awaits_review:
            row.review_form = ReviewForm(auto_id=f"{row.anchor}-review-%s")
        if failed_item is not None and item.pk == failed_item.pk:
            if isinstance(failed_form, AttestForm):
                row.attest_form = failed_form
            else:
                row.review_form = failed_form
    return render(request, "checklist/side.html", {
        "contract": contract, "view": view, "checklist": checklist, "state": state,
        "plan_visible": _plan_visible(request.user, contract, checklist),
        "can_attest": can_attest, "can_review": can_review,
        "can_lock": may(request.user, contract, side, "review") and state is not None and state.is_accepted,
        "can_export": may(request.user, contract, side, "export"),
        "can_plan": can(request.user, contract, "manage"),
        "side_error": side_error,
    }, status=status)


@login_required
@contract_get
def side(request, slug, side):
    contract, side = side_for(request.user, slug, side)
    return _side_page(request, contract, side)


def _to_item(slug, item):
    anchor = item.template_item.anchor
    return redirect(reverse("checklist:side", kwargs={"slug": slug, "side": item.template_item.side}) + "#" + anchor)


@login_required
@contract_post
def item_attest(request, slug, pk):
    item = item_for(request.user, slug, pk, "attest")
    contract = item.checklist.contract
    anchor = item.template_item.anchor
    form = AttestForm(request.POST, auto_id=f"{anchor}-%s")
    if form.is_valid():
        try:
            services.item_attest(item=item, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(item)s の実施状況を記録しました。") % {"item": item.template_item.label})
            return _to_item(slug, item)
    return _side_page(request, contract, item.template_item.side, failed_item=item, failed_form=form, status=400)


@login_required
@contract_post
def item_review(request, slug, pk):
    item = item_for(request.user, slug, pk, "review")
    contract = item.checklist.contract
    anchor = item.template_item.anchor
    form = ReviewForm(request.POST, auto_id=f"{anchor}-review-%s")
    if form.is_valid():
        try:
            services.item_review(item=item, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(item)s を確認しました。") % {"item": item.template_item.label})
            return _to_item(slug, item)
    return _side_page(request, contract, item.template_item.side, failed_item=item, failed_form=form, status=400)


@login_required
@contract_post
def side_submit(request, slug, side):
    contract, side = side_for(request.user, slug, side, "attest")
    try:
        services.side_submit(contract=contract, side=side, actor=request.user, request=request)
    except DomainError as error:
        return _side_page(request, contract, side, side_error=error.message, status=400)
    messages.success(request, _("区に確認を依頼しました。"))
    return redirect("checklist:side", slug=slug, side=side)


@login_required
@contract_post
def side_lock(request, slug, side):
    contract, side = side_for(request.user, slug, side, "review")
    try:
        services.side_lock(contract=contract, side=side, actor=request.user, request=request)
    except DomainError as error:
        return _side_page(request, contract, side, side_error=error.message, status=400)
    messages.success(request, _("チェックリストを確定しました。以後は変更できません。"))
    return redirect("checklist:side", slug=slug, side=side)


@login_required
@contract_get
def history(request, slug):
    contract = contract_for(request.user, slug)
    sides = visible_sides(request.user, contract)
    checklist = selectors.checklist_of(contract)
    return render(request, "checklist/history.html", {
        "contract": contract, "checklist": checklist, "can_plan": can(request.user, contract, "manage"),
        "rows": selectors.history(checklist, sides) if _plan_visible(request.user, contract, checklist) else [],
    })


@login_required
@contract_get
def export(request, slug, side, fmt):
    contract = contract_for(request.user, slug)
    if side not in exports.SIDE_CHOICES or fmt not in exports.FORMATS:
        raise Http404
    for part in exports.sides_of(side):
        check_side(request.user, contract, part, "export")
    if not _plan_visible(request.user, contract, selectors.checklist_of(contract)):
        messages.info(request, _("区が計画を確定するまで出力できません。"))
        return redirect("checklist:overview", slug=slug)
    filename, content_type, content = exports.export(contract, side, fmt)
    audit_log(action="checklist.exported", actor=request.user, contract=contract, request=request,
              payload={"side": side, "format": fmt, "filename": filename})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response



