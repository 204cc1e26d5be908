"""Reads of the checklists, shaped for the pages, the exports and the dashboard."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.selectors import contracts_for
from core import evidence as live_evidence
from core.dashboard import Link, Waiting

from . import versions
from .models import (
    Checklist,
    ChecklistEvent,
    ChecklistItem,
    ChecklistSide,
    ChecklistTemplate,
    Mark,
    Section,
    Side,
)
from .permissions import may_on_side


def checklist_of(contract: Contract) -> Checklist | None:
    return Checklist.objects.select_related("template", "plan_finalised_by__profile").filter(contract=contract).first()


def template_for(contract: Contract, checklist: Checklist | None = None) -> ChecklistTemplate | None:
    """The version the contract uses (``checklist`` is the contract's, already read, or None when it has none),
    or the one a new plan would start on (``versions``)."""
    if checklist is not None:
        return checklist.template
    return versions.in_force(contract.contract_type_id)


@dataclass
class Row:
    template_item: object
    item: ChecklistItem | None
    evidence: list = field(default_factory=list)
    # The files attached to the item's attestation (every version), as core.evidence.FileRef.
    files: tuple = ()

    @property
    def key(self) -> str:
        return self.template_item.key

    @property
    def anchor(self) -> str:
        return self.template_item.anchor

    @property
    def shows_unmet(self) -> bool:
        return live_evidence.shows_unmet(self.evidence)


@dataclass
class SectionRows:
    section: str
    heading: str
    rows: list[Row]


@dataclass
class SideView:
    side: str
    template: ChecklistTemplate
    checklist: Checklist | None
    state: ChecklistSide | None
    sections: list[SectionRows]

    @property
    def heading(self) -> str:
        return self.template.heading(self.side)

    @property
    def mark_header(self) -> str:
        return self.template.mark_header(self.side)

    @property
    def label(self) -> str:
        return Side(self.side).label

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]

    @property
    def items(self) -> list[ChecklistItem]:
        return [row.item for row in self.rows if row.item is not None]

    @property
    def next_steps(self) -> list[str]:
        return next_steps(self.side, self.checklist, self.state, self.counts)

    def count(self, predicate) -> int:
        return sum(1 for item in self.items if predicate(item))

    @property
    def counts(self) -> dict[str, int]:
        return {
            "planned": self.count(lambda i: i.is_planned),
            "not_needed": self.count(lambda i: i.is_not_needed),
            "attested": self.count(lambda i: i.is_planned and i.is_attested),
            "in_place": self.count(lambda i: i.is_planned and i.is_in_place),
            "accepted": self.count(lambda i: i.is_planned and i.is_accepted),
            "returned": self.count(lambda i: i.is_planned and i.is_returned),
            "awaiting": self.count(lambda i: i.awaits_review),
            "flagged": self.count(lambda i: i.is_planned and i.flagged and not i.is_accepted),
            "blank": self.count(lambda i: i.is_planned and not i.is_attested),
        }


def attester_words(side: str) -> str:
    """Who attests a side, as the pages say it."""
    return _("区（人材育成等担当）") if side == Side.WARD else _("委託事業者の取扱責任者")


def next_steps(side: str, checklist: Checklist | None, state: ChecklistSide | None, counts: dict) -> list[str]:
    """Who must do what next on one side, in sentences; both parties may have something to do at once
    (the ward reviews while the contractor corrects what was sent back)."""
    ward, attester = _("区（人材育成等担当）"), attester_words(side)
    if checklist is None or not checklist.is_finalised or state is None:
        return [_("%(ward)sが計画（○/ー）を確定するのを待っています。") % {"ward": ward}]
    if state.is_locked:
        return [_("確定済みです。これ以上の記入・確認はありません。")]
    if state.is_accepted:
        return [_("「○」の全項目が確認済みです。%(ward)sがチェックリストを確定してください。") % {"ward": ward}]
    steps = []
    if state.is_submitted and counts["awaiting"]:
        steps.append(_("%(ward)sが確認してください（確認待ち %(n)s件）。") % {"ward": ward, "n": counts["awaiting"]})
    if counts["returned"]:
        step = _("%(who)sが、差し戻された %(n)s件を直して保存してください。") % {"who": attester, "n": counts["returned"]}
        if state.is_submitted:
            step += _("直した項目は、そのまま区の確認に回ります。")
        steps.append(step)
    if state.is_with_submitter:
        if counts["blank"]:
            steps.append(_("%(who)sが、「○」の未記入 %(n)s件に実施状況を記入してください。")
                         % {"who": attester, "n": counts["blank"]})
        if counts["awaiting"]:
            steps.append(_("%(who)sが、すべて記入したら区に確認を依頼してください（確認待ちにする項目 %(n)s件）。")
                         % {"who": attester, "n": counts["awaiting"]})
    return steps


def _items(checklist: Checklist):
    return (checklist.items.select_related("template_item", "attested_by__profile", "reviewed_by__profile")
            .order_by("template_item__position"))


def side_views(contract: Contract, sides, *, with_evidence: bool = False) -> list[SideView]:
    """The requested sides in the seed's order (ward, then contractor), grouped under the four headings."""
    checklist = checklist_of(contract)
    template = template_for(contract, checklist)
    if template is None:
        return []
    by_template_item = {}
    states = {}
    if checklist is not None:
        by_template_item = {item.template_item_id: item for item in _items(checklist)}
        states = {row.side: row for row in checklist.sides.select_related("submitted_by__profile",
                                                                          "locked_by__profile")}
    template_items = list(template.items.order_by("position"))
    evidence = {}
    files: dict[int, list] = {}
    if with_evidence:
        # Asked by each item's backing record key; an attestation-with-files item asks none and shows its files.
        evidence = live_evidence.evidence_by_key(
            contract, [t.backing for t in template_items if t.side in sides and t.backing]
        )
        files = attestation_files(by_template_item.values())
    views = []
    for side in (Side.WARD, Side.CONTRACTOR):
        if side not in sides:
            continue
        sections = []
        for section in (Section.OPERATIONAL, Section.SYSTEM):
            rows = [Row(t, by_template_item.get(t.pk), evidence.get(t.backing, []) if t.backing else [],
                        tuple(files.get(getattr(by_template_item.get(t.pk), "pk", None), ())))
                    for t in template_items if t.side == side and t.section == section]
            sections.append(SectionRows(section, template.section_heading(section), rows))
        views.append(SideView(side, template, checklist, states.get(side), sections))
    return views


ATTESTATION_SLOT = "attestation"


def attestation_files(items) -> dict[int, list]:
    """The files attached to the items' attestations, by item pk, in one query."""
    from attachments.selectors import files_for_many

    found: dict[int, list] = {}
    for f in files_for_many(list(items), slot=ATTESTATION_SLOT):
        found.setdefault(f.object_id, []).append(
            live_evidence.FileRef(name=f.name, sha256=f.sha256, version=f.version, size=f.size,
                                  url=reverse("attachments:download", args=[f.pk])))
    return found


def side_view(contract: Contract, side: str, *, with_evidence: bool = True) -> SideView | None:
    views = side_views(contract, [side], with_evidence=with_evidence)
    return views[0] if views else None


def previous_plan(contract: Contract) -> dict[str, tuple[str, str]]:
    """Last year's finalised marks by item key, to start this year's plan from (journeys: April)."""
    if contract.previous_id is None:
        return {}
    previous = Checklist.objects.filter(contract_id=contract.previous_id,
                                        plan_status=Checklist.PlanStatus.FINALISED).first()
    if previous is None:
        return {}
    return {item.template_item.key: (item.mark, item.mark_reason)
            for item in previous.items.select_related("template_item")}


@dataclass
class HistoryRow:
    event: ChecklistEvent
    changes: list = field(default_factory=list)


def history(checklist: Checklist | None, sides) -> list[HistoryRow]:
    """Who said what, when; a contractor's people see their own side's entries and the plan's changes
    to their own side only."""
    if checklist is None:
        return []
    labels = {t.key: t for t in checklist.template.items.all()}
    rows = []
    events = (checklist.events.select_related("actor__profile", "item__template_item")
              .order_by("-created_at", "-pk"))
    for event in events:
        if event.side and event.side not in sides:
            continue
        changes = []
        for change in event.detail.get("changes", []) if isinstance(event.detail, dict) else []:
            template_item = labels.get(change.get("key"))
            if template_item is None or template_item.side not in sides:
                continue
            symbols = {Mark.PLANNED: Mark.PLANNED.label, Mark.NOT_NEEDED: Mark.NOT_NEEDED.label, "": ""}
            changes.append({**change, "label": template_item.label,
                            "before": symbols.get(change.get("before"), ""),
                            "after": symbols.get(change.get("after"), ""),
                            "reason": change.get("reason_after", change.get("reason", ""))})
        if event.kind in (ChecklistEvent.Kind.PLAN_SAVED, ChecklistEvent.Kind.PLAN_REVISED) and not changes \
                and Side.WARD not in sides:
            continue
        rows.append(HistoryRow(event, changes))
    return rows


def mark_symbol(item: ChecklistItem | None) -> str:
    """The plan's mark as pages and documents print it: ○, ー, or nothing yet."""
    if item is None or not item.mark:
        return ""
    return Mark(item.mark).label


# Dashboard and contract menu.

def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _side_counts(checklists) -> dict[tuple[int, str], dict[str, int]]:
    """Per (checklist, side): ○ items sent back, awaiting review, not yet attested, in one query."""
    rows = (ChecklistItem.objects.filter(checklist__in=checklists, mark=Mark.PLANNED)
            .values("checklist_id", "template_item__side")
            .annotate(returned=Count("pk", filter=Q(review=ChecklistItem.Review.RETURNED)),
                      awaiting=Count("pk", filter=Q(review=ChecklistItem.Review.NONE)
                                     & ~Q(attestation=ChecklistItem.Attestation.BLANK)),
                      blank=Count("pk", filter=Q(attestation=ChecklistItem.Attestation.BLANK))))
    return {(row["checklist_id"], row["template_item__side"]): row for row in rows}


def _first_returned(checklists) -> dict[tuple[int, str], str]:
    """Per (checklist, side): the anchor of the first item sent back, in one query, so the dashboard's link
    lands on it rather than at the top of a long page."""
    first: dict[tuple[int, str], str] = {}
    for entry in (ChecklistItem.objects.filter(checklist__in=checklists, mark=Mark.PLANNED,
                                               review=ChecklistItem.Review.RETURNED)
                  .select_related("template_item").order_by("template_item__position")):
        first.setdefault((entry.checklist_id, entry.template_item.side), entry.template_item.anchor)
    return first


def waiting_checklists(user):
    """What waits on the checklists: HR plans, reviews and locks; the attester (the contractor's manager,
    or HR on the ward side) fills in, corrects what was sent back, and asks for review."""
    today = timezone.localdate()
    managed = contracts_for(user, perm="contracts.manage_contract").exclude(status=Contract.Status.CLOSED)
    attesting = contracts_for(user, perm="contracts.manage_contractor_side").exclude(status=Contract.Status.CLOSED)
    managed_ids = set(managed.values_list("pk", flat=True))
    attesting_ids = set(attesting.values_list("pk", flat=True))
    contracts = Contract.objects.filter(pk__in=managed_ids | attesting_ids).order_by("start_date", "pk")
    checklists = {c.contract_id: c for c in Checklist.objects.filter(contract__in=contracts).prefetch_related(
        Prefetch("sides", queryset=ChecklistSide.objects.order_by("-side")))}
    finalised = [c for c in checklists.values() if c.is_finalised]
    counts = _side_counts(finalised)
    returned_anchors = _first_returned(finalised)
    empty = {"returned": 0, "awaiting": 0, "blank": 0}
    for contract in contracts:
        checklist = checklists.get(contract.pk)
        if contract.pk in managed_ids and (checklist is None or checklist.is_draft):
            yield Waiting(title=_("個人情報保護対策チェックリストの計画（○/ー）を確定してください"),
                          url=reverse("checklist:plan", kwargs={"slug": contract.slug}), contract=contract,
                          due=_start_of(contract.start_date), overdue=today >= contract.start_date)
            continue
        if checklist is None or not checklist.is_finalised:
            continue
        for state in checklist.sides.all():
            if state.is_locked:
                continue
            url = reverse("checklist:side", kwargs={"slug": contract.slug, "side": state.side})
            label = Side(state.side).label
            count = counts.get((checklist.pk, state.side), empty)
            ours = contract.pk in (attesting_ids if state.side == Side.CONTRACTOR else managed_ids)
            if contract.pk in managed_ids and state.is_submitted and count["awaiting"]:
                yield Waiting(title=_("チェックリスト（%(side)s）の確認依頼があります（確認待ち %(n)s件）")
                              % {"side": label, "n": count["awaiting"]}, url=url, contract=contract,
                              since=state.submitted_at, since_label=_("確認の依頼"))
            elif contract.pk in managed_ids and state.is_accepted:
                yield Waiting(title=_("チェックリスト（%(side)s）は全項目確認済みです。確定してください")
                              % {"side": label}, url=url, contract=contract)
            if not ours:
                continue
            if count["returned"]:
                # Whatever else waits on the ward, what was sent back can be corrected now (the page offers it).
                yield Waiting(title=_("チェックリスト（%(side)s）に差し戻された項目があります（%(n)s件）。直して保存してください")
                              % {"side": label, "n": count["returned"]}, contract=contract,
                              url=f"{url}#{returned_anchors.get((checklist.pk, state.side), '')}".rstrip("#"))
            elif state.is_with_submitter and count["blank"]:
                yield Waiting(title=_("チェックリスト（%(side)s）の実施状況を記入して提出してください")
                              % {"side": label}, url=url, contract=contract)
            elif state.is_with_submitter and count["awaiting"]:
                yield Waiting(title=_("チェックリスト（%(side)s）の確認を区に依頼してください") % {"side": label},
                              url=url, contract=contract)


def checklist_links(user, contract):
    if may_on_side(user, contract, Side.CONTRACTOR, "view"):
        yield Link(title=_("個人情報保護対策チェックリスト"),
                   url=reverse("checklist:overview", kwargs={"slug": contract.slug}))





# The records behind the items (confirmations, changes of measures, evidence requests).

def confirmations(contract) -> list:
    from .models import Confirmation

    return list(Confirmation.objects.filter(contract=contract)
                .select_related("confirmed_by__profile").order_by("kind", "-confirmed_on", "-pk"))


def measure_changes(contract) -> list:
    from .models import MeasureChange

    return list(MeasureChange.objects.filter(contract=contract)
                .select_related("recorded_by__profile", "consulted_by__profile").order_by("-changed_on", "-pk"))


def evidence_requests(user, contract) -> list:
    """The requests on the sides this person sees, the open ones first."""
    from .models import EvidenceRequest

    sides = [side for side in Side.values if may_on_side(user, contract, side, "view")]
    rows = (EvidenceRequest.objects.filter(contract=contract, item__template_item__side__in=sides)
            .select_related("item__template_item", "requested_by__profile", "submitted_by__profile",
                            "decided_by__profile"))
    return sorted(rows, key=lambda row: (row.is_accepted, row.due_on, row.pk))


def evidence_requests_by_item(contract) -> dict[int, list]:
    from .models import EvidenceRequest

    found: dict[int, list] = {}
    for row in EvidenceRequest.objects.filter(contract=contract).order_by("due_on", "pk"):
        found.setdefault(row.item_id, []).append(row)
    return found


REMIND_BEFORE = dt.timedelta(days=7)


def waiting_evidence_requests(user):
    """Evidence requests: the side's attester answers (from a week before the due date, flagged after it); HR
    decides what was submitted, and hears of a request past its date with no answer."""
    from .models import EvidenceRequest

    today = timezone.localdate()
    managed = set(contracts_for(user, perm="contracts.manage_contract").exclude(status=Contract.Status.CLOSED)
                  .values_list("pk", flat=True))
    attesting = set(contracts_for(user, perm="contracts.manage_contractor_side")
                    .exclude(status=Contract.Status.CLOSED).values_list("pk", flat=True))
    if not managed and not attesting:
        return
    rows = (EvidenceRequest.objects.filter(contract_id__in=managed | attesting)
            .exclude(status=EvidenceRequest.Status.ACCEPTED)
            .select_related("contract", "item__template_item").order_by("due_on", "pk"))
    for row in rows:
        url = reverse("checklist:request_detail", kwargs={"slug": row.contract.slug, "pk": row.pk})
        label = row.item.template_item.label
        side = row.item.template_item.side
        answers = row.contract_id in (attesting if side == Side.CONTRACTOR else managed)
        overdue = today > row.due_on
        if row.is_with_submitter and answers and (overdue or row.due_on - today <= REMIND_BEFORE
                                                   or row.is_returned):
            title = (_("差し戻された根拠資料（%(item)s）を直して提出してください") if row.is_returned
                     else _("根拠資料（%(item)s）の提出を依頼されています")) % {"item": label}
            yield Waiting(title=title, url=url, contract=row.contract, due=_start_of(row.due_on), overdue=overdue)
        elif row.contract_id in managed and row.is_submitted:
            yield Waiting(title=_("提出された根拠資料（%(item)s）を確認してください") % {"item": label}, url=url,
                          contract=row.contract, since=row.submitted_at, since_label=_("提出"))
        elif row.contract_id in managed and overdue and not answers:
            yield Waiting(title=_("依頼した根拠資料（%(item)s）が期限を過ぎても提出されていません") % {"item": label},
                          url=url, contract=row.contract, due=_start_of(row.due_on), overdue=True)

