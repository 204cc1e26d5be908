"""A contract: creating it, changing its particulars, starting it and copying it into the next fiscal year."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracttypes.selectors import steps_for
from core import bounds
from core.dates import fiscal_year_label, wareki
from core.errors import DomainError

from .. import carry_over, selectors
from ..models import Contract, ContractStep, Designation, Role
from ..permissions import (
    may_copy_to_next_year,
    may_create_contract,
    may_edit_contract,
    may_own_contract,
    may_start_contract,
)
from ._common import membership_add

CONTRACT_FIELDS = [
    "title", "project_name", "department", "regulation_basis", "purpose", "subjects", "subject_count",
    "project_description", "holding_section", "registered_work_name", "ward_section", "contractor",
    "information_items", "recording_media", "reason", "work_content", "start_date", "end_date",
    "period_note", "protection_measures_note", "fiscal_year", "recurring",
]

# Slugs are made, never typed: the fiscal year and six characters without look-alikes (no 0/o, 1/l/i).
SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# Paths under /contracts/ that a slug would shadow.
RESERVED_SLUGS = {"new"}


def _check_period(start_date, end_date):
    if start_date and end_date and end_date < start_date:
        raise DomainError(_("委託の期限は開始時期より後の日付にしてください。"), field="end_date")


def _payload(contract: Contract, fields) -> dict:
    return {f: str(getattr(contract, f)) for f in fields}


def new_slug(fiscal_year: int) -> str:
    """``2026-k7mq2x``: the year a clerk recognises, and a part nobody has to invent or can collide with."""
    while True:
        slug = f"{fiscal_year}-{''.join(secrets.choice(SLUG_ALPHABET) for _ in range(6))}"
        if not Contract.objects.filter(slug=slug).exists():
            return slug


def _check_given_slug(slug: str) -> None:
    try:
        validate_slug(slug)
    except ValidationError:
        raise DomainError(_("識別子には半角英数字・ハイフン・下線のみ使えます。"), field="slug") from None
    if slug in RESERVED_SLUGS or len(slug) > Contract._meta.get_field("slug").max_length:
        raise DomainError(_("この識別子は使えません。"), field="slug")
    if Contract.objects.filter(slug=slug).exists():
        raise DomainError(_("この識別子はすでに使われています。"), field="slug")


def _steps_insert(contract: Contract) -> None:
    """A progress row for each step of the contract's type (the seed's ①–⑥)."""
    ContractStep.objects.bulk_create([ContractStep(contract=contract, step=s.number) for s in steps_for(contract)])


def _type_change(contract: Contract, new_type) -> None:
    """A contract's type changes only while none of its steps is recorded; its step rows follow the type."""
    if contract.steps.filter(completed_at__isnull=False).exists():
        raise DomainError(_("工程の完了が記録されているため、委託の種類は変更できません。"), field="contract_type")
    contract.steps.all().delete()
    contract.contract_type = new_type
    _steps_insert(contract)


def _contract_insert(*, actor, slug: str | None, **fields) -> Contract:
    """The rows of a new contract (the contract, its six steps, its creator as HR), without an audit entry."""
    bounds.check_values(Contract, **fields)
    _check_period(fields.get("start_date"), fields.get("end_date"))
    if slug:
        _check_given_slug(slug)
    else:
        slug = new_slug(fields["fiscal_year"])
    contract = Contract.objects.create(slug=slug, **fields)
    _steps_insert(contract)
    membership_add(contract=contract, user=actor, role=Role.HR, actor=actor, audit=False)
    return contract


@transaction.atomic
def contract_create(*, actor, slug: str | None = None, request=None, **fields) -> Contract:
    """Create a contract; its creator becomes its HR member. The slug in its address is made here
    (fiscal year and a short random part); ``slug`` is for the demo and fixed test data only. Only a
    person who may create contracts (HR) may; the page refuses first, this keeps any other caller honest."""
    may_create_contract(actor).or_403()
    may_own_contract(actor, fields.get("ward_section")).require("ward_section")
    contract = _contract_insert(actor=actor, slug=slug, **fields)
    audit_log(action="contract.created", actor=actor, contract=contract, obj=contract, request=request,
              payload={"slug": contract.slug, "title": contract.title})
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, actor, request=None, **fields) -> Contract:
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_edit_contract(actor, contract).or_403().require()
    bounds.check_values(Contract, **fields)
    _check_period(fields.get("start_date", contract.start_date), fields.get("end_date", contract.end_date))
    changed = [name for name, value in fields.items() if getattr(contract, name) != value]
    if not changed:
        return contract
    if "ward_section" in changed:
        # Moved to another section: one of the clerk's own.
        may_own_contract(actor, fields["ward_section"]).require("ward_section")
    before = _payload(contract, changed)
    if "contract_type" in changed:
        _type_change(contract, fields["contract_type"])
    for name in changed:
        setattr(contract, name, fields[name])
    contract.save(update_fields=[*changed, "updated_at"])
    audit_log(action="contract.updated", actor=actor, contract=contract, obj=contract, request=request,
              payload={"before": before, "after": _payload(contract, changed)})
    return contract


