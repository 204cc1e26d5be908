from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import contract_for, contract_get, contract_methods, contract_post
from core.errors import DomainError, add_to_form
from core.posting import form_post

from . import schedule, selectors, services
from .forms import DecisionForm, RequestForm, ScheduleForm, StructureForm, SubmitForm
from .models import StatusSchedule
from .permissions import (
    may_decide,
    may_report_structure,
    may_request,
    may_set_schedule,
    may_submit,
    may_submit_structure,
    status_report_for,
    structure_report_for,
)

# The seed's lines these pages serve.
SEED_RULES = {
    "report": "契約履行の間、特記事項に基づき立入り調査等を実施するとともに、委託先に対し速やかに状況報告をさせる。"
              "（別紙 チェックリスト 02）",
    "structure": "受託者は、契約締結後速やかに個人情報の管理体制（取扱責任者及び取扱者）を書面で区に報告し、変更が"
                 "あったときも同様とする。（特記事項）",
}
STATE_REFUSALS = {"not_with_submitter", "not_submitted", "closed"}


def _schedule_initial(sched: StatusSchedule) -> dict:
    return {"kind": sched.kind, "day": sched.day, "dates": "\n".join(sched.dates or []), "reason": sched.reason}


def _list_page(request, contract, *, schedule_form=None, request_form=None, status=200):
    if contract.status == Contract.Status.ACTIVE:
        # The scheduled reports due so far and to come are written when someone looks (and by the daily job).
        services.scheduled_reports_sync(contract=contract)
    sched = schedule.schedule_of(contract)
    today = timezone.localdate()
    reports = schedule.entries(contract)
    for report in reports:
        report.overdue_now = report.is_overdue(today)
    return render(request, "statusreports/list.html", {
        "contract": contract, "schedule": sched, "reports": reports,
        "summary": selectors.report_summary(contract, today),
        "may_set_schedule": may_set_schedule(request.user, contract),
        "may_request": may_request(request.user, contract),
        "schedule_form": schedule_form or ScheduleForm(initial=_schedule_initial(sched)),
        "request_form": request_form or RequestForm(contract=contract),
        "seed_rules": SEED_RULES,
    }, status=status)


@login_required
@contract_get
def report_list(request, slug):
    return _list_page(request, contract_for(request.user, slug))


def _refused_on_list(request, contract, message):
    messages.error(request, message)
    return _list_page(request, contract, status=400)


