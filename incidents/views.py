from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from core.errors import add_to_form
from core.posting import form_post

from . import permissions, rules, selectors, services
from .assessment import assess
from .forms import CloseForm, EventForm, IncidentForm
from .permissions import incident_for, may_add_event, may_close, may_report, may_revise

# The seed's lines on incidents (別紙 チェックリスト, 委託にあたり区が行う個人情報保護対策 【運用上の対策】).
SEED_RULES = {
    "structure": "業務開始前に、事故、災害、トラブルに対応できる体制及び手順を整備し、委託先と緊急時の連絡体制や対応手順を"
                 "確認する。",
    "consult": "事故が発生した場合又は個人情報保護及び情報セキュリティ対策の変更があった場合は、直ちに委託先と今後の対応を"
               "協議する。",
}


def _organisations(contract):
    return [contract.ward_section, contract.contractor]


@login_required
@contract_get
def incident_list(request, slug):
    contract = contract_for(request.user, slug)
    return render(request, "incidents/list.html", {
        "contract": contract, "rows": selectors.incidents_of(contract),
        "may_report": may_report(request.user, contract), "seed_rules": SEED_RULES,
    })


@login_required
@contract_methods("GET", "POST")
def incident_report(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_report(request.user, contract).or_403()
    return form_post(
        request, IncidentForm, form_kwargs={"contract": contract}, allowed=answer,
        act=lambda form: services.incident_report(contract=contract, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=lambda incident: _("事故 No.%(n)s を報告しました。区の担当課と取扱責任者にメールで知らせました。"
                                   "下の緊急時の連絡先へ電話でも直ちに連絡してください。") % {"n": incident.number},
        done=lambda incident: redirect("incidents:detail", slug=slug, pk=incident.pk),
        page="incidents/report.html", context={
            "contract": contract, "answer": answer, "organisations": _organisations(contract),
            "seed_rules": SEED_RULES,
        })


def _incident_page(request, incident, *, event_form=None, close_form=None, status=200):
    incident = selectors.incident_detail(incident)
    assessment = assess(incident)
    kinds = permissions.event_kinds(request.user, incident)
    missing = assessment.missing
    return render(request, "incidents/detail.html", {
        "contract": incident.contract,
        "incident": incident,
        "assessment": assessment,
        "items": list(incident.items.all()),
        "data": [(d, rules.why_not_protected(d)) for d in assessment.data],
        "timeline": selectors.timeline(incident),
        "organisations": _organisations(incident.contract),
        "may_add_event": may_add_event(request.user, incident),
        "may_revise": may_revise(request.user, incident),
        "may_close": may_close(request.user, incident),
        "event_form": event_form or EventForm(kinds=kinds),
        "close_form": close_form or CloseForm(missing=missing),
        "missing": missing,
        "rule_43": rules.RULE_43, "rule_43_head": rules.RULE_43_HEAD, "rule_44": rules.RULE_44,
        "law_68_2": rules.LAW_68_2, "seed_rules": SEED_RULES,
    }, status=status)


@login_required
@contract_get
def incident_detail(request, slug, pk):
    return _incident_page(request, incident_for(request.user, slug, pk))


def _refused(request, incident, answer):
    """A refusal about the incident's state (closed meanwhile): its forms are no longer on the page."""
    messages.error(request, answer.message)
    return _incident_page(request, incident, status=400)


STATE_REFUSALS = {"incident_closed", "already_closed", "closed"}


def _on_error(request, incident):
    """A refusal about the incident's state answers without the form; any other goes on the form."""
    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _refused(request, incident, error)
        return add_to_form(form, error)
    return on_error


@login_required
@contract_post
def incident_event_add(request, slug, pk):
    incident = incident_for(request.user, slug, pk)
    answer = may_add_event(request.user, incident).or_403()
    if not answer:
        return _refused(request, incident, answer)
    return form_post(
        request, EventForm, form_kwargs={"kinds": permissions.event_kinds(request.user, incident)},
        act=lambda form: services.incident_event_add(incident=incident, actor=request.user, request=request,
                                                     **form.cleaned_data),
        on_error=_on_error(request, incident),
        message=_("対応の記録に加えました。"), done=redirect("incidents:detail", slug=slug, pk=pk),
        page=lambda form, status: _incident_page(request, incident, event_form=form, status=status))


@login_required
@contract_methods("GET", "POST")
def incident_revise(request, slug, pk):
    incident = incident_for(request.user, slug, pk)
    answer = may_revise(request.user, incident).or_403()
    return form_post(
        request, IncidentForm, allowed=answer,
        form_kwargs={"contract": incident.contract, "initial": IncidentForm.initial_from(incident)},
        act=lambda form: services.incident_revise(incident=incident, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=_("事故 No.%(n)s の報告内容を訂正しました。") % {"n": incident.number},
        done=redirect("incidents:detail", slug=slug, pk=pk),
        page="incidents/revise.html", context={"contract": incident.contract, "incident": incident, "answer": answer})


@login_required
@contract_post
def incident_close(request, slug, pk):
    incident = incident_for(request.user, slug, pk)
    answer = may_close(request.user, incident).or_403()
    if not answer:
        return _refused(request, incident, answer)
    return form_post(
        request, CloseForm, form_kwargs={"missing": assess(incident).missing},
        act=lambda form: services.incident_close(incident=incident, actor=request.user, request=request,
                                                 **form.cleaned_data),
        on_error=_on_error(request, incident),
        message=_("事故 No.%(n)s を終結しました。") % {"n": incident.number},
        done=redirect("incidents:detail", slug=slug, pk=pk),
        page=lambda form, status: _incident_page(request, incident, close_form=form, status=status))
