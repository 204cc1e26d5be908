"""Evidence files of a contract's own records, which the contracts app (below this one) cannot register:
a designation's 誓約書 and training record (slots "pledge" and "training"), and a subcontracting
application's documents (the subcontract, its 特記事項). Issue 16 (5).

The rules are the contracts app's (contracts.permissions.may_*_designation_files / may_*_subcontractor*); this
module registers them, adds the page that lists the records with their files to the contract's menu, and
lists the files among the evidence of 運用上の対策3 (再委託).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import permissions
from contracts.models import Designation, Subcontractor
from core.dashboard import Link
from core.evidence import Evidence

from . import registry, selectors

SLOT_LABELS = {"pledge": gettext_lazy("誓約書"), "training": gettext_lazy("研修記録")}


def register_models() -> None:
    registry.register(Designation, may_view=permissions.may_view_designation_files,
                      may_attach=permissions.may_attach_to_designation, contract_of=lambda obj: obj.contract)
    registry.register(Subcontractor, may_view=permissions.may_view_subcontractor_files,
                      may_attach=permissions.may_attach_to_subcontractor, contract_of=lambda obj: obj.contract,
                      organisation_of=lambda obj: obj.organisation)


def records_url(contract) -> str:
    return reverse("attachments:contract_records", kwargs={"slug": contract.slug})


def contract_links(user, contract) -> list[Link]:
    return [Link(_("誓約書・研修記録・再委託の資料"), records_url(contract))]


def subcontracting_files_evidence(contract) -> Evidence:
    """The files of the contract's subcontracting applications, beside the contracts app's own judgement of
    運用上の対策3: lists them only (met None: files alone neither meet nor fail the item)."""
    files = selectors.file_refs(list(contract.subcontractors.exclude(status=Subcontractor.Status.DRAFT)))
    return Evidence(met=None, url=records_url(contract), files=files,
                    summary=_("再委託の申請の資料 %(n)s件") % {"n": len(files)})


def register_evidence() -> None:
    from core import evidence

    for side in ("ward", "contractor"):
        evidence.register(f"{side}.operational.03", subcontracting_files_evidence)
