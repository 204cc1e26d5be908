"""Live evidence: what the app itself knows about a checklist item's control on one contract.

Some controls of the checklist are carried out in this app (the designation of handlers, the ledger,
the separation of medium and password notice, storage, the deletion report, access logs). For those
items the checklist shows, beside the attestation, what the app's own records say, and an item attested
as in place while the app shows the control unmet is flagged for the reviewer.

The registry is on the ground floor (``core.evidence``): each app registers its providers there in its own
``AppConfig.ready``, and the checklist asks it on every view of a side.

Item keys are stable across template versions: ``<side>.<section>.<number>``, side ``ward`` or
``contractor``, section ``operational`` (13 items) or ``system`` (11), number two digits in the seed's
order. The ones the app can speak to:

- ``*.operational.04`` 取扱責任者及び取扱者をあらかじめ指定し、区に報告 — registered here (designations)
- ``*.operational.07`` パスワードを付して暗号化、媒体とパスワード通知書は別の機会に手渡し — handover
- ``*.operational.08`` 鍵付きカバン等を使用して運搬 — handover
- ``*.operational.09`` 管理簿に記載（日時、取扱者、情報の内容、数量） — handover
- ``*.operational.10`` 施錠できる金庫又はキャビネット等に保管 — handover
- ``*.operational.11`` 返却、電子データの消去、消去の報告書 — yearend (the deletion report)
- ``*.operational.12`` 事故…に対応できる体制及び手順、緊急時の連絡体制や対応手順 — incidents (emergency contacts)
- ``*.operational.13`` 事故が発生した場合…直ちに…今後の対応を協議 — incidents (consultations, report deadlines)
- ``ward.system.08`` アクセスログ等を取得、定期的に分析 — audit (the audit trail, ``audit.evidence``, and the
  monthly analysis)
- ``ward.system.09`` バックアップ等によりシステム稼働体制を整備 — operations (the restore drills)

``contractor.system.08`` and ``contractor.system.09`` have no provider on purpose: the audit trail, its analysis
and the restore drills are the ward's own system (this app), not the contractor's. Evidence for an item comes
from the records of the side it is about; until the contractor's own records exist these two show the
attestation only and are never flagged from the ward's records.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.evidence import Evidence, register

# Providers for what exists now. Other apps register theirs in their own AppConfig.ready.

def designation_evidence(contract) -> Evidence:
    """取扱責任者及び取扱者をあらかじめ指定し、区に報告: an approved manager, and the handlers named."""
    from contracts.models import Designation

    counts = {"manager": 0, "handler": 0, "pending": 0}
    for kind, status in contract.designations.filter(
        status__in=[Designation.Status.APPROVED, Designation.Status.REPORTED]
    ).values_list("kind", "status"):
        if status == Designation.Status.REPORTED:
            counts["pending"] += 1
        else:
            counts[kind] += 1
    summary = _("取扱責任者 %(manager)s名・取扱者 %(handler)s名を区が承認済み（承認待ち %(pending)s件）") % counts
    if not counts["manager"]:
        summary = _("承認された取扱責任者がいません。") + summary
    return Evidence(met=counts["manager"] > 0, summary=summary,
                    url=reverse("contracts:designations", kwargs={"slug": contract.slug}))


def register_builtin() -> None:
    register("ward.operational.04", designation_evidence)
    register("contractor.operational.04", designation_evidence)
