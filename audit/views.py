from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from contracts.selectors import contracts_for

from .exports import audit_log_xlsx
from .forms import AuditFilterForm
from .selectors import audit_entries_for
from .services import audit_log, verify_chain


def _may_read_log(user) -> bool:
    return user.has_perm("audit.view_security_log") or contracts_for(user, perm="contracts.audit_contract").exists()


def _filtered(request):
    form = AuditFilterForm(request.GET or None, contracts=contracts_for(request.user, perm="contracts.audit_contract"))
    filters = form.cleaned_data if form.is_valid() else {}
    return form, audit_entries_for(request.user, **{k: v for k, v in filters.items() if v})


@login_required
@require_safe
def audit_log_page(request):
    if not _may_read_log(request.user):
        raise PermissionDenied
    form, entries = _filtered(request)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_safe
def audit_log_export(request):
    if not _may_read_log(request.user):
        raise PermissionDenied
    form, entries = _filtered(request)
    filename, content_type, content = audit_log_xlsx(entries)
    audit_log(action="audit.log.exported", actor=request.user, request=request,
              payload={"filters": {k: v for k, v in request.GET.items()}, "rows": len(entries)})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def audit_verify(request):
    if not request.user.has_perm("audit.view_security_log"):
        raise PermissionDenied
    count, broken, reason = verify_chain()
    if broken is None:
        messages.success(request, _("監査証跡は改ざんされていません（%(n)s 件を検証）。") % {"n": count})
    else:
        messages.error(request, _("監査証跡の連番 %(seq)s で不整合が見つかりました。") % {"seq": broken})
    return render(request, "audit/verify.html", {"count": count, "broken": broken})
