"""Every write on contracts, memberships and designations.

Per-contract django-guardian permissions are granted and taken away here and nowhere else: a
person's permissions on a contract are always the union of the roles of their active memberships.
Who may do what is answered by the ``may_*`` functions of ``contracts.permissions`` (or, for the contract's
own roles, ``can``), which the pages and views ask too.
"""

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from accounts import services as accounts_services
from audit.services import audit_log
from core import bounds
from core.dates import fiscal_year_label, wareki, wareki_datetime
from core.errors import DomainError

from . import carry_over, selectors
from .closing import require_open
from .models import (
    REPORT_STEPS,
    ROLE_PERMISSIONS,
    Contract,
    ContractStep,
    ContractStepEvent,
    Designation,
    Membership,
    Organisation,
    Role,
    UserProfile,
)
from .permissions import (
    can,
    may_create_contract,
    may_edit_contract,
    may_grant_membership,
    may_report_designation,
    may_resend_enrolment,
    may_revoke_membership,
)

User = get_user_model()

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
NOTE_MAX = 300
# A step completed "now" by a clock a little ahead of the server's is still now.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


def _require(actor, contract: Contract, *actions: str) -> None:
    # The views refuse first (403/404); this keeps a service called from elsewhere honest too.
    if not any(can(actor, contract, action) for action in actions):
        raise PermissionDenied


def _bounded_text(value, *, field: str, limit: int = NOTE_MAX, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("%(label)sは%(limit)s文字以内で入力してください（いま%(n)s文字）。")
                          % {"label": label, "limit": limit, "n": len(value)}, field=field)
    return value


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


def _contract_insert(*, actor, slug: str | None, **fields) -> Contract:
    """The rows of a new contract (the contract, its six steps, its creator as HR), without an audit entry."""
    bounds.check_values(Contract, **fields)
    _check_period(fields.get("start_date"), fields.get("end_date"))
    if slug:
        _check_given_slug(slug)
    else:
        slug = new_slug(fields["fiscal_year"])
    contract = Contract.objects.create(slug=slug, **fields)
    ContractStep.objects.bulk_create([ContractStep(contract=contract, step=s) for s in Contract.Step.values])
    _membership_add(contract=contract, user=actor, role=Role.HR, actor=actor, audit=False)
    return contract


@transaction.atomic
def contract_create(*, actor, slug: str | None = None, request=None, **fields) -> Contract:
    """Create a contract; its creator becomes its HR member. The slug in its address is made here
    (fiscal year and a short random part); ``slug`` is for the demo and fixed test data only. Only a
    person who may create contracts (HR) may; the page refuses first, this keeps any other caller honest."""
    may_create_contract(actor).or_403()
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
    before = _payload(contract, changed)
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
    _require(actor, contract, "manage")
    require_open(contract)
    if contract.status != Contract.Status.DRAFT:
        raise DomainError(_("この契約は「%(status)s」のため、履行開始にできません。") % {"status": contract.get_status_display()})
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
    _require(actor, source, "manage")
    if not source.recurring:
        raise DomainError(_("この契約は「次年度以降も同様の委託を行う」となっていないため、翌年度にコピーできません。"
                            "繰り返す契約であれば、まず契約を編集してその欄に印を付けてください。"))
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
    fields.update(fiscal_year=preview.fiscal_year, start_date=preview.start_date, end_date=preview.end_date)
    copy = _contract_insert(actor=actor, slug=slug, **fields)
    copy.previous = source
    copy.save(update_fields=["previous"])
    for membership in chosen_memberships:
        _membership_add(contract=copy, user=membership.user, role=membership.role, actor=actor, audit=False)
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


def _step_for_update(contract: Contract, step: int) -> tuple[Contract, ContractStep]:
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    require_open(contract)
    if step not in Contract.Step.values:
        raise DomainError(_("工程は①〜⑥から選んでください。"), field="step")
    if step in REPORT_STEPS:
        # ④–⑥ follow the report, the returns and the measures (contracts.report.sync_steps).
        raise DomainError(_("工程④〜⑥は、報告書・対応策と記録媒体等の返却・消去報告書の記録に従って完了になります。"
                            "「報告書・対応策」の画面で記録してください。"), code="follows_records")
    return contract, ContractStep.objects.select_for_update().get(contract=contract, step=step)


def _fiscal_year_start(contract: Contract) -> dt.datetime:
    first = min(dt.date(contract.fiscal_year, 4, 1), contract.start_date)
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


