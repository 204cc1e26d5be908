"""What the year's-end records know about the checklist's item on returning and erasing (operational.11).

Registered in ``YearendConfig.ready`` with the evidence registry (``core.evidence``).
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import evidence as evidence_registry
from core.evidence import Evidence
from handover.models import Item

from . import selectors


def _items_url(contract) -> str:
    return reverse("handover:items", kwargs={"slug": contract.slug})


def return_evidence(contract) -> Evidence:
    """業務履行後…返却させ、電子データは消去させる。また…消去を行ったことの報告書を提出させる: after the contract's end,
    nothing is left at the contractor or in transit, and an accepted deletion report accounts for every
    registered copy (and for each item destroyed instead of returned)."""
    counts = Item.objects.filter(contract=contract).exclude(state=Item.State.PREPARED).aggregate(
        out=Count("pk", filter=Q(state__in=[Item.State.AT_CONTRACTOR, Item.State.IN_TRANSIT])),
        returned=Count("pk", filter=Q(state=Item.State.RETURNED)),
        disposed=Count("pk", filter=Q(state=Item.State.DISPOSED)),
    )
    ended = timezone.localdate() > contract.end_date
    if counts["out"] and ended:
        return Evidence(met=False, url=_items_url(contract),
                        summary=_("契約期間が終わりましたが、未返却の記録媒体等が %(out)s点あります。") % counts)
    if not selectors.data_went_out(contract):
        return Evidence(met=None, url=_items_url(contract), summary=_("委託先はまだ記録媒体等を受け取っていません。"))
    accepted = selectors.accepted_report(contract)
    uncovered = len(selectors.copies_to_cover(contract))
    url = reverse("yearend:deletion", kwargs={"slug": contract.slug})
    items = _("返却済み %(returned)s点・消去報告書で破壊 %(disposed)s点・未返却 %(out)s点") % counts
    if accepted is None:
        report = _("消去報告書は受理されていません")
    elif uncovered:
        report = _("受理された消去報告書にない複製が %(n)s件あります") % {"n": uncovered}
    else:
        report = _("消去報告書 No.%(n)s を受理済み") % {"n": accepted.number}
    summary = f"{items}。{report}"
    if counts["out"] or accepted is None or uncovered:
        return Evidence(met=False if ended else None, url=url, summary=summary)
    return Evidence(met=True, url=url, summary=summary)


def register_all() -> None:
    for side in ("ward", "contractor"):
        evidence_registry.register(f"{side}.operational.11", return_evidence)  # 返却・消去・報告書
