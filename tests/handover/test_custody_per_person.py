"""Chain of custody is per person: only the named recipient acknowledges, only the holder returns.

Issue 7, A.5: 「tanaka acknowledged handover 7, addressed to yamada; yamada recorded the return of an
item tanaka held.」 When the recipient (or the holder) is away, another approved person of the same
side may act on their behalf, only with a stated reason, which the ledger and its exports show.

Seed (別紙 委託にあたり区が行う個人情報保護対策【運用上の対策】): 「個人情報の受渡しにあたっては、管理簿に記載する。
管理簿には、日時、取扱者、情報の内容、数量を確認記録票に記録し、履歴を追跡できるようにする。」
"""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from contracts.models import Designation
from core.errors import DomainError
from handover import rules
from handover.models import Handover
from tests.factories import designate, make_user

from .conftest import DISC_SHA256, acknowledge, deliver, give_back, register_paper, snapshot

pytestmark = pytest.mark.django_db

SEED_LEDGER_LINE = (
    "個人情報の受渡しにあたっては、管理簿に記載する。管理簿には、日時、取扱者、情報の内容、数量を確認記録票に記録し、"
    "履歴を追跡できるようにする。"
)
ON_BEHALF = "田中 誠（山田 美咲の代理・理由: 山田は出張中のため）"


def test_the_rule_is_the_seed_sentence():
    assert rules.LEDGER_RULE == SEED_LEDGER_LINE


def refused(call, code) -> DomainError:
    before = snapshot()
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value
    assert snapshot() == before and AuditEntry.objects.count() == entries
    return info.value


def url(name, world, **kwargs):
    return reverse(f"handover:{name}", kwargs={"slug": world.contract.slug, **kwargs})


# --- acknowledging -------------------------------------------------------------------------------


def test_another_designee_cannot_acknowledge_without_a_reason(world, disc):
    handover = deliver(world, [disc], recipient=world.handler)
    error = refused(lambda: acknowledge(handover, world.manager), "on_behalf_without_reason")
    assert error.field == "on_behalf_reason" and "山田 美咲さん宛て" in error.message
    refused(lambda: acknowledge(handover, world.manager, on_behalf_reason="   "), "on_behalf_without_reason")


def test_another_designee_acknowledges_on_behalf_with_a_reason(world, disc):
    handover = acknowledge(deliver(world, [disc], recipient=world.handler), world.manager,
                           on_behalf_reason="山田は出張中のため")
    assert handover.acknowledged_by == world.manager
    assert handover.acknowledged_for == world.handler
    assert handover.acknowledged_for_reason == "山田は出張中のため"
    disc.refresh_from_db()
    assert disc.holder == world.handler  # custody is the named recipient's
    entry = AuditEntry.objects.get(action="handover.acknowledged")
    assert entry.actor == world.manager
    assert entry.payload["on_behalf_of"] == "handler_a" and entry.payload["reason"] == "山田は出張中のため"


def test_the_recipient_needs_no_reason_and_records_none(world, disc):
    handover = acknowledge(deliver(world, [disc]), world.handler, on_behalf_reason="書いても残らない")
    assert handover.acknowledged_for is None and handover.acknowledged_for_reason == ""


def test_the_giver_never_acknowledges_even_on_behalf(world, disc, clock):
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    returned = give_back(world, [disc])
    error = refused(lambda: acknowledge(returned, world.handler, on_behalf_reason="代理"), "not_hr")
    assert "担当課の職員" in error.message


def test_a_return_is_acknowledged_by_another_hr_member_only_on_behalf(world, disc, clock):
    from contracts import services as contract_services

    colleague = make_user("hr2", world.ward, display_name="高橋 直子")
    contract_services.membership_grant(contract=world.contract, user=colleague, role="hr", actor=world.hr)
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    returned = give_back(world, [disc], recipient=world.hr)
    refused(lambda: acknowledge(returned, colleague), "on_behalf_without_reason")
    acknowledge(returned, colleague, on_behalf_reason="佐藤は研修中のため")
    returned.refresh_from_db()
    assert (returned.acknowledged_by, returned.acknowledged_for) == (colleague, world.hr)


def test_the_page_asks_a_stand_in_for_the_reason_and_shows_it_at_the_field(client_as, world, disc):
    handover = deliver(world, [disc], recipient=world.handler)
    client = client_as(world.manager)
    page = client.get(url("handover_detail", world, pk=handover.pk)).content.decode()
    assert "この受渡しは山田 美咲さん宛てです。" in page and 'name="on_behalf_reason"' in page
    form = {"time_confirmed": "on", f"sha256_{disc.pk}": DISC_SHA256}
    response = client.post(url("handover_acknowledge", world, pk=handover.pk), form)
    assert response.status_code == 400
    assert "代理で受領確認する理由を入力してください" in response.content.decode()
    handover.refresh_from_db()
    assert handover.is_in_transit
    response = client.post(url("handover_acknowledge", world, pk=handover.pk),
                           {**form, "on_behalf_reason": "山田は出張中のため"})
    assert response.status_code == 302
    # The recipient's own page asks no reason.
    second = deliver(world, [register_paper(world)], recipient=world.handler)
    page = client_as(world.handler).get(url("handover_detail", world, pk=second.pk)).content.decode()
    assert 'name="on_behalf_reason"' not in page and "受け取りました（受領確認）" in page