@transaction.atomic
def contract_step_complete(*, contract: Contract, step: int, actor, completed_at: dt.datetime | None = None,
                           note: str = "", request=None) -> ContractStep:
    """Record that one of the steps ①–⑥ of 資料2-1 was done, when it was done (now unless told) and how."""
    contract, row = _step_for_update(contract, step)
    _require(actor, contract, "manage")
    if row.is_done:
        raise DomainError(_("この工程はすでに完了として記録されています（%(when)s）。記録を直すには、理由を入力して"
                            "未了に戻してから、もう一度完了にしてください。") % {"when": wareki_datetime(row.completed_at)})
    note = _bounded_text(note, field="note", label=_("備考"))
    now = timezone.now()
    completed_at = completed_at or now
    bounds.check_value(ContractStepEvent, "happened_at", completed_at, field="completed_at")
    if completed_at > now + CLOCK_TOLERANCE:
        raise DomainError(_("完了日時に、これから先の日時は入力できません。"), field="completed_at")
    earliest = _fiscal_year_start(contract)
    if completed_at < earliest:
        raise DomainError(_("完了日時は、この契約の年度（%(year)s）の%(date)s以降にしてください。")
                          % {"year": fiscal_year_label(contract.fiscal_year), "date": wareki(earliest)},
                          field="completed_at")
    row.completed_at, row.completed_by, row.note = completed_at, actor, note
    row.save(update_fields=["completed_at", "completed_by", "note"])
    ContractStepEvent.objects.create(step=row, kind=ContractStepEvent.Kind.COMPLETED, happened_at=completed_at,
                                     text=note, actor=actor, recorded_at=now)
    audit_log(action="contract.step.completed", actor=actor, contract=contract, obj=contract, request=request,
              payload={"step": step, "completed_at": completed_at, "note": note})
    return row


