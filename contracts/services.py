"""Every write on contracts, memberships and designations.

Per-contract django-guardian permissions are granted and taken away here and nowhere else: a
person's permissions on a contract are always the union of the roles of their active memberships.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from audit.services import audit_log
from core import bounds
from core.errors import DomainError

from .models import ROLE_PERMISSIONS, Contract, ContractStep, Designation, Membership, Organisation, Role

User = get_user_model()

CONTRACT_FIELDS = [
    "title", "project_name", "department", "regulation_basis", "purpose", "subjects", "subject_count",
    "project_description", "holding_section", "registered_work_name", "ward_section", "contractor",
    "information_items", "recording_media", "reason", "work_content", "start_date", "end_date",
    "period_note", "protection_measures_note", "fiscal_year", "recurring",
]


def _sync_permissions(*, user, contract: Contract) -> None:
    wanted: set[str] = set()
    for role in contract.memberships.filter(user=user, revoked_at__isnull=True).values_list("role", flat=True):
        wanted.update(ROLE_PERMISSIONS[role])
    held = set(get_perms(user, contract))
    for codename in wanted - held:
        assign_perm(f"contracts.{codename}", user, contract)
    for codename in (held - wanted) & {p for perms in ROLE_PERMISSIONS.values() for p in perms}:
        remove_perm(f"contracts.{codename}", user, contract)
    # Django and guardian cache permissions on the user object; a fresh check must see the change.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)


def _check_period(start_date, end_date):
    if start_date and end_date and end_date < start_date:
        raise DomainError(_("委託の期限は開始時期より後の日付にしてください。"), field="end_date")


def _payload(contract: Contract, fields) -> dict:
    return {f: str(getattr(contract, f)) for f in fields}


@transaction.atomic
def contract_create(*, actor, slug: str, request=None, **fields) -> Contract:
    """Create a contract; its creator becomes its HR member."""
    bounds.check_values(Contract, **fields)
    _check_period(fields.get("start_date"), fields.get("end_date"))
    if Contract.objects.filter(slug=slug).exists():
        raise DomainError(_("この識別子はすでに使われています。別の識別子にしてください。"), field="slug")
    contract = Contract.objects.create(slug=slug, **fields)
    ContractStep.objects.bulk_create([ContractStep(contract=contract, step=s) for s in Contract.Step.values])
    audit_log(action="contract.created", actor=actor, contract=contract, obj=contract, request=request,
              payload={"slug": slug, "title": contract.title})
    _membership_add(contract=contract, user=actor, role=Role.HR, actor=actor, request=request, audit=False)
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, actor, request=None, **fields) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.is_closed:
        raise DomainError(_("完了した契約は変更できません。"))
    bounds.check_values(Contract, **fields)
    _check_period(fields.get("start_date", contract.start_date), fields.get("end_date", contract.end_date))
    changed = [name for name, value in fields.items() if getattr(contract, name) != value]
    if not changed:
        return contract
    before = _payload(contract, changed)
    for name in changed:
        setattr(contract, name, fields[name])
    contract.save(update_fields=[*changed, "updated_at"])
    audit_log(action="contract.updated", actor=actor, contract=contract, obj=contract, request=request,
              payload={"before": before, "after": _payload(contract, changed)})
    return contract


@transaction.atomic
def contract_start(*, contract: Contract, actor, request=None) -> Contract:
    """The contract comes into force (準備中 → 履行中), as HR records on the day the contract starts."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != Contract.Status.DRAFT:
        raise DomainError(_("この契約は「%(status)s」のため、履行開始にできません。") % {"status": contract.get_status_display()})
    contract.status = Contract.Status.ACTIVE
    contract.save(update_fields=["status", "updated_at"])
    audit_log(action="contract.started", actor=actor, contract=contract, obj=contract, request=request)
    return contract


