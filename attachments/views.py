"""The two URLs of the evidence files: upload (POST, from the tag's form on another app's page) and
download (GET, audited). Who may do either is the target's rule in attachments.registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from contracts.permissions import closed_answer, contract_for, contract_get
from core.errors import DomainError

from . import registry, services, storage
from .forms import UploadForm
from .models import EvidenceFile


def _target_or_404(user, content_type_id, object_id):
    """The registered record the URL names, if the person may see it; otherwise it does not exist."""
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
    except (ContentType.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None
    model = content_type.model_class()
    rules = registry.target_for(model) if model is not None else None
    if rules is None:
        raise Http404
    target = model._default_manager.filter(pk=object_id).first()
    if target is None or not rules.may_view(user, target):
        raise Http404
    return target, rules


def _back(request, target) -> str:
    """Where to go after an upload: the page the form was on (a path of this site), or the record's page."""
    wanted = request.POST.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return wanted
    url = getattr(target, "get_absolute_url", None)
    return url() if callable(url) else "/"


@login_required
def upload(request, content_type_id, object_id):
    target, rules = _target_or_404(request.user, content_type_id, object_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rules.may_attach(request.user, target).or_403()
    back = _back(request, target)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("添付資料を登録できませんでした: %(error)s") % {"error": error})
        return redirect(back)
    try:
        file = services.attach(target=target, upload=form.cleaned_data["file"], actor=request.user,
                               slot=form.cleaned_data["slot"], request=request)
    except DomainError as error:
        messages.error(request, _("添付資料を登録できませんでした: %(error)s") % {"error": error.message})
        return redirect(back)
    messages.success(request, _("「%(name)s」を第%(version)s版として登録しました（SHA-256 %(sha)s…）。") % {
        "name": file.name, "version": file.version, "sha": file.sha256[:12]})
    return redirect(back)


@login_required
def download(request, pk):
    file = EvidenceFile.objects.filter(pk=pk).select_related("content_type").first()
    target = file.target if file is not None else None
    rules = registry.target_for(target) if target is not None else None
    if rules is None or not rules.may_view(request.user, target):
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        data = services.read(file, actor=request.user, request=request)
    except storage.StoredDataError as error:
        return render(request, "attachments/unreadable.html", {"file": file, "error": error.message}, status=410)
    except DomainError as error:
        return render(request, "attachments/unreadable.html", {"file": file, "error": error.message}, status=403)
    response = HttpResponse(data, content_type=file.media_type)
    response["Content-Disposition"] = content_disposition_header(True, file.name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@contract_get
def contract_records(request, slug):
    """The contract's designations (誓約書, 研修記録) and subcontracting applications with their files, and the
    upload forms each person may use; whoever sees the contract reads it (another firm's contract: 404)."""
    contract = contract_for(request.user, slug)
    designations = list(contract.designations.select_related("user__profile__organisation")
                        .order_by("kind", "reported_at", "pk"))
    subcontractors = list(contract.subcontractors.order_by("pk"))
    for row in [*designations, *subcontractors]:
        row.contract = contract  # the rules ask the contract's roles, already read with it
    closed = closed_answer(contract)
    return render(request, "attachments/contract_records.html", {
        "contract": contract, "designations": designations, "subcontractors": subcontractors,
        "closed": closed.message if closed is not None else "",
    })
