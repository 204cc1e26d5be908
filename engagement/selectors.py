"""Reads of the survey export for the pages: what HR sees on the survey page, the risk page's previews,
the free-text findings, the menu link on the contract page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Link

from . import risk
from .models import SurveyPackage, SurveyUpload
from .permissions import may_see_survey, survey_export_used
from .services import Loaded, RiskSettings, finding_key, outgoing, protection_for


def survey_links(user, contract):
    """The contract page's menu: 調査データ for the contract's HR only."""
    if not user.is_authenticated or not survey_export_used(contract) or not may_see_survey(user, contract):
        return []
    return [Link(_("調査データ（暗号化パッケージ）"), reverse("engagement:index", kwargs={"slug": contract.slug}))]


def current_upload(contract) -> SurveyUpload | None:
    """The upload HR is working on (or the last one, if its data is gone)."""
    return (SurveyUpload.objects.filter(contract=contract).select_related("uploaded_by__profile")
            .order_by("-uploaded_at", "-pk").first())


def packages_of(contract):
    return (SurveyPackage.objects.filter(contract=contract)
            .select_related("medium", "notice", "built_by__profile", "notice_printed_by__profile")
            .order_by("-built_at", "-pk"))


@dataclass
class Option:
    value: int
    label: str
    records_below_k: int
    values: int
    chosen: bool


@dataclass
class ColumnPreview:
    header: str
    kind: risk.Kind
    distinct: int
    options: list[Option]


def kinds_of(loaded: Loaded) -> dict[str, risk.Kind]:
    dataset = loaded.dataset
    return {h: risk.column_kind(h, dataset.values[h]) for h in dataset.attribute_headers}


def column_previews(loaded: Loaded, settings: RiskSettings, kinds: dict[str, risk.Kind]) -> list[ColumnPreview]:
    """For each quasi-identifier, what each step of its ladder would leave in small groups, the other
    columns as they are set now (before suppression): the previews HR reads before applying one."""
    values = outgoing(loaded, settings).values
    chosen = {g.column: g for g in settings.plan}
    previews = []
    for header in settings.quasi:
        ladder = risk.ladder(header, kinds[header], settings.k)
        current = chosen.get(header, ladder[0])
        options = []
        for index, step in enumerate(ladder):
            plan = [g for g in settings.plan if g.column != header] + ([step] if not step.is_identity else [])
            protection = risk.protect(values, settings.quasi, plan, settings.k,
                                      department_map=settings.department_map or None, suppress=False)
            options.append(Option(value=index, label=step.describe() if index else _("そのまま"),
                                  records_below_k=protection.report.records_below_k,
                                  values=len(set(protection.columns[header])),
                                  chosen=(step.band, step.lift, bool(step.rare)) ==
                                  (current.band, current.lift, bool(current.rare))))
        previews.append(ColumnPreview(header=header, kind=kinds[header], distinct=len(set(values[header])),
                                      options=options))
    return previews


@dataclass
class RiskPage:
    before: risk.RiskReport
    proposal: risk.Proposal
    protection: risk.Protection
    previews: list[ColumnPreview]
    # What would reach k, when the proposal cannot within the suppression limit.
    remedies: risk.Remedies | None = None

    @property
    def reached(self) -> bool:
        return self.protection.reached


def proposal_for(loaded: Loaded, settings: RiskSettings, kinds: dict[str, risk.Kind]) -> risk.Proposal:
    """The least generalisation of the records that will be written, within HR's suppression limit."""
    return risk.propose(outgoing(loaded, settings).values, settings.quasi, settings.k,
                        department_map=settings.department_map or None, kinds=kinds,
                        max_suppression=settings.suppression_share)


def risk_page(loaded: Loaded, settings: RiskSettings, kinds: dict[str, risk.Kind]) -> RiskPage:
    values = outgoing(loaded, settings).values
    proposal = proposal_for(loaded, settings, kinds)
    remedies = None
    if not proposal.reached and settings.quasi:
        remedies = risk.remedies(values, settings.quasi, settings.k, department_map=settings.department_map or None,
                                 kinds=kinds, max_suppression=settings.suppression_share)
    return RiskPage(
        before=risk.assess(values, settings.quasi, settings.k),
        proposal=proposal,
        protection=protection_for(loaded, settings),
        previews=column_previews(loaded, settings, kinds),
        remedies=remedies,
    )


@dataclass
class FindingRow:
    key: str
    row: int
    column: str
    kind: str
    before: str
    found: str
    after: str
    masked: bool


def finding_rows(loaded: Loaded, *, context: int = 30) -> list[FindingRow]:
    """Each finding with a little of the text around it, for HR to judge (HR's screen only)."""
    keep = set(loaded.upload.unmasked or ())
    rows = []
    for finding in loaded.findings:
        text = loaded.dataset.values[finding.column][finding.record]
        start, end = finding.start, finding.end
        key = finding_key(loaded.dataset, finding)
        rows.append(FindingRow(
            key=key, row=finding.row, column=finding.column, kind=finding.kind_label,
            before=("…" if start > context else "") + text[max(0, start - context):start], found=text[start:end],
            after=text[end:end + context] + ("…" if len(text) > end + context else ""), masked=key not in keep))
    return rows
