from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_log
from contracts.closing import closed_refusal
from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from core.errors import DomainError
from core.posting import form_post

from . import exports, selectors, services
from .forms import ATTEST_FORM_ID, PlanForm, ReviewForm, SideAttestForm
from .models import ChecklistItem, Mark, Side
from .permissions import (
    check_side,
    item_for,
    may_attest_item,
    may_on_side,
    may_plan,
    may_request_evidence,
    may_review_item,
    may_see_plan,
    side_for,
    visible_sides,
)


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
        "plan_visible": may_see_plan(request.user, contract, checklist),
        "can_plan": may_plan(request.user, contract),
        "exports": [side for side in ("ward", "contractor", "both")
                    if all(may_on_side(request.user, contract, s, "export") for s in exports.sides_of(side))],
    })


def _plan_page(request, contract, form, views, status=200):
    checklist = views[0].checklist
    return render(request, "checklist/plan.html", {
        "contract": contract, "checklist": checklist, "form": form, "views": views,
        "locked_sides": [v.side for v in views if v.state is not None and v.state.is_locked],
        "closed": closed_refusal(contract),
    }, status=status)


@login_required
@contract_methods("GET", "POST")
def plan(request, slug):
    contract = contract_for(request.user, slug)
    may_plan(request.user, contract).or_403()
    views = selectors.side_views(contract, [Side.WARD, Side.CONTRACTOR])
    if not views:
        messages.error(request, _("チェックリストのひな形がありません。管理者に連絡してください（migrate が必要です）。"))
        return redirect("checklist:overview", slug=slug)
    checklist = views[0].checklist
    revising = checklist is not None and checklist.is_finalised

    def act(form):
        if revising:
            services.plan_revise(contract=contract, marks=form.marks(), actor=request.user, request=request,
                                 reason=form.cleaned_data["revision_reason"])
        else:
            services.plan_save(contract=contract, marks=form.marks(), actor=request.user, request=request)

    return form_post(
        request, PlanForm, act=act,
        form_kwargs={"rows": [row for v in views for row in v.rows], "revising": revising,
                     "initial_marks": selectors.previous_plan(contract) if checklist is None else None},
        message=_("計画を変更しました。新しい版として履歴に残ります。") if revising else _("計画を下書きとして保存しました。"),
        done=redirect("checklist:plan", slug=slug),
        page=lambda form, status: _plan_page(request, contract, form, views, status=status))


