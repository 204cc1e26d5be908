"""What the app knows about the checklist's two 事故 items, for one contract.

Registered in ``IncidentsConfig.ready`` with the evidence registry (``core.evidence``):

- ``*.operational.12`` 業務開始前に、事故、災害、トラブルに対応できる体制及び手順を整備し、委託先と緊急時の
  連絡体制や対応手順を確認する — both organisations have an emergency contact (name and telephone) and a
  procedure recorded, AND each side confirmed them (``checklist.models.Confirmation``, kind emergency) on a
  date no later than the start of the work: the contract's start date, or the first handover if earlier;
- ``*.operational.13`` 事故が発生した場合又は…対策の変更があった場合は、直ちに委託先と今後の対応を協議する —
  every incident has a consultation between the ward and the contractor on its timeline, no report to the
  Commission is overdue, and every change of measures recorded (``checklist.models.MeasureChange``) has its
  consultation. Nothing to judge (met None) while there has been neither an incident nor a change.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import wareki
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


def work_start(contract) -> dt.date:
    """When the work starts: the contract's start date, or the first handover if it came earlier."""
    from handover.models import Handover

    first = (Handover.objects.filter(contract=contract).exclude(status=Handover.Status.CANCELLED)
             .order_by("handed_at").values_list("handed_at", flat=True).first())
    start = contract.start_date
    if first is not None:
        start = min(start, timezone.localdate(first))
    return start


def emergency_evidence(contract) -> Evidence:
    """業務開始前に…委託先と緊急時の連絡体制や対応手順を確認する: both organisations' contacts and procedure are on
    record, and the ward and the contractor each confirmed them no later than the day the work started."""
    from attachments.selectors import file_refs
    from checklist.models import Confirmation, Side

    contacts = structure_evidence(contract)
    url = reverse("checklist:records", kwargs={"slug": contract.slug})
    start = work_start(contract)
    rows = {side: (Confirmation.objects.filter(contract=contract, kind=Confirmation.Kind.EMERGENCY, side=side)
                   .order_by("confirmed_on", "pk").first()) for side in (Side.WARD, Side.CONTRACTOR)}
    names = {Side.WARD: _("区"), Side.CONTRACTOR: _("委託先")}
    problems = [] if contacts.met else [contacts.summary]
    for side, row in rows.items():
        if row is None:
            problems.append(_("%(side)sの確認の記録がありません") % {"side": names[side]})
        elif row.confirmed_on > start:
            problems.append(_("%(side)sの確認（%(date)s）が業務開始（%(start)s）の後です")
                            % {"side": names[side], "date": wareki(row.confirmed_on), "start": wareki(start)})
    files = file_refs([row for row in rows.values() if row is not None])
    if problems:
        return Evidence(met=False, url=url, files=files, summary="。".join(problems))
    return Evidence(met=True, url=url, files=files, summary=_(
        "区と委託先の緊急連絡先・対応手順を登録し、業務開始（%(start)s）前に区が %(ward)s、委託先が %(contractor)s に確認")
        % {"start": wareki(start), "ward": wareki(rows[Side.WARD].confirmed_on),
           "contractor": wareki(rows[Side.CONTRACTOR].confirmed_on)})


def consultation_evidence(contract) -> Evidence:
    """直ちに委託先と今後の対応を協議: each incident's timeline holds a consultation; no report is overdue."""
    from attachments.selectors import file_refs
    from checklist.models import MeasureChange

    url = reverse("incidents:list", kwargs={"slug": contract.slug})
    changes = list(MeasureChange.objects.filter(contract=contract))
    unconsulted_changes = sum(1 for change in changes if not change.is_consulted)
    change_words = ""
    if changes:
        change_words = _("対策の変更 %(n)s件（協議の記録がないもの %(open)s件）") % {"n": len(changes),
                                                                   "open": unconsulted_changes}
    files = file_refs(changes) if changes else ()
    consulted = IncidentEvent.objects.filter(incident=OuterRef("pk"), kind=IncidentEvent.Kind.CONSULTED)
    incidents = Incident.objects.filter(contract=contract)
    counts = incidents.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status=Incident.Status.OPEN)),
                                 unconsulted=Count("pk", filter=~Q(Exists(consulted))))
    if not counts["total"]:
        if not changes:
            return Evidence(met=None, url=url, summary=_("報告された事故も、記録された対策の変更もありません。"))
        url = reverse("checklist:records", kwargs={"slug": contract.slug})
        return Evidence(met=not unconsulted_changes, url=url, files=files,
                        summary=_("報告された事故はありません。") + change_words)
    today = timezone.localdate()
    counts["overdue"] = sum(1 for incident in incidents.filter(status=Incident.Status.OPEN).prefetch_related(
        "items", "events") if assess(incident).overdue(today))
    summary = _("事故 %(total)s件（対応中 %(open)s件）") % counts
    if change_words:
        change_words = "。" + change_words
    if counts["unconsulted"] or counts["overdue"] or unconsulted_changes:
        return Evidence(met=False, url=url, files=files, summary=summary + _(
            "。区と委託先の協議の記録がないもの %(unconsulted)s件・個人情報保護委員会への報告の期限超過 %(overdue)s件")
            % counts + change_words)
    return Evidence(met=True, url=url, files=files,
                    summary=summary + _("。すべて区と委託先の協議を記録済み") + change_words)


PROVIDERS = {
    "operational.12": emergency_evidence,
    "operational.13": consultation_evidence,
}


def register_all() -> None:
    from core import evidence

    for key, provider in PROVIDERS.items():
        for side in ("ward", "contractor"):
            evidence.register(f"{side}.{key}", provider)