@transaction.atomic
def contract_copy_to_next_year(*, contract: Contract, actor, request=None) -> Contract:
    """Copy a recurring contract into the next fiscal year (次年度以降も同様の業務委託を行う)."""
    source = Contract.objects.get(pk=contract.pk)
    next_year = source.fiscal_year + 1
    slug = f"{source.slug.removesuffix(f'-{source.fiscal_year}')}-{next_year}"
    if Contract.objects.filter(slug=slug).exists():
        raise DomainError(_("翌年度の契約（%(slug)s）はすでにあります。") % {"slug": slug})

    def shift(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year + 1, day=28)

    fields = {name: getattr(source, name) for name in CONTRACT_FIELDS}
    fields.update(fiscal_year=next_year, start_date=shift(source.start_date), end_date=shift(source.end_date))
    copy = contract_create(actor=actor, slug=slug, request=request, **fields)
    copy.previous = source
    copy.save(update_fields=["previous"])
    audit_log(action="contract.copied", actor=actor, contract=copy, obj=copy, request=request,
              payload={"from": source.slug})
    return copy


@transaction.atomic
def contract_step_set(*, contract: Contract, step: int, done: bool, actor, note: str = "", request=None):
    """Record the progress of one of the steps ①–⑥ of 資料2-1."""
    row = ContractStep.objects.select_for_update().get(contract=contract, step=step)
    if contract.is_closed:
        raise DomainError(_("完了した契約は変更できません。"))
    if done == row.is_done:
        raise DomainError(_("この工程はすでにその状態です。"))
    row.completed_at = timezone.now() if done else None
    row.completed_by = actor if done else None
    row.note = note
    row.save(update_fields=["completed_at", "completed_by", "note"])
    audit_log(action="contract.step.completed" if done else "contract.step.reopened", actor=actor,
              contract=contract, obj=contract, request=request, payload={"step": step, "note": note})
    return row


def _membership_add(*, contract, user, role, actor, request=None, audit=True) -> Membership:
    membership, created = Membership.objects.get_or_create(
        contract=contract, user=user, role=role, revoked_at__isnull=True,
        defaults={"granted_at": timezone.now(), "granted_by": actor},
    )
    _sync_permissions(user=user, contract=contract)
    if created and audit:
        audit_log(action="contract.membership.granted", actor=actor, contract=contract, obj=membership,
                  request=request, payload={"user": user.get_username(), "role": role})
    return membership


@transaction.atomic
def membership_grant(*, contract: Contract, user, role: str, actor, request=None) -> Membership:
    """Give a ward person (HR or auditor) access to a contract. Contractor roles come from designations."""
    if role not in (Role.HR, Role.AUDITOR):
        raise DomainError(_("委託先の取扱責任者・取扱者は、取扱者指定の承認によって登録してください。"), field="role")
    profile = getattr(user, "profile", None)
    if profile is None or profile.organisation.kind != Organisation.Kind.WARD_SECTION:
        raise DomainError(_("区の職員のみ登録できます。"), field="user")
    if Membership.objects.filter(contract=contract, user=user, role=role, revoked_at__isnull=True).exists():
        raise DomainError(_("この方はすでにこの役割で登録されています。"), field="user")
    return _membership_add(contract=contract, user=user, role=role, actor=actor, request=request)