def months_before_start(contract: Contract, today: dt.date | None = None) -> int:
    """Whole months from ``today`` to the contract's start date (0 when less than a month, or after it)."""
    today = today or timezone.localdate()
    start = contract.start_date
    months = (start.year - today.year) * 12 + start.month - today.month - (1 if start.day < today.day else 0)
    return max(months, 0)


def early_start_warning(contract: Contract, today: dt.date | None = None) -> str:
    """「開始日の5か月前です」 when starting now would be a month or more early; else ""."""
    months = months_before_start(contract, today)
    if months < 1:
        return ""
    return _("開始日（%(date)s）の%(months)sか月前です。") % {"date": wareki(contract.start_date), "months": months}


@transaction.atomic
def contract_start(*, contract: Contract, actor, confirm_early: bool = False, request=None) -> Contract:
    """The contract comes into force (準備中 → 履行中), as HR records on the day the contract starts.

    A month or more before the start date that is most likely a slip (the contract was copied in April
    for a May start), so it needs a confirmation that says how early it is.
    """
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_start_contract(actor, contract).or_403().require()
    warning = early_start_warning(contract)
    if warning and not confirm_early:
        raise DomainError(warning + _("開始日前に履行開始にする場合は、確認の欄に印を付けてください。"),
                          field="confirm_early", code="early_start")
    contract.status = Contract.Status.ACTIVE
    contract.save(update_fields=["status", "updated_at"])
    audit_log(action="contract.started", actor=actor, contract=contract, obj=contract, request=request,
              payload={"months_before_start": months_before_start(contract)} if warning else None)
    return contract


def _chosen(offered: list, chosen_ids, what: str) -> list:
    """The offered rows whose pk was chosen; every chosen pk must be on offer (what the page showed)."""
    if chosen_ids is None:
        return list(offered)
    by_pk = {row.pk: row for row in offered}
    chosen_ids = {int(pk) for pk in chosen_ids}
    if chosen_ids - set(by_pk):
        raise DomainError(_("引き継ぐ%(what)sが、確認したときから変わっています。もう一度確認してください。")
                          % {"what": what}, field=what)
    return [row for pk, row in by_pk.items() if pk in chosen_ids]


@transaction.atomic
def contract_copy_to_next_year(*, contract: Contract, actor, memberships=None, designations=None,
                               carry_plan: bool | None = None, slug: str | None = None,
                               request=None) -> Contract:
    """Copy a recurring contract into the next fiscal year (付議事項: 次年度以降も同様の業務委託を行う).

    Carried, as :func:`contracts.selectors.copy_preview` shows them first: the auditors' access, last
    year's designations as reports waiting for the ward's approval (the people are named again for the
    new year), and the finalised checklist plan as a draft to finalise again for this year's council.
    ``memberships`` and ``designations`` are the pks chosen from the preview (None: all it offers);
    ``carry_plan`` None carries the plan when there is one. One audit entry says all of it.
    """
    source = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_copy_to_next_year(actor, source).or_403().require()
    preview = selectors.copy_preview(source)
    if preview.existing is not None:
        raise DomainError(_("翌年度（%(year)s）の契約はすでにあります。") % {"year": fiscal_year_label(preview.fiscal_year)})
    chosen_memberships = _chosen(preview.memberships, memberships, "memberships")
    chosen_designations = _chosen(preview.designations, designations, "designations")
    if carry_plan is None:
        carry_plan = preview.plan is not None
    elif carry_plan and preview.plan is None:
        raise DomainError(_("前年度のチェックリストの計画が確定していないため、引き継げません。"), field="carry_plan")

    fields = {name: getattr(source, name) for name in CONTRACT_FIELDS}
    fields["contract_type"] = source.contract_type
    fields.update(fiscal_year=preview.fiscal_year, start_date=preview.start_date, end_date=preview.end_date)
    copy = _contract_insert(actor=actor, slug=slug, **fields)
    copy.previous = source
    copy.save(update_fields=["previous"])
    for membership in chosen_memberships:
        membership_add(contract=copy, user=membership.user, role=membership.role, actor=actor, audit=False)
    now = timezone.now()
    Designation.objects.bulk_create([
        Designation(contract=copy, user=d.user, kind=d.kind, duties=d.duties, reported_at=now, reported_by=actor,
                    valid_from=selectors.next_year_day(d.valid_from), valid_until=selectors.next_year_day(d.valid_until), carried_from=d)
        for d in chosen_designations
    ])
    # The checklist's plan (as a draft) and the survey's column mapping: each app carries its own rows.
    carried = carry_over.carry(source=source, copy=copy, actor=actor, carry_plan=carry_plan)
    audit_log(action="contract.copied", actor=actor, contract=copy, obj=copy, request=request, payload={
        "from": source.slug, "slug": copy.slug, "fiscal_year": copy.fiscal_year,
        "auditors": len(chosen_memberships), "designations": len(chosen_designations),
        "plan_items": carried.get("plan_items", 0),
    })
    return copy
