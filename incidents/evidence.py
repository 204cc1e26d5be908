"""What the app knows about the checklist's two 事故 items, for one contract.

Registered in ``IncidentsConfig.ready`` with the evidence registry (``core.evidence``):

- ``*.operational.12`` 業務開始前に、事故、災害、トラブルに対応できる体制及び手順を整備し、委託先と緊急時の
  連絡体制や対応手順を確認する — both organisations have an emergency contact (name and telephone) and a
  procedure recorded;
- ``*.operational.13`` 事故が発生した場合…は、直ちに委託先と今後の対応を協議する — every incident has a
  consultation between the ward and the contractor on its timeline, and no report to the Commission is
  overdue.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import Evidence

from .assessment import assess
from .models import Incident, IncidentEvent


def structure_evidence(contract) -> Evidence:
    """緊急時の連絡体制や対応手順: each organisation's emergency contact and procedure are on record."""
    url = reverse("contracts:detail", kwargs={"slug": contract.slug}) + "#contacts-h"
    missing = []
    for organisation in (contract.ward_section, contract.contractor):
        if not (organisation.emergency_contact_name and organisation.emergency_contact_phone):
            missing.append(_("%(org)sの緊急連絡先") % {"org": organisation})
        if not organisation.emergency_procedure.strip():
            missing.append(_("%(org)sの対応手順") % {"org": organisation})
    if missing:
        return Evidence(met=False, url=url, summary=_("登録されていません: %(missing)s") % {"missing": "、".join(missing)})
    return Evidence(met=True, url=url, summary=_("区と委託先の緊急連絡先・対応手順を登録済み"))


def consultation_evidence(contract) -> Evidence:
    """直ちに委託先と今後の対応を協議: each incident's timeline holds a consultation; no report is overdue."""
    url = reverse("incidents:list", kwargs={"slug": contract.slug})
    consulted = IncidentEvent.objects.filter(incident=OuterRef("pk"), kind=IncidentEvent.Kind.CONSULTED)
    incidents = Incident.objects.filter(contract=contract)
    counts = incidents.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status=Incident.Status.OPEN)),
                                 unconsulted=Count("pk", filter=~Q(Exists(consulted))))
    if not counts["total"]:
        return Evidence(met=None, url=url, summary=_("報告された事故はありません。"))
    today = timezone.localdate()
    counts["overdue"] = sum(1 for incident in incidents.filter(status=Incident.Status.OPEN).prefetch_related(
        "items", "events") if assess(incident).overdue(today))
    summary = _("事故 %(total)s件（対応中 %(open)s件）") % counts
    if counts["unconsulted"] or counts["overdue"]:
        return Evidence(met=False, url=url, summary=summary + _(
            "。区と委託先の協議の記録がないもの %(unconsulted)s件・個人情報保護委員会への報告の期限超過 %(overdue)s件") % counts)
    return Evidence(met=True, url=url, summary=summary + _("。すべて区と委託先の協議を記録済み"))


PROVIDERS = {
    "operational.12": structure_evidence,
    "operational.13": consultation_evidence,
}


def register_all() -> None:
    from core import evidence

    for key, provider in PROVIDERS.items():
        for side in ("ward", "contractor"):
            evidence.register(f"{side}.{key}", provider)