@transaction.atomic
def membership_revoke(*, membership: Membership, actor, request=None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise DomainError(_("この登録はすでに取り消されています。"))
    if membership.role in (Role.CONTRACTOR_MANAGER, Role.CONTRACTOR_HANDLER):
        raise DomainError(_("委託先の方の登録は、取扱者指定の取消によって外してください。"))
    if membership.role == Role.HR and not membership.contract.memberships.filter(
        role=Role.HR, revoked_at__isnull=True
    ).exclude(pk=membership.pk).exists():
        raise DomainError(_("担当課の職員が一人もいなくなるため、取り消せません。"))
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    _sync_permissions(user=membership.user, contract=membership.contract)
    audit_log(action="contract.membership.revoked", actor=actor, contract=membership.contract, obj=membership,
              request=request, payload={"user": membership.user.get_username(), "role": membership.role})
    return membership


@transaction.atomic
def designation_report(*, contract: Contract, user, kind: str, actor, duties: str = "",
                       valid_from=None, valid_until=None, request=None) -> Designation:
    """The contractor names a handling manager or handler (取扱責任者及び取扱者をあらかじめ指定し、区に報告する).

    The person must belong to the contract's contractor. HR may also enter a report the contractor made
    on paper, which is how the first manager of a contract is usually named.
    """
    if contract.is_closed:
        raise DomainError(_("完了した契約には指定できません。"))
    profile = getattr(user, "profile", None)
    if profile is None or profile.organisation_id != contract.contractor_id:
        raise DomainError(_("委託先（%(org)s）に所属する方のみ指定できます。") % {"org": contract.contractor},
                          field="user")
    if Designation.objects.filter(contract=contract, user=user, status__in=["reported", "approved"]).exists():
        raise DomainError(_("この方はすでに指定の報告または承認がされています。"), field="user")
    bounds.check_values(Designation, valid_from=valid_from, valid_until=valid_until)
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError(_("指定期間の終了は開始より後の日付にしてください。"), field="valid_until")
    designation = Designation.objects.create(
        contract=contract, user=user, kind=kind, duties=duties, reported_at=timezone.now(), reported_by=actor,
        valid_from=valid_from, valid_until=valid_until,
    )
    audit_log(action="contract.designation.reported", actor=actor, contract=contract, obj=designation,
              request=request, payload={"user": user.get_username(), "kind": kind})
    return designation


def _designation_for_decision(designation: Designation) -> Designation:
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    if not designation.is_pending:
        raise DomainError(
            _("この指定は「%(status)s」のため、承認・不承認できません。") % {"status": designation.get_status_display()}
        )
    return designation


@transaction.atomic
def designation_approve(*, designation: Designation, actor, note: str = "", request=None) -> Designation:
    """The ward approves a named person; from now on they may receive and hold this contract's items."""
    designation = _designation_for_decision(designation)
    designation.status = Designation.Status.APPROVED
    designation.decided_at = timezone.now()
    designation.decided_by = actor
    designation.decision_note = note
    designation.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _membership_add(contract=designation.contract, user=designation.user, role=designation.role, actor=actor,
                    request=request, audit=False)
    audit_log(action="contract.designation.approved", actor=actor, contract=designation.contract,
              obj=designation, request=request,
              payload={"user": designation.user.get_username(), "kind": designation.kind, "note": note})
    return designation


@transaction.atomic
def designation_reject(*, designation: Designation, actor, note: str, request=None) -> Designation:
    if not note.strip():
        raise DomainError(_("不承認の理由を入力してください。"), field="note")
    designation = _designation_for_decision(designation)
    designation.status = Designation.Status.REJECTED
    designation.decided_at = timezone.now()
    designation.decided_by = actor
    designation.decision_note = note
    designation.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_log(action="contract.designation.rejected", actor=actor, contract=designation.contract,
              obj=designation, request=request,
              payload={"user": designation.user.get_username(), "note": note})
    return designation


@transaction.atomic
def designation_revoke(*, designation: Designation, actor, note: str = "", request=None) -> Designation:
    """The ward withdraws an approval; the person loses access to the contract at once."""
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    if not designation.is_approved:
        raise DomainError(_("承認済みの指定のみ取り消せます。"))
    now = timezone.now()
    designation.status = Designation.Status.REVOKED
    designation.revoked_at = now
    designation.revoked_by = actor
    if note:
        designation.decision_note = note
    designation.save(update_fields=["status", "revoked_at", "revoked_by", "decision_note"])
    Membership.objects.filter(
        contract=designation.contract, user=designation.user, role=designation.role, revoked_at__isnull=True
    ).update(revoked_at=now)
    _sync_permissions(user=designation.user, contract=designation.contract)
    audit_log(action="contract.designation.revoked", actor=actor, contract=designation.contract,
              obj=designation, request=request,
              payload={"user": designation.user.get_username(), "kind": designation.kind, "note": note})
    return designation
