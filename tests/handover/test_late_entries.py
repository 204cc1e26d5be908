"""Back-dating: a late entry (事後記録) says why, the ledger shows it, and it cannot meet the separation rule.

Issue 7, A.6: 「The disc's return was recorded with handed_at yesterday, a second after the notice's return
was acknowledged today: accepted, and the ledger shows No.6 before No.5.」

Seed (別紙 委託にあたり区が行う個人情報保護対策【運用上の対策】):
「個人情報を含むデータを作成する必要がある場合は、パスワードを付してデータを暗号化する。また、電磁的媒体（DVD-R等）と
パスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行うよう指導する。」
「個人情報の受渡しにあたっては、管理簿に記載する。管理簿には、日時、取扱者、情報の内容、数量を確認記録票に記録し、
履歴を追跡できるようにする。」
"""

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.errors import DomainError
from handover import rules

from .conftest import acknowledge, deliver, give_back, register_paper, snapshot, tokyo

pytestmark = pytest.mark.django_db

SEED_SEPARATION_LINE = (
    "個人情報を含むデータを作成する必要がある場合は、パスワードを付してデータを暗号化する。また、電磁的媒体（DVD-R等）と"
    "パスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行うよう指導する。"
)
SEED_LEDGER_LINE = (
    "個人情報の受渡しにあたっては、管理簿に記載する。管理簿には、日時、取扱者、情報の内容、数量を確認記録票に記録し、"
    "履歴を追跡できるようにする。"
)


def test_the_rules_are_the_seed_sentences():
    assert rules.SEPARATION_RULE in SEED_SEPARATION_LINE
    assert rules.LEDGER_RULE == SEED_LEDGER_LINE


def refused(call, code) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value
    assert snapshot() == before
    return info.value


def url(name, world, **kwargs):
    return reverse(f"handover:{name}", kwargs={"slug": world.contract.slug, **kwargs})


# --- a late entry needs a reason and is marked --------------------------------------------------------


def test_a_handover_time_past_the_clock_tolerance_needs_a_reason(world, disc, clock):
    clock.set(tokyo(2025, 6, 10, 17, 0))
    error = refused(lambda: deliver(world, [disc], handed_at=tokyo(2025, 6, 10, 10, 0)), "late_without_reason")
    assert error.field == "late_reason" and "事後記録" in error.message
    refused(lambda: deliver(world, [disc], handed_at=tokyo(2025, 6, 10, 16, 54), late_reason=" "),
            "late_without_reason")
    late = deliver(world, [disc], handed_at=tokyo(2025, 6, 10, 10, 0), late_reason="庁外で手交し、帰庁後に記録")
    assert late.is_late_entry and late.late_reason == "庁外で手交し、帰庁後に記録"
    assert late.recorded_at == tokyo(2025, 6, 10, 17, 0)


def test_within_the_clock_tolerance_is_no_late_entry(world, disc, clock):
    clock.set(tokyo(2025, 6, 10, 10, 4, 59))
    handover = deliver(world, [disc], handed_at=tokyo(2025, 6, 10, 10, 0), late_reason="書いても残らない")
    assert not handover.is_late_entry and handover.late_reason == ""


def test_the_ledger_and_its_exports_mark_a_late_entry(client_as, world, disc, clock):
    clock.set(tokyo(2025, 6, 10, 17, 0))
    deliver(world, [disc], handed_at=tokyo(2025, 6, 10, 10, 0), late_reason="庁外で手交し、帰庁後に記録")
    mark = "事後記録（令和7年6月10日 17:00に記録・理由: 庁外で手交し、帰庁後に記録）"
    client = client_as(world.auditor)
    assert mark in client.get(url("ledger", world)).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url("ledger_export", world, fmt="xlsx")).content)).active
    assert [sheet.cell(row=6, column=c).value for c in (2, 3, 4)] == [
        dt.datetime(2025, 6, 10, 10, 0), dt.datetime(2025, 6, 10, 17, 0), mark]
    pdf = client.get(url("ledger_export", world, fmt="pdf")).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "事後記録" in text and "帰庁後に記録" in text.replace("\n", "")


def test_the_form_asks_for_the_reason_at_its_field(client_as, world, disc, clock):
    clock.set(tokyo(2025, 6, 10, 17, 0))
    client = client_as(world.hr)
    form = {"items": [disc.pk], "recipient": world.handler.pk, "handed_at": "2025-06-10T10:00", "by_hand": "on",
            "container": "鍵付きカバン"}
    response = client.post(url("handover_create", world), form)
    assert response.status_code == 400
    assert "記録が遅れた理由を入力してください" in response.content.decode()
    assert response.context["form"].errors["late_reason"]
    response = client.post(url("handover_create", world), {**form, "late_reason": "帰庁後に記録"})
    assert response.status_code == 302


