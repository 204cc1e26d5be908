"""Pages of the records behind the items: confirmations and changes of measures (one page, phone-friendly),
evidence requests (a list and a page per request)."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.permissions import contract_for, contract_get, contract_post
from core.posting import form_post

from . import records, selectors
from .forms import (
    ConfirmationForm,
    ConsultationForm,
    EvidenceAnswerForm,
    EvidenceDecisionForm,
    EvidenceRequestForm,
    MeasureChangeForm,
)
from .models import ChecklistItem, Confirmation, EvidenceRequest, Mark, MeasureChange
from .permissions import (
    confirmable_sides,
    may_answer_request,
    may_confirm,
    may_decide_request,
    may_plan,
    may_record_change,
    may_record_consultation,
    may_request_evidence,
    may_see_records,
    may_see_request,
)


def _records_page(request, contract, *, bound=None, change_form=None, consult=None, status=200):
    """``bound``: a refused confirmation form, shown in place of its blank one; ``consult``: (change pk, form)."""
    user = request.user
    forms_ = []
    for kind, side in confirmable_sides(user, contract):
        if bound is not None and (bound.kind, bound.side) == (kind, side):
            forms_.append(bound)
        else:
            forms_.append(ConfirmationForm(kind=kind, side=side))
    rows = selectors.confirmations(contract)
    changes = selectors.measure_changes(contract)
    can_change = may_record_change(user, contract)
    for change in changes:
        change.consult_form = None
        if can_change and may_record_consultation(user, change):
            change.consult_form = (consult[1] if consult and consult[0] == change.pk
                                   else ConsultationForm(auto_id=f"consult-{change.pk}-%s"))
    by_kind = [(Confirmation.Kind(kind).label, [row for row in rows if row.kind == kind])
               for kind in Confirmation.Kind.values]
    return render(request, "checklist/records.html", {
        "contract": contract, "by_kind": by_kind, "confirm_forms": forms_, "changes": changes,
        "change_form": (change_form or MeasureChangeForm()) if can_change else None,
        "flow_versions": records.flow_versions_shared(contract),
        "can_plan": may_plan(user, contract),
    }, status=status)


@login_required
@contract_get
def records_page(request, slug):
    contract = contract_for(request.user, slug)
    may_see_records(request.user, contract).or_403()
    return _records_page(request, contract)


@login_required
@contract_post
def confirmation_record(request, slug):
    contract = contract_for(request.user, slug)
    may_see_records(request.user, contract).or_403()
    kind, side = request.POST.get("kind", ""), request.POST.get("side", "")
    answer = may_confirm(request.user, contract, kind, side)
    answer.or_403()
    if kind not in Confirmation.Kind.values or side not in Confirmation.SIDES[kind]:
        raise Http404  # a kind the page never offers
    return form_post(
        request, functools.partial(ConfirmationForm, kind=kind, side=side), files=True, allowed=answer,
        act=lambda form: records.confirmation_record(contract=contract, actor=request.user, request=request,
                                                     **form.values()),
        message=lambda row: _("「%(kind)s」を記録しました。") % {"kind": row.get_kind_display()},
        done=redirect(reverse("checklist:records", kwargs={"slug": slug}) + "#confirmations-h"),
        page=lambda form, status: _records_page(request, contract, bound=form, status=status))


@login_required
@contract_post
def change_record(request, slug):
    contract = contract_for(request.user, slug)
    may_record_change(request.user, contract).or_403()
    return form_post(
        request, MeasureChangeForm, files=True,
        act=lambda form: records.measure_change_record(
            contract=contract, actor=request.user, request=request, upload=form.cleaned_data.pop("file", None),
            **form.cleaned_data),
        message=_("対策の変更を記録しました。"),
        done=redirect(reverse("checklist:records", kwargs={"slug": slug}) + "#changes-h"),
        page=lambda form, status: _records_page(request, contract, change_form=form, status=status))


@login_required
@contract_post
def change_consult(request, slug, pk):
    contract = contract_for(request.user, slug)
    try:
        change = MeasureChange.objects.select_related("contract").get(pk=pk, contract=contract)
    except MeasureChange.DoesNotExist:
        raise Http404 from None
    may_record_change(request.user, contract).or_403()
    return form_post(
        request, ConsultationForm, form_kwargs={"auto_id": f"consult-{change.pk}-%s"},
        act=lambda form: records.measure_change_consult(change=change, actor=request.user, request=request,
                                                        **form.cleaned_data),
        message=_("協議を記録しました。"),
        done=redirect(reverse("checklist:records", kwargs={"slug": slug}) + f"#change-{change.pk}"),
        page=lambda form, status: _records_page(request, contract, consult=(change.pk, form), status=status))


def _requestable_items(contract):
    return (ChecklistItem.objects.filter(checklist__contract=contract, mark=Mark.PLANNED)
            .select_related("template_item", "checklist").order_by("template_item__position"))


def _requests_page(request, contract, form=None, status=200):
    can_request = may_request_evidence(request.user, contract)
    items = list(_requestable_items(contract)) if can_request else []
    initial = {}
    wanted = request.GET.get("item", "")
    # isascii() and a length: 「²」 and 「፩」 are digits to isdigit() but int() refuses them, as it does 4,300 digits.
    if form is None and wanted.isascii() and wanted.isdigit() and len(wanted) < 19:
        initial["item"] = int(wanted)
    return render(request, "checklist/requests.html", {
        "contract": contract, "rows": selectors.evidence_requests(request.user, contract),
        "form": (form or EvidenceRequestForm(items=items, initial=initial)) if can_request and items else None,
        "can_plan": may_plan(request.user, contract),
    }, status=status)


@login_required
@contract_get
def requests_page(request, slug):
    contract = contract_for(request.user, slug)
    may_see_records(request.user, contract).or_403()
    return _requests_page(request, contract)


@login_required
@contract_post
def request_new(request, slug):
    contract = contract_for(request.user, slug)
    may_request_evidence(request.user, contract).or_403()
    items = {item.pk: item for item in _requestable_items(contract)}

    def act(form):
        item = items.get(form.cleaned_data["item"])
        if item is None:
            from core.errors import DomainError

            raise DomainError(_("「○」の項目を選んでください。"), field="item")
        return records.evidence_request_create(item=item, asked=form.cleaned_data["asked"],
                                               due_on=form.cleaned_data["due_on"], actor=request.user,
                                               request=request)

    return form_post(
        request, EvidenceRequestForm, form_kwargs={"items": list(items.values())}, act=act,
        message=lambda row: _("根拠資料（%(item)s）の提出を依頼しました。") % {"item": row.item.template_item.label},
        done=lambda row: redirect("checklist:request_detail", slug=slug, pk=row.pk),
        page=lambda form, status: _requests_page(request, contract, form=form, status=status))


def _request_for(user, slug, pk) -> EvidenceRequest:
    contract = contract_for(user, slug, "view")
    try:
        row = (EvidenceRequest.objects.select_related("contract", "item__template_item", "item__checklist",
                                                      "requested_by__profile", "submitted_by__profile",
                                                      "decided_by__profile").get(pk=pk, contract=contract))
    except EvidenceRequest.DoesNotExist:
        raise Http404 from None
    may_see_request(user, row).or_403()
    return row


def _request_page(request, row, *, answer_form=None, decision_form=None, status=200):
    user = request.user
    return render(request, "checklist/request_detail.html", {
        "contract": row.contract, "row": row, "item": row.item,
        "answer_form": (answer_form or EvidenceAnswerForm(initial={"answer": row.answer}))
        if may_answer_request(user, row) else None,
        "decision_form": (decision_form or EvidenceDecisionForm()) if may_decide_request(user, row) else None,
        "can_plan": may_plan(user, row.contract),
    }, status=status)


@login_required
@contract_get
def request_detail(request, slug, pk):
    return _request_page(request, _request_for(request.user, slug, pk))


@login_required
@contract_post
def request_answer(request, slug, pk):
    row = _request_for(request.user, slug, pk)
    answer = may_answer_request(request.user, row)
    answer.or_403()
    return form_post(
        request, EvidenceAnswerForm, files=True, allowed=answer,
        act=lambda form: records.evidence_request_answer(request_row=row, answer=form.cleaned_data["answer"],
                                                         upload=form.cleaned_data.get("file"),
                                                         actor=request.user, request=request),
        message=_("根拠資料を提出しました。区の確認を待っています。"),
        done=redirect("checklist:request_detail", slug=slug, pk=pk),
        page=lambda form, status: _request_page(request, row, answer_form=form, status=status))


@login_required
@contract_post
def request_decide(request, slug, pk):
    row = _request_for(request.user, slug, pk)
    answer = may_decide_request(request.user, row)
    answer.or_403()
    return form_post(
        request, EvidenceDecisionForm, allowed=answer,
        act=lambda form: records.evidence_request_decide(request_row=row, actor=request.user, request=request,
                                                         **form.cleaned_data),
        message=lambda done: (_("根拠資料を受理しました。") if done.is_accepted
                              else _("根拠資料を差し戻しました。")),
        done=redirect("checklist:request_detail", slug=slug, pk=pk),
        page=lambda form, status: _request_page(request, row, decision_form=form, status=status))
