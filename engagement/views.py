"""The survey export's pages, for HR of the contract only (engagement.permissions)."""

from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contracts.permissions import contract_get, contract_methods, contract_post
from core.errors import DomainError, add_to_form
from core.posting import form_post
from handover import rules
from handover.models import MediumKind

from . import crypto, permissions, selectors, services
from . import risk as risk_engine
from .forms import (
    USE_DROP,
    USE_KEEP,
    USE_QUASI,
    BuildForm,
    MappingForm,
    NoticeForm,
    ReviewForm,
    RiskForm,
    UploadForm,
    format_department_map,
    rung_of,
)
from .package import KIND_LABELS
from .reading import SurveyFileError


def _attachment(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _uploaded(file) -> services.UploadedFile:
    file.seek(0)
    return services.UploadedFile(name=file.name or "", data=file.read())


def _upload_form_error(form, error: DomainError) -> None:
    """A file that cannot be read is refused at the file's field; anything else where it says."""
    if isinstance(error, SurveyFileError):
        form.add_error("master" if error.field == "master" else "survey", str(error.message))
    else:
        add_to_form(form, error)


def _live(request, slug, pk, check=permissions.may_work_on):
    """The upload, or a redirect to the survey page saying why it can no longer be worked on."""
    upload = permissions.upload_for(request.user, slug, pk)
    answer = check(request.user, upload).or_403()
    if not answer:
        messages.error(request, answer.message)
        return None, redirect("engagement:index", slug=slug)
    try:
        loaded = services.load(upload)
    except (crypto.StoredDataError, SurveyFileError) as error:
        # SurveyFileError: a file kept before a check it would now fail (a first row of values); HR
        # discards it and uploads the file again.
        messages.error(request, str(error))
        return None, redirect("engagement:index", slug=slug)
    return loaded, None


def _steps(upload, current: str) -> list[dict]:
    ready = upload is not None and upload.state == upload.State.READY
    steps = [("upload", _("1 アップロード")), ("mapping", _("2 列の対応づけと検証")), ("risk", _("3 再識別リスク")),
             ("review", _("4 自由記述の確認")), ("build", _("5 作成"))]
    return [{"key": key, "label": label, "current": key == current,
             "reachable": key in ("upload", "mapping") or ready} for key, label in steps]


# --- the survey page and the upload ----------------------------------------------------------------


@login_required
@contract_get
def index(request, slug):
    contract = permissions.survey_contract_for(request.user, slug)
    upload = selectors.current_upload(contract)
    return render(request, "engagement/index.html", {
        "contract": contract,
        "upload": upload,
        "packages": selectors.packages_of(contract),
        "may_work": permissions.may_work(request.user, contract),
        "has_saved_mapping": services.saved_mapping(contract) is not None,
        "retention_days": services.retention().days,
        "form": UploadForm(),
        "rules": {"separation": rules.SEPARATION_RULE},
    })


@login_required
@contract_methods("GET", "POST")
def upload(request, slug):
    contract = permissions.survey_contract_for(request.user, slug)
    answer = permissions.may_work(request.user, contract)
    if request.method == "POST" and not answer:
        messages.error(request, answer.message)
        return redirect("engagement:index", slug=slug)

    def act(form):
        master = form.cleaned_data.get("master")
        return services.survey_upload(contract=contract, actor=request.user, request=request,
                                      survey=_uploaded(form.cleaned_data["survey"]),
                                      master=_uploaded(master) if master else None)

    return form_post(
        request, UploadForm, files=True, act=act, on_error=_upload_form_error,
        message=lambda made: _("ファイルを読み込みました（%(rows)s行 × %(columns)s列）。列の役割を確かめてください。")
        % {"rows": f"{made.survey_rows:,}", "columns": made.survey_columns},
        done=lambda made: redirect("engagement:mapping", slug=slug, pk=made.pk),
        page=lambda form, status: render(request, "engagement/upload.html", {
            "contract": contract, "form": form, "may_work": answer, "retention_days": services.retention().days,
            "limit": settings.UPLOAD_MAX_FILE_SIZE, "steps": _steps(None, "upload"),
        }, status=status))


@login_required
@contract_post
def discard(request, slug, pk):
    upload = permissions.upload_for(request.user, slug, pk)
    permissions.may_work(request.user, upload.contract).or_403()
    try:
        services.survey_upload_discard(upload=upload, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("アップロードしたデータを削除しました。"))
    return redirect("engagement:index", slug=slug)


@login_required
@contract_post
def swap(request, slug, pk):
    """The survey and the master put back in their slots (the page offers it when they look swapped)."""
    upload = permissions.upload_for(request.user, slug, pk)
    permissions.may_work_on(request.user, upload).or_403()
    try:
        services.survey_upload_swap(upload=upload, actor=request.user, request=request)
    except (DomainError, crypto.StoredDataError, SurveyFileError) as error:
        messages.error(request, str(error))
        return redirect("engagement:index", slug=slug)
    messages.success(request, _("回答ファイルと職員属性マスタを入れ替えました。列の役割を確かめてください。"))
    return redirect("engagement:mapping", slug=slug, pk=pk)


# --- mapping and validation ------------------------------------------------------------------------


def _examples(loaded: services.Loaded, spec, limit: int = 3) -> list[str]:
    table = loaded.master if spec.source == "master" else loaded.table
    if table is None or spec.header not in table.headers:
        return []
    seen = []
    for value in table.column(spec.header):
        value = " ".join(value.split())
        if value and value not in seen:
            seen.append(value if len(value) <= 24 else value[:23] + "…")
            if len(seen) >= limit:
                break
    return seen


@login_required
@contract_methods("GET", "POST")
def mapping(request, slug, pk):
    loaded, away = _live(request, slug, pk)
    if away:
        return away
    upload = loaded.upload

    def done(confirmed):
        if not confirmed.ready:
            return render(request, "engagement/refused.html", {
                "contract": upload.contract, "upload": confirmed.upload, "report": confirmed.report,
                "form": UploadForm(), "steps": _steps(confirmed.upload, "mapping"),
                "retention_days": services.retention().days,
            }, status=400)
        return redirect("engagement:risk", slug=slug, pk=upload.pk)

    def page(form, status):
        rows = list(form.rows())
        for row in rows:
            row["examples"] = _examples(loaded, row["spec"])
        return render(request, "engagement/mapping.html", {
            "contract": upload.contract, "upload": upload, "form": form, "rows": rows, "report": loaded.report,
            # The report of the mapping HR last tried, when it refused the file: what to change, beside the form.
            "refused": bool(upload.validation) and not loaded.report.ok,
            "swapped": loaded.swap_offered,
            "steps": _steps(upload, "mapping"),
        }, status=status)

    return form_post(
        request, MappingForm, form_kwargs={"mapping": loaded.mapping}, done=done, page=page,
        act=lambda form: services.survey_mapping_confirm(upload=upload, actor=request.user, mapping=form.mapping(),
                                                         request=request),
        # A file the mapping refuses is no success: its report answers instead (``done``), with no message.
        message=lambda confirmed: _("列の対応づけを保存し、ファイルを検証しました。エラーはありません（%(rows)s行）。")
        % {"rows": f"{confirmed.report.rows:,}"} if confirmed.ready else None)


# --- risk ------------------------------------------------------------------------------------------


@login_required
@contract_methods("GET", "POST")
def risk(request, slug, pk):
    loaded, away = _live(request, slug, pk, check=permissions.may_build)
    if away:
        return away
    upload = loaded.upload
    current = services.risk_settings(upload)
    attributes = loaded.dataset.attribute_headers
    kinds = selectors.kinds_of(loaded)
    if request.method == "POST":
        form_kwargs = {"k": _posted_k(request.POST.get("k"), current.k)}
    else:
        form_kwargs = {"k": current.k, "initial": _risk_initial(current, attributes, kinds)}

    def act(form):
        data = form.cleaned_data
        quasi, dropped, not_identifying = form.columns()
        limit = data["max_suppression"]
        wanted = services.RiskSettings(
            quasi=quasi, k=data["k"], plan=form.plan(), suppress=data["suppress"],
            department_map=data["department_map"], dropped=dropped, not_identifying=not_identifying,
            max_suppression=limit,
            suppression_reason=data["suppression_reason"].strip() if limit > services.DEFAULT_MAX_SUPPRESSION_PERCENT
            else "")
        source = "custom"
        proposal = None
        if request.POST.get("action") == "propose":
            proposal = selectors.proposal_for(loaded, wanted, kinds)
            # Suppression is switched on only when the proposal needs it and stays within the limit; a
            # proposal that cannot reach k is not applied at all (the page says what would reach it).
            wanted = replace(wanted, plan=proposal.changes, suppress=proposal.protection.suppressed_records > 0)
            source = "proposal"
        if proposal is not None and not proposal.reached:
            raise DomainError(
                _("最も粗い一般化でも、秘匿の上限（記録の%(limit)s%%）の中ではk=%(k)sに届かないため、提案は適用していません。"
                  "下の「kに届く方法」を見てください。") % {"limit": limit, "k": wanted.k}, code="unreachable")
        services.survey_risk_set(upload=upload, actor=request.user, settings=wanted, source=source, request=request)
        return proposal

    def applied(proposal) -> str:
        if proposal is None:
            return _("準識別子と一般化の設定を適用しました。")
        words = _("提案どおりの一般化を適用しました。")
        if proposal.protection.suppressed_records:
            words += risk_engine.suppression_words(proposal.protection.suppressed_records,
                                                   proposal.protection.suppression_share,
                                                   proposal.protection.suppressed_cells)
        return words

    def show(form, status):
        page = selectors.risk_page(loaded, current, kinds)
        return render(request, "engagement/risk.html", {
            "contract": upload.contract, "upload": upload, "form": form, "page": page, "settings": current,
            "report": loaded.report, "findings": len(loaded.findings), "steps": _steps(upload, "risk"),
            "columns": _generalisation_columns(form, page),
        }, status=status)

    return form_post(
        request, RiskForm, form_kwargs={"attributes": attributes, "kinds": kinds, **form_kwargs}, act=act,
        message=applied, done=redirect("engagement:risk", slug=slug, pk=pk), page=show)


def _risk_initial(current, attributes: list[str], kinds) -> dict:
    """The risk form's values from the settings in force."""
    chosen = {g.column: g for g in current.plan}
    initial = {"k": current.k, "suppress": current.suppress, "max_suppression": current.max_suppression,
               "suppression_reason": current.suppression_reason,
               "department_map": format_department_map(current.department_map)}
    for index, header in enumerate(attributes):
        initial[f"use_{index}"] = (USE_DROP if header in current.dropped
                                   else USE_KEEP if header in current.not_identifying else USE_QUASI)
        initial[f"reason_{index}"] = current.not_identifying.get(header, "")
        if header in chosen:
            initial[f"g_{index}"] = rung_of(chosen[header], risk_engine.ladder(header, kinds[header], current.k))
    return initial


def _generalisation_columns(form, page) -> list[dict]:
    previews = {p.header: p for p in page.previews}
    columns = []
    for header, field in form.generalisation_fields():
        value = str(field.value() if field.value() not in (None, "") else 0)
        preview = previews.get(header)
        options = preview.options if preview else [
            selectors.Option(value=v, label=str(label), records_below_k=-1, values=-1, chosen=False)
            for v, label in field.field.choices]
        columns.append({"header": header, "field": field, "preview": preview,
                        "options": [{"option": o, "checked": str(o.value) == value} for o in options]})
    return columns


def _posted_k(value, default: int) -> int:
    try:
        k = int(value)
    except (TypeError, ValueError):
        return default
    return k if 2 <= k <= services.MAX_K else default


# --- free text -------------------------------------------------------------------------------------


@login_required
@contract_methods("GET", "POST")
def review(request, slug, pk):
    loaded, away = _live(request, slug, pk, check=permissions.may_build)
    if away:
        return away
    upload = loaded.upload
    rows = selectors.finding_rows(loaded)
    keys = [row.key for row in rows]

    def act(form):
        masked = set(form.cleaned_data["mask"])
        services.survey_free_text_review(upload=upload, actor=request.user, request=request,
                                         unmasked=[k for k in keys if k not in masked], findings=len(keys))
        return masked

    def page(form, status):
        kinds = {}
        for row in rows:
            kinds[row.kind] = kinds.get(row.kind, 0) + 1
        return render(request, "engagement/review.html", {
            "contract": upload.contract, "upload": upload, "form": form, "rows": rows, "kinds": kinds,
            "kind_labels": KIND_LABELS, "steps": _steps(upload, "review"),
        }, status=status)

    return form_post(
        request, ReviewForm, form_kwargs={"keys": keys, "initial": {"mask": [r.key for r in rows if r.masked]}},
        act=act, page=page,
        message=lambda masked: _("自由記述の確認を保存しました（■でマスク %(masked)s箇所、そのまま %(kept)s箇所）。")
        % {"masked": len(masked), "kept": len(keys) - len(masked)},
        done=redirect("engagement:build", slug=slug, pk=pk))


# --- build, notice, download -----------------------------------------------------------------------


@login_required
@contract_methods("GET", "POST")
def build(request, slug, pk):
    loaded, away = _live(request, slug, pk, check=permissions.may_build)
    if away:
        return away
    upload = loaded.upload
    contract = upload.contract
    current = services.risk_settings(upload)
    protection = services.protection_for(loaded, current)
    default_kind = MediumKind.objects.filter(name="CD-R").first() or MediumKind.objects.first()

    def act(form):
        data = form.cleaned_data
        return services.survey_build(
            upload=upload, actor=request.user, medium_label=data["medium_label"],
            notice_label=data["notice_label"], medium_kind=data["medium_kind"],
            linkable=data["pseudonyms"] == "linkable", below_k_reason=data["below_k_reason"],
            request=request)

    def page(form, status):
        masked = loaded.masked
        return render(request, "engagement/build.html", {
            "contract": contract, "upload": upload, "form": form, "protection": protection, "settings": current,
            "rows": len(masked), "masked_cells": masked.masked_cells, "findings": len(loaded.findings),
            "steps": _steps(upload, "build"),
        }, status=status)

    # Made: the password is shown once, on this answer (no redirect, no message).
    return form_post(
        request, BuildForm, act=act, page=page,
        form_kwargs={"initial": {"medium_kind": default_kind, "medium_label": services.next_medium_label(contract)}},
        done=lambda made: render(request, "engagement/built.html", {
            "contract": contract, "package": made.package, "password": made.password,
            "groups": [made.password[i:i + 4] for i in range(0, len(made.password), 4)],
            "notice_form": NoticeForm(initial={"password": made.password}),
            "rules": {"separation": rules.SEPARATION_RULE},
        }))


@login_required
@contract_get
def package(request, slug, pk):
    item = permissions.package_for(request.user, slug, pk)
    return render(request, "engagement/package.html", {
        "contract": item.contract, "package": item,
        "downloads": item.downloads.select_related("downloaded_by__profile"),
        "may_download": permissions.may_download(request.user, item),
        "may_print": permissions.may_print_notice(request.user, item),
        "rules": {"separation": rules.SEPARATION_RULE},
    })


@login_required
@contract_get
def package_download(request, slug, pk):
    item = permissions.package_for(request.user, slug, pk)
    permissions.may_download(request.user, item).or_403()
    try:
        document = services.survey_package_download(package=item, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("engagement:package", slug=slug, pk=pk)
    return _attachment(*document)


@login_required
@contract_post
def notice_print(request, slug, pk):
    item = permissions.package_for(request.user, slug, pk)
    permissions.may_print_notice(request.user, item).or_403()
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("パスワードが送られていません。作成した画面から印刷してください。"))
        return redirect("engagement:package", slug=slug, pk=pk)
    try:
        document = services.survey_notice_print(package=item, actor=request.user,
                                                password=form.cleaned_data["password"], request=request)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("engagement:package", slug=slug, pk=pk)
    return _attachment(*document)

