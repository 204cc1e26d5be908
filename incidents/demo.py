"""Demo data: an incident on the second contractor's contract (``contracts.demo.OTHER_SLUG``, 小林's company).

July 2025. HR hands the disc SA-CD-001 (the encrypted answers) by hand to 小林 on 2 July; it is locked in
the contractor's cabinet. On 4 July HR's clerk brings its password notice SA-PN-001 to the contractor's
building and hands the envelope to a person of another company at the shared reception (誤送付); it is
noticed at 14:30 and recovered unopened at 15:10. HR reports it in the app: only the notice is involved,
and a notice holds no personal information while its disc is not involved, so it is not reportable to the
Commission, and the page says why. The ward and 小林 consult the same day; the notice is handed over
properly on 7 July; HR records the new procedure and closes the incident on 11 July.

Everything goes through the services; rows are then moved back to the story's dates with
``queryset.update`` and their audit entries carry the story's times (``audit.services.recorded_at``).
Safe to run twice.
"""

import datetime as dt
import hashlib

from django.utils import timezone

from audit.services import recorded_at
from contracts.demo import OTHER_SLUG, at
from contracts.models import Contract
from handover import services as handover_services
from handover.models import Handover, Item, MediumKind, StorageRecord

from . import services
from .models import Incident, IncidentEvent

DISC_LABEL = "SA-CD-001"
NOTICE_LABEL = "SA-PN-001"
DISC_READY = at(dt.date(2025, 7, 1), 16)
DISC_DELIVERED = at(dt.date(2025, 7, 2), 10)
MISDELIVERED = at(dt.date(2025, 7, 4), 14, 30)
REPORTED = at(dt.date(2025, 7, 4), 15, 30)
CONSULTED = at(dt.date(2025, 7, 4), 16, 0)
NOTICE_DELIVERED = at(dt.date(2025, 7, 7), 14)
MEASURE = at(dt.date(2025, 7, 8), 10)
CLOSED = at(dt.date(2025, 7, 11), 11)
MINUTES = dt.timedelta(minutes=1)


def _backdate(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


def _hand_over(contract, *, giver, recipient, item, when, acknowledged, place, location):
    # Written five minutes after the hand-over in the story; the service, called today, sees a late entry.
    with recorded_at(when + 5 * MINUTES):
        handover = handover_services.handover_record(
            contract=contract, actor=giver, direction=Handover.Direction.DELIVERY, recipient=recipient, items=[item],
            handed_at=when, late_reason="デモデータの作成")
    _backdate(Handover, handover.pk, recorded_at=when + 5 * MINUTES, late_reason="")
    with recorded_at(acknowledged):
        handover_services.handover_acknowledge(handover=handover, actor=recipient, time_confirmed=True,
                                               hashes={item.pk: item.sha256} if item.sha256 else None)
    _backdate(Handover, handover.pk, acknowledged_at=acknowledged)
    stored = acknowledged + 10 * MINUTES
    with recorded_at(stored):
        record = handover_services.storage_record(item=item, actor=recipient, place=place, location=location,
                                                  locked=True)
    _backdate(StorageRecord, record.pk, recorded_at=stored)
    _backdate(Item, item.pk, state_changed_at=acknowledged, last_checked_at=stored)


def add_to_demo(world) -> None:
    contract = Contract.objects.filter(slug=OTHER_SLUG).first()
    if contract is None or Incident.objects.filter(contract=contract).exists():
        return
    if timezone.now() < CLOSED + dt.timedelta(hours=1):
        return  # a clock set before the story: the services refuse what is dated in the future
    hr, manager = world.users["hr"], world.users["other_manager"]
    cd_r, _created = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    with recorded_at(DISC_READY):
        disc = handover_services.item_register(
            contract=contract, actor=hr, category=Item.Category.MEDIUM, medium_kind=cd_r, label=DISC_LABEL,
            contents="区民意識調査の回答（暗号化済みファイル・デモ）", record_count=96, file_name="survey-2025.xlsx",
            sha256=hashlib.sha256(b"demo encrypted package sample 2025").hexdigest())
        notice = handover_services.item_register(contract=contract, actor=hr, category=Item.Category.NOTICE,
                                                 label=NOTICE_LABEL, contents=f"{DISC_LABEL} のパスワード通知書",
                                                 opens=disc)
    for item in (disc, notice):
        _backdate(Item, item.pk, created_at=DISC_READY, state_changed_at=DISC_READY)
    disc.refresh_from_db()
    _hand_over(contract, giver=hr, recipient=manager, item=disc, when=DISC_DELIVERED,
               acknowledged=DISC_DELIVERED + 10 * MINUTES, place="cabinet", location="本社 分析室 3番")

    with recorded_at(REPORTED):
        incident = services.incident_report(
            contract=contract, actor=hr, kind=Incident.Kind.MISDELIVERY, items=[notice], discovered_at=MISDELIVERED,
            affected_count=0,
            description="パスワード通知書を委託先へ届ける際、共用受付で別の会社の方に封筒を渡してしまった。"
                        "14時30分に気づき、15時10分に未開封のまま回収した。記録媒体は委託先のキャビネットで保管中。")
    _backdate(Incident, incident.pk, reported_at=REPORTED)
    with recorded_at(CONSULTED):
        services.incident_event_add(
            incident=incident, actor=manager, kind=IncidentEvent.Kind.CONSULTED, happened_at=CONSULTED,
            note="区と電話で協議。通知書が未開封で回収されたこと、記録媒体がキャビネットにあることを双方で確認した。"
                 "未開封のため暗号化ファイルの作り直しは不要と判断し、通知書は改めて手渡しで受け取ることとした。")
    _hand_over(contract, giver=hr, recipient=manager, item=notice, when=NOTICE_DELIVERED,
               acknowledged=NOTICE_DELIVERED + 5 * MINUTES, place="safe", location="本社 管理室 金庫")
    with recorded_at(MEASURE):
        services.incident_event_add(
            incident=incident, actor=hr, kind=IncidentEvent.Kind.MEASURE, happened_at=MEASURE,
            note="パスワード通知書は、受取人の名札と指定の記録を確かめてから手渡す手順とし、課内に周知した。")
    with recorded_at(CLOSED):
        services.incident_close(incident=incident, actor=hr,
                                summary="通知書は未開封で回収し、記録媒体は委託先で保管されていた。受渡しの手順を改めた。")
    _backdate(Incident, incident.pk, closed_at=CLOSED)
    IncidentEvent.objects.filter(incident=incident).update(recorded_at=CONSULTED)
    IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.MEASURE).update(recorded_at=MEASURE)
