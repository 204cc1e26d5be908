"""An administrator's import: upload → preview (every row checked, every error shown) → confirm.

The rows read from the uploaded file wait in the person's session (on the server), under the file's
SHA-256, which is the only thing the preview's address carries: the confirmation imports exactly the file
that was previewed, and a second upload replaces the first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.posting import form_post

from . import exports, services
from .forms import ConfirmForm, UploadForm
from .kinds import KINDS, kind_for
from .models import ImportRun
from .permissions import may_run_import
from .reading import Sheet, read_sheet

PENDING = "imports.pending"


def _keep(request, *, kind: str, filename: str, digest: str, sheet: Sheet) -> None:
    request.session[PENDING] = {
        "digest": digest, "kind": kind, "filename": filename, "headers": sheet.headers, "rows": sheet.rows,
        "numbers": sheet.numbers, "header_row": sheet.header_row, "source": sheet.source,
    }


def _pending(request, digest: str):
    kept = request.session.get(PENDING)
    if not kept or kept.get("digest") != digest or kind_for(kept.get("kind")) is None:
        return None
    sheet = Sheet(headers=kept["headers"], rows=kept["rows"], numbers=kept["numbers"], header_row=kept["header_row"],
                  source=kept["source"])
    return kept, kind_for(kept["kind"]), sheet


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    answer = may_run_import(request.user).or_403()

    def act(form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        sheet = read_sheet(data, upload.name)
        digest = services.sha256(data)
        _keep(request, kind=form.cleaned_data["kind"], filename=upload.name, digest=digest, sheet=sheet)
        return digest

    return form_post(
        request, UploadForm, files=True, allowed=answer, act=act,
        done=lambda digest: redirect("imports:preview", digest=digest),
        page="imports/index.html",
        context={"kinds": list(KINDS.values()), "runs": ImportRun.objects.select_related("imported_by__profile")[:20]})


@login_required
@require_safe
def template(request, kind, fmt):
    may_run_import(request.user).or_403()
    found = kind_for(kind)
    if found is None or fmt not in ("xlsx", "csv"):
        raise Http404
    filename, content_type, content = (exports.template_xlsx if fmt == "xlsx" else exports.template_csv)(found)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, digest):
    may_run_import(request.user).or_403()
    pending = _pending(request, digest)
    if pending is None:
        messages.info(request, _("確認するファイルが見つかりません。もう一度アップロードしてください。"))
        return redirect("imports:index")
    kept, kind, sheet = pending

    def page(form, status, outcome=None):
        if outcome is None:
            outcome = services.import_check(kind=kind, sheet=sheet, actor=request.user, request=request)
        return render(request, "imports/preview.html", {
            "form": form, "kind": kind, "filename": kept["filename"], "digest": digest, "outcome": outcome,
        }, status=status)

    def on_error(form, error):
        if isinstance(error, services.ImportRefused):
            form.add_error(None, str(error.message))
            return page(form, 400, error.outcome)
        form.add_error(None, str(error.message))
        return None

    def act(form):
        run = services.import_run(kind=kind, sheet=sheet, filename=kept["filename"], digest=digest,
                                  actor=request.user, request=request)
        request.session.pop(PENDING, None)
        return run

    return form_post(
        request, ConfirmForm, act=act, on_error=on_error, page=page,
        message=lambda run: _("%(kind)sを取り込みました（登録%(created)s件・更新%(updated)s件）。") % {
            "kind": kind.label, "created": run.created, "updated": run.updated},
        done=redirect("imports:index"))
