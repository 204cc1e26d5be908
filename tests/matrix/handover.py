"""Handover pages. Objects are made through the services on contract A for each case."""

from handover import services
from handover.models import Handover, Item, MediumKind
from tests.matrix import DONE, Row, audited, post_only, statuses


def _disc(w, label="M-1"):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    return services.item_register(contract=w.contract, actor=w.hr, category=Item.Category.MEDIUM, medium_kind=kind,
                                  label=label, contents="職員属性・調査回答")


def _delivered(w):
    return services.handover_record(contract=w.contract, actor=w.hr, direction=Handover.Direction.DELIVERY,
                                    recipient=w.handler, items=[_disc(w)])


def _at_contractor(w, stored=False):
    handover = _delivered(w)
    services.handover_acknowledge(handover=handover, actor=w.handler, time_confirmed=True)
    item = handover.lines.get().item
    if stored:
        services.storage_record(item=item, actor=w.handler, place="cabinet", location="B-2", locked=True)
    return item


def a(w):
    return {"slug": w.contract.slug}


def item(w):
    return {"slug": w.contract.slug, "pk": _disc(w).pk}


def held_item(w):
    return {"slug": w.contract.slug, "pk": _at_contractor(w).pk}


def stored_item(w):
    return {"slug": w.contract.slug, "pk": _at_contractor(w, stored=True).pk}


def handover(w):
    return {"slug": w.contract.slug, "pk": _delivered(w).pk}


def _printing(w):
    """Contract A made a 印刷・封入封緘 contract (data sent over LGWAN, no media)."""
    from contracts.models import Contract
    from contracttypes.demo import ensure_printing_type

    Contract.objects.filter(pk=w.contract.pk).update(contract_type=ensure_printing_type())


def printing_a(w):
    _printing(w)
    return {"slug": w.contract.slug}


def transfer(w):
    import datetime as dt

    from django.utils import timezone

    _printing(w)
    sent = services.transfer_record(contract=w.contract, actor=w.hr, recipient=w.handler, channel="lgwan_asp",
                                    sent_at=timezone.now() - dt.timedelta(minutes=10), file_name="atena.zip",
                                    sha256="ab" * 32, size=1024)
    return {"slug": w.contract.slug, "pk": sent.pk}


HIDDEN = {"outsider": 404, "other": 404}
VIEWERS = statuses(200, **HIDDEN)
NOT_HERE = post_only(**HIDDEN)  # POST-only views: 405 to a GET from those who see the contract

ROWS = [
    # Across contracts: everyone signed in sees the ledger of the contracts they see (maybe none).
    Row("handover:ledger_all", get=statuses(200), post=statuses(405)),
    Row("handover:ledger_all_export", kwargs=lambda w: {"fmt": "xlsx"}, get=statuses(200), post=statuses(405)),
    Row("handover:items", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # HR registers items; an empty form answers 400.
    Row("handover:item_create", kwargs=a, get=statuses(403, hr=200, **HIDDEN),
        post=statuses(403, hr=400, **HIDDEN), contract_object=True, happened=audited("handover.item.registered")),
    Row("handover:item_detail", kwargs=item, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # Storage and checks belong to the side holding the item: here the contractor's designees.
    Row("handover:storage_record", kwargs=held_item, get=NOT_HERE,
        post=statuses(403, manager=DONE, handler=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"place": "cabinet", "location": "キャビネットB-2", "locked": "on"},
        happened=audited("handover.storage.recorded")),
    Row("handover:storage_check", kwargs=stored_item, get=NOT_HERE,
        post=statuses(403, manager=DONE, handler=DONE, **HIDDEN), contract_object=True,
        happened=audited("handover.storage.checked")),
    # HR records deliveries, designees record returns; an empty form answers 400; the auditor may not.
    Row("handover:handover_create", kwargs=a, get=statuses(200, auditor=403, **HIDDEN),
        post=statuses(400, auditor=403, **HIDDEN), contract_object=True),
    Row("handover:handover_detail", kwargs=handover, get=VIEWERS, post=statuses(405, **HIDDEN),
        contract_object=True),
    # A delivery is acknowledged by the contractor's designees only: its recipient (the handler here), or
    # another designee on the recipient's behalf with a reason (the manager).
    Row("handover:handover_acknowledge", kwargs=handover, get=NOT_HERE,
        post=statuses(403, manager=DONE, handler=DONE, **HIDDEN), contract_object=True,
        data=lambda w: {"time_confirmed": "on", "on_behalf_reason": "出張中のため"},
        happened=audited("handover.acknowledged")),
    # Only the giver (HR here) may cancel.
    Row("handover:handover_cancel", kwargs=handover, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=lambda w: {"reason": "記録の誤り"}, contract_object=True, happened=audited("handover.cancelled")),
    # Online transfers (a type that sends its data over LGWAN): HR records them (an empty form answers 400),
    # everyone on the contract reads them, only the named recipient (the handler here) acknowledges.
    Row("handover:transfers", kwargs=printing_a, get=VIEWERS, post=statuses(403, hr=400, **HIDDEN),
        contract_object=True),
    Row("handover:transfer_detail", kwargs=transfer, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("handover:transfer_acknowledge", kwargs=transfer, get=NOT_HERE, post=statuses(403, handler=DONE, **HIDDEN),
        data=lambda w: {"confirmed": "on"}, contract_object=True, happened=audited("handover.transfer.acknowledged")),
    Row("handover:ledger", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("handover:ledger_export", kwargs=lambda w: {"slug": w.contract.slug, "fmt": "xlsx"}, get=VIEWERS,
        post=statuses(405, **HIDDEN), contract_object=True),
]

