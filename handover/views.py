from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.services import audit_log
from contracts.permissions import can, contract_for, contract_get, contract_post
from contracts.selectors import contracts_for
from core.errors import DomainError, add_to_form

from . import exports, rules, selectors, services
from .forms import (
    AcknowledgeForm,
    CancelForm,
    HandoverForm,
    ItemForm,
    LedgerFilterForm,
    StorageCheckForm,
    StorageForm,
)
from .models import Handover
from .permissions import direction_for, handover_for, item_for

LEDGER_PAGE_SIZE = 50
RULES = {"separation": rules.SEPARATION_RULE, "hand_carry": rules.HAND_CARRY_RULE, "ledger": rules.LEDGER_RULE,
         "storage": rules.STORAGE_RULE, "periodic": rules.PERIODIC_CHECK_RULE, "designee": rules.DESIGNEE_RULE,
         "return": rules.RETURN_RULE}


# --- items ---------------------------------------------------------------------------------------


@login_required
@contract_get
def items(request, slug):
    contract = contract_for(request.user, slug)
    return render(request, "handover/items.html", {
        "contract": contract,
        "items": selectors.items_of(contract),
        "in_transit": selectors.pending_acknowledgements(contracts=[contract]),
        "can_manage": can(request.user, contract, "manage"),
        "can_receive": can(request.user, contract, "receive"),
        "rules": RULES,
    })


@login_required
def item_create(request, slug):
    contract = contract_for(request.user, slug, "manage")
    form = ItemForm(request.POST or None, contract=contract)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.item_register(contract=contract, actor=request.user, request=request,
                                              **form.cleaned_data)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("「%(item)s」を登録しました。") % {"item": item})
                return redirect("handover:item_detail", slug=slug, pk=item.pk)
        status = 400
    return render(request, "handover/item_form.html", {"contract": contract, "form": form, "rules": RULES},
                  status=status)


def _item_page(request, item, *, storage_form=None, check_form=None, status=200):
    may_hold = not item.is_in_transit and can(request.user, item.contract,
                                              "receive" if item.is_at_contractor else "manage")
    return render(request, "handover/item_detail.html", {
        "contract": item.contract,
        "item": item,
        "history": selectors.item_history(item),
        "notices": item.notices.select_related("medium_kind") if item.is_medium else [],
        "may_hold": may_hold,
        "storage_form": storage_form or StorageForm(),
        "check_form": check_form or StorageCheckForm(),
        "rules": RULES,
    }, status=status)


@login_required
@contract_get
def item_detail(request, slug, pk):
    return _item_page(request, item_for(request.user, slug, pk))


@login_required
@contract_post
def storage_record(request, slug, pk):
    item = item_for(request.user, slug, pk, "hold")
    form = StorageForm(request.POST)
    if form.is_valid():
        try:
            services.storage_record(item=item, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("保管場所を記録しました。"))
            return redirect("handover:item_detail", slug=slug, pk=pk)
    return _item_page(request, item, storage_form=form, status=400)


@login_required
@contract_post
def storage_check(request, slug, pk):
    item = item_for(request.user, slug, pk, "hold")
    form = StorageCheckForm(request.POST)
    if form.is_valid():
        try:
            services.storage_check_record(item=item, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("保管場所にあることを確認しました。"))
            return redirect("handover:item_detail", slug=slug, pk=pk)
    return _item_page(request, item, check_form=form, status=400)


# --- handovers -----------------------------------------------------------------------------------


@login_required
def handover_create(request, slug):
    contract = contract_for(request.user, slug)
    direction = direction_for(request.user, contract)
    form = HandoverForm(request.POST or None, items=selectors.eligible_items(contract, direction),
                        recipients=selectors.recipients_for(contract, direction))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                handover = services.handover_record(contract=contract, actor=request.user, direction=direction,
                                                    request=request, **form.cleaned_data)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("受渡し No.%(n)s を管理簿に記録しました。受け取った方の受領確認を待っています。")
                                 % {"n": handover.number})
                return redirect("handover:handover_detail", slug=slug, pk=handover.pk)
        status = 400
    return render(request, "handover/handover_form.html", {
        "contract": contract, "form": form, "direction": direction,
        "direction_label": Handover.Direction(direction).label, "rules": RULES,
    }, status=status)