# --- the separation rule sees when things were really recorded and acknowledged -----------------------


@pytest.fixture
def both_at_contractor(world, disc, notice, clock):
    clock.set(tokyo(2025, 6, 10, 10, 0))
    acknowledge(deliver(world, [disc], recipient=world.handler), world.handler)
    clock.set(tokyo(2025, 6, 11, 10, 0))
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    disc.refresh_from_db()
    notice.refresh_from_db()
    return disc, notice


def test_a_back_dated_return_right_after_its_partner_was_acknowledged_is_refused(world, both_at_contractor, clock):
    """The issue's reproduction: the notice goes back and is acknowledged today; a second later the disc's
    return is written as having happened yesterday."""
    disc, notice = both_at_contractor
    clock.set(tokyo(2026, 2, 20, 10, 0))
    acknowledge(give_back(world, [notice], actor=world.manager), world.hr)
    clock.advance(seconds=1)
    error = refused(lambda: give_back(world, [disc], handed_at=tokyo(2026, 2, 19, 15, 0),
                                      late_reason="昨日返したが記録を忘れた"), "same_occasion")
    assert f"「{rules.SEPARATION_RULE}」" in error.message
    assert "受領確認 令和8年2月20日 10:00" in error.message and "令和8年2月21日 00:00以降" in error.message
    # The next day, an honest entry goes through.
    clock.set(tokyo(2026, 2, 21, 9, 0))
    assert give_back(world, [disc]).is_in_transit


def test_a_partner_recorded_late_counts_on_the_day_it_was_written(world, disc, notice, clock):
    # The disc went yesterday, but was written in the ledger only this morning.
    clock.set(tokyo(2025, 6, 11, 9, 0))
    acknowledge(deliver(world, [disc], handed_at=tokyo(2025, 6, 10, 15, 0), late_reason="記録漏れ"), world.handler)
    clock.set(tokyo(2025, 6, 11, 14, 0))
    error = refused(lambda: deliver(world, [notice], recipient=world.manager), "same_occasion")
    assert "管理簿への記録 令和7年6月11日 09:00" in error.message
    clock.set(tokyo(2025, 6, 12, 9, 0))
    assert deliver(world, [notice], recipient=world.manager).is_in_transit


def test_an_acknowledgement_given_the_next_day_moves_the_occasion(world, disc, notice, clock):
    clock.set(tokyo(2025, 6, 10, 16, 0))
    handover = deliver(world, [disc])
    clock.set(tokyo(2025, 6, 11, 9, 30))
    acknowledge(handover, world.handler)
    clock.set(tokyo(2025, 6, 11, 14, 0))
    refused(lambda: deliver(world, [notice], recipient=world.manager), "same_occasion")


# --- a refusal of a late entry names what would be accepted (issue 14, E.13) ---------------------------


def returned_disc_on_7_december(world, disc, clock):
    clock.set(tokyo(2025, 12, 7, 10, 0))
    returned = give_back(world, [disc])
    clock.set(tokyo(2025, 12, 7, 10, 30))
    acknowledge(returned, world.hr)


def test_a_late_return_of_the_notice_dated_the_day_before_is_told_to_be_recorded_the_next_day(
        world, both_at_contractor, clock):
    """Issue 14, E.13: 「A late record (事後記録) of the notice's return, dated the day before, was refused with
    「12月8日 00:00以降に渡してください」, a time after the date entered.」 The notice went back on 6 December, the
    disc on 7 December; the notice's return is written on the 7th. The writing moment is on the disc's occasion,
    so no stated time helps today: the refusal says so and names when the entry as typed is accepted."""
    disc, notice = both_at_contractor
    returned_disc_on_7_december(world, disc, clock)
    clock.set(tokyo(2025, 12, 7, 15, 0))
    entry = {"actor": world.manager, "handed_at": tokyo(2025, 12, 6, 15, 0), "late_reason": "前日に返却、記録漏れ"}
    error = refused(lambda: give_back(world, [notice], **entry), "same_occasion")
    assert "令和7年12月7日 10:00に渡している" in error.message
    assert "以降に渡してください" not in error.message
    assert "管理簿に記録する時刻（令和7年12月7日 15:00）を受渡しの機会に数えます" in error.message
    assert "入力した受渡し日時（令和7年12月6日 15:00）のまま、令和7年12月8日 00:00以降に記録してください" in error.message
    clock.set(tokyo(2025, 12, 8, 0, 0))
    assert give_back(world, [notice], **entry).handed_at == tokyo(2025, 12, 6, 15, 0)


