from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import exports
from .formatting import Context, action_words, present
from .forms import AuditFilterForm, filters_text
from .permissions import may_read_log, may_read_security_log
from .scope import audited_contracts
from .selectors import audit_entries_for, downloads_for
from .services import audit_log, verify

PAGE_SIZE = 100


def _filtered(request, *, downloads: bool):
    """The filter form and the entries it selects; a refused filter selects nothing (the page says why)."""
    may_read_log(request.user).or_403()
    form = AuditFilterForm(request.GET or None, contracts=audited_contracts(request.user),
                           with_action=not downloads)
    select = downloads_for if downloads else audit_entries_for
    if form.is_bound and not form.is_valid():
        return form, select(request.user).none()
    return form, select(request.user, **(form.filters() if form.is_bound else {}))


def _page(request, template, *, downloads: bool):
    form, entries = _filtered(request, downloads=downloads)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {
        "form": form, "page": page, "rows": present(page), "query": query.urlencode(), "action_words": action_words(),
        "filters": filters_text(form.audit_payload(), Context([])) if form.is_bound and form.is_valid() else "",
    }, status=400 if form.errors else 200)


def _export(request, template, *, downloads: bool):
    form, entries = _filtered(request, downloads=downloads)
    if form.errors:
        # The file would not say what the person asked for: the page shows why, at the field.
        return _page(request, template, downloads=downloads)
    kept = form.audit_payload() if form.is_bound else {}
    shown = filters_text(kept, Context([]))
    make = exports.downloads_xlsx if downloads else exports.audit_log_xlsx
    filename, content_type, content, rows = make(entries, filters_text=shown)
    audit_log(action="audit.downloads.exported" if downloads else "audit.log.exported", actor=request.user,
              request=request, contract=form.cleaned_data.get("contract") if form.is_bound else None,
              payload={"format": "xlsx", "rows": rows, "filters": kept})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def audit_log_page(request):
    return _page(request, "audit/log.html", downloads=False)


@login_required
@require_safe
def audit_log_export(request):
    return _export(request, "audit/log.html", downloads=False)


@login_required
@require_safe
def downloads_page(request):
    return _page(request, "audit/downloads.html", downloads=True)


@login_required
@require_safe
def downloads_export(request):
    return _export(request, "audit/downloads.html", downloads=True)


@login_required
@require_safe
def audit_verify(request):
    may_read_security_log(request.user).or_403()
    result = verify()
    if result.missing:
        messages.error(request, _("監査証跡の連番 %(first)s〜%(last)s の記録が失われています。") % {
            "first": result.missing[0], "last": result.missing[1]})
    elif result.broken is not None:
        messages.error(request, _("監査証跡の連番 %(seq)s で不整合が見つかりました。") % {"seq": result.broken})
    elif result.undeclared:
        messages.error(request, _("監査証跡の鍵のない記録について、データベースの外の宣言がありません。"))
    elif result.external:
        messages.error(request, _("データベースの外に記録した監査証跡の末尾と照合できませんでした。"))
    else:
        messages.success(request, _("監査証跡は改ざんされていません（%(n)s 件を検証）。") % {"n": result.count})
    return render(request, "audit/verify.html", {"result": result})
