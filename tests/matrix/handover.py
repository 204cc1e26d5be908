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
    Row("handover:ledger", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    Row("handover:ledger_export", kwargs=lambda w: {"slug": w.contract.slug, "fmt": "xlsx"}, get=VIEWERS,
        post=statuses(405, **HIDDEN), contract_object=True),
]


# --- the copy register and the deletion report (issue 9) ---------------------------------------------

def _copy(w, source=None):
    from django.utils import timezone

    from yearend import copies

    source = source or w.contract.handover_items.get(state=Item.State.AT_CONTRACTOR)
    return copies.copy_register(contract=w.contract, actor=w.handler, source=source, place="analysis_pc",
                                location="ANL-PC-01", made_at=timezone.now(), made_by=w.handler,
                                purpose="集計・分析のため", encrypted=True)


def _report(w):
    from yearend import deletion

    _at_contractor(w)
    return deletion.deletion_report_create(contract=w.contract, actor=w.manager)


def _line_data(w):
    from django.utils import timezone

    return {"method_type": "destroy", "method": "シュレッダーによる粉砕", "tool": "クロスカットシュレッダー",
            "tool_version": "MS-200", "performed_on": timezone.localdate().isoformat(), "performer": w.handler.pk,
            "verifier": w.manager.pk, "verification": "破片を目視で確認"}


def _filled(w):
    from django.utils import timezone

    from yearend import deletion

    report = _report(w)
    line = report.lines.get()
    data = _line_data(w)
    deletion.deletion_line_save(line=line, actor=w.manager, method_type="destroy", method=data["method"],
                                tool=data["tool"], tool_version=data["tool_version"],
                                performed_on=timezone.localdate(),
                                performer=w.handler, verifier=w.manager, verification=data["verification"])
    return report


def held(w):
    _at_contractor(w)
    return a(w)


def report_kwargs(w):
    return {"slug": w.contract.slug, "pk": _report(w).pk}


def line_kwargs(w):
    report = _report(w)
    return {"slug": w.contract.slug, "pk": report.pk, "line_pk": report.lines.get().pk}


def report_with_new_copy(w):
    report = _report(w)
    _copy(w)
    return {"slug": w.contract.slug, "pk": report.pk}


def filled_kwargs(w):
    return {"slug": w.contract.slug, "pk": _filled(w).pk}


def submitted_kwargs(w):
    from yearend import deletion

    report = deletion.deletion_report_submit(report=_filled(w), actor=w.manager)
    return {"slug": w.contract.slug, "pk": report.pk}


def _copy_data(w):
    from django.utils import timezone

    disc = w.contract.handover_items.get(state=Item.State.AT_CONTRACTOR)
    return {"copy-source": disc.pk, "copy-place": "analysis_pc", "copy-location": "ANL-PC-01",
            "copy-made_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "copy-made_by": w.handler.pk,
            "copy-purpose": "集計・分析のため", "copy-encrypted": "yes"}


def _return_data(w):
    from yearend.models import DeletionReport

    report = DeletionReport.objects.filter(contract=w.contract).latest("pk")
    return {"decision": "return", f"reason_{report.lines.get().pk}": "証明書の番号を記入してください"}


def _new_copy_target(w):
    from yearend.models import CopyRecord

    return {"target": f"copy:{CopyRecord.objects.filter(contract=w.contract).latest('pk').pk}"}


ROWS += [
    Row("yearend:copies", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # The contract's designees record copies once they hold a disc; HR and the auditor may not.
    Row("yearend:copy_create", kwargs=held, get=NOT_HERE, post=statuses(403, manager=DONE, handler=DONE, **HIDDEN),
        data=_copy_data, contract_object=True, happened=audited("handover.copy.registered")),
    Row("yearend:deletion", kwargs=a, get=VIEWERS, post=statuses(405, **HIDDEN), contract_object=True),
    # Only the handling manager files the deletion report.
    Row("yearend:deletion_create", kwargs=held, get=NOT_HERE, post=statuses(403, manager=DONE, **HIDDEN),
        contract_object=True, happened=audited("handover.deletion.created")),
    Row("yearend:deletion_detail", kwargs=report_kwargs, get=VIEWERS, post=statuses(405, **HIDDEN),
        contract_object=True),
    Row("yearend:deletion_line", kwargs=line_kwargs, get=statuses(403, manager=200, **HIDDEN),
        post=statuses(403, manager=DONE, **HIDDEN), data=_line_data, contract_object=True,
        happened=audited("handover.deletion.line_saved")),
    Row("yearend:deletion_line_add", kwargs=report_with_new_copy, get=NOT_HERE,
        post=statuses(403, manager=DONE, **HIDDEN), data=_new_copy_target, contract_object=True,
        happened=audited("handover.deletion.line_added")),
    Row("yearend:deletion_line_remove", kwargs=line_kwargs, get=NOT_HERE, post=statuses(403, manager=DONE, **HIDDEN),
        contract_object=True, happened=audited("handover.deletion.line_removed")),
    Row("yearend:deletion_submit", kwargs=filled_kwargs, get=NOT_HERE, post=statuses(403, manager=DONE, **HIDDEN),
        contract_object=True, happened=audited("handover.deletion.submitted")),
    # HR accepts or sends back; here it sends the one line back with a reason.
    Row("yearend:deletion_decide", kwargs=submitted_kwargs, get=NOT_HERE, post=statuses(403, hr=DONE, **HIDDEN),
        data=_return_data, contract_object=True, happened=audited("handover.deletion.returned")),
    # The PDF: both sides and the auditor; the handler may not.
    Row("yearend:deletion_pdf", kwargs=report_kwargs,
        get=statuses(403, hr=200, manager=200, auditor=200, **HIDDEN), post=statuses(405, **HIDDEN),
        contract_object=True),
]