@transaction.atomic
def contract_step_reopen(*, contract: Contract, step: int, reason: str, actor, request=None) -> ContractStep:
    """Put a completed step back to 未了, for a stated reason. What was recorded stays in its history."""
    contract, row = _step_for_update(contract, step)
    _require(actor, contract, "manage")
    reason = _bounded_text(reason, field="reason", label=_("理由"))
    if not reason:
        raise DomainError(_("未了に戻す理由を入力してください。"), field="reason")
    if not row.is_done:
        raise DomainError(_("この工程はまだ完了になっていません。"))
    was = {"was_completed_at": row.completed_at, "was_note": row.note}
    now = timezone.now()
    row.completed_at, row.completed_by, row.note = None, None, ""
    row.save(update_fields=["completed_at", "completed_by", "note"])
    ContractStepEvent.objects.create(step=row, kind=ContractStepEvent.Kind.REOPENED, happened_at=now, text=reason,
                                     actor=actor, recorded_at=now)
    audit_log(action="contract.step.reopened", actor=actor, contract=contract, obj=contract, request=request,
              payload={"step": step, "reason": reason, **was})
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
    """Give a ward person (HR or auditor) access to a contract. Contractor roles come from designations.
    Not on a closed contract: it is read-only until HR reopens it (taking access away stays possible)."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_grant_membership(actor, contract).or_403().require()
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
    # Allowed on a closed contract: it takes access away and changes none of its records.
    may_revoke_membership(actor, membership).or_403().require()
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    _sync_permissions(user=membership.user, contract=membership.contract)
    audit_log(action="contract.membership.revoked", actor=actor, contract=membership.contract, obj=membership,
              request=request, payload={"user": membership.user.get_username(), "role": membership.role})
    return membership


def _check_designation(contract: Contract, actor, *, kind: str, duties: str, valid_from, valid_until) -> str:
    """What every report checks, for a person with an account or a new one. Returns the cleaned duties."""
    may_report_designation(actor, contract).or_403().require()
    if kind not in Designation.Kind.values:
        raise DomainError(_("取扱責任者か取扱者かを選んでください。"), field="kind")
    duties = _bounded_text(duties, field="duties", limit=200, label=_("担当業務"))
    bounds.check_values(Designation, valid_from=valid_from, valid_until=valid_until)
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError(_("指定期間の終了は開始より後の日付にしてください。"), field="valid_until")
    if valid_until and valid_until < timezone.localdate():
        raise DomainError(_("指定期間の終了日（%(date)s）が過ぎています。これからの期間を入力してください。")
                          % {"date": wareki(valid_until)}, field="valid_until")
    return duties


def _open_designation_exists(contract, user) -> bool:
    return Designation.objects.filter(contract=contract, user=user, status__in=["reported", "approved"]).exists()


@transaction.atomic
def designation_report(*, contract: Contract, user, kind: str, actor, duties: str = "",
                       valid_from=None, valid_until=None, request=None) -> Designation:
    """The contractor names a handling manager or handler (取扱責任者及び取扱者をあらかじめ指定し、区に報告する).

    The person must belong to the contract's contractor. HR may also enter a report the contractor made
    on paper, which is how the first manager of a contract is usually named.
    """
    duties = _check_designation(contract, actor, kind=kind, duties=duties, valid_from=valid_from,
                                valid_until=valid_until)
    profile = getattr(user, "profile", None)
    if profile is None or profile.organisation_id != contract.contractor_id:
        raise DomainError(_("委託先（%(org)s）に所属する方のみ指定できます。") % {"org": contract.contractor},
                          field="user")
    if not user.is_active:
        # A closed account (or one made for a new person and never opened) is reported as a new person.
        raise DomainError(_("この方のアカウントは利用が停止されています。新しい方として報告してください。"), field="user")
    if _open_designation_exists(contract, user):
        raise DomainError(_("この方はすでに指定の報告または承認がされています。"), field="user")
    designation = Designation.objects.create(
        contract=contract, user=user, kind=kind, duties=duties, reported_at=timezone.now(), reported_by=actor,
        valid_from=valid_from, valid_until=valid_until,
    )
    audit_log(action="contract.designation.reported", actor=actor, contract=contract, obj=designation,
              request=request, payload={"user": user.get_username(), "kind": kind})
    return designation


def _new_person(contract: Contract, *, display_name: str, email: str):
    """The account a new person's report makes: inactive, without a password, until the ward approves.
    A person reported before and not approved (their account never opened) is reported again."""
    email = User.objects.normalize_email(email)
    same_address = list(User.objects.filter(email__iexact=email).select_related("profile"))
    for user in same_address:
        profile = getattr(user, "profile", None)
        ours = profile is not None and profile.organisation_id == contract.contractor_id
        if ours and user.is_active and user.has_usable_password():
            raise DomainError(_("このメールアドレスの方はすでに利用者として登録されています。上の「登録済みの方」の欄から"
                                "選んで報告してください。"), field="email")
        if ours and not user.is_active and accounts_services.awaits_enrolment(user):
            profile.display_name = display_name
            profile.save(update_fields=["display_name"])
            return user
    if same_address:
        raise DomainError(_("このメールアドレスは登録できません。別のメールアドレスを入力するか、区に問い合わせてください。"),
                          field="email")
    user = User(username=accounts_services.new_username(email), email=email, is_active=False)
    user.set_unusable_password()
    user.save()
    UserProfile.objects.create(user=user, organisation=contract.contractor, display_name=display_name)
    return user


@transaction.atomic
def designation_report_new_person(*, contract: Contract, display_name: str, email: str, kind: str, actor,
                                  duties: str = "", valid_from=None, valid_until=None,
                                  request=None) -> Designation:
    """Report someone who has no account yet (取扱責任者及び取扱者をあらかじめ指定し、区に報告する): the manager
    names himself and two analysts without waiting for an administrator. The account is made now but
    stays closed; the ward's approval opens it and e-mails the person a one-time enrolment link."""
    duties = _check_designation(contract, actor, kind=kind, duties=duties, valid_from=valid_from,
                                valid_until=valid_until)
    display_name = _bounded_text(display_name, field="display_name", limit=100, label=_("氏名"))
    if not display_name:
        raise DomainError(_("氏名を入力してください。"), field="display_name")
    email = (email or "").strip()
    if not email:
        raise DomainError(_("メールアドレスを入力してください。"), field="email")
    user = _new_person(contract, display_name=display_name, email=email)
    if _open_designation_exists(contract, user):
        raise DomainError(_("この方はすでに指定の報告または承認がされています。"), field="email")
    designation = Designation.objects.create(
        contract=contract, user=user, kind=kind, duties=duties, reported_at=timezone.now(), reported_by=actor,
        valid_from=valid_from, valid_until=valid_until, new_account=True,
    )
    # The name and address are the person's own data: the entry points at the designation instead.
    audit_log(action="contract.designation.reported", actor=actor, contract=contract, obj=designation,
              request=request, payload={"kind": kind, "new_account": True})
    return designation