def test_the_ledger_detail_and_exports_show_who_acted_for_whom_and_why(client_as, world, disc):
    handover = acknowledge(deliver(world, [disc], recipient=world.handler), world.manager,
                           on_behalf_reason="山田は出張中のため")
    client = client_as(world.auditor)
    assert ON_BEHALF in client.get(url("ledger", world)).content.decode()
    assert ON_BEHALF in client.get(url("handover_detail", world, pk=handover.pk)).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url("ledger_export", world, fmt="xlsx")).content)).active
    assert sheet.cell(row=6, column=12).value == f"{ON_BEHALF}（SHA-256一致）"
    pdf = client.get(url("ledger_export", world, fmt="pdf")).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "山田 美咲の代理" in text.replace("\n", "") and "山田は出張中のため" in text.replace("\n", "")


# --- returning -----------------------------------------------------------------------------------


@pytest.fixture
def held_by_manager(world, cd_r, clock):
    from .conftest import register_disc

    disc = register_disc(world, cd_r, label="CD-T")
    acknowledge(deliver(world, [disc], recipient=world.manager), world.manager)
    clock.advance(days=1)
    disc.refresh_from_db()
    return disc


@pytest.fixture
def held_by_handler(world, disc, clock):
    acknowledge(deliver(world, [disc], recipient=world.handler), world.handler)
    clock.advance(days=1)
    disc.refresh_from_db()
    return disc


def test_a_handler_cannot_return_an_item_someone_else_holds(world, held_by_manager):
    error = refused(lambda: give_back(world, [held_by_manager], actor=world.handler,
                                      on_behalf_reason="代わりに"), "not_holder")
    assert "保管している田中 誠さん" in error.message and error.field == "items"


def test_a_return_is_not_offered_for_an_item_someone_else_holds(client_as, world, held_by_manager, held_by_handler):
    page = client_as(world.handler).get(url("handover_create", world)).content.decode()
    assert "CD-001" in page and "CD-T" not in page
    assert 'name="on_behalf_reason"' not in page
    response = client_as(world.handler).post(url("handover_create", world), {
        "items": [held_by_manager.pk], "recipient": world.hr.pk, "handed_at": "2025-06-11T09:00", "by_hand": "on",
        "container": "鍵付きカバン"})
    assert response.status_code == 400
    assert not Handover.objects.filter(direction="return").exists()


def test_the_manager_returns_for_the_holder_only_with_a_reason(client_as, world, held_by_handler):
    refused(lambda: give_back(world, [held_by_handler], actor=world.manager), "on_behalf_without_reason")
    handover = give_back(world, [held_by_handler], actor=world.manager, on_behalf_reason="山田は出張中のため")
    assert (handover.giver, handover.given_for, handover.given_for_reason) == (
        world.manager, world.handler, "山田は出張中のため")
    assert AuditEntry.objects.get(action="handover.recorded", object_id=str(handover.pk)).payload["on_behalf_of"] \
        == "handler_a"
    page = client_as(world.hr).get(url("ledger", world)).content.decode()
    assert ON_BEHALF in page


def test_the_managers_return_form_names_each_holder_and_asks_why(client_as, world, held_by_handler):
    page = client_as(world.manager).get(url("handover_create", world)).content.decode()
    assert "（保管者: 山田 美咲）" in page and 'name="on_behalf_reason"' in page
    form = {"items": [held_by_handler.pk], "recipient": world.hr.pk, "handed_at": "2025-06-11T09:00",
            "by_hand": "on", "container": "鍵付きカバン"}
    response = client_as(world.manager).post(url("handover_create", world), form)
    assert response.status_code == 400 and "代理で返却する理由を入力してください" in response.content.decode()
    response = client_as(world.manager).post(url("handover_create", world), {**form, "on_behalf_reason": "出張中"})
    assert response.status_code == 302
    assert Handover.objects.get(direction="return").given_for == world.handler


def test_items_of_two_holders_are_returned_separately(world, held_by_handler, held_by_manager):
    error = refused(lambda: give_back(world, [held_by_handler, held_by_manager], actor=world.manager,
                                      on_behalf_reason="まとめて"), "several_holders")
    assert error.field == "items"


def test_another_handler_cannot_return_for_a_colleague(world, held_by_handler):
    colleague = make_user("handler_c", world.contractor, display_name="伊藤 健")
    designate(world.contract, colleague, Designation.Kind.HANDLER, actor=world.hr)
    refused(lambda: give_back(world, [held_by_handler], actor=colleague, on_behalf_reason="代わりに"), "not_holder")


def test_the_holder_returns_without_a_reason(world, held_by_handler):
    handover = give_back(world, [held_by_handler])
    assert handover.given_for is None and handover.given_for_reason == ""
    held_by_handler.refresh_from_db()
    assert held_by_handler.is_in_transit