def _handover_page(request, handover, *, ack_form=None, cancel_form=None, status=200):
    handover = selectors.handover_detail(handover)
    may_acknowledge = handover.is_in_transit and can(request.user, handover.contract, handover.receiving_action)
    return render(request, "handover/handover_detail.html", {
        "contract": handover.contract,
        "handover": handover,
        "lines": handover.lines.all(),
        "may_acknowledge": may_acknowledge,
        "may_cancel": handover.is_in_transit and handover.giver_id == request.user.pk,
        "ack_form": ack_form or AcknowledgeForm(handover=handover),
        "cancel_form": cancel_form or CancelForm(),
        "mismatches": selectors.hash_mismatches(handover) if can(request.user, handover.contract, "view") else [],
        "rules": RULES,
    }, status=status)


@login_required
@contract_get
def handover_detail(request, slug, pk):
    return _handover_page(request, handover_for(request.user, slug, pk))


@login_required
@contract_post
def handover_acknowledge(request, slug, pk):
    handover = handover_for(request.user, slug, pk, "acknowledge")
    form = AcknowledgeForm(request.POST, handover=selectors.handover_detail(handover))
    if form.is_valid():
        try:
            services.handover_acknowledge(handover=handover, actor=request.user, hashes=form.hashes(),
                                          request=request)
        except DomainError as error:
            if error.code == "already_acknowledged":
                messages.warning(request, error.message)
                return redirect("handover:handover_detail", slug=slug, pk=pk)
            add_to_form(form, error)
        else:
            messages.success(request, _("受領確認をしました。保管場所を記録してください。") if handover.is_delivery
                             else _("返却の受領確認をしました。"))
            return redirect("handover:handover_detail", slug=slug, pk=pk)
    return _handover_page(request, handover, ack_form=form, status=400)


@login_required
@contract_post
def handover_cancel(request, slug, pk):
    handover = handover_for(request.user, slug, pk, "cancel")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.handover_cancel(handover=handover, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("受渡し No.%(n)s を取り消しました。") % {"n": handover.number})
            return redirect("handover:handover_detail", slug=slug, pk=pk)
    return _handover_page(request, handover, cancel_form=form, status=400)


# --- the ledger ----------------------------------------------------------------------------------


def _ledger(request, contract):
    contracts = None if contract else contracts_for(request.user).order_by("-fiscal_year", "title")
    form = LedgerFilterForm(request.GET or None, contracts=contracts)
    filters = form.filters()
    return form, filters, selectors.ledger_for(request.user, contract=contract, **filters)


def _ledger_page(request, contract, status=200):
    form, _filters, handovers = _ledger(request, contract)
    page = Paginator(handovers, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "handover/ledger.html", {
        "contract": contract, "form": form, "page": page, "query": query.urlencode(),
        "rows": [(h, exports.acknowledgement_text(h)) for h in page], "rules": RULES,
    }, status=status)


def _filter_text(form, name, value) -> str:
    field = form.fields["contract" if name == "contract_filter" else name]
    shown = dict(field.choices).get(value, value) if name in ("category", "direction", "status") else value
    return f"{field.label}={shown}"


def _ledger_export(request, contract, fmt):
    if fmt not in exports.EXPORTERS:
        raise Http404
    form, filters, handovers = _ledger(request, contract)
    if form.is_bound and not form.is_valid():
        # A filter out of bounds (date_to=9999-12-31) is shown with its message, not dropped by exporting every row.
        return _ledger_page(request, contract, status=400)
    handovers = list(handovers)
    filters_text = "、".join(_filter_text(form, name, value) for name, value in filters.items())
    filename, content_type, content = exports.EXPORTERS[fmt](handovers, contract=contract, filters_text=filters_text)
    audit_log(action="handover.ledger.exported", actor=request.user, contract=contract, request=request,
              payload={"format": fmt, "rows": len(handovers), "filters": {k: str(v) for k, v in filters.items()}})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@contract_get
def ledger(request, slug):
    return _ledger_page(request, contract_for(request.user, slug))


@login_required
@contract_get
def ledger_export(request, slug, fmt):
    return _ledger_export(request, contract_for(request.user, slug), fmt)


@login_required
@require_safe
def ledger_all(request):
    return _ledger_page(request, None)


@login_required
@require_safe
def ledger_all_export(request, fmt):
    return _ledger_export(request, None, fmt)
