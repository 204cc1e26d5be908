"""Evidence for チェックリスト 運用上の対策3 (both sides), from the subcontracting records: 「再委託先がある場合には、
委託先との間に立入り調査等ができる契約内容を付す…」. The inspections of the subcontractors are the supervision's
(a provider of its own); this one says whether subcontracting is declared and decided.

- met True: a current declaration that there is no subcontracting; or applications all decided, at least one
  approved, and every approved one confirms that the 特記事項 and the right of inspection flow down.
- met False: an application waits for the ward's decision (or is back with the contractor), or an approved one
  lacks the confirmation.
- met None: nothing declared or applied for yet (or only drafts, or only refusals): nothing to judge.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.dates import wareki
from core.evidence import Evidence, register

from .models import Subcontractor


def subcontracting_evidence(contract) -> Evidence:
    url = reverse("contracts:subcontracting", kwargs={"slug": contract.slug})
    declaration = contract.subcontracting_declarations.filter(withdrawn_at__isnull=True).first()
    if declaration is not None:
        return Evidence(met=True, summary=_("%(date)sに委託先が再委託なしを申出") % {"date": wareki(declaration.declared_on)},
                        url=url)
    counts = {status: 0 for status in Subcontractor.Status.values}
    no_flow_down = 0
    for status, flows_down in contract.subcontractors.values_list("status", "flows_down"):
        counts[status] += 1
        if status == Subcontractor.Status.ACCEPTED and not flows_down:
            no_flow_down += 1
    approved, waiting = counts["accepted"], counts["submitted"] + counts["returned"]
    if not approved and not waiting:
        summary = _("再委託なしの申出も、再委託先の承認申請もまだありません。")
        if counts["refused"]:
            summary = _("不承認の再委託先 %(n)s件。") % {"n": counts["refused"]} + summary
        return Evidence(met=None, summary=summary, url=url)
    summary = _("承認済みの再委託先 %(approved)s件（承認待ち・差戻し %(waiting)s件、不承認 %(refused)s件）") % {
        "approved": approved, "waiting": waiting, "refused": counts["refused"]}
    if waiting:
        return Evidence(met=False, summary=_("区の承認が済んでいない再委託先の申請があります。") + summary, url=url)
    if no_flow_down:
        return Evidence(met=False, summary=_("特記事項と立入り調査等の権限が及ぶことの確認がない再委託先があります。")
                        + summary, url=url)
    return Evidence(met=True, summary=summary + _("。いずれも特記事項と立入り調査等の権限が再委託先に及ぶことを確認済み"),
                    url=url)


def register_providers() -> None:
    register("ward.operational.03", subcontracting_evidence)
    register("contractor.operational.03", subcontracting_evidence)
