"""What the app knows about the checklist's items 02 and 03 (both sides), for one contract.

Registered in ``SupervisionConfig.ready`` with the evidence registry (``core.evidence``):

- ``*.operational.02`` 契約履行の間、特記事項に基づき立入り調査等を実施する。また、必要に応じて委託先に対し速やかに
  状況報告をさせる — an inspection of the contractor held in the contract's fiscal year, on site or, by video or
  documents, with its reason recorded; unmet once a planned date has passed without one held (or the contract's
  period ended with none). The status reports (``statusreports.selectors.report_summary``) are counted with it:
  one overdue turns the item unmet.
- ``*.operational.03`` 再委託先がある場合には…立入り調査等ができる契約内容を付すとともに、必要に応じて又は定期的に
  立入り調査等を実施 — each approved subcontractor has the right of inspection flowing down and an inspection
  planned or held in the year; none approved: nothing to judge here.

The files behind them (the inspections' documents and the responses' photos) are listed with their SHA-256.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.selectors import file_refs
from contracts.subcontracting import approved
from core.dates import fiscal_year_label, wareki
from core.evidence import Evidence, FileRef
from statusreports.selectors import report_file_refs, report_summary

from .models import Finding, Inspection


def _file_refs(contract, inspections) -> tuple[FileRef, ...]:
    findings = list(Finding.objects.filter(contract=contract, inspection__in=inspections))
    return tuple(file_refs([*inspections, *findings]))


def _status_reports(contract) -> tuple[str, bool, tuple[FileRef, ...]]:
    """(a sentence on the status reports, whether any is overdue, their files)."""
    summary = report_summary(contract)
    overdue = int(summary.get("overdue") or 0)
    sentence = _("状況報告: 期限の来たもの %(due)s件、受理 %(accepted)s件、期限超過 %(overdue)s件") % {
        "due": summary.get("due") or 0, "accepted": summary.get("accepted") or 0, "overdue": overdue}
    return sentence, overdue > 0, tuple(report_file_refs(contract))


def _joined(*parts: str) -> str:
    return "。".join(part for part in parts if part)


def inspection_evidence(contract) -> Evidence:
    """立入り調査等を実施: an inspection of the contractor held in the contract's fiscal year (on site, or remote or by
    documents with its reason); unmet after a planned date passes without one held."""
    url = reverse("supervision:list", kwargs={"slug": contract.slug})
    year = contract.fiscal_year
    inspections = list(Inspection.objects.filter(contract=contract, fiscal_year=year, subcontractor__isnull=True)
                       .order_by("planned_on"))
    reports, reports_overdue, report_files = _status_reports(contract)
    files = _file_refs(contract, inspections) + report_files
    held = [i for i in inspections if i.is_done and (i.method == Inspection.Method.ON_SITE or i.reason)
            and i.held_on <= contract.end_date]
    today = timezone.localdate()
    if held:
        last = max(held, key=lambda i: (i.held_on, i.pk))
        summary = _("%(year)sの立入り調査等 %(n)s回（直近 %(day)s、%(method)s）") % {
            "year": fiscal_year_label(year), "n": len(held), "day": wareki(last.held_on), "method": last.method_text}
        if reports_overdue:
            return Evidence(met=False, url=url, files=files, summary=_joined(summary, reports))
        return Evidence(met=True, url=url, files=files, summary=_joined(summary, reports))
    passed = [i for i in inspections if i.is_planned and i.planned_on < today]
    if passed:
        return Evidence(met=False, url=url, files=files, summary=_joined(
            _("予定日（%(day)s）を過ぎましたが、%(year)sの立入り調査等の実施が記録されていません") % {
                "day": wareki(passed[0].planned_on), "year": fiscal_year_label(year)}, reports))
    planned = [i for i in inspections if i.is_planned]
    if planned:
        return Evidence(met=False if reports_overdue else None, url=url, files=files, summary=_joined(
            _("%(year)sの立入り調査等を%(day)sに予定しています（未実施）") % {
                "year": fiscal_year_label(year), "day": wareki(planned[0].planned_on)}, reports))
    if contract.end_date < today:
        return Evidence(met=False, url=url, files=files, summary=_joined(
            _("%(year)sの立入り調査等が実施されないまま契約の期間が終わりました") % {"year": fiscal_year_label(year)},
            reports))
    return Evidence(met=False if reports_overdue else None, url=url, files=files, summary=_joined(
        _("%(year)sの立入り調査等はまだ計画されていません") % {"year": fiscal_year_label(year)}, reports))


def subcontractor_evidence(contract) -> Evidence:
    """再委託先への立入り調査等: each approved subcontractor's contract carries the right of inspection (flows_down) and
    it has an inspection planned or held in the contract's fiscal year, not overdue."""
    url = reverse("supervision:list", kwargs={"slug": contract.slug})
    subcontractors = list(approved(contract).order_by("pk"))
    if not subcontractors:
        return Evidence(met=None, url=url, summary=_("区が承認した再委託先はありません。"))
    today = timezone.localdate()
    inspections = list(Inspection.objects.filter(contract=contract, fiscal_year=contract.fiscal_year,
                                                 subcontractor__in=subcontractors)
                       .exclude(status=Inspection.Status.CANCELLED).order_by("planned_on", "pk"))
    files = _file_refs(contract, inspections)
    problems, fine = [], []
    for sub in subcontractors:
        own = [i for i in inspections if i.subcontractor_id == sub.pk]
        held = [i for i in own if i.is_done]
        if not sub.flows_down:
            problems.append(_("「%(name)s」: 立入り調査等ができる契約内容の確認がありません") % {"name": sub.name})
        elif held:
            fine.append(_("「%(name)s」: %(day)sに実施") % {"name": sub.name, "day": wareki(held[-1].held_on)})
        elif any(i.planned_on < today for i in own):
            problems.append(_("「%(name)s」: 予定日を過ぎましたが実施が記録されていません") % {"name": sub.name})
        elif own:
            fine.append(_("「%(name)s」: %(day)sに予定") % {"name": sub.name, "day": wareki(own[0].planned_on)})
        else:
            problems.append(_("「%(name)s」: 立入り調査等が計画されていません") % {"name": sub.name})
    summary = _("承認された再委託先 %(n)s者") % {"n": len(subcontractors)} + "（" + "、".join(problems + fine) + "）"
    return Evidence(met=not problems, url=url, files=files, summary=summary)


PROVIDERS = {
    "operational.02": inspection_evidence,
    "operational.03": subcontractor_evidence,
}


def register_all() -> None:
    from core import evidence

    for key, provider in PROVIDERS.items():
        for side in ("ward", "contractor"):
            evidence.register(f"{side}.{key}", provider)
