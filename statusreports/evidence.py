"""What the structure reports say about the checklist's item 04 (取扱責任者及び取扱者をあらかじめ指定し、区に報告),
for one contract, beside the designations' own evidence (``checklist/evidence.py``).

The contractor reports its management structure in writing after signing and on every change: the item is unmet
while the contract is in force and no report is accepted, or a designation was approved or revoked after the last
accepted one was submitted; there is nothing to judge before the contract starts.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from core.dates import wareki
from core.evidence import Evidence

from . import selectors


def structure_evidence(contract) -> Evidence:
    url = reverse("statusreports:structure_list", kwargs={"slug": contract.slug})
    if contract.status == Contract.Status.DRAFT or timezone.localdate() < contract.start_date:
        return Evidence(met=None, url=url, summary=_("契約の開始前です（管理体制の報告は契約締結後に求めます）。"))
    wanted = selectors.structure_gap(contract)
    if wanted:
        return Evidence(met=False, url=url, summary=wanted)
    last = selectors.last_accepted_structure(contract)
    from attachments.selectors import file_refs

    return Evidence(met=True, url=url, files=file_refs(last), summary=_("管理体制の報告（%(date)s〜の体制、%(n)s名）を区が受理済み") % {
        "date": wareki(last.effective_on), "n": len(last.people)})


def register_all() -> None:
    from core import evidence

    for side in ("ward", "contractor"):
        evidence.register(f"{side}.operational.04", structure_evidence)
