"""Reads of the year's end that the rules (:mod:`yearend.permissions`), the services and the pages share: the
latest report, what a copy can be made from, and what the deletion report must account for.

They live apart from the services so that the rules can ask them and the services can ask the rules.
"""

from django.db.models import F, Min

from contracts.models import Contract
from handover.models import Handover, Item, OnlineTransfer

from .models import ContractReport, CopyRecord, DeletionLine, DeletionReport

# --- the report ------------------------------------------------------------------------------------


def latest_report(contract: Contract) -> ContractReport | None:
    return ContractReport.objects.filter(contract=contract).select_related(
        "recorded_by__profile", "decided_by__profile").order_by("-recorded_at", "-pk").first()


# --- the copy register -----------------------------------------------------------------------------


def copy_sources(contract: Contract):
    """What a copy can be made from: the media and paper the contractor has acknowledged receiving, each
    with ``received_at``, when it first arrived."""
    return (Item.objects.filter(contract=contract, category__in=[Item.Category.MEDIUM, Item.Category.PAPER],
                                handover_lines__handover__direction=Handover.Direction.DELIVERY,
                                handover_lines__handover__status=Handover.Status.ACKNOWLEDGED)
            .annotate(received_at=Min("handover_lines__handover__acknowledged_at"))
            .select_related("medium_kind").order_by("label"))


# --- what the deletion report must account for -----------------------------------------------------


def deletion_reports_of(contract: Contract):
    return (DeletionReport.objects.filter(contract=contract)
            .select_related("created_by__profile", "submitted_by__profile", "decided_by__profile")
            .order_by("-number"))


def open_report(contract: Contract) -> DeletionReport | None:
    """The deletion report being written, waiting for the ward or sent back (at most one at a time)."""
    return deletion_reports_of(contract).exclude(status=DeletionReport.Status.ACCEPTED).first()


def accepted_report(contract: Contract) -> DeletionReport | None:
    return deletion_reports_of(contract).filter(status=DeletionReport.Status.ACCEPTED).first()


def lines_of(report: DeletionReport):
    """A deletion report's lines: the registered copies first, then the items, with who did and checked them."""
    return (report.lines.select_related("copy__medium_kind", "copy__source", "copy__subcontractor__organisation",
                                        "copy__contract__contractor", "item__medium_kind",
                                        "item__holder__profile__organisation", "item__contract__contractor",
                                        "transfer", "performer__profile", "verifier__profile")
            .order_by(F("copy_id").asc(nulls_first=True), "item__label", "copy__number", "pk"))


def covered_copy_ids(contract: Contract) -> set[int]:
    """The copies an accepted deletion report accounts for."""
    return set(DeletionLine.objects.filter(report__contract=contract, report__status=DeletionReport.Status.ACCEPTED,
                                           copy__isnull=False).values_list("copy_id", flat=True))


def transfers_to_cover(contract: Contract) -> list[OnlineTransfer]:
    """Data received online (acknowledged) that no accepted deletion report accounts for yet: the contractor holds
    the received file until it reports its deletion."""
    covered = set(DeletionLine.objects.filter(report__contract=contract, report__status=DeletionReport.Status.ACCEPTED,
                                              transfer__isnull=False).values_list("transfer_id", flat=True))
    return [transfer for transfer in OnlineTransfer.objects.filter(contract=contract, acknowledged_at__isnull=False)
            .order_by("number") if transfer.pk not in covered]


def copies_to_cover(contract: Contract) -> list[CopyRecord]:
    """Registered copies no accepted deletion report accounts for yet."""
    covered = covered_copy_ids(contract)
    return [copy for copy in CopyRecord.objects.filter(contract=contract)
            .select_related("medium_kind", "subcontractor__organisation", "contract__contractor")
            .order_by("number") if copy.pk not in covered]


def held_items(contract: Contract) -> list[Item]:
    return list(Item.objects.filter(contract=contract, state=Item.State.AT_CONTRACTOR)
                .select_related("medium_kind", "holder__profile__organisation", "contract__contractor")
                .order_by("label"))


def data_went_out(contract: Contract) -> bool:
    """The contractor has received something of this contract: a delivery of media acknowledged, or data sent
    online (LGWAN) whose receipt was acknowledged."""
    return (Handover.objects.filter(contract=contract, direction=Handover.Direction.DELIVERY,
                                    status=Handover.Status.ACKNOWLEDGED).exists()
            or OnlineTransfer.objects.filter(contract=contract, acknowledged_at__isnull=False).exists())
