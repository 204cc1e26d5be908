from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contracts.permissions import contract_for, contract_get, contract_post, contracts_where
from core.errors import DomainError
from core.posting import form_post

from . import evidence, permissions, selectors, services
from .forms import CertificateForm, DecisionForm, ProfileForm, ReportForm, StartForm
from .models import SYSTEM_ITEMS, WARD_ITEMS
from .permissions import profile_for

# The seed's line the contractor's side of the system items rests on (別紙 チェックリスト).
SEED_RULE = "委託事業者に行わせる 個人情報保護対策 【システム上の対策】（接続するネットワークの限定から、システムを提供する" \
            "サーバは日本国内の法が適用される安全性が確保された環境にさせる、まで）"


def profile_methods(*methods: str):
    """Allow only ``methods``; another gets 405, once the person is known to see the profile (404 otherwise)."""
    allowed = {m.upper() for m in methods}
    if "GET" in allowed:
        allowed.add("HEAD")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                profile_for(request.user, kwargs["pk"])
                return HttpResponseNotAllowed(sorted(allowed))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _ward_only(*methods: str):
    """A page of the ward's profile: the ward's staff and its IT section only (404 to anyone else)."""
    allowed = {m.upper() for m in methods} | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not permissions.is_ward_staff(request.user):
                raise Http404
            if request.method not in allowed:
                return HttpResponseNotAllowed(sorted(allowed))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@login_required
@contract_get
def contract_environment(request, slug):
    """The contract's parties (the contractor, each approved subcontractor) and their profiles."""
    contract = contract_for(request.user, slug)
    rows = selectors.contract_parties(contract)
    startable = selectors.startable(request.user, contract)
    return render(request, "environment/contract.html", {
        "contract": contract, "rows": rows, "seed_rule": SEED_RULE,
        "start_form": StartForm(organisations=startable) if startable.exists() else None,
        "evidence": [(number, label, evidence.contractor_evidence(contract, number))
                     for number, label in SYSTEM_ITEMS.items()],
        "window": {"log": evidence.LOG_ANALYSIS_MONTHS, "backup": evidence.BACKUP_MONTHS},
    })


@login_required
@contract_post
def contract_start(request, slug):
    contract = contract_for(request.user, slug)
    permissions.may_start(request.user, contract.contractor).or_403()
    startable = selectors.startable(request.user, contract)

    def page(form, status):
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("environment:contract", slug=slug)

    return form_post(
        request, StartForm, form_kwargs={"organisations": startable},
        act=lambda form: services.profile_start(organisation=form.cleaned_data["organisation"], actor=request.user,
                                                request=request),
        message=_("環境の届出を作成しました。各項目を記入して区に提出してください。"),
        done=lambda profile: redirect("environment:edit", pk=profile.pk), page=page)


@login_required
@_ward_only("GET")
def ward(request):
    profile = selectors.ward_profile()
    if profile is not None:
        return redirect("environment:profile", pk=profile.pk)
    return render(request, "environment/ward_empty.html", {
        "may_start": permissions.may_start(request.user, None), "items": [(n, SYSTEM_ITEMS[n]) for n in WARD_ITEMS]})


@login_required
@_ward_only("POST")
def ward_start(request):
    permissions.may_start(request.user, None).or_403()
    try:
        profile = services.profile_start(organisation=None, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("environment:ward")
    messages.success(request, _("区の環境の届出を作成しました。各項目を記入して提出してください。"))
    return redirect("environment:edit", pk=profile.pk)


def _profile_page(request, profile, *, decision_form=None, status=200):
    user = request.user
    certificates = list(profile.certificates.select_related("recorded_by__profile"))
    reports = list(profile.reports.select_related("recorded_by__profile")[:24])
    return render(request, "environment/profile.html", {
        "profile": profile, "items": profile.items(),
        "ward_items": WARD_ITEMS if profile.is_ward else None,
        "certificates": certificates, "reports": reports,
        "may_edit": permissions.may_edit(user, profile), "may_decide": permissions.may_decide(user, profile),
        "may_revise": permissions.may_revise(user, profile), "may_record": permissions.may_record(user, profile),
        "may_record_report": permissions.may_record_report(user, profile),
        "missing": services.missing_for_submission(profile) if profile.is_with_submitter else [],
        "decision_form": decision_form or DecisionForm(), "stale": profile.is_accepted and profile.is_stale(),
        "window": {"log": evidence.LOG_ANALYSIS_MONTHS, "backup": evidence.BACKUP_MONTHS},
        "contracts": permissions.organisation_contracts(profile.organisation).filter(
            pk__in=contracts_where(user, "view").values("pk")) if not profile.is_ward else [],
    }, status=status)


@login_required
@profile_methods("GET")
def profile_detail(request, pk):
    return _profile_page(request, profile_for(request.user, pk))


@login_required
@profile_methods("GET", "POST")
def profile_edit(request, pk):
    profile = profile_for(request.user, pk)
    answer = permissions.may_edit(request.user, profile).or_403()
    return form_post(
        request, ProfileForm, form_kwargs={"instance": profile}, allowed=answer,
        act=lambda form: services.profile_save(profile=profile, actor=request.user, request=request,
                                               **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}),
        message=_("届出を保存しました。すべて記入したら「区に提出する」を押してください。"),
        done=redirect("environment:profile", pk=pk),
        page="environment/profile_form.html", context={"profile": profile, "answer": answer})


