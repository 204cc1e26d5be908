"""Issue 7, B.13: the contractor saves every attestation of a side with one button. And A.8: attesting a
ー item answered 400 with no message; now the page says why, at the item."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from checklist import services
from checklist.models import ChecklistEvent, ChecklistItem, Mark, Side
from tests.checklist.helpers import attest_data, attest_url, finalise_plan, item, side_items, snapshot

pytestmark = pytest.mark.django_db

IN_PLACE = ChecklistItem.Attestation.IN_PLACE
NOT_YET = ChecklistItem.Attestation.NOT_YET
NOT_NEEDED_KEY = "contractor.operational.03"  # 再委託 (no subcontracting this year)


def side_url(world, side="contractor"):
    return reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side})


def test_one_button_saves_every_item_of_the_side(world, client_as):
    finalise_plan(world)
    client = client_as(world.manager)
    entries = {entry.template_item.key: (IN_PLACE, f"{entry.template_item.number}番の対策を実施", "社内規程")
               for entry in side_items(world, Side.CONTRACTOR)}
    entries["contractor.operational.11"] = (NOT_YET, "業務終了後に返却・消去する", "")
    audit_before = AuditEntry.objects.count()

    response = client.post(attest_url(world, "contractor"), attest_data(world, entries))

    assert response.status_code == 302
    saved = {entry.template_item.key: (entry.attestation, entry.note, entry.evidence)
             for entry in side_items(world, Side.CONTRACTOR)}
    assert saved == entries
    assert all(entry.attested_by == world.manager for entry in side_items(world, Side.CONTRACTOR))
    # One audit entry for the save, one history row per item.
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "checklist.items.attested" and entry.payload["count"] == 24
    assert ChecklistEvent.objects.filter(kind=ChecklistEvent.Kind.ITEM_ATTESTED).count() == 24
    assert "24件の実施状況を保存しました。" in client.get(side_url(world)).content.decode()


def test_items_left_empty_or_unchanged_are_not_touched(world, client_as):
    finalise_plan(world)
    services.item_attest(item=item(world, "contractor.operational.02"), attestation=IN_PLACE, note="報告済み",
                         actor=world.manager)
    first = item(world, "contractor.operational.02")
    client = client_as(world.manager)
    response = client.post(attest_url(world, "contractor"), attest_data(world, {
        "contractor.operational.01": (IN_PLACE, "特記事項を遵守", ""),
        "contractor.operational.02": (IN_PLACE, "報告済み", ""),  # as saved
        "contractor.operational.04": ("", "", ""),  # left empty
    }))
    assert response.status_code == 302
    assert item(world, "contractor.operational.01").is_in_place
    assert item(world, "contractor.operational.02").attested_at == first.attested_at
    assert not item(world, "contractor.operational.04").is_attested


def test_one_wrong_item_saves_nothing_and_keeps_everything_typed(world, client_as):
    finalise_plan(world)
    client = client_as(world.manager)
    before = snapshot(world)
    not_yet_pk = item(world, "contractor.operational.11").pk
    response = client.post(attest_url(world, "contractor"), attest_data(world, {
        "contractor.operational.01": (IN_PLACE, "特記事項を遵守した", "契約書"),
        "contractor.operational.11": (NOT_YET, "", ""),  # 未実施 needs a reason
    }))
    assert response.status_code == 400
    page = response.content.decode()
    assert snapshot(world) == before
    # The summary at the top links to the field; the message sits at the field; what was typed is kept.
    assert "入力内容を確認してください（1件）" in page
    assert f'href="#item-{not_yet_pk}-note"' in page
    assert "未実施の場合は、その理由と実施の予定を入力してください。" in page
    note = re.search(rf'<textarea[^>]*id="item-{not_yet_pk}-note"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in note and f'aria-describedby="item-{not_yet_pk}-note_error"' in note
    assert f'id="item-{not_yet_pk}-note_error"' in page
    assert "特記事項を遵守した" in page and "契約書" in page


def test_attesting_a_not_needed_item_says_why_at_the_item(world, client_as):
    """Issue 7, A.8: 「ー」 items are not attested; a post for one answered 400 with no message."""
    finalise_plan(world, **{NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")})
    client = client_as(world.manager)
    before = snapshot(world)
    response = client.post(attest_url(world, "contractor"),
                           attest_data(world, {NOT_NEEDED_KEY: (IN_PLACE, "実施", "")}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "「ー」（対策の必要なし）とした項目には実施状況を記入しません。" in page
    # ...in the summary, linked to the item's row, and in the row itself.
    assert 'href="#item-contractor-operational-03"' in page
    row = page[page.index('id="item-contractor-operational-03"'):]
    row = row[:row.index("</tbody>")]
    assert "「ー」（対策の必要なし）とした項目には実施状況を記入しません。" in row
    assert snapshot(world) == before


def test_the_page_offers_no_fields_for_a_not_needed_item(world, client_as):
    finalise_plan(world, **{NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")})
    page = client_as(world.manager).get(side_url(world)).content.decode()
    assert f'name="item-{item(world, NOT_NEEDED_KEY).pk}-attestation"' not in page
    assert f'name="item-{item(world, "contractor.operational.01").pk}-attestation"' in page


def test_save_and_submit_in_one_step(world, client_as):
    finalise_plan(world)
    client = client_as(world.manager)
    entries = {entry.template_item.key: (IN_PLACE, "実施した", "") for entry in side_items(world, Side.CONTRACTOR)}
    url = reverse("checklist:side_submit", kwargs={"slug": world.contract.slug, "side": "contractor"})
    response = client.post(url, attest_data(world, entries))
    assert response.status_code == 302
    page = client.get(side_url(world)).content.decode()
    assert "24件の実施状況を保存しました。" in page and "区に確認を依頼しました。" in page
    assert all(entry.awaits_review for entry in side_items(world, Side.CONTRACTOR))


def test_submitting_with_items_left_blank_keeps_what_was_saved_and_names_the_blanks(world, client_as):
    finalise_plan(world)
    client = client_as(world.manager)
    url = reverse("checklist:side_submit", kwargs={"slug": world.contract.slug, "side": "contractor"})
    response = client.post(url, attest_data(world, {"contractor.operational.01": (IN_PLACE, "実施した", "")}))
    assert response.status_code == 400
    assert "未記入: 委託事業者に行わせる対策・運用上の対策 2" in response.content.decode()
    assert item(world, "contractor.operational.01").is_in_place  # saved, not lost


def test_the_service_refuses_another_sides_item(world):
    finalise_plan(world)
    before = snapshot(world)
    with pytest.raises(services.DomainError, match="このチェックリストにない項目"):
        services.side_attest(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager,
                             entries={item(world, "ward.operational.01").pk: (IN_PLACE, "実施", "")})
    assert snapshot(world) == before


def test_an_unknown_choice_or_overlong_note_is_refused_at_the_field(world, client_as):
    finalise_plan(world)
    client = client_as(world.manager)
    pk = item(world, "contractor.operational.01").pk
    before = snapshot(world)
    response = client.post(attest_url(world, "contractor"), {f"item-{pk}-attestation": "accepted",
                                                             f"item-{pk}-note": "x" * 2001})
    assert response.status_code == 400
    page = response.content.decode()
    # Both refusals in the summary, each linked to its field (the wording of the length limit is the
    # project's, shared by every form).
    assert "入力内容を確認してください（2件）" in page
    assert f'href="#item-{pk}-attestation_0"' in page and f'href="#item-{pk}-note"' in page
    assert "accepted は候補にありません" in page
    assert snapshot(world) == before