def _designation_for_decision(designation: Designation, actor) -> Designation:
    designation = (Designation.objects.select_for_update(of=("self",)).select_related("contract", "user")
                   .get(pk=designation.pk))
    _require(actor, designation.contract, "manage")
    # Revoking stays possible (it only takes access away); approving or rejecting changes the contract.
    require_open(designation.contract)
    if not designation.is_pending:
        raise DomainError(
            _("この指定は「%(status)s」のため、承認・不承認できません。") % {"status": designation.get_status_display()}
        )
    return designation


def _enrolment_about(designation: Designation) -> str:
    contract = designation.contract
    return _("%(title)s（%(year)s）の%(kind)sとして、%(ward)sがあなたの指定を承認しました。") % {
        "title": contract.title, "year": fiscal_year_label(contract.fiscal_year),
        "kind": designation.get_kind_display(), "ward": contract.ward_section,
    }


def _account_to_open(designation: Designation) -> bool:
    user = designation.user
    return designation.new_account and not user.is_active and accounts_services.awaits_enrolment(user)


@transaction.atomic
def designation_approve(*, designation: Designation, actor, note: str = "", request=None) -> Designation:
    """The ward approves a named person; from now on they may receive and hold this contract's items.
    A person reported as new gets their account opened and the one-time enrolment link by e-mail."""
    designation = _designation_for_decision(designation, actor)
    note = _bounded_text(note, field="note", label=_("備考"))
    if designation.period_has_ended:
        raise DomainError(_("指定期間（%(until)sまで）が終了しているため、承認できません。期間を確かめて、取扱責任者から"
                            "報告し直してもらってください。") % {"until": wareki(designation.valid_until)})
    designation.status = Designation.Status.APPROVED
    designation.decided_at = timezone.now()
    designation.decided_by = actor
    designation.decision_note = note
    designation.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    payload = {"user": designation.user.get_username(), "kind": designation.kind, "note": note}
    if _account_to_open(designation):
        designation.user.is_active = True
        designation.user.save(update_fields=["is_active"])
        accounts_services.enrolment_invite(user=designation.user, actor=actor, about=_enrolment_about(designation))
        payload["account_opened"] = True
    _membership_add(contract=designation.contract, user=designation.user, role=designation.role, actor=actor,
                    request=request, audit=False)
    audit_log(action="contract.designation.approved", actor=actor, contract=designation.contract,
              obj=designation, request=request, payload=payload)
    return designation


@transaction.atomic
def designation_reject(*, designation: Designation, actor, note: str, request=None) -> Designation:
    note = _bounded_text(note, field="note", label=_("不承認の理由"))
    if not note:
        raise DomainError(_("不承認の理由を入力してください。"), field="note")
    designation = _designation_for_decision(designation, actor)
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
    """The ward withdraws an approval; the person loses access to the contract at once. Allowed on a closed
    contract (no require_open): it takes access away and changes none of its records."""
    designation = (Designation.objects.select_for_update(of=("self",)).select_related("contract", "user")
                   .get(pk=designation.pk))
    _require(actor, designation.contract, "manage")
    note = _bounded_text(note, field="note", label=_("備考"))
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
    withdrawn = 0
    if designation.new_account and accounts_services.awaits_enrolment(designation.user) and not \
            Designation.objects.filter(user=designation.user, status=Designation.Status.APPROVED).exists():
        # Approved, then withdrawn before the person enrolled: the link must not open an account for nothing.
        withdrawn = accounts_services.enrolment_withdraw(user=designation.user)
    payload = {"user": designation.user.get_username(), "kind": designation.kind, "note": note}
    if withdrawn:
        payload["enrolment_link_withdrawn"] = True
    audit_log(action="contract.designation.revoked", actor=actor, contract=designation.contract,
              obj=designation, request=request, payload=payload)
    return designation


@transaction.atomic
def designation_resend_enrolment(*, designation: Designation, actor, request=None) -> Designation:
    """A new link for a person whose link expired or got lost; the earlier links stop working."""
    designation = Designation.objects.select_for_update(of=("self",)).select_related("contract", "user__profile").get(
        pk=designation.pk)
    may_resend_enrolment(actor, designation).or_403().require()
    accounts_services.enrolment_invite(user=designation.user, actor=actor, about=_enrolment_about(designation))
    audit_log(action="contract.designation.enrolment_resent", actor=actor, contract=designation.contract,
              obj=designation, request=request, payload={"kind": designation.kind})
    return designation
