"""Where a held item is locked up, and the periodic checks that it still is."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from core import bounds
from core.errors import DomainError

from .. import permissions, rules
from ..models import Item, StorageCheck, StorageRecord
from ..rules import quote


@transaction.atomic
def storage_record(*, item: Item, actor, place: str, location: str, locked: bool, request=None) -> StorageRecord:
    """Record where a held item is locked up (STORAGE_RULE); its periodic checks count from now."""
    item = Item.objects.select_for_update(of=("self",)).select_related("contract").get(pk=item.pk)
    permissions.may_store(actor, item).require()
    if not locked:
        raise DomainError(
            _("施錠できる金庫又はキャビネット等に保管してください。%(rule)s") % {"rule": quote(rules.STORAGE_RULE)},
            field="locked", code="not_locked",
        )
    if place not in StorageRecord.Place.values:
        raise DomainError(_("保管設備を選んでください。"), field="place")
    location = location.strip()
    bounds.check_values(StorageRecord, location=location)
    if not location:
        raise DomainError(_("保管場所を入力してください（例: 分析室 B-2）。"), field="location")
    now = timezone.now()
    record = StorageRecord.objects.create(item=item, place=place, location=location, recorded_at=now,
                                          recorded_by=actor)
    item.storage = record
    item.last_checked_at = now
    item.save(update_fields=["storage", "last_checked_at"])
    audit_log(action="handover.storage.recorded", actor=actor, contract=item.contract, obj=item, request=request,
              payload={"label": item.label, "place": place, "location": location})
    return record


@transaction.atomic
def storage_check_record(*, item: Item, actor, note: str = "", request=None) -> StorageCheck:
    """Confirm that a held item is still where it was locked up (PERIODIC_CHECK_RULE)."""
    item = Item.objects.select_for_update(of=("self",)).select_related("contract", "storage").get(pk=item.pk)
    permissions.may_store(actor, item).require()
    if item.storage is None:
        raise DomainError(_("先に保管場所を記録してください。"))
    bounds.check_values(StorageCheck, note=note.strip())
    now = timezone.now()
    check = StorageCheck.objects.create(item=item, storage=item.storage, checked_at=now, checked_by=actor,
                                        note=note.strip())
    item.last_checked_at = now
    item.save(update_fields=["last_checked_at"])
    audit_log(action="handover.storage.checked", actor=actor, contract=item.contract, obj=item, request=request,
              payload={"label": item.label, "location": item.storage.location, "note": check.note})
    return check
