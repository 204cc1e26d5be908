"""Which version of the checklist a contract uses: the one in force when its plan was made.

An administrator publishes versions per contract type (``ChecklistTemplate.contract_type``; null = the default,
used by every type without a version of its own). A contract's checklist is created, the first time HR saves its
plan, on the latest version published for its type at that moment, else the latest default one; it keeps that
version whatever is published afterwards (a version in use is frozen, ``models.TemplateFrozen``).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import ChecklistTemplate


def _published_by(moment: dt.datetime) -> Q:
    # A version made before publication dates were kept counts from its creation.
    return Q(status=ChecklistTemplate.Status.PUBLISHED) & (
        Q(published_at__lte=moment) | Q(published_at__isnull=True, created_at__lte=moment))


def in_force(contract_type_id: int | None, moment: dt.datetime | None = None) -> ChecklistTemplate | None:
    """The version a plan made at ``moment`` (now when None) starts on, for a contract of the type."""
    moment = moment or timezone.now()
    published = ChecklistTemplate.objects.filter(_published_by(moment)).order_by("-version")
    if contract_type_id is not None:
        own = published.filter(contract_type_id=contract_type_id).first()
        if own is not None:
            return own
    default = published.filter(contract_type__isnull=True).first()
    if default is not None:
        return default
    # A clock set before every publication (a test travelling back in time, a restored backup): the first
    # published default version, the seed's.
    return (ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED, contract_type__isnull=True)
            .order_by("version").first())


def for_contract(contract, checklist=None) -> ChecklistTemplate | None:
    """The version the contract uses (its checklist's), or the one a plan made now would start on."""
    if checklist is None:
        checklist = getattr(contract, "checklist", None) if contract.pk else None
    if checklist is not None:
        return checklist.template
    return in_force(contract.contract_type_id)
