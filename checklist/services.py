"""Every write on the checklists: plan, attestation, review, lock, template versions.

Seed rule (別紙5): per item 「対策が可能であれば「○」・対策の必要がない場合は「ー」」; the marked list goes to the
council before the contract starts; each ○ must then be carried out during the contract.

Each state change is one function: keyword-only arguments, one transaction, the rows re-read with
``select_for_update``, illegal states refused with a :class:`DomainError` a clerk can act on, one
:class:`ChecklistEvent` for the checklist's own history and exactly one audit entry.
"""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_log
from contracts.closing import require_open
from contracts.models import Contract
from core import bounds, review
from core import evidence as live_evidence
from core.dates import fiscal_year_label
from core.errors import DomainError

from . import locking, versions
from .models import (
    Checklist,
    ChecklistEvent,
    ChecklistItem,
    ChecklistSide,
    ChecklistTemplate,
    Mark,
    Side,
    TemplateItem,
)
from .permissions import item_attestable, item_reviewable, may_on_side, may_plan

# Plan input: item key → (mark, reason). The mark is "" (not yet marked), Mark.PLANNED or Mark.NOT_NEEDED.
Marks = Mapping[str, tuple[str, str]]


def _no_template() -> DomainError:
    return DomainError(_("チェックリストのひな形がありません。管理者に連絡してください（migrate が必要です）。"))


def latest_template() -> ChecklistTemplate:
    """The default's version in force now (the one a contract of a type without its own would start on)."""
    template = versions.in_force(None)
    if template is None:
        raise _no_template()
    return template


def template_for(contract: Contract) -> ChecklistTemplate:
    """The version the contract's checklist is on: the latest version published for its type (else the default's)
    at or before the moment its plan was made (its checklist's creation; for a contract without one yet, now)."""
    template = versions.for_contract(contract)
    if template is None:
        raise _no_template()
    return template


def _listing(items, limit: int = 3) -> str:
    labels = [item.template_item.label for item in items]
    text = "、".join(labels[:limit])
    if len(labels) > limit:
        text += _(" ほか%(n)s件") % {"n": len(labels) - limit}
    return text


def _record(*, checklist, kind, actor, request, action, obj, payload, item=None, side="", text="") -> None:
    ChecklistEvent.objects.create(checklist=checklist, item=item, side=side, kind=kind, actor=actor,
                                  revision=checklist.plan_revision, text=text, detail=payload)
    audit_log(action=action, actor=actor, contract=checklist.contract, obj=obj, request=request, payload=payload)


def _require(actor, contract, side: str, action: str) -> None:
    # The views refuse first (403/404); this keeps a service called from elsewhere honest too.
    may_on_side(actor, contract, side, action).or_403()


def _require_plan_owner(actor, contract) -> None:
    may_plan(actor, contract).or_403()


def _locked_items(checklist: Checklist) -> dict[str, ChecklistItem]:
    items = (ChecklistItem.objects.select_for_update(of=("self",)).filter(checklist=checklist)
             .select_related("template_item").order_by("template_item__position"))
    return {item.template_item.key: item for item in items}