@login_required
@contract_post
def plan_finalise(request, slug):
    contract = contract_for(request.user, slug)
    may_plan(request.user, contract).or_403()
    try:
        services.plan_finalise(contract=contract, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("checklist:plan", slug=slug)
    messages.success(request, _("計画を確定しました。個人情報保護管理運営会議への提出用に出力できます。"))
    return redirect("checklist:overview", slug=slug)


def _side_page(request, contract, side, *, attest_form=None, review_failed=None, side_error="", status=200):
    """The side's page. ``attest_form``: the side's attestations as posted and refused; ``review_failed``:
    (item, form) of a refused review."""
    view = selectors.side_view(contract, side)
    if view is None:
        raise Http404  # no template at all: the installation has not been migrated
    checklist = view.checklist
    state = view.state
    user = request.user
    may_attest_side = may_on_side(user, contract, side, "attest") and checklist is not None
    side_items = view.items
    if attest_form is None and may_attest_side:
        attest_form = SideAttestForm(items=side_items)
    review_rows = []
    requests = selectors.evidence_requests_by_item(contract) if checklist is not None else {}
    for row in view.rows:
        item = row.item
        row.requests = requests.get(item.pk, []) if item is not None else []
        # The same helpers the services ask: a form exactly where the action would be accepted.
        row.attestable = may_attest_side and item is not None and may_attest_item(user, checklist, state, item)
        row.attest_fields = attest_form.fields_of(item) if row.attestable else None
        row.attest_errors = attest_form.item_errors.get(item.pk, []) if attest_form is not None and item else []
        row.review_form = None
        if item is not None and checklist is not None and may_review_item(user, checklist, state, item):
            row.review_form = ReviewForm(auto_id=f"{row.anchor}-review-%s")
            review_rows.append(row)
        if review_failed is not None and item is not None and item.pk == review_failed[0].pk:
            row.review_form = review_failed[1]
    can_attest = any(row.attestable for row in view.rows)
    # On a phone the 48 items run to 13,000px: while something still needs doing, the items settled (accepted,
    # or ー) show only their number and text, unless the person asks for everything (?all=1).
    settled = sum(1 for row in view.rows if row.item is not None and (row.item.is_accepted or row.item.is_not_needed))
    open_items = sum(1 for row in view.rows if row.item is not None and row.item.is_planned
                     and not row.item.is_accepted)
    candidates = services.accept_all_candidates(side_items) if review_rows else []
    return render(request, "checklist/side.html", {
        "contract": contract, "view": view, "checklist": checklist, "state": state,
        "plan_visible": may_see_plan(user, contract, checklist),
        "can_attest": can_attest, "attest_form": attest_form if can_attest else None,
        "attest_form_id": ATTEST_FORM_ID,
        "attest_problems": attest_form.problems() if attest_form is not None and attest_form.is_bound else [],
        "can_submit": may_on_side(user, contract, side, "attest") and state is not None and state.is_with_submitter
        and checklist is not None and checklist.is_finalised,
        "can_review": bool(review_rows),
        "accept_all": [(item.pk, services.attestation_version(item)) for item in candidates],
        "left_for_review": len(review_rows) - len(candidates),
        "can_lock": may_on_side(user, contract, side, "review") and state is not None and state.is_accepted,
        "can_export": may_on_side(user, contract, side, "export"),
        "can_plan": may_plan(user, contract),
        "can_request": may_request_evidence(user, contract),
        "side_error": side_error,
        "settled": settled if open_items else 0,
        "collapse_settled": bool(settled and open_items) and request.GET.get("all") != "1",
    }, status=status)


@login_required
@contract_get
def side(request, slug, side):
    contract, side = side_for(request.user, slug, side)
    return _side_page(request, contract, side)


def _to_item(slug, item):
    anchor = item.template_item.anchor
    return redirect(reverse("checklist:side", kwargs={"slug": slug, "side": item.template_item.side}) + "#" + anchor)


def _save_attestations(request, contract, side):
    """Save what the side's form holds. Returns (number saved, None) or (None, the page with the errors)."""
    view = selectors.side_view(contract, side, with_evidence=False)
    if view is None or view.checklist is None:
        return None, _side_page(request, contract, side, status=400,
                                side_error=_("区が計画を確定するまで、実施状況は記入できません。"))
    form = SideAttestForm(request.POST, items=view.items)
    if not form.is_valid():
        return None, _side_page(request, contract, side, attest_form=form, status=400,
                                side_error=_("入力内容を確認してください。保存された項目はありません。"))
    try:
        saved = services.side_attest(contract=contract, side=side, entries=form.entries(), actor=request.user,
                                     request=request)
    except services.ItemErrors as error:
        by_pk = {item.pk: item for item in view.items}
        for pk, item_error in error.errors.items():
            form.add_item_error(by_pk[pk], item_error.field, str(item_error.message))
        return None, _side_page(request, contract, side, attest_form=form, side_error=error.message, status=400)
    except DomainError as error:
        return None, _side_page(request, contract, side, attest_form=form, side_error=error.message, status=400)
    return len(saved), None


def _saved_message(request, count: int) -> None:
    if count:
        messages.success(request, ngettext("%(n)s件の実施状況を保存しました。", "%(n)s件の実施状況を保存しました。",
                                           count) % {"n": count})


@login_required
@contract_post
def side_attest(request, slug, side):
    contract, side = side_for(request.user, slug, side, "attest")
    saved, page = _save_attestations(request, contract, side)
    if page is not None:
        return page
    if saved:
        _saved_message(request, saved)
    else:
        messages.info(request, _("記入・変更された項目はありませんでした。"))
    return redirect("checklist:side", slug=slug, side=side)


@login_required
@contract_post
def side_submit(request, slug, side):
    """Ask the ward to review; what the side's form holds is saved first, so nothing typed is lost."""
    contract, side = side_for(request.user, slug, side, "attest")
    saved, page = _save_attestations(request, contract, side)
    if page is not None:
        return page
    _saved_message(request, saved)
    try:
        services.side_submit(contract=contract, side=side, actor=request.user, request=request)
    except DomainError as error:
        return _side_page(request, contract, side, side_error=error.message, status=400)
    messages.success(request, _("区に確認を依頼しました。"))
    return redirect("checklist:side", slug=slug, side=side)


@login_required
@contract_post
def item_review(request, slug, pk):
    item = item_for(request.user, slug, pk, "review")
    contract = item.checklist.contract
    anchor = item.template_item.anchor

    def act(form):
        services.item_review(item=item, actor=request.user, request=request, **form.cleaned_data)
        return form.cleaned_data["decision"]

    return form_post(
        request, ReviewForm, act=act, form_kwargs={"auto_id": f"{anchor}-review-%s"},
        message=lambda decision: (_("%(item)s を差し戻しました。") if decision == ChecklistItem.Review.RETURNED
                                  else _("%(item)s を確認済みにしました。")) % {"item": item.template_item.label},
        done=_to_item(slug, item),
        page=lambda form, status: _side_page(request, contract, item.template_item.side,
                                             review_failed=(item, form), status=status))


def _shown(values) -> dict[int, str] | None:
    """The items a page listed for accept-all, posted back as ``<pk>@<version>``; None if garbled."""
    shown = {}
    for value in values:
        pk, separator, version = value.partition("@")
        # isascii(): 「፩」 is a digit to isdigit() but int() refuses it.
        if not separator or not (pk.isascii() and pk.isdigit()) or len(value) > 100:
            return None
        shown[int(pk)] = version
    return shown


@login_required
@contract_post
def side_accept_all(request, slug, side):
    contract, side = side_for(request.user, slug, side, "review")
    shown = _shown(request.POST.getlist("shown"))
    try:
        if not shown:
            raise DomainError(_("まとめて確認済みにする項目が送られてきませんでした。画面を開き直してください。"))
        accepted = services.side_accept_all(contract=contract, side=side, shown=shown, actor=request.user,
                                            request=request)
    except DomainError as error:
        return _side_page(request, contract, side, side_error=error.message, status=400)
    left = ChecklistItem.objects.filter(checklist__contract=contract, template_item__side=side,
                                        review=ChecklistItem.Review.NONE, mark=Mark.PLANNED) \
        .exclude(attestation=ChecklistItem.Attestation.BLANK).count()
    message = ngettext("%(n)s件を確認済みにしました。", "%(n)s件を確認済みにしました。", len(accepted)) % {"n": len(accepted)}
    if left:
        message += ngettext("残りの%(n)s件（未実施・要確認）は1件ずつ確認してください。",
                            "残りの%(n)s件（未実施・要確認）は1件ずつ確認してください。", left) % {"n": left}
    messages.success(request, message)
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
        "contract": contract, "checklist": checklist, "can_plan": may_plan(request.user, contract),
        "rows": selectors.history(checklist, sides) if may_see_plan(request.user, contract, checklist) else [],
    })


@login_required
@contract_get
def export(request, slug, side, fmt):
    contract = contract_for(request.user, slug)
    if side not in exports.SIDE_CHOICES or fmt not in exports.FORMATS:
        raise Http404
    for part in exports.sides_of(side):
        check_side(request.user, contract, part, "export")
    if not may_see_plan(request.user, contract, selectors.checklist_of(contract)):
        messages.info(request, _("区が計画を確定するまで出力できません。"))
        return redirect("checklist:overview", slug=slug)
    filename, content_type, content = exports.export(contract, side, fmt)
    audit_log(action="checklist.exported", actor=request.user, contract=contract, request=request,
              payload={"side": side, "format": fmt, "filename": filename})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response



