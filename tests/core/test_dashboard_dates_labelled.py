"""Issue 14 E.16: every date of a to-do on the dashboard says what it is — a deadline (期限) reads differently
from the time something was asked for or sent back — and HR is reminded to hand over the password notice once
its disc has gone out."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from core.dates import wareki_datetime
from handover import services
from handover.models import Handover, Item, MediumKind

pytestmark = pytest.mark.django_db
TOKYO = dt.timezone(dt.timedelta(hours=9))


def _todos(page: str) -> list[str]:
    """The text of each to-do of the dashboard, tags removed."""
    section = page.split('id="waiting-h"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", section, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def _disc_and_notice(world):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    disc = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                  medium_kind=kind, label="CD-2025-001", contents="職員属性・調査回答（暗号化済み）")
    notice = services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.NOTICE,
                                    label="PN-2025-001", contents="パスワード通知書", opens=disc)
    return disc, notice


def test_a_deadline_is_labelled_as_one(world, client_as):
    disc, _notice = _disc_and_notice(world)
    services.handover_record(contract=world.contract, actor=world.hr, direction=Handover.Direction.DELIVERY,
                             recipient=world.handler, items=[disc])
    todos = _todos(client_as(world.handler).get("/").content.decode())
    waiting = [t for t in todos if "受領確認をしてください" in t]
    assert waiting and "（期限 " in waiting[0], todos


def test_a_time_asked_is_not_shown_as_a_deadline(world, client_as):
    from yearend import report as reports

    reports.report_submit(contract=world.contract, actor=world.manager, title="分析報告書",
                          submitted_at=timezone.now(), pages=40, no_personal_data=True)
    todos = _todos(client_as(world.hr).get("/").content.decode())
    waiting = [t for t in todos if "報告書の確認をしてください" in t]
    assert waiting and "（提出 " in waiting[0] and "期限" not in waiting[0], todos


def test_hr_is_reminded_to_hand_over_the_notice_after_the_disc(world, client_as):
    disc, notice = _disc_and_notice(world)
    client = client_as(world.hr)
    assert not [t for t in _todos(client.get("/").content.decode()) if "PN-2025-001" in t]
    handover = services.handover_record(contract=world.contract, actor=world.hr,
                                        direction=Handover.Direction.DELIVERY, recipient=world.handler, items=[disc])
    # While the disc travels the notice may not: nothing to remind yet.
    assert not [t for t in _todos(client.get("/").content.decode()) if "PN-2025-001" in t]
    services.handover_acknowledge(handover=handover, actor=world.handler, time_confirmed=True)
    page = client.get("/").content.decode()
    reminder = [t for t in _todos(page) if "PN-2025-001" in t]
    assert reminder, _todos(page)
    assert "パスワード通知書 PN-2025-001 を渡してください（CD-2025-001 とは別の機会に。" in reminder[0]
    # The earliest time the separation rule accepts: the day after the disc's handover (its latest moment).
    handover.refresh_from_db()
    last = max(handover.handed_at, handover.recorded_at, handover.acknowledged_at).astimezone(TOKYO)
    earliest = dt.datetime.combine(last.date() + dt.timedelta(days=1), dt.time.min, tzinfo=TOKYO)
    assert f"{wareki_datetime(earliest)}以降" in reminder[0], reminder
    assert f'href="/handover/{world.contract.slug}/handovers/new/?item={notice.pk}"' in page
    form = client.get(f"/handover/{world.contract.slug}/handovers/new/?item={notice.pk}").content.decode()
    assert re.search(rf'<input[^>]*value="{notice.pk}"[^>]*checked', form), "the notice is ticked on the form"
    # The contractor is not asked to do the ward's part.
    assert not [t for t in _todos(client_as(world.handler).get("/").content.decode()) if "PN-2025-001" in t]
