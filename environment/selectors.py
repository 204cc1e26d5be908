"""Reads that depend on who asks: a contract's parties and their profiles, the links from the contract's page,
and what waits on the dashboard (a profile to fill in, review or renew; a certificate about to lapse)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, Organisation, Subcontractor
from contracts.permissions import can, contracts_where, has_contracts_where
from core.dashboard import Link, Waiting
from core.dates import wareki

from . import permissions
from .evidence import parties
from .models import CERTIFICATE_NOTICE_DAYS, Certificate, EnvironmentProfile


def contract_parties(contract: Contract) -> list[tuple[Organisation, str, EnvironmentProfile | None]]:
    """(organisation, its role, its profile or None) of the contractor and each approved subcontractor."""
    found = parties(contract)
    profiles = {p.organisation_id: p for p in EnvironmentProfile.objects.filter(
        organisation__in=[o.pk for o, _role in found]).select_related("organisation")}
    return [(organisation, role, profiles.get(organisation.pk)) for organisation, role in found]


def startable(user, contract: Contract):
    """The organisations of the contract whose profile this person may begin now."""
    ids = [o.pk for o, _role, profile in contract_parties(contract)
           if profile is None and permissions.may_start(user, o)]
    return Organisation.objects.filter(pk__in=ids)


def ward_profile() -> EnvironmentProfile | None:
    return EnvironmentProfile.objects.filter(is_ward=True).first()


def contract_links(user, contract: Contract) -> list[Link]:
    links = [Link(_("委託先の情報セキュリティ環境"), reverse("environment:contract", kwargs={"slug": contract.slug}))]
    if can(user, contract, "audit"):
        links.append(Link(_("区の情報セキュリティ環境"), reverse("environment:ward")))
    return links


def _profile_url(profile: EnvironmentProfile) -> str:
    return reverse("environment:profile", kwargs={"pk": profile.pk})


def _kept_profiles(user):
    """The profiles this person keeps (fills in): their firm's (and its subcontractors'), and the ward's for
    the IT section."""
    contracts = contracts_where(user, "contractor_side")
    organisations = set(contracts.values_list("contractor_id", flat=True))
    organisations |= set(Subcontractor.objects.filter(contract__in=contracts, organisation__isnull=False)
                         .values_list("organisation_id", flat=True))
    profiles = EnvironmentProfile.objects.filter(organisation__in=organisations)
    if permissions.is_ward_keeper(user):
        profiles = profiles | EnvironmentProfile.objects.filter(is_ward=True)
    return profiles.select_related("organisation"), organisations


def _reviewed_profiles(user):
    contracts = contracts_where(user, "manage")
    organisations = set(contracts.values_list("contractor_id", flat=True))
    organisations |= set(Subcontractor.objects.filter(contract__in=contracts, organisation__isnull=False)
                         .values_list("organisation_id", flat=True))
    profiles = EnvironmentProfile.objects.filter(organisation__in=organisations)
    if has_contracts_where(user, "manage"):
        profiles = profiles | EnvironmentProfile.objects.filter(is_ward=True)
    return profiles.select_related("organisation")


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def expiring_certificates(profiles, day: dt.date | None = None):
    """Certificates of ``profiles`` that lapse within the notice period or have lapsed, with no renewal of the
    same kind recorded."""
    day = day or timezone.localdate()
    rows = []
    certificates = list(Certificate.objects.filter(profile__in=profiles).select_related("profile__organisation"))
    for certificate in certificates:
        renewed = any(other.profile_id == certificate.profile_id and other.kind == certificate.kind
                      and other.name == certificate.name and other.valid_until > certificate.valid_until
                      for other in certificates)
        if not renewed and certificate.days_left(day) <= CERTIFICATE_NOTICE_DAYS:
            rows.append(certificate)
    return rows


def waiting_environment(user) -> list[Waiting]:
    """The keeper: a profile to fill in or correct, one due for its yearly review, a certificate about to
    lapse. HR: a profile to accept or send back, a certificate about to lapse."""
    if not user.is_authenticated:
        return []
    rows = []
    kept, organisations = _kept_profiles(user)
    kept = list(kept)
    now = timezone.now()
    for profile in kept:
        url = _profile_url(profile)
        if profile.is_with_submitter:
            rows.append(Waiting(title=_("%(thing)sを記入して区に提出してください（%(status)s）") % {
                "thing": profile.title, "status": profile.get_status_display()}, url=url,
                since=profile.decided_at if profile.is_returned else profile.updated_at,
                since_label=_("差戻し") if profile.is_returned else _("作成")))
        elif profile.is_accepted and profile.review_due_on is not None and (
                profile.review_due_on - timezone.localdate()).days <= CERTIFICATE_NOTICE_DAYS:
            rows.append(Waiting(title=_("%(thing)sの年次の見直しの時期です") % {"thing": profile.title}, url=url,
                                due=_end_of(profile.review_due_on), overdue=profile.is_stale(now)))
    missing = Organisation.objects.filter(pk__in=organisations, environment_profile__isnull=True)
    asked = set()
    for contract in (contracts_where(user, "contractor_side").filter(contractor__in=missing)
                     .select_related("contractor").order_by("-fiscal_year")):
        if contract.contractor_id in asked:
            continue
        asked.add(contract.contractor_id)
        rows.append(Waiting(title=_("%(organisation)sの情報セキュリティ環境の届出を作成してください") % {
            "organisation": contract.contractor.name},
            url=reverse("environment:contract", kwargs={"slug": contract.slug}), contract=contract))
    if permissions.is_ward_keeper(user) and not EnvironmentProfile.objects.filter(is_ward=True).exists():
        rows.append(Waiting(title=_("区の情報セキュリティ環境の届出を作成してください"), url=reverse("environment:ward")))
    reviewed = list(_reviewed_profiles(user))
    for profile in reviewed:
        if profile.is_submitted:
            rows.append(Waiting(title=_("%(thing)sを確認してください（受理または差戻し）") % {"thing": profile.title},
                                url=_profile_url(profile), since=profile.submitted_at, since_label=_("提出")))
        elif profile.is_accepted and profile.is_stale(now):
            rows.append(Waiting(title=_("%(thing)sの受理から1年が過ぎています。見直して提出し直すよう依頼してください") % {
                "thing": profile.title}, url=_profile_url(profile), due=_end_of(profile.review_due_on), overdue=True))
    seen = {p.pk for p in kept} | {p.pk for p in reviewed}
    for certificate in expiring_certificates(EnvironmentProfile.objects.filter(pk__in=seen)):
        lapsed = certificate.is_expired()
        title = (_("%(owner)sの%(certificate)sの有効期限（%(day)s）が過ぎています。更新後の認証を登録してください")
                 if lapsed else _("%(owner)sの%(certificate)sの有効期限（%(day)s）が近づいています。更新後の認証を登録してください"))
        rows.append(Waiting(title=title % {"owner": certificate.profile.owner_name, "certificate": certificate.display_name,
                                           "day": wareki(certificate.valid_until)},
                            url=_profile_url(certificate.profile), due=_end_of(certificate.valid_until), overdue=lapsed))
    return rows
