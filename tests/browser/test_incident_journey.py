"""An incident reported by the contractor on a phone (390×844) shows whether it must go to the Personal
Information Protection Commission and by when, on the incident page and on the dashboards of the
contractor's handling manager and of HR; HR records the 速報 at her desk.

The handling manager's analyst's bag is stolen on the way back from the ward: it held the disc CD-2025-001
(its password notice never left the ward) and the laptop with a working copy of the data. The copy is not
known to be encrypted, so the exception of 施行規則第43条第1号 does not apply: a theft (不正の目的, 第3号) of
3,012 people's data (第4号), with the 確報 due in 60 days.
"""

import datetime as dt

import pytest
from django.utils import timezone

from core.dates import wareki
from handover import services as handover_services
from handover.models import Handover, Item, MediumKind
from incidents.models import Incident, IncidentEvent
from tests.factories import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


def a_disc_at_the_contractor(world):
    kind, _ = MediumKind.objects.get_or_create(name="CD-R")
    disc = handover_services.item_register(
        contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM, medium_kind=kind, label="CD-2025-001",
        contents="職員属性・調査回答（暗号化済み）", record_count=3012, file_name="engagement-2025.xlsx", sha256="ab" * 32)
    handover_services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.NOTICE,
                                    label="PN-2025-001", contents="パスワード通知書", opens=disc)
    handover = handover_services.handover_record(contract=world.contract, actor=world.hr,
                                                 direction=Handover.Direction.DELIVERY, recipient=world.manager,
                                                 items=[disc])
    handover_services.handover_acknowledge(handover=handover, actor=world.manager, time_confirmed=True,
                                           hashes={disc.pk: "ab" * 32})
    return disc


def assert_fits_the_phone(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width}px wide on a 390px phone"


def assert_cards(page, table):
    cells = page.locator(f"{table} td[data-label]")
    assert cells.count() > 0
    for i in range(cells.count()):
        cell = cells.nth(i)
        if cell.is_visible():
            shown = cell.evaluate("e => getComputedStyle(e, '::before').content")
            assert shown == f'"{cell.get_attribute("data-label")}"', shown


def test_a_theft_reported_on_a_phone_shows_its_reportability_and_deadlines_on_both_dashboards(
        new_page, sign_in, mailoutbox):
    world = make_world()
    world.contractor.emergency_procedure = "取扱責任者が直ちに区の担当課長へ電話で連絡する。"
    world.contractor.save()
    a_disc_at_the_contractor(world)
    slug = world.contract.slug
    today = timezone.localdate()
    preliminary = f"{wareki(today + dt.timedelta(days=3))}〜{wareki(today + dt.timedelta(days=5))}（3〜5日以内（目安））"
    final = f"{wareki(today + dt.timedelta(days=60))}まで（60日以内）"

    # The handling manager, on his phone, from the contract's page.
    phone = sign_in(new_page(**PHONE), world.manager)
    phone.goto(f"/contracts/{slug}/")
    phone.get_by_role("link", name="事故", exact=True).click()
    phone.get_by_role("link", name="事故を報告する").click()
    assert_fits_the_phone(phone, "report form")
    # Whom to call is on the page before anything is typed.
    assert phone.get_by_text("取扱責任者が直ちに区の担当課長へ電話で連絡する。").is_visible()
    phone.get_by_label("盗難", exact=True).check()
    phone.get_by_label("CD-2025-001", exact=False).check()
    # The notice never left the ward: the disc's thief cannot know its password.
    phone.get_by_label("否：パスワード通知書は区が保管しており", exact=False).check()
    phone.get_by_label("記録媒体等以外のデータも関係する", exact=False).check()
    phone.get_by_label("漏えい等のおそれがある本人の数").fill("3012")
    phone.get_by_label("不正の目的をもって行われたおそれがある").check()
    phone.get_by_label("事故の概要").fill("帰社途中に取扱者のカバンが盗まれた。CD-Rと分析用ノートパソコンが入っていた。警察に届出済み。")
    phone.get_by_role("button", name="報告する").click()

    incident = Incident.objects.get()
    phone.wait_for_url(f"**/incidents/{slug}/{incident.pk}/")
    assert phone.get_by_text("事故 No.1 を報告しました。").is_visible()
    assert phone.locator(".incident-verdict").inner_text() == "報告が必要"
    reason = phone.locator(".incident-reason").inner_text()
    assert "不正の目的をもって行われたおそれがある（第3号）、本人の数が百人を超える（3,012人、第4号）" in reason
    deadlines = phone.locator("table.incident-deadlines").inner_text()
    assert preliminary in deadlines and final in deadlines
    assert phone.get_by_text("取扱責任者が直ちに区の担当課長へ電話で連絡する。").is_visible()
    assert_fits_the_phone(phone, "incident")
    assert_cards(phone, "table.incident-deadlines")
    assert_cards(phone, "table.incident-data")
    # The contractor records what it did, not the Commission's reports.
    options = phone.get_by_label("内容", exact=True).locator("option").all_inner_texts()
    assert "個人情報保護委員会へ速報" not in options and "措置・再発防止策" in options

    # His dashboard: the incident, its reportability, its deadlines.
    phone.goto("/")
    line = phone.get_by_role("link", name="事故 No.1（盗難）対応中", exact=False)
    assert f"速報 {preliminary}、確報 {final}" in line.inner_text()
    assert_fits_the_phone(phone, "dashboard")

    # HR was told at once, and sees the same on her dashboard.
    assert any(world.hr.email in mail.to and "事故 No.1（盗難）" in mail.subject for mail in mailoutbox)
    desk = sign_in(new_page(), world.hr)
    line = desk.get_by_role("link", name="事故 No.1（盗難）対応中", exact=False)
    assert "個人情報保護委員会への報告が必要" in line.inner_text() and preliminary in line.inner_text()
    line.click()
    desk.get_by_label("内容", exact=True).select_option(label="個人情報保護委員会へ速報")
    desk.get_by_label("記録", exact=True).fill("委員会のウェブフォームで速報。受付番号 0001")
    desk.get_by_role("button", name="対応の記録に加える").click()
    assert desk.get_by_text("対応の記録に加えました。").is_visible()
    assert IncidentEvent.objects.filter(incident=incident, kind="ppc_preliminary").exists()
    # The timeline reads in order: the report, then the 速報 recorded the same minute.
    rows = desk.locator("table.incident-timeline tbody tr")
    assert "事故の報告" in rows.nth(0).inner_text() and "個人情報保護委員会へ速報" in rows.nth(1).inner_text()
    desk.goto("/")
    assert f"速報 {preliminary}（記録済み）" in desk.get_by_role("link", name="事故 No.1（盗難）対応中",
                                                              exact=False).inner_text()