@pytest.mark.parametrize("accepted", [tokyo(2025, 12, 6, 23, 59), tokyo(2025, 12, 8, 0, 0)])
def test_a_late_return_on_the_disc_s_day_names_the_stated_times_that_would_be_accepted(
        world, both_at_contractor, clock, accepted):
    """The same refusal when the entry is written on 8 December and dated the 7th, the disc's day: the stated
    time is what meets the disc's occasion, and the times that would pass are named; each of them is accepted."""
    disc, notice = both_at_contractor
    returned_disc_on_7_december(world, disc, clock)
    clock.set(tokyo(2025, 12, 8, 10, 0))
    entry = {"actor": world.manager, "late_reason": "記録漏れ"}
    error = refused(lambda: give_back(world, [notice], handed_at=tokyo(2025, 12, 7, 15, 0), **entry), "same_occasion")
    assert error.field == "handed_at"
    assert "令和7年12月7日 10:00に渡している" in error.message and "以降に渡してください" not in error.message
    assert ("入力した受渡し日時（令和7年12月7日 15:00）は対になる受渡しと同じ機会にあたります。受け付けられる受渡し日時は"
            "令和7年12月7日 00:00より前、または令和7年12月8日 00:00以降（記録する時刻 令和7年12月8日 10:00まで）です。"
            ) in error.message
    assert give_back(world, [notice], handed_at=accepted, **entry).handed_at == accepted


def test_a_late_entry_with_the_gap_in_hours_names_the_times_of_the_gap(world, both_at_contractor, clock, settings):
    settings.HANDOVER_MIN_GAP_HOURS = "4"
    disc, notice = both_at_contractor
    returned_disc_on_7_december(world, disc, clock)
    clock.set(tokyo(2025, 12, 7, 16, 0))
    error = refused(lambda: give_back(world, [notice], actor=world.manager, handed_at=tokyo(2025, 12, 7, 9, 0),
                                      late_reason="記録漏れ"), "same_occasion")
    assert ("受け付けられる受渡し日時は令和7年12月7日 06:00より前、または令和7年12月7日 14:30以降（記録する時刻 "
            "令和7年12月7日 16:00まで）です。") in error.message
    assert give_back(world, [notice], actor=world.manager, handed_at=tokyo(2025, 12, 7, 14, 30),
                     late_reason="記録漏れ").is_in_transit


# --- the acknowledgement confirms the stated time ----------------------------------------------------


def test_the_acknowledgement_confirms_the_stated_time(client_as, world, disc, clock):
    handover = deliver(world, [disc])
    error = refused(lambda: acknowledge(handover, world.handler, time_confirmed=False), "time_not_confirmed")
    assert error.field == "time_confirmed" and "令和7年6月10日 09:00" in error.message
    client = client_as(world.handler)
    page = client.get(url("handover_detail", world, pk=handover.pk)).content.decode()
    assert "記録された受渡し日時（令和7年6月10日 09:00）に受け取りました" in page
    response = client.post(url("handover_acknowledge", world, pk=handover.pk),
                           {f"not_computed_{disc.pk}": "on", f"not_computed_reason_{disc.pk}": "読取装置なし"})
    assert response.status_code == 400 and "確認の欄にチェックしてください" in response.content.decode()
    handover.refresh_from_db()
    assert handover.is_in_transit
    acknowledge(handover, world.handler)
    # The audit entry keeps which stated time the recipient confirmed.
    assert "handed_at" in AuditEntry.objects.get(action="handover.acknowledged").payload


# --- the ledger runs in the order it was written -------------------------------------------------------


def test_exports_run_oldest_first_and_a_late_entry_keeps_its_place(client_as, world, clock):
    clock.set(tokyo(2025, 6, 10, 10, 0))
    deliver(world, [register_paper(world, "P-1")])                   # No.1, on time
    clock.set(tokyo(2025, 6, 10, 11, 0))
    deliver(world, [register_paper(world, "P-2")])                   # No.2, on time
    clock.set(tokyo(2025, 6, 11, 9, 0))
    # No.3: said to have happened yesterday at 10:30, written this morning.
    paper = register_paper(world, "P-3")
    from handover.models import Item

    Item.objects.filter(pk=paper.pk).update(state_changed_at=tokyo(2025, 6, 10, 9, 0))
    deliver(world, [paper], handed_at=tokyo(2025, 6, 10, 10, 30), late_reason="記録漏れ")
    client = client_as(world.hr)
    sheet = load_workbook(io.BytesIO(client.get(url("ledger_export", world, fmt="xlsx")).content)).active
    assert [sheet.cell(row=r, column=1).value for r in (6, 7, 8)] == [1, 2, 3]
    pdf = client.get(url("ledger_export", world, fmt="pdf")).content
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert text.index("P-1") < text.index("P-2") < text.index("P-3")
    # The page shows the newest entry first.
    numbers = [h.number for h, _row in client.get(url("ledger", world)).context["rows"]]
    assert numbers == [3, 2, 1]