def _refused(request, profile, message):
    messages.error(request, message)
    return _profile_page(request, profile, status=400)


@login_required
@profile_methods("POST")
def profile_submit(request, pk):
    profile = profile_for(request.user, pk)
    answer = permissions.may_edit(request.user, profile).or_403()
    if not answer:
        return _refused(request, profile, answer.message)
    try:
        services.profile_submit(profile=profile, actor=request.user, request=request)
    except DomainError as error:
        return _refused(request, profile, error.message)
    messages.success(request, _("届出を区に提出しました。区の確認（受理・差戻し）を待ってください。"))
    return redirect("environment:profile", pk=pk)


@login_required
@profile_methods("POST")
def profile_decide(request, pk):
    profile = profile_for(request.user, pk)
    answer = permissions.may_decide(request.user, profile).or_403()
    if not answer:
        return _refused(request, profile, answer.message)

    def act(form):
        if form.cleaned_data["decision"] == "accept":
            services.profile_accept(profile=profile, actor=request.user, request=request)
            return _("届出を受理しました。チェックリストのシステム上の対策は、この届出を1年間の根拠にします。")
        services.profile_send_back(profile=profile, actor=request.user, reason=form.cleaned_data["reason"],
                                   request=request)
        return _("届出を差し戻しました。")

    return form_post(
        request, DecisionForm, act=act, message=lambda words: words, done=redirect("environment:profile", pk=pk),
        page=lambda form, status: _profile_page(request, profile, decision_form=form, status=status))


@login_required
@profile_methods("POST")
def profile_revise(request, pk):
    profile = profile_for(request.user, pk)
    answer = permissions.may_revise(request.user, profile).or_403()
    if not answer:
        return _refused(request, profile, answer.message)
    services.profile_revise(profile=profile, actor=request.user, request=request)
    messages.success(request, _("見直しを始めました。変わったところを直して、区に提出してください。"
                                "区が受理するまで、チェックリストはこの届出を根拠にしません。"))
    return redirect("environment:edit", pk=pk)


@login_required
@profile_methods("GET", "POST")
def certificate_add(request, pk):
    profile = profile_for(request.user, pk)
    answer = permissions.may_record(request.user, profile).or_403()
    return form_post(
        request, CertificateForm, files=True, allowed=answer,
        act=lambda form: services.certificate_add(profile=profile, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=lambda certificate: _("%(c)s を登録しました。") % {"c": certificate.display_name},
        done=redirect("environment:profile", pk=pk),
        page="environment/certificate_form.html", context={"profile": profile, "answer": answer})


@login_required
@profile_methods("GET", "POST")
def report_add(request, pk):
    profile = profile_for(request.user, pk)
    answer = permissions.may_record_report(request.user, profile).or_403()
    return form_post(
        request, ReportForm, files=True, allowed=answer,
        act=lambda form: services.report_record(profile=profile, actor=request.user, request=request,
                                                **form.cleaned_data),
        message=lambda report: _("%(r)s を記録しました。") % {"r": report},
        done=redirect("environment:profile", pk=pk),
        page="environment/report_form.html", context={"profile": profile, "answer": answer,
                                                       "window": {"log": evidence.LOG_ANALYSIS_MONTHS,
                                                                  "backup": evidence.BACKUP_MONTHS}})
