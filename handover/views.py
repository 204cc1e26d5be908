from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.formatting import person_name
from audit.services import audit_log
from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from contracts.selectors import contracts_for
from contracttypes.parts import uses
from core.errors import DomainError, add_to_form
from core.posting import form_post

from . import exports, permissions, rules, selectors, services
from .forms import (
    AcknowledgeForm,
    CancelForm,
    HandoverForm,
    ItemForm,
    LedgerFilterForm,
    StorageCheckForm,
    StorageForm,
    TransferAcknowledgeForm,
    TransferForm,
)
from .models import Handover
from .permissions import direction_for, handover_for, item_for, may_acknowledge, may_cancel, may_store

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
        "may_register": permissions.may_register(request.user, contract),
        "may_deliver": permissions.may_record(request.user, contract, Handover.Direction.DELIVERY),
        "may_return": permissions.may_record(request.user, contract, Handover.Direction.RETURN),
        "rules": RULES,
    })


@login_required
@contract_methods("GET", "POST")
def item_create(request, slug):
    contract = contract_for(request.user, slug)
    answer = permissions.may_register(request.user, contract).or_403()
    return form_post(
        request, ItemForm, form_kwargs={"contract": contract}, allowed=answer,
        act=lambda form: services.item_register(contract=contract, actor=request.user, request=request,
                                                **form.cleaned_data),
        message=lambda item: _("「%(item)s」を登録しました。") % {"item": item},
        done=lambda item: redirect("handover:item_detail", slug=slug, pk=item.pk),
        page="handover/item_form.html", context={"contract": contract, "rules": RULES, "answer": answer})