def _clean_marks(marks: Marks, items: dict[str, ChecklistItem], *, require_all: bool) -> dict[str, tuple[str, str]]:
    """Check the plan input; ー needs a reason (the council reads why a measure is not needed)."""
    unknown = set(marks) - set(items)
    if unknown:
        raise DomainError(_("チェックリストにない項目が指定されました: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    cleaned = {}
    for key, item in items.items():
        mark, reason = marks.get(key, (item.mark, item.mark_reason))
        reason = (reason or "").strip()
        position = item.template_item.position
        bounds.check_value(ChecklistItem, "mark_reason", reason, field=f"reason_{position}")
        if mark not in ("", Mark.PLANNED, Mark.NOT_NEEDED):
            raise DomainError(_("「○」か「ー」を選んでください（%(item)s）。") % {"item": item.template_item.label},
                              field=f"mark_{position}")
        if require_all and not mark:
            raise DomainError(_("「○」か「ー」を選んでください（%(item)s）。") % {"item": item.template_item.label},
                              field=f"mark_{position}")
        if mark == Mark.NOT_NEEDED and not reason:
            raise DomainError(
                _("「ー」（対策の必要なし）とした項目には、必要がない理由を入力してください（%(item)s）。")
                % {"item": item.template_item.label},
                field=f"reason_{position}",
            )
        cleaned[key] = (mark, reason if mark == Mark.NOT_NEEDED else "")
    return cleaned


def _checklist_for_update(contract: Contract) -> Checklist:
    checklist = (Checklist.objects.select_for_update(of=("self",)).select_related("contract", "template")
                 .filter(contract=contract).first())
    if checklist is None:
        raise DomainError(_("まだ計画がありません。まず各項目に「○」か「ー」を記入して保存してください。"))
    require_open(checklist.contract)
    return checklist


def _create_checklist(*, contract: Contract, actor) -> Checklist:
    template = versions.in_force(contract.contract_type_id)
    if template is None:
        raise _no_template()
    checklist = Checklist.objects.create(contract=contract, template=template, created_by=actor)
    ChecklistSide.objects.bulk_create([ChecklistSide(checklist=checklist, side=side) for side in Side.values])
    ChecklistItem.objects.bulk_create([
        ChecklistItem(checklist=checklist, template_item=template_item)
        for template_item in template.items.order_by("position")
    ])
    return checklist


@transaction.atomic
def plan_save(*, contract: Contract, marks: Marks, actor, request=None) -> Checklist:
    """Save the ward's draft plan (○/ー per item). The contract's checklist is created here, on the
    newest template version, the first time HR saves a plan: that is the moment the version is frozen."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    _require_plan_owner(actor, contract)
    require_open(contract)
    checklist = Checklist.objects.select_for_update().filter(contract=contract).first()
    created = checklist is None
    if created:
        checklist = _create_checklist(contract=contract, actor=actor)
    elif not checklist.is_draft:
        raise DomainError(_("計画は確定済みです。変更するには、変更の理由を入力して「計画を変更する」を押してください。"))
    items = _locked_items(checklist)
    cleaned = _clean_marks(marks, items, require_all=False)
    changes = []
    for key, (mark, reason) in cleaned.items():
        item = items[key]
        if (item.mark, item.mark_reason) != (mark, reason):
            changes.append({"key": key, "before": item.mark, "after": mark, "reason": reason})
            item.mark, item.mark_reason = mark, reason
            item.save(update_fields=["mark", "mark_reason"])
    if created or changes:
        _record(checklist=checklist, kind=ChecklistEvent.Kind.PLAN_SAVED, actor=actor, request=request,
                action="checklist.plan.saved", obj=checklist,
                payload={"created": created, "template_version": checklist.template.version, "changes": changes})
    return checklist


@transaction.atomic
def plan_finalise(*, contract: Contract, actor, request=None) -> Checklist:
    """Fix the plan for the council (付議): every item marked, every ー with its reason."""
    _require_plan_owner(actor, contract)
    checklist = _checklist_for_update(contract)
    if not checklist.is_draft:
        raise DomainError(_("計画はすでに確定しています。"))
    items = _locked_items(checklist)
    unmarked = [item for item in items.values() if not item.mark]
    if unmarked:
        raise DomainError(_("すべての項目に「○」か「ー」を記入してから確定してください（未記入: %(items)s）。")
                          % {"items": _listing(unmarked)})
    _clean_marks({}, items, require_all=True)
    now = timezone.now()
    checklist.plan_status = Checklist.PlanStatus.FINALISED
    checklist.plan_revision = 1
    checklist.plan_finalised_at = checklist.plan_changed_at = now
    checklist.plan_finalised_by = actor
    checklist.save(update_fields=["plan_status", "plan_revision", "plan_finalised_at", "plan_changed_at",
                                  "plan_finalised_by"])
    not_needed = [{"key": key, "reason": item.mark_reason} for key, item in items.items() if item.is_not_needed]
    _record(checklist=checklist, kind=ChecklistEvent.Kind.PLAN_FINALISED, actor=actor, request=request,
            action="checklist.plan.finalised", obj=checklist,
            payload={"revision": 1, "planned": len(items) - len(not_needed), "not_needed": not_needed})
    return checklist


@transaction.atomic
def next_year_preview(source: Contract, preview) -> None:
    """``contracts.carry_over``: last year's finalised plan, shown on the copy preview with its ○ and ー."""
    plan = Checklist.objects.filter(contract=source, plan_status=Checklist.PlanStatus.FINALISED).first()
    if plan is not None:
        preview.plan = plan
        preview.plan_counts = (plan.items.filter(mark=Mark.PLANNED).count(),
                               plan.items.filter(mark=Mark.NOT_NEEDED).count())


def next_year_carry(*, source: Contract, copy: Contract, actor, carry_plan: bool) -> dict:
    """``contracts.carry_over``: start the copy's plan from last year's, as a draft, when HR chose to."""
    return {"plan_items": plan_carry_over(contract=copy, actor=actor)} if carry_plan else {}


def plan_carry_over(*, contract: Contract, actor) -> int:
    """Start a copied contract's plan from last year's finalised one (``contract.previous``), as a draft that
    HR checks and finalises again for this year's council (the contract repeats: 次年度以降も同様).

    The draft is on the newest template version; marks and reasons travel by item key, so an item a newer
    version adds starts unmarked. Attestations and reviews are each year's own work and are not carried.
    Called by ``contracts.services.contract_copy_to_next_year`` within its transaction: its one audit entry
    (``contract.copied``, with the number returned here) records the carry-over, so this writes the
    checklist's own history row and no audit entry of its own. Returns how many items were carried with a
    mark; 0 when last year has no finalised plan."""
    target = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    _require_plan_owner(actor, target)
    if target.previous_id is None:
        raise DomainError(_("前年度の契約がないため、計画を引き継げません。"))
    source_contract = target.previous
    _require_plan_owner(actor, source_contract)
    require_open(target)
    if Checklist.objects.filter(contract=target).exists():
        raise DomainError(_("この契約にはすでにチェックリストの計画があります。計画の画面で直してください。"))
    source = Checklist.objects.filter(contract=source_contract, plan_status=Checklist.PlanStatus.FINALISED).first()
    if source is None:
        return 0
    marks = {item.template_item.key: (item.mark, item.mark_reason)
             for item in source.items.select_related("template_item") if item.mark}
    checklist = _create_checklist(contract=target, actor=actor)
    items = _locked_items(checklist)
    changes = []
    for key, item in items.items():
        if key in marks:
            item.mark, item.mark_reason = marks[key]
            item.save(update_fields=["mark", "mark_reason"])
            changes.append({"key": key, "before": "", "after": item.mark, "reason": item.mark_reason})
    ChecklistEvent.objects.create(
        checklist=checklist, kind=ChecklistEvent.Kind.PLAN_SAVED, actor=actor, revision=0,
        text=_("前年度（%(year)s）の確定した計画を下書きとして引き継ぎました。")
        % {"year": fiscal_year_label(source_contract.fiscal_year)},
        detail={"created": True, "copied_from": source_contract.slug, "from_revision": source.plan_revision,
                "template_version": checklist.template.version, "changes": changes,
                "unmarked": len(items) - len(changes)},
    )
    return len(changes)


def _settle(side_row: ChecklistSide, items) -> None:
    """After a review round: all ○ accepted → ready to lock; nothing left to review → back to the attester.

    The side's accept or send-back (core.review) is the sum of its items' reviews, whose comments are the reasons;
    a plan revision that takes an accepted item back reopens the side (the checklist's own step)."""
    planned = [item for item in items if item.is_planned]
    if side_row.is_submitted and not any(item.awaits_review for item in planned):
        action = review.Action.ACCEPT if all(item.is_accepted for item in planned) else review.Action.SEND_BACK
        side_row.save(update_fields=review.transition(side_row, action))
    elif side_row.is_accepted and not all(item.is_accepted for item in planned):
        side_row.status = ChecklistSide.Status.OPEN
        side_row.save(update_fields=["status"])


@transaction.atomic
def plan_revise(*, contract: Contract, marks: Marks, reason: str, actor, request=None) -> Checklist:
    """Change a finalised plan: a new revision with its reason; the earlier ones stay in the history.

    An item whose mark changes starts its attestation afresh. A locked side cannot change."""
    _require_plan_owner(actor, contract)
    checklist = _checklist_for_update(contract)
    if not checklist.is_finalised:
        raise DomainError(_("計画はまだ確定していません。下書きとして保存してください。"))
    reason = (reason or "").strip()
    bounds.check_value(ChecklistEvent, "text", reason, field="revision_reason")
    if not reason:
        raise DomainError(_("確定後に計画を変更するときは、変更の理由を入力してください。"), field="revision_reason")
    items = _locked_items(checklist)
    cleaned = _clean_marks(marks, items, require_all=True)
    changed = {key: value for key, value in cleaned.items() if (items[key].mark, items[key].mark_reason) != value}
    if not changed:
        raise DomainError(_("変更された項目がありません。"))
    sides = {row.side: row for row in ChecklistSide.objects.select_for_update().filter(checklist=checklist)}
    locked = [items[key] for key in changed if sides[items[key].template_item.side].is_locked]
    if locked:
        raise DomainError(_("確定したチェックリストの項目は変更できません（%(items)s）。") % {"items": _listing(locked)})
    changes = []
    for key, (mark, mark_reason) in changed.items():
        item = items[key]
        changes.append({"key": key, "before": item.mark, "after": mark, "reason_before": item.mark_reason,
                        "reason_after": mark_reason})
        fields = ["mark", "mark_reason"]
        if item.mark != mark:
            item.attestation, item.note, item.evidence = ChecklistItem.Attestation.BLANK, "", ""
            item.attested_at = item.attested_by = item.reviewed_at = item.reviewed_by = None
            item.flagged, item.app_evidence = False, ""
            item.review, item.review_comment = ChecklistItem.Review.NONE, ""
            fields += ["attestation", "note", "evidence", "attested_at", "attested_by", "flagged", "app_evidence",
                       "review", "review_comment", "reviewed_at", "reviewed_by"]
        item.mark, item.mark_reason = mark, mark_reason
        item.save(update_fields=fields)
    for side, row in sides.items():
        _settle(row, [item for item in items.values() if item.template_item.side == side])
    checklist.plan_revision += 1
    checklist.plan_changed_at = timezone.now()
    checklist.save(update_fields=["plan_revision", "plan_changed_at"])
    _record(checklist=checklist, kind=ChecklistEvent.Kind.PLAN_REVISED, actor=actor, request=request,
            action="checklist.plan.revised", obj=checklist, text=reason,
            payload={"revision": checklist.plan_revision, "reason": reason, "changes": changes})
    return checklist


def _side_row(checklist: Checklist, side: str) -> ChecklistSide:
    return ChecklistSide.objects.select_for_update().get(checklist=checklist, side=side)


def _refuse_unless_with_attester(side_row: ChecklistSide) -> None:
    if side_row.is_locked:
        raise DomainError(_("確定したチェックリストは変更できません。"))
    review.require(side_row, review.Action.SUBMIT)


class ItemErrors(DomainError):
    """Several items refused at once (the side's attestations saved together): ``errors`` maps each
    refused item's pk to its :class:`DomainError`, whose ``field`` names the input it concerns."""

    def __init__(self, errors: dict[int, DomainError]):
        super().__init__(ngettext("%(n)s件の項目を直してください。保存された項目はありません。",
                                  "%(n)s件の項目を直してください。保存された項目はありません。",
                                  len(errors)) % {"n": len(errors)})
        self.errors = errors


# One item's attestation as entered: (attestation, note, evidence).
Entry = tuple[str, str, str]


def _backing(items) -> list[str]:
    """The record keys core.evidence is asked for the items (an attestation-with-files item asks none)."""
    return [item.template_item.backing for item in items if item.template_item.backing]


def _with_files(items) -> set[int]:
    """The pks of the items among ``items`` that need files (attestation with files) and have one attached."""
    from attachments.selectors import files_for_many

    needing = [item for item in items if item.template_item.needs_files]
    if not needing:
        return set()
    return set(files_for_many(needing, slot="attestation").values_list("object_id", flat=True))


def _attestation_error(checklist, side_row, item, entry: Entry, with_files: set[int] = frozenset()) -> DomainError | None:
    attestable = item_attestable(checklist, side_row, item)
    if not attestable:
        return DomainError(attestable.message)
    attestation, note, evidence = entry
    try:
        bounds.check_values(ChecklistItem, note=note, evidence=evidence)
    except DomainError as error:
        return error
    if attestation not in (ChecklistItem.Attestation.IN_PLACE, ChecklistItem.Attestation.NOT_YET):
        return DomainError(_("「実施済み」か「未実施」を選んでください。"), field="attestation")
    if attestation == ChecklistItem.Attestation.NOT_YET and not note:
        return DomainError(_("未実施の場合は、その理由と実施の予定を入力してください。"), field="note")
    if attestation == ChecklistItem.Attestation.IN_PLACE and not (note or evidence):
        return DomainError(_("実施済みの場合は、実施の内容か根拠資料を入力してください。"), field="note")
    if (attestation == ChecklistItem.Attestation.IN_PLACE and item.template_item.needs_files
            and item.pk not in with_files):
        return DomainError(_("この項目はアプリの記録では確かめられないため、実施済みとするには資料を1件以上添付してください"
                             "（添付してから実施状況を保存してください）。"), field="attestation")
    return None


def _clean_entry(entry) -> Entry:
    attestation, note, evidence = entry
    return (attestation or ""), (note or "").strip(), (evidence or "").strip()


def _apply_attestation(checklist, item: ChecklistItem, entry: Entry, actor, evidence_by_key) -> dict:
    """Write one attestation (already checked); a corrected item goes back to the ward's review."""
    attestation, note, evidence = entry
    shown = evidence_by_key.get(item.template_item.backing, []) if item.template_item.backing else []
    item.flagged = attestation == ChecklistItem.Attestation.IN_PLACE and live_evidence.shows_unmet(shown)
    item.app_evidence = "\n".join(e.summary for e in shown)
    corrected = item.is_returned
    item.attestation, item.note, item.evidence = attestation, note, evidence
    item.attested_at, item.attested_by = timezone.now(), actor
    item.review, item.review_comment, item.reviewed_at, item.reviewed_by = ChecklistItem.Review.NONE, "", None, None
    item.save(update_fields=["attestation", "note", "evidence", "attested_at", "attested_by", "flagged",
                             "app_evidence", "review", "review_comment", "reviewed_at", "reviewed_by"])
    payload = {"key": item.template_item.key, "attestation": attestation, "note": note, "evidence": evidence,
               "flagged": item.flagged, "app_evidence": item.app_evidence}
    if corrected:
        payload["corrected"] = True
    ChecklistEvent.objects.create(checklist=checklist, item=item, side=item.template_item.side,
                                  kind=ChecklistEvent.Kind.ITEM_ATTESTED, actor=actor,
                                  revision=checklist.plan_revision, text=note, detail=payload)
    return payload


@transaction.atomic
def item_attest(*, item: ChecklistItem, attestation: str, note: str = "", evidence: str = "", actor,
                request=None) -> ChecklistItem:
    """Record that a ○ measure is in place (実施済み, with what was done and the evidence), or not yet
    (未実施, with why). Allowed while the app's records show the control unmet, but then flagged.
    An item the ward sent back can be corrected even while other items await the ward's review; the
    correction then goes straight back to the ward."""
    checklist = Checklist.objects.select_for_update().select_related("contract").get(pk=item.checklist_id)
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("template_item").get(pk=item.pk)
    side = item.template_item.side
    _require(actor, checklist.contract, side, "attest")
    require_open(checklist.contract)
    entry = _clean_entry((attestation, note, evidence))
    error = _attestation_error(checklist, _side_row(checklist, side), item, entry, _with_files([item]))
    if error is not None:
        raise error
    payload = _apply_attestation(checklist, item, entry, actor,
                                 live_evidence.evidence_by_key(checklist.contract, _backing([item])))
    audit_log(action="checklist.item.attested", actor=actor, contract=checklist.contract, obj=item,
              request=request, payload=payload)
    return item


@transaction.atomic
def side_attest(*, contract: Contract, side: str, entries: Mapping[int, Entry], actor,
                request=None) -> list[ChecklistItem]:
    """Save every attestation of one side entered on its page, with one button.

    ``entries`` maps an item's pk to (attestation, note, evidence). An entry left empty, or equal to what
    is saved, changes nothing (with nothing changed, nothing is written and the list is empty). Every entry is checked first with the same rules as :func:`item_attest`; if
    any is refused, nothing is saved and :class:`ItemErrors` says which items and why. One history row per
    saved item, one audit entry for the whole save."""
    _require(actor, contract, side, "attest")
    checklist = _checklist_for_update(contract)
    row = _side_row(checklist, side)
    items = {item.pk: item for item in _locked_items(checklist).values() if item.template_item.side == side}
    unknown = set(entries) - set(items)
    if unknown:
        raise DomainError(_("このチェックリストにない項目が指定されました。画面を開き直してください。"))
    errors: dict[int, DomainError] = {}
    changes: list[tuple[ChecklistItem, Entry]] = []
    with_files = _with_files([items[pk] for pk in entries])
    for pk, raw in entries.items():
        item, entry = items[pk], _clean_entry(raw)
        if not any(entry):
            continue
        saved = (item.attestation if item.is_attested else "", item.note, item.evidence)
        if entry == saved:
            continue
        error = _attestation_error(checklist, row, item, entry, with_files)
        if error is not None:
            errors[pk] = error
        else:
            changes.append((item, entry))
    if errors:
        raise ItemErrors(errors)
    if not changes:
        return []
    changes.sort(key=lambda change: change[0].template_item.position)
    evidence = live_evidence.evidence_by_key(contract, _backing(item for item, _entry in changes))
    saved_items = [item for item, _entry in changes]
    payloads = [_apply_attestation(checklist, item, entry, actor, evidence) for item, entry in changes]
    audit_log(action="checklist.items.attested", actor=actor, contract=checklist.contract, obj=row,
              request=request, payload={"side": side, "count": len(payloads), "items": payloads})
    return saved_items


@transaction.atomic
def side_submit(*, contract: Contract, side: str, actor, request=None) -> ChecklistSide:
    """Ask the ward to review: every ○ item of the side has been attested."""
    _require(actor, contract, side, "attest")
    checklist = _checklist_for_update(contract)
    if not checklist.is_finalised:
        raise DomainError(_("区が計画を確定するまで、提出できません。"))
    row = _side_row(checklist, side)
    _refuse_unless_with_attester(row)
    items = list(_locked_items(checklist).values())
    items = [item for item in items if item.template_item.side == side]
    blank = [item for item in items if item.is_planned and not item.is_attested]
    if blank:
        raise DomainError(_("「○」のすべての項目に実施状況を記入してから提出してください（未記入: %(items)s）。")
                          % {"items": _listing(blank)})
    if not any(item.awaits_review for item in items):
        # Submitting only the items still sent back would return them at once, unchanged.
        raise DomainError(_("区に確認を依頼する項目がありません。差し戻された項目を直して保存してから依頼してください。"))
    row.save(update_fields=review.submit(row, actor=actor))
    _settle(row, items)
    _record(checklist=checklist, kind=ChecklistEvent.Kind.SIDE_SUBMITTED, actor=actor, request=request,
            action="checklist.side.submitted", obj=row, side=side,
            payload={"side": side, "submission": row.submission_count,
                     "awaiting_review": sum(1 for item in items if item.awaits_review)})
    return row


@transaction.atomic
def item_review(*, item: ChecklistItem, decision: str, comment: str = "", actor, request=None) -> ChecklistItem:
    """HR accepts an attested item, or sends it back with a comment saying what is missing."""
    checklist = Checklist.objects.select_for_update().select_related("contract").get(pk=item.checklist_id)
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("template_item").get(pk=item.pk)
    side = item.template_item.side
    _require(actor, checklist.contract, side, "review")
    require_open(checklist.contract)
    row = _side_row(checklist, side)
    item_reviewable(row, item).require()
    comment = (comment or "").strip()
    bounds.check_value(ChecklistItem, "review_comment", comment, field="comment")
    if decision == ChecklistItem.Review.ACCEPTED:
        if not item.is_in_place:
            raise DomainError(_("未実施の項目は確認済みにできません。差し戻してください。"))
        kind, action = ChecklistEvent.Kind.ITEM_ACCEPTED, "checklist.item.accepted"
    elif decision == ChecklistItem.Review.RETURNED:
        if not comment:
            raise DomainError(_("差し戻す理由をコメントに入力してください。"), field="comment")
        kind, action = ChecklistEvent.Kind.ITEM_RETURNED, "checklist.item.returned"
    else:
        raise DomainError(_("「確認済み」か「差戻し」を選んでください。"), field="decision")
    item.review, item.review_comment = decision, comment
    item.reviewed_at, item.reviewed_by = timezone.now(), actor
    item.save(update_fields=["review", "review_comment", "reviewed_at", "reviewed_by"])
    side_items = [i for i in _locked_items(checklist).values() if i.template_item.side == side]
    _settle(row, side_items)
    _record(checklist=checklist, kind=kind, actor=actor, request=request, action=action, obj=item, item=item,
            side=side, text=comment,
            payload={"key": item.template_item.key, "decision": decision, "comment": comment,
                     "flagged": item.flagged, "side_status": row.status})
    return item


def attestation_version(item: ChecklistItem) -> str:
    """What identifies one attestation of an item: a page that showed it posts this back, so an accept-all
    takes only what the reviewer saw."""
    return item.attested_at.isoformat() if item.attested_at else ""


def accept_all_candidates(items) -> list[ChecklistItem]:
    """The items "accept all" takes: awaiting review and attested as in place, and not flagged (an item
    attested while the app's records showed the control unmet is looked at one by one)."""
    return [item for item in items if item.awaits_review and item.is_in_place and not item.flagged]


@transaction.atomic
def side_accept_all(*, contract: Contract, side: str, shown: Mapping[int, str], actor,
                    request=None) -> list[ChecklistItem]:
    """HR accepts, with one confirmation, every remaining item that awaits review and is in place.

    ``shown`` maps each item the page listed to its :func:`attestation_version`; when the items waiting are
    no longer exactly those (corrected or reviewed since the page was opened), nothing is accepted. Items
    attested as not yet done, or flagged, are left for one-by-one review. One history row per item, one
    audit entry for the whole."""
    _require(actor, contract, side, "review")
    checklist = _checklist_for_update(contract)
    row = _side_row(checklist, side)
    if row.is_locked:
        raise DomainError(_("確定したチェックリストは変更できません。"))
    review.require(row, review.Action.ACCEPT)
    side_items = [item for item in _locked_items(checklist).values() if item.template_item.side == side]
    candidates = accept_all_candidates(side_items)
    if not candidates:
        raise DomainError(_("まとめて確認済みにできる項目はありません。残りの項目は1件ずつ確認してください。"))
    if dict(shown) != {item.pk: attestation_version(item) for item in candidates}:
        raise DomainError(_("画面を開いた後に、記入し直された項目か確認された項目があります。"
                            "画面の内容を確かめてから、もう一度操作してください。"))
    now = timezone.now()
    for item in candidates:
        item.review, item.review_comment, item.reviewed_at, item.reviewed_by = (
            ChecklistItem.Review.ACCEPTED, "", now, actor)
        item.save(update_fields=["review", "review_comment", "reviewed_at", "reviewed_by"])
        ChecklistEvent.objects.create(checklist=checklist, item=item, side=side,
                                      kind=ChecklistEvent.Kind.ITEM_ACCEPTED, actor=actor,
                                      revision=checklist.plan_revision,
                                      detail={"key": item.template_item.key, "decision": ChecklistItem.Review.ACCEPTED,
                                              "all_at_once": True})
    _settle(row, side_items)
    audit_log(action="checklist.items.accepted", actor=actor, contract=contract, obj=row, request=request,
              payload={"side": side, "count": len(candidates), "keys": [i.template_item.key for i in candidates],
                       "left_for_review": sum(1 for i in side_items if i.awaits_review), "side_status": row.status})
    return candidates


@transaction.atomic
def side_lock(*, contract: Contract, side: str, actor, request=None) -> ChecklistSide:
    """Close one side once every ○ item is accepted; nothing on it changes afterwards."""
    _require(actor, contract, side, "review")
    checklist = _checklist_for_update(contract)
    row = _side_row(checklist, side)
    if row.is_locked:
        raise DomainError(_("このチェックリストはすでに確定しています。"))
    if not row.is_accepted:
        raise DomainError(_("「○」のすべての項目を確認済みにしてから確定してください。"))
    locking.require_unblocked(contract, side)  # an open finding of an inspection, … (apps above register them)
    row.status = ChecklistSide.Status.LOCKED
    row.locked_at, row.locked_by = timezone.now(), actor
    row.save(update_fields=["status", "locked_at", "locked_by"])
    _record(checklist=checklist, kind=ChecklistEvent.Kind.SIDE_LOCKED, actor=actor, request=request,
            action="checklist.side.locked", obj=row, side=side, payload={"side": side})
    return row


def next_version(contract_type_id: int | None) -> int:
    """The number the type's (or the default's) next version takes, drafts counted."""
    rows = ChecklistTemplate.objects.filter(**({"contract_type_id": contract_type_id} if contract_type_id is not None
                                               else {"contract_type__isnull": True}))
    return (rows.aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def template_new_version(*, base: ChecklistTemplate, texts: Mapping[str, str], note: str, actor,
                         request=None, actor_label: str | None = None) -> ChecklistTemplate:
    """Change the wording of items: a new template version. Checklists on older versions keep theirs;
    contracts that start a plan afterwards get the new one."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("改版の理由を入力してください。"), field="note")
    base_items = {item.key: item for item in base.items.order_by("position")}
    unknown = set(texts) - set(base_items)
    if unknown:
        raise DomainError(_("ひな形にない項目が指定されました: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    changed = {key: text.strip() for key, text in texts.items() if text.strip() != base_items[key].text}
    if not changed:
        raise DomainError(_("文言が変更された項目がありません。"))
    # Two people making a version at once: the unique version number (per type) lets only one of them through.
    version = next_version(base.contract_type_id)
    copied = {f.name: getattr(base, f.name) for f in ChecklistTemplate._meta.concrete_fields
              if f.name not in ("id", "version", "change_note", "previous", "created_at", "created_by", "status",
                                "published_at")}
    template = ChecklistTemplate.objects.create(version=version, change_note=note, previous=base, created_by=actor,
                                                status=ChecklistTemplate.Status.PUBLISHED,
                                                published_at=timezone.now(), **copied)
    TemplateItem.objects.bulk_create([
        TemplateItem(template=template, key=item.key, side=item.side, section=item.section, number=item.number,
                     position=item.position, text=changed.get(item.key, item.text), seed_mark=item.seed_mark,
                     backing=item.backing)
        for item in base_items.values()
    ])
    audit_log(action="checklist.template.versioned", actor=actor, obj=template, request=request,
              actor_label=actor_label, payload={"version": version, "from": base.version, "note": note, "changed": sorted(changed)})
    return template


# Templates imported from the ward's Excel (checklist.template_import): a draft first, then published.

def _base_for(contract_type) -> ChecklistTemplate | None:
    """The version whose headings a new version of the type starts from: the type's latest, else the default's."""
    published = ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED).order_by("-version")
    own = published.filter(contract_type=contract_type).first() if contract_type is not None else None
    return own or published.filter(contract_type__isnull=True).first()


@transaction.atomic
def template_draft(*, contract_type, read, title: str, subtitle: str = "", note: str = "", actor,
                   request=None) -> ChecklistTemplate:
    """Write a template read from Excel as a draft version of the type (None: the default), once the whole file
    is valid (``read`` is a :class:`~checklist.template_import.ReadResult`). A draft not yet published of the same
    type is replaced. The headings (sides, sections, the mark columns) are those of the version it follows."""
    from .permissions import may_import_templates

    may_import_templates(actor).or_403().require()
    if not read.valid:
        raise DomainError(_("ファイルに直すところがあります。すべての行を直してから取り込んでください。"), field="file")
    title, subtitle, note = (title or "").strip(), (subtitle or "").strip(), (note or "").strip()
    bounds.check_values(ChecklistTemplate, title=title, subtitle=subtitle, change_note=note)
    if not title:
        raise DomainError(_("表題を入力してください。"), field="title")
    for item in read.items:
        bounds.check_value(TemplateItem, "key", item.key, field="file")
    base = _base_for(contract_type)
    if base is None:
        raise _no_template()
    # Two administrators importing at once: both lock the version the new one follows, so the second waits and
    # then takes the next number (the unique version per type would otherwise refuse it).
    base = ChecklistTemplate.objects.select_for_update().get(pk=base.pk)
    drafts = ChecklistTemplate.objects.select_for_update().filter(
        status=ChecklistTemplate.Status.DRAFT,
        **({"contract_type": contract_type} if contract_type is not None else {"contract_type__isnull": True}))
    replaced = [draft.version for draft in drafts]
    for draft in drafts:
        draft.delete()
    copied = {name: getattr(base, name) for name in (
        "control_header", "ward_heading", "ward_mark_header", "ward_no_mark", "contractor_heading",
        "contractor_mark_header", "contractor_no_mark", "operational_heading", "system_heading")}
    version = next_version(contract_type.pk if contract_type is not None else None)
    template = ChecklistTemplate.objects.create(
        contract_type=contract_type, version=version, status=ChecklistTemplate.Status.DRAFT, title=title,
        subtitle=subtitle, change_note=note, source=_("Excel から取り込み（シート「%(sheet)s」）") % {"sheet": read.sheet},
        previous=base if base.contract_type_id == getattr(contract_type, "pk", None) else None, created_by=actor,
        **copied)
    order = {(side, section): n for n, (side, section) in enumerate(
        (side, section) for side in (Side.WARD, Side.CONTRACTOR) for section in ("operational", "system"))}
    items = sorted(read.items, key=lambda i: (order[(i.side, i.section)], i.number))
    TemplateItem.objects.bulk_create([
        TemplateItem(template=template, key=item.key, side=item.side, section=item.section, number=item.number,
                     position=position, text=item.text, backing=item.backing)
        for position, item in enumerate(items, start=1)
    ])
    audit_log(action="checklist.template.drafted", actor=actor, obj=template, request=request,
              payload={"version": version, "contract_type": getattr(contract_type, "code", ""),
                       "items": len(items), "attestation_with_files": sum(1 for i in items if not i.backing),
                       "replaced_drafts": replaced})
    return template


@transaction.atomic
def template_publish(*, template: ChecklistTemplate, actor, request=None) -> ChecklistTemplate:
    """Publish a draft: contracts of its type whose plan starts from now on use it; plans made before keep
    the version they were made on."""
    from .permissions import may_import_templates

    may_import_templates(actor).or_403().require()
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_published:
        raise DomainError(_("この版はすでに公開されています。"))
    newer = ChecklistTemplate.objects.filter(
        status=ChecklistTemplate.Status.PUBLISHED, version__gt=template.version,
        **({"contract_type_id": template.contract_type_id} if template.contract_type_id else {"contract_type__isnull": True}))
    if newer.exists():
        raise DomainError(_("この下書きより新しい版が公開されています。もう一度 Excel から取り込んでください。"))
    template.status = ChecklistTemplate.Status.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at"])
    audit_log(action="checklist.template.published", actor=actor, obj=template, request=request,
              payload={"version": template.version,
                       "contract_type": template.contract_type.code if template.contract_type_id else "",
                       "items": template.items.count()})
    return template
