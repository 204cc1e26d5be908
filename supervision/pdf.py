"""The inspection's record (立入り調査等実施記録) as an A4 PDF: the contract and its fiscal year, who was inspected,
the date (令和), the place, the method (and why not on site), the inspectors, each checklist item examined with its
result, the findings with their owner, due date, response and state, and the seal boxes 検査者・所属長・取扱責任者."""

from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.selectors import display_name
from core.dates import fiscal_year_label, wareki, wareki_datetime
from core.pdf import PDF_CONTENT_TYPE, render_pdf

from .models import Inspection
from .selectors import inspection_detail, item_labels


def inspection_pdf(inspection: Inspection) -> tuple[str, str, bytes]:
    inspection = inspection_detail(inspection)
    contract = inspection.contract
    labels = item_labels(contract)
    results = [(labels.get(row.item_key, row.item_key), row.get_result_display(), row.note)
               for row in inspection.results.all()]
    findings = []
    for finding in inspection.findings.all():
        decided = ""
        if finding.is_accepted and finding.decided_at:
            decided = _("%(when)s 受理") % {"when": wareki(finding.decided_at)}
        findings.append({
            "number": finding.number, "text": finding.text, "item": labels.get(finding.item_key, _("（全体）")),
            "owner": display_name(finding.owner), "due": wareki(finding.due_on),
            "response": finding.response or _("（未回答）"),
            "status": " ".join(part for part in (finding.get_status_display(), decided) if part)})
    content = render_pdf("supervision/inspection_pdf.html", {
        "inspection": inspection, "contract": contract, "year": fiscal_year_label(inspection.fiscal_year),
        "held_on": wareki(inspection.held_on) if inspection.held_on else _("（未実施）"),
        "planned_on": wareki(inspection.planned_on),
        "period": _("%(start)sから%(end)sまで") % {"start": wareki(contract.start_date), "end": wareki(contract.end_date)},
        "results": results, "findings": findings,
        "recorded": (_("%(when)s（%(name)s）") % {"when": wareki_datetime(inspection.recorded_at),
                                                "name": display_name(inspection.recorded_by)})
        if inspection.recorded_at else "",
        "printed_at": wareki_datetime(timezone.now()),
    }, extra_css=PDF_CSS)
    return f"{contract.file_stem}-inspection-{inspection.number}.pdf", PDF_CONTENT_TYPE, content


PDF_CSS = """
p { margin: 0 0 2mm; }
.results td, .results th, .findings td, .findings th { font-size: 8pt; }
.findings td { white-space: pre-line; }
.seals { width: 75%; margin-left: 25%; }
.seals td { height: 18mm; }
"""
