"""再委託: which subcontractors the ward has approved for a contract, and whether a person or an organisation may
receive the contract's personal data, asked by every service that hands data on (designations, handovers,
the copy register) and by the pages that offer the choice.

Only parties the ward approved may receive personal data (特記事項「再委託の制限」: subcontracting needs the ward's
prior written approval; チェックリスト 運用上の対策3). The contractor itself and the ward are not subcontractors and
are answered YES here (the other rules, who is designated and who may receive, are asked elsewhere); a person of
an organisation of kind 再委託先 may receive only when that organisation is approved for *this* contract.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core.answers import YES, Answer, no

from .models import Contract, Organisation, Subcontractor

NOT_APPROVED = "subcontractor_not_approved"

# The seed's words (チェックリスト 運用上の対策3, both sides) and the 特記事項's rule that the refusal quotes.
SEED_OPERATIONAL_03 = "再委託先がある場合には、委託先との間に立入り調査等ができる契約内容を付すとともに、必要に応じて又は定期的に立入り調査等を実施させる。"


def approved(contract: Contract):
    """The contract's approved subcontractors (承認済みの再委託先), as a queryset."""
    return Subcontractor.objects.filter(contract=contract, status=Subcontractor.Status.ACCEPTED)


def approved_organisation_ids(contract: Contract) -> set[int]:
    return set(approved(contract).exclude(organisation=None).values_list("organisation_id", flat=True))


def refusal(name: str) -> str:
    """The refusal, quoting the seed, for an unapproved subcontractor named ``name``."""
    return _("区が承認していない再委託先（%(name)s）には個人情報を渡せません（チェックリスト 運用上の対策3：「%(seed)s」、"
             "特記事項「再委託の制限」：再委託には区の事前の承認が必要です）。") % {"name": name, "seed": SEED_OPERATIONAL_03}


def _organisation_of(user) -> Organisation | None:
    if user is None:
        return None
    profile = getattr(user, "profile", None) if getattr(user, "pk", None) else None
    return profile.organisation if profile is not None else None


def may_receive(contract: Contract, *, user=None, organisation: Organisation | None = None) -> Answer:
    """May ``user`` (by their organisation) or ``organisation`` receive or hold ``contract``'s personal data, as
    far as subcontracting goes? Refused, quoting the seed, for a subcontractor not approved for this contract."""
    for org in (organisation, _organisation_of(user)):
        if org is None or org.kind != Organisation.Kind.SUBCONTRACTOR:
            continue
        if not approved(contract).filter(organisation=org).exists():
            return no(refusal(org.name), NOT_APPROVED)
    return YES


def unapproved_people_q(contract: Contract, prefix: str = "") -> Q:
    """A Q on users (``prefix`` is the path to the user, e.g. ``"recipient__"``) that keeps only those who are not
    people of a subcontractor unapproved for ``contract``: for the choice lists, which offer only what
    :func:`may_receive` accepts."""
    approved_here = approved(contract).filter(organisation=OuterRef(f"{prefix}profile__organisation"))
    return ~Q(**{f"{prefix}profile__organisation__kind": Organisation.Kind.SUBCONTRACTOR}) | Q(Exists(approved_here))


def receivers(contract: Contract, users):
    """``users`` (a queryset) without the people of subcontractors not approved for ``contract``."""
    return users.filter(unapproved_people_q(contract))


def chain(contract: Contract, organisation: Organisation | None) -> str:
    """The holder's party as the ledger, the copy register and the deletion report print it: 「株式会社A」 for
    the contractor, 「株式会社A → 再委託先 株式会社B」 for a subcontractor (the chain 委託先 → 再委託先)."""
    if organisation is None:
        return ""
    if organisation.kind == Organisation.Kind.SUBCONTRACTOR:
        return _("%(contractor)s → 再委託先 %(subcontractor)s") % {
            "contractor": contract.contractor.name, "subcontractor": organisation.name}
    return organisation.name


def chain_of_user(contract: Contract, user) -> str:
    """:func:`chain` for the person's organisation ("" for no one)."""
    return chain(contract, _organisation_of(user))


def subcontractor_party(contract: Contract, user) -> str:
    """:func:`chain` for a person of a subcontractor (「株式会社A → 再委託先 株式会社B」), "" for anyone else: what the
    ledger adds after a holder's name."""
    org = _organisation_of(user)
    if org is None or org.kind != Organisation.Kind.SUBCONTRACTOR:
        return ""
    return chain(contract, org)