@login_required
@contract_post
def schedule_set(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_set_schedule(request.user, contract).or_403()
    if not answer:
        return _refused_on_list(request, contract, answer.message)
    return form_post(
        request, ScheduleForm,
        act=lambda form: services.schedule_set(contract=contract, actor=request.user, request=request,
                                               **form.cleaned_data),
        message=_("状況報告の予定を設定しました。"), done=redirect("statusreports:list", slug=slug),
        page=lambda form, status: _list_page(request, contract, schedule_form=form, status=status))


@login_required
@contract_post
def report_request(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_request(request.user, contract).or_403()
    if not answer:
        return _refused_on_list(request, contract, answer.message)
    return form_post(
        request, RequestForm, form_kwargs={"contract": contract},
        act=lambda form: services.report_request(contract=contract, actor=request.user, request=request,
                                                 **form.cleaned_data),
        message=_("状況報告を求めました。取扱責任者のダッシュボードに表示されます。"),
        done=lambda report: redirect("statusreports:detail", slug=slug, pk=report.pk),
        page=lambda form, status: _list_page(request, contract, request_form=form, status=status))


def _detail_page(request, report, *, submit_form=None, decision_form=None, status=200):
    return render(request, "statusreports/detail.html", {
        "contract": report.contract, "report": report, "overdue": report.is_overdue(timezone.localdate()),
        "may_submit": may_submit(request.user, report), "may_decide": may_decide(request.user, report),
        "submit_form": submit_form or SubmitForm(initial={"text": report.text}),
        "decision_form": decision_form or DecisionForm(), "seed_rules": SEED_RULES,
    }, status=status)


@login_required
@contract_get
def report_detail(request, slug, pk):
    return _detail_page(request, status_report_for(request.user, slug, pk))


def _on_error(request, page_of):
    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            messages.error(request, error.message)
            return page_of(400)
        return add_to_form(form, error)
    return on_error


@login_required
@contract_post
def report_submit(request, slug, pk):
    report = status_report_for(request.user, slug, pk)
    answer = may_submit(request.user, report).or_403()
    if not answer:
        messages.error(request, answer.message)
        return _detail_page(request, report, status=400)
    return form_post(
        request, SubmitForm, files=True,
        act=lambda form: services.report_submit(report=report, actor=request.user, request=request,
                                                text=form.cleaned_data["text"], upload=form.cleaned_data.get("file")),
        on_error=_on_error(request, lambda status: _detail_page(request, report, status=status)),
        message=_("状況報告を提出しました。区の確認を待ってください。"),
        done=redirect("statusreports:detail", slug=slug, pk=pk),
        page=lambda form, status: _detail_page(request, report, submit_form=form, status=status))


def _decide(request, report, *, accept, send_back, done, page):
    decision = request.POST.get("decision")

    def act(form):
        if decision == "accept":
            accept(report=report, actor=request.user, request=request)
            return _("受理しました。")
        if decision == "return":
            send_back(report=report, actor=request.user, request=request, reason=form.cleaned_data["reason"])
            return _("差し戻しました。取扱責任者に理由が表示されます。")
        raise DomainError(_("「受理する」か「差し戻す」を選んでください。"))

    return form_post(request, DecisionForm, act=act, message=lambda words: words, done=done,
                     on_error=_on_error(request, lambda status: page(None, status)), page=page)


@login_required
@contract_post
def report_decide(request, slug, pk):
    report = status_report_for(request.user, slug, pk)
    answer = may_decide(request.user, report).or_403()
    if not answer:
        messages.error(request, answer.message)
        return _detail_page(request, report, status=400)
    return _decide(request, report, accept=services.report_accept, send_back=services.report_send_back,
                   done=redirect("statusreports:detail", slug=slug, pk=pk),
                   page=lambda form, status: _detail_page(request, report, decision_form=form, status=status))


# --- the management structure -------------------------------------------------------------------------


@login_required
@contract_get
def structure_list(request, slug):
    contract = contract_for(request.user, slug)
    return render(request, "statusreports/structure_list.html", {
        "contract": contract, "reports": selectors.structure_reports_of(contract),
        "wanted": selectors.structure_wanted(contract), "people": services.people_in_force(contract),
        "may_report": may_report_structure(request.user, contract), "seed_rules": SEED_RULES,
    })


@login_required
@contract_methods("GET", "POST")
def structure_new(request, slug):
    contract = contract_for(request.user, slug)
    answer = may_report_structure(request.user, contract).or_403()
    last = selectors.last_accepted_structure(contract)
    return form_post(
        request, StructureForm, allowed=answer,
        form_kwargs={"initial": {"effective_on": timezone.localdate(),
                                 "changes": "" if last else _("契約締結時の体制")}},
        act=lambda form: services.structure_create(contract=contract, actor=request.user, request=request,
                                                   **form.cleaned_data),
        message=_("管理体制の報告を作成しました。内容を確かめ、必要ならファイルを添付して提出してください。"),
        done=lambda report: redirect("statusreports:structure_detail", slug=slug, pk=report.pk),
        page="statusreports/structure_new.html", context={
            "contract": contract, "answer": answer, "people": services.people_in_force(contract),
            "seed_rules": SEED_RULES})


def _structure_page(request, report, *, submit_form=None, decision_form=None, status=200):
    people = report.people if not report.is_with_submitter else services.people_in_force(report.contract)
    return render(request, "statusreports/structure_detail.html", {
        "contract": report.contract, "report": report, "people": people,
        "may_submit": may_submit_structure(request.user, report), "may_decide": may_decide(request.user, report),
        "submit_form": submit_form or StructureForm(initial={"effective_on": report.effective_on,
                                                             "changes": report.changes}),
        "decision_form": decision_form or DecisionForm(), "seed_rules": SEED_RULES,
    }, status=status)


@login_required
@contract_get
def structure_detail(request, slug, pk):
    return _structure_page(request, structure_report_for(request.user, slug, pk))


@login_required
@contract_post
def structure_submit(request, slug, pk):
    report = structure_report_for(request.user, slug, pk)
    answer = may_submit_structure(request.user, report).or_403()
    if not answer:
        messages.error(request, answer.message)
        return _structure_page(request, report, status=400)
    return form_post(
        request, StructureForm,
        act=lambda form: services.structure_submit(report=report, actor=request.user, request=request,
                                                   **form.cleaned_data),
        on_error=_on_error(request, lambda status: _structure_page(request, report, status=status)),
        message=_("管理体制の報告を提出しました。区の確認を待ってください。"),
        done=redirect("statusreports:structure_detail", slug=slug, pk=pk),
        page=lambda form, status: _structure_page(request, report, submit_form=form, status=status))


@login_required
@contract_post
def structure_decide(request, slug, pk):
    report = structure_report_for(request.user, slug, pk)
    answer = may_decide(request.user, report).or_403()
    if not answer:
        messages.error(request, answer.message)
        return _structure_page(request, report, status=400)
    return _decide(request, report, accept=services.structure_accept, send_back=services.structure_send_back,
                   done=redirect("statusreports:structure_detail", slug=slug, pk=pk),
                   page=lambda form, status: _structure_page(request, report, decision_form=form, status=status))
