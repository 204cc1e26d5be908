"""The auditors' monthly access-log analysis (audit/analysis.py): the months, one month's analysis, and
recording that it was analysed. Auditors only (``may_analyse_log``); everyone else gets 403."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.posting import form_post

from . import analysis
from .analysis_forms import AnalysisRecordForm
from .formatting import person_name
from .models import LogAnalysis
from .permissions import may_analyse_log

# Months the index lists, newest first.
INDEX_MONTHS = 12


def _require_auditor(request) -> None:
    may_analyse_log(request.user).or_403()


def _month(year: int, month: int) -> analysis.Month:
    found = analysis.month_or_none(year, month)
    if found is None:
        raise Http404
    return found


@login_required
@require_safe
def analysis_index(request):
    _require_auditor(request)
    current = analysis.Month.current()
    months = [current]
    while len(months) < INDEX_MONTHS:
        months.append(months[-1].previous())
    records: dict = {}
    for record in LogAnalysis.objects.filter(month__gte=months[-1].first_day).select_related(
            "recorded_by__profile").order_by("recorded_at"):
        records.setdefault(record.month, []).append((record, person_name(record.recorded_by)))
    return render(request, "audit/analysis_index.html", {
        "rows": [(month, records.get(month.first_day, [])) for month in months],
        "due": current.previous(),
        "office_hours": analysis.office_hours_text(),
    })


def _month_page(request, month, form=None, status=200):
    return render(request, "audit/analysis.html", {
        "month": month, "analysis": analysis.analyse(request.user, month),
        "records": [(record, person_name(record.recorded_by), analysis.own_actions_declaration(record))
                    for record in analysis.records_of(month)],
        "own_actions": analysis.own_actions_text(analysis.own_actions(request.user, month)),
        "form": form or AnalysisRecordForm(),
        "office_hours": analysis.office_hours_text(),
        "previous": month.previous(), "next": month.next() if month.next().is_open() else None,
    }, status=status)


@login_required
@require_safe
def analysis_month(request, year, month):
    _require_auditor(request)
    return _month_page(request, _month(year, month))


@login_required
@require_POST
def analysis_record(request, year, month):
    _require_auditor(request)
    month = _month(year, month)
    return form_post(
        request, AnalysisRecordForm,
        act=lambda form: analysis.analysis_record(month=month, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=_("%(month)s分のアクセスログを分析したことを記録しました。") % {"month": month.label},
        done=redirect("audit:analysis_month", year=month.year, month=month.month),
        page=lambda form, status: _month_page(request, month, form=form, status=status))
