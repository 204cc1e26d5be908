"""The register (委託一覧), its XLSX and the council's annual summary, and a contractor's page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.services import audit_log
from environment.models import Certificate, EnvironmentProfile
from incidents.models import Incident

from . import exports, selectors
from .attention import attention_for
from .forms import RegisterFilterForm
from .permissions import contractor_for, may_view_register

PAGE_SIZE = 100


def _filters_text(form, filters: dict) -> str:
    parts = []
    for name, value in filters.items():
        field = form.fields[name]
        if name == "fiscal_year":
            shown = dict(field.choices).get(value, value)
        elif name == "state":
            shown = dict(field.choices).get(value, value)
        elif name == "needs_attention":
            parts.append(str(field.label))
            continue
        else:
            shown = str(value)
        parts.append(f"{field.label}={shown}")
    return "、".join(parts)


def _register(request):
    contracts = selectors.scope(request.user)
    form = RegisterFilterForm(request.GET or None, years=selectors.years_in(contracts),
                              contractor_ids=selectors.contractor_ids_in(contracts))
    valid = not form.is_bound or form.is_valid()
    filters = form.filters()
    chosen = selectors.filtered(contracts, filters)
    rows = selectors.register_rows(chosen) if valid else []
    if filters.get("needs_attention"):
        rows = [row for row in rows if row.attention.any]
        # The summary counts the contracts the table shows (the export's summary sheet says it is filtered so).
        chosen = chosen.filter(pk__in=[row.contract.pk for row in rows])
    year = filters.get("fiscal_year") or selectors.current_fiscal_year()
    summary = selectors.council_summary(chosen, year) if valid else None
    return form, valid, filters, rows, summary


@login_required
@require_safe
def register_list(request):
    may_view_register(request.user).or_403()
    form, valid, filters, rows, summary = _register(request)
    query = request.GET.copy()
    query.pop("page", None)
    # The totals count every contract the filters chose; the table shows them a page at a time.
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "register/list.html", {
        "form": form, "rows": rows, "page": page, "totals": selectors.totals_of(rows), "summary": summary,
        "valid": valid, "query": query.urlencode() if valid else "", "filtered": bool(filters),
    }, status=200 if valid else 400)


@login_required
@require_safe
def register_export(request):
    may_view_register(request.user).or_403()
    form, valid, filters, rows, summary = _register(request)
    if not valid:
        # A filter out of its range is shown with its message, never dropped by exporting every contract.
        return render(request, "register/list.html", {
            "form": form, "rows": [], "page": None, "totals": selectors.totals_of([]), "summary": None, "valid": False,
            "query": "", "filtered": True}, status=400)
    filters_text = _filters_text(form, filters)
    filename, content_type, content = exports.register_xlsx(rows, filters_text=filters_text, summary=summary)
    audit_log(action="register.exported", actor=request.user, request=request,
              payload={"format": "xlsx", "rows": len(rows), "filters": filters_text,
                       "summary_year": str(summary.fiscal_year)})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def contractor_detail(request, pk):
    organisation = contractor_for(request.user, pk)
    contracts = list(selectors.scope(request.user).filter(contractor=organisation)
                     .select_related("ward_section", "contract_type").order_by("-fiscal_year", "title", "pk"))
    attention = attention_for(contracts)
    incidents = list(Incident.objects.filter(contract__in=[c.pk for c in contracts])
                     .select_related("contract").order_by("-discovered_at", "-pk"))
    open_ones = {incident.pk: assessment for a in attention.values() for incident, assessment in a.incidents}
    profile = EnvironmentProfile.objects.filter(organisation=organisation).first()
    certificates = list(Certificate.objects.filter(profile=profile).order_by("-valid_until", "pk")) if profile else []
    expiring = {c.pk for a in attention.values() for c in a.certificates}
    return render(request, "register/contractor.html", {
        "organisation": organisation, "profile": profile,
        "contracts": [(c, attention[c.pk]) for c in contracts],
        "incidents": [(i, open_ones.get(i.pk)) for i in incidents],
        "certificates": [(c, c.pk in expiring) for c in certificates],
    })
