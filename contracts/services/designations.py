"""The contractor's people (取扱責任者・取扱者): reported, approved, rejected or revoked by the ward, and the
enrolment link of a person reported as new."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from audit.services import audit_log
from core import bounds
from core.dates import fiscal_year_label, wareki
from core.errors import DomainError

from ..models import Contract, Designation, Membership, Organisation, UserProfile
from ..permissions import (
    may_decide_designation,
    may_report_designation,
    may_resend_enrolment,
    may_revoke_designation,
)
from ..subcontracting import approved_organisation_ids, may_receive
from ._common import bounded_text, membership_add, sync_permissions

User = get_user_model()


def _check_designation(contract: Contract, actor, *, kind: str, duties: str, valid_from, valid_until) -> str:
    """What every report checks, for a person with an account or a new one. Returns the cleaned duties."""
    may_report_designation(actor, contract).or_403().require()
    if kind not in Designation.Kind.values:
        raise DomainError(_("取扱責任者か取扱者かを選んでください。"), field="kind")
    duties = bounded_text(duties, field="duties", limit=200, label=_("担当業務"))
    bounds.check_values(Designation, valid_from=valid_from, valid_until=valid_until)
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError(_("指定期間の終了は開始より後の日付にしてください。"), field="valid_until")
    if valid_until and valid_until < timezone.localdate():
        raise DomainError(_("指定期間の終了日（%(date)s）が過ぎています。これからの期間を入力してください。")
                          % {"date": wareki(valid_until)}, field="valid_until")
    return duties


def _may_hold_designation(contract: Contract, organisation_id) -> bool:
    """The contractor's people, and the people of the subcontractors approved for this contract."""
    return organisation_id == contract.contractor_id or organisation_id in approved_organisation_ids(contract)


def manager_refusal(contract: Contract) -> str:
    return _("再委託先の方は取扱者としてのみ指定できます。取扱責任者は委託先を代表して状況報告、指摘への対応、再委託の申請を"
             "行うため、委託先（%(org)s）の方を指定してください。") % {"org": contract.contractor}


def _check_manager_of_contractor(contract: Contract, kind: str, organisation_id) -> None:
    """The handling manager speaks for the contractor (status reports, findings, subcontracting applications): a
    person of a subcontractor may be one of the contract's handlers, never its 取扱責任者."""
    if kind == Designation.Kind.MANAGER and organisation_id != contract.contractor_id:
        raise DomainError(manager_refusal(contract), field="kind")


def _organisation_for_new_person(contract: Contract, organisation) -> Organisation:
    if organisation is None:
        return contract.contractor
    may_receive(contract, organisation=organisation).require(field="organisation")
    if not _may_hold_designation(contract, organisation.pk):
        raise DomainError(_("委託先（%(org)s）又は区が承認した再委託先を選んでください。") % {"org": contract.contractor},
                          field="organisation")
    return organisation


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
    if profile is not None:
        # A person of a subcontractor the ward has not approved for this contract: refused, quoting the seed.
        may_receive(contract, user=user).require(field="user")
    if profile is None or not _may_hold_designation(contract, profile.organisation_id):
        raise DomainError(_("委託先（%(org)s）又は区が承認した再委託先に所属する方のみ指定できます。")
                          % {"org": contract.contractor}, field="user")
    _check_manager_of_contractor(contract, kind, profile.organisation_id)
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


def _new_person(contract: Contract, *, display_name: str, email: str, organisation: Organisation):
    """The account a new person's report makes: inactive, without a password, until the ward approves.
    A person reported before and not approved (their account never opened) is reported again."""
    email = User.objects.normalize_email(email)
    same_address = list(User.objects.filter(email__iexact=email).select_related("profile"))
    for user in same_address:
        profile = getattr(user, "profile", None)
        ours = profile is not None and profile.organisation_id == organisation.pk
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
    UserProfile.objects.create(user=user, organisation=organisation, display_name=display_name)
    return user


@transaction.atomic
def designation_report_new_person(*, contract: Contract, display_name: str, email: str, kind: str, actor,
                                  duties: str = "", valid_from=None, valid_until=None, organisation=None,
                                  request=None) -> Designation:
    """Report someone who has no account yet (取扱責任者及び取扱者をあらかじめ指定し、区に報告する): the manager
    names himself and two analysts without waiting for an administrator. The account is made now but
    stays closed; the ward's approval opens it and e-mails the person a one-time enrolment link."""
    duties = _check_designation(contract, actor, kind=kind, duties=duties, valid_from=valid_from,
                                valid_until=valid_until)
    display_name = bounded_text(display_name, field="display_name", limit=100, label=_("氏名"))
    if not display_name:
        raise DomainError(_("氏名を入力してください。"), field="display_name")
    email = (email or "").strip()
    if not email:
        raise DomainError(_("メールアドレスを入力してください。"), field="email")
    organisation = _organisation_for_new_person(contract, organisation)
    _check_manager_of_contractor(contract, kind, organisation.pk)
    user = _new_person(contract, display_name=display_name, email=email, organisation=organisation)
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
    # Revoking stays possible on a closed contract (it only takes access away); approving or rejecting changes it.
    may_decide_designation(actor, designation).or_403().require()
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
    note = bounded_text(note, field="note", label=_("備考"))
    # Only approved parties receive personal data: a person of a subcontractor not approved is never approved.
    may_receive(designation.contract, user=designation.user).require()
    if designation.kind == Designation.Kind.MANAGER:
        profile = getattr(designation.user, "profile", None)
        if profile is None or profile.organisation_id != designation.contract.contractor_id:
            raise DomainError(manager_refusal(designation.contract))
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
    membership_add(contract=designation.contract, user=designation.user, role=designation.role, actor=actor,
                    request=request, audit=False)
    audit_log(action="contract.designation.approved", actor=actor, contract=designation.contract,
              obj=designation, request=request, payload=payload)
    return designation


@transaction.atomic
def designation_reject(*, designation: Designation, actor, note: str, request=None) -> Designation:
    note = bounded_text(note, field="note", label=_("不承認の理由"))
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
    contract (may_revoke_designation has no closed guard): it takes access away and changes none of its records."""
    designation = (Designation.objects.select_for_update(of=("self",)).select_related("contract", "user")
                   .get(pk=designation.pk))
    answer = may_revoke_designation(actor, designation).or_403()
    note = bounded_text(note, field="note", label=_("備考"))
    answer.require()
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
    sync_permissions(user=designation.user, contract=designation.contract)
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