def _item_page(request, item, *, storage_form=None, check_form=None, status=200):
    return render(request, "handover/item_detail.html", {
        "contract": item.contract,
        "item": item,
        "history": selectors.item_history(item),
        "notices": item.notices.select_related("medium_kind") if item.is_medium else [],
        "may_store": may_store(request.user, item),
        "show_sha256": permissions.may_see_expected_hash(request.user, item),
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
    item = item_for(request.user, slug, pk)
    may_store(request.user, item).or_403()
    return form_post(
        request, StorageForm,
        act=lambda form: services.storage_record(item=item, actor=request.user, request=request,
                                                 **form.cleaned_data),
        message=_("保管場所を記録しました。"), done=redirect("handover:item_detail", slug=slug, pk=pk),
        page=lambda form, status: _item_page(request, item, storage_form=form, status=status))


@login_required
@contract_post
def storage_check(request, slug, pk):
    item = item_for(request.user, slug, pk)
    may_store(request.user, item).or_403()
    return form_post(
        request, StorageCheckForm,
        act=lambda form: services.storage_check_record(item=item, actor=request.user, request=request,
                                                       **form.cleaned_data),
        message=_("保管場所にあることを確認しました。"), done=redirect("handover:item_detail", slug=slug, pk=pk),
        page=lambda form, status: _item_page(request, item, check_form=form, status=status))


# --- handovers -----------------------------------------------------------------------------------


@login_required
@contract_methods("GET", "POST")
def handover_create(request, slug):
    contract = contract_for(request.user, slug)
    direction = direction_for(request.user, contract)
    answer = permissions.may_record(request.user, contract, direction)
    on_behalf = direction == Handover.Direction.RETURN and bool(
        permissions.may_return_on_behalf(request.user, contract))
    items = selectors.eligible_items(contract, direction, request.user)
    # A dashboard reminder names the item to hand over (?item=): it starts ticked.
    chosen = [item.pk for item in items if str(item.pk) == request.GET.get("item")]
    return form_post(
        request, HandoverForm, allowed=answer,
        form_kwargs={"items": items, "recipients": selectors.recipients_for(contract, direction),
                     "on_behalf": on_behalf, "initial": {"items": chosen}},
        act=lambda form: services.handover_record(contract=contract, actor=request.user, direction=direction,
                                                  request=request, **form.cleaned_data),
        message=lambda handover: _("受渡し No.%(n)s を管理簿に記録しました。受け取った方の受領確認を待っています。")
        % {"n": handover.number},
        done=lambda handover: redirect("handover:handover_detail", slug=slug, pk=handover.pk),
        page="handover/handover_form.html", context={
            "contract": contract, "direction": direction, "answer": answer,
            "direction_label": Handover.Direction(direction).label, "rules": RULES,
        })


def _handover_page(request, handover, *, ack_form=None, cancel_form=None, status=200):
    contract = handover.contract
    handover = selectors.handover_detail(handover)
    handover.contract = contract  # keeps the roles contract_for read for this request
    acknowledge = may_acknowledge(request.user, handover)
    lines = list(handover.lines.all())
    # What the message after acknowledging asks for, offered where it is done: each item received whose
    # storage place is not recorded yet, to the people who may record it.
    to_store = [line.item for line in lines if handover.is_delivery and handover.is_acknowledged
                and line.item.is_at_contractor and line.item.storage_id is None and may_store(request.user, line.item)]
    return render(request, "handover/handover_detail.html", {
        "contract": contract,
        "handover": handover,
        "lines": [(line, permissions.may_see_expected_hash(request.user, line.item)) for line in lines],
        "row": exports.ledger_row(handover),
        "may_acknowledge": acknowledge,
        "may_cancel": may_cancel(request.user, handover),
        "ack_form": ack_form or AcknowledgeForm(handover=handover, on_behalf_of=acknowledge.on_behalf_of),
        "cancel_form": cancel_form or CancelForm(),
        "mismatches": [(entry, person_name(entry.actor)) for entry in selectors.hash_mismatches(handover)],
        "to_store": to_store,
        "rules": RULES,
    }, status=status)


def _refused(request, handover, error: DomainError):
    """A refusal about the handover's state (acknowledged already, cancelled, …): the form it came from
    is no longer on the page, so the message goes at the top of it."""
    messages.error(request, error.message)
    return _handover_page(request, handover, status=400)


# Refusals that leave no form to show them on: the handover is no longer waiting for this.
STATE_REFUSALS = {"already_acknowledged", "already_cancelled", "cancelled", "closed"}


def _on_error(request, handover):
    """A refusal about the handover's state answers without the form; any other goes on the form."""
    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _refused(request, handover, error)
        return add_to_form(form, error)
    return on_error


@login_required
@contract_get
def handover_detail(request, slug, pk):
    return _handover_page(request, handover_for(request.user, slug, pk))


@login_required
@contract_post
def handover_acknowledge(request, slug, pk):
    handover = handover_for(request.user, slug, pk)
    answer = may_acknowledge(request.user, handover).or_403()
    if not answer:
        return _refused(request, handover, DomainError(answer.message, code=answer.code))
    return form_post(
        request, AcknowledgeForm,
        form_kwargs={"handover": selectors.handover_detail(handover), "on_behalf_of": answer.on_behalf_of},
        act=lambda form: services.handover_acknowledge(handover=handover, actor=request.user, request=request,
                                                       **form.service_arguments()),
        on_error=_on_error(request, handover),
        message=_("受領確認をしました。保管場所を記録してください。") if handover.is_delivery
        else _("返却の受領確認をしました。"),
        done=redirect("handover:handover_detail", slug=slug, pk=pk),
        page=lambda form, status: _handover_page(request, handover, ack_form=form, status=status))


@login_required
@contract_post
def handover_cancel(request, slug, pk):
    handover = handover_for(request.user, slug, pk)
    answer = may_cancel(request.user, handover).or_403()
    if not answer:
        return _refused(request, handover, DomainError(answer.message, code=answer.code))
    return form_post(
        request, CancelForm,
        act=lambda form: services.handover_cancel(handover=handover, actor=request.user, request=request,
                                                  **form.cleaned_data),
        on_error=_on_error(request, handover),
        message=_("受渡し No.%(n)s を取り消しました。") % {"n": handover.number},
        done=redirect("handover:handover_detail", slug=slug, pk=pk),
        page=lambda form, status: _handover_page(request, handover, cancel_form=form, status=status))


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
        "rows": [(h, exports.ledger_row(h)) for h in page], "rules": RULES,
        # A contract whose data goes over LGWAN lists its transfers too (no query for any other contract).
        "transfers": selectors.transfers_of(contract) if contract and uses(contract, "online_transfer") else None,
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


# --- online transfers (LGWAN instead of media) ------------------------------------------------------


def _transfers_page(request, contract, *, form=None, status=200):
    answer = permissions.may_record_transfer(request.user, contract)
    if form is None and answer:
        form = TransferForm(recipients=permissions.recipients(contract, Handover.Direction.DELIVERY))
    return render(request, "handover/transfers.html", {
        "contract": contract,
        "transfers": selectors.transfers_of(contract),
        "used": permissions.online_transfer_used(contract),
        "may_record": answer,
        "form": form,
    }, status=status)


@login_required
@contract_methods("GET", "POST")
def transfers(request, slug):
    """送信（LGWAN等）: the files sent to the contractor, and for HR the form to record one."""
    contract = contract_for(request.user, slug)
    if request.method != "POST":
        return _transfers_page(request, contract)
    answer = permissions.may_record_transfer(request.user, contract).or_403()
    return form_post(
        request, TransferForm, allowed=answer,
        form_kwargs={"recipients": permissions.recipients(contract, Handover.Direction.DELIVERY)},
        act=lambda form: services.transfer_record(contract=contract, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=lambda transfer: _("送信 No.%(n)s を記録しました。受信者が受信確認をします。") % {"n": transfer.number},
        done=lambda transfer: redirect("handover:transfer_detail", slug=slug, pk=transfer.pk),
        page=lambda form, status: _transfers_page(request, contract, form=form, status=status))


def _transfer_page(request, transfer, *, form=None, status=200):
    answer = permissions.may_acknowledge_transfer(request.user, transfer)
    return render(request, "handover/transfer_detail.html", {
        "contract": transfer.contract,
        "transfer": transfer,
        "may_acknowledge": answer,
        "form": form or TransferAcknowledgeForm(),
    }, status=status)


@login_required
@contract_get
def transfer_detail(request, slug, pk):
    return _transfer_page(request, permissions.transfer_for(request.user, slug, pk))


@login_required
@contract_post
def transfer_acknowledge(request, slug, pk):
    transfer = permissions.transfer_for(request.user, slug, pk)
    answer = permissions.may_acknowledge_transfer(request.user, transfer).or_403()
    if not answer:
        messages.error(request, answer.message)
        return redirect("handover:transfer_detail", slug=slug, pk=pk)

    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            messages.error(request, error.message)
            return redirect("handover:transfer_detail", slug=slug, pk=pk)
        return add_to_form(form, error)

    return form_post(
        request, TransferAcknowledgeForm,
        act=lambda form: services.transfer_acknowledge(transfer=transfer, actor=request.user, request=request,
                                                       confirmed=form.cleaned_data["confirmed"]),
        on_error=on_error,
        message=_("受信確認をしました。"),
        done=redirect("handover:transfer_detail", slug=slug, pk=pk),
        page=lambda form, status: _transfer_page(request, transfer, form=form, status=status))
