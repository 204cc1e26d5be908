"""Issue 7, B.13: after HR sent one item back, the contractor's dashboard said 「差し戻された項目があります」
but his page offered no form, because another item still awaited HR. The contractor can always correct an
item sent back to him; the correction goes straight back to HR; each side says in words who does what next."""

import pytest
from django.urls import reverse

from checklist import services
from checklist.models import ChecklistItem, ChecklistSide, Side
from checklist.selectors import side_view
from core.dashboard import waiting_for
from core.errors import DomainError
from tests.checklist.helpers import attest_data, attest_side, attest_url, finalise_plan, item, snapshot

pytestmark = pytest.mark.django_db

IN_PLACE = ChecklistItem.Attestation.IN_PLACE
RETURNED_KEY = "contractor.system.08"  # アクセスログ等を取得させる。取得したログは、定期的に分析させる。
WAITING_KEY = "contractor.operational.01"
COMMENT = "ログの分析記録（月次）を根拠資料に記入してください。"


def state(world) -> ChecklistSide:
    return ChecklistSide.objects.get(checklist__contract=world.contract, side=Side.CONTRACTOR)


@pytest.fixture
def one_sent_back(world):
    """Submitted; HR sent RETURNED_KEY back and accepted everything else except WAITING_KEY, which still
    awaits HR: the side is still with HR (確認待ち)."""
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.item_review(item=item(world, RETURNED_KEY), decision=ChecklistItem.Review.RETURNED, comment=COMMENT,
                         actor=world.hr)
    for entry in ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=Side.CONTRACTOR,
                                              review=ChecklistItem.Review.NONE).exclude(template_item__key=WAITING_KEY):
        services.item_review(item=entry, decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    assert state(world).is_submitted and item(world, WAITING_KEY).awaits_review
    return world


def test_the_contractor_corrects_a_sent_back_item_while_another_awaits_hr(one_sent_back):
    world = one_sent_back
    services.item_attest(item=item(world, RETURNED_KEY), attestation=IN_PLACE, note="操作ログを毎月分析",
                         evidence="アクセスログ分析報告書（毎月）", actor=world.manager)
    corrected = item(world, RETURNED_KEY)
    # The correction is back with HR at once, beside the item that was already waiting.
    assert corrected.awaits_review and corrected.review_comment == ""
    assert corrected.evidence == "アクセスログ分析報告書（毎月）"
    assert state(world).is_submitted
    services.item_review(item=corrected, decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    services.item_review(item=item(world, WAITING_KEY), decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    assert state(world).is_accepted


def test_an_item_still_awaiting_hr_cannot_be_changed_meanwhile(one_sent_back):
    world = one_sent_back
    before = snapshot(world)
    with pytest.raises(DomainError, match="確認を依頼中"):
        services.item_attest(item=item(world, WAITING_KEY), attestation=IN_PLACE, note="書き直し", actor=world.manager)
    assert snapshot(world) == before


def test_the_page_offers_the_form_for_the_sent_back_item_and_saves_it(one_sent_back, client_as):
    world = one_sent_back
    client = client_as(world.manager)
    url = reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "contractor"})
    page = client.get(url).content.decode()
    returned_pk, waiting_pk = item(world, RETURNED_KEY).pk, item(world, WAITING_KEY).pk
    assert f'name="item-{returned_pk}-note"' in page
    assert f'name="item-{waiting_pk}-note"' not in page  # the item with HR is not offered
    assert "記入した内容をすべて保存する" in page
    assert "保存して区に確認を依頼する" not in page  # the side is with HR: the correction goes there by itself
    # Who does what next, in words.
    assert "区（人材育成等担当）が確認してください（確認待ち 1件）" in page
    assert "委託事業者の取扱責任者が、差し戻された 1件を直して保存してください" in page

    response = client.post(attest_url(world, "contractor"), attest_data(world, {
        RETURNED_KEY: (IN_PLACE, "操作ログを毎月分析", "アクセスログ分析報告書（毎月）")}))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "1件の実施状況を保存しました。" in page
    assert item(world, RETURNED_KEY).awaits_review
    assert "区（人材育成等担当）が確認してください（確認待ち 2件）" in page
    assert f'name="item-{returned_pk}-note"' not in page  # now with HR again


def test_the_dashboard_and_the_page_agree(one_sent_back, client_as):
    world = one_sent_back
    titles = [w.title for w in waiting_for(world.manager)]
    assert any("差し戻された項目があります（1件）" in t for t in titles), titles
    assert any("確認依頼があります（確認待ち 1件）" in w.title for w in waiting_for(world.hr))
    services.item_attest(item=item(world, RETURNED_KEY), attestation=IN_PLACE, note="直した", actor=world.manager)
    assert not any("差し戻" in w.title for w in waiting_for(world.manager))
    assert any("確認依頼があります（確認待ち 2件）" in w.title for w in waiting_for(world.hr))


def test_the_overview_says_who_does_what_next_on_each_side(world, client_as):
    url = reverse("checklist:overview", kwargs={"slug": world.contract.slug})
    finalise_plan(world)
    page = client_as(world.hr).get(url).content.decode()
    assert "委託事業者の取扱責任者が、「○」の未記入 24件に実施状況を記入してください。" in page
    assert "区（人材育成等担当）が、「○」の未記入 24件に実施状況を記入してください。" in page
    attest_side(world, Side.CONTRACTOR, world.manager)
    assert ("委託事業者の取扱責任者が、すべて記入したら区に確認を依頼してください（確認待ちにする項目 24件）。"
            in client_as(world.hr).get(url).content.decode())


def test_next_steps_cover_every_state(world):
    def steps():
        return side_view(world.contract, Side.CONTRACTOR, with_evidence=False).next_steps

    assert steps() == ["区（人材育成等担当）が計画（○/ー）を確定するのを待っています。"]
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    assert steps() == ["区（人材育成等担当）が確認してください（確認待ち 24件）。"]
    services.item_review(item=item(world, RETURNED_KEY), decision=ChecklistItem.Review.RETURNED, comment=COMMENT,
                         actor=world.hr)
    for entry in ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=Side.CONTRACTOR,
                                              review=ChecklistItem.Review.NONE):
        services.item_review(item=entry, decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    assert state(world).status == ChecklistSide.Status.RETURNED
    assert steps() == ["委託事業者の取扱責任者が、差し戻された 1件を直して保存してください。"]
    services.item_attest(item=item(world, RETURNED_KEY), attestation=IN_PLACE, note="直した", actor=world.manager)
    assert steps() == ["委託事業者の取扱責任者が、すべて記入したら区に確認を依頼してください（確認待ちにする項目 1件）。"]
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.item_review(item=item(world, RETURNED_KEY), decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    assert steps() == ["「○」の全項目が確認済みです。区（人材育成等担当）がチェックリストを確定してください。"]
    services.side_lock(contract=world.contract, side=Side.CONTRACTOR, actor=world.hr)
    assert steps() == ["確定済みです。これ以上の記入・確認はありません。"]


def test_resubmitting_with_nothing_corrected_is_refused_in_words(world):
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    services.item_review(item=item(world, RETURNED_KEY), decision=ChecklistItem.Review.RETURNED, comment=COMMENT,
                         actor=world.hr)
    for entry in ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=Side.CONTRACTOR,
                                              review=ChecklistItem.Review.NONE):
        services.item_review(item=entry, decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)
    before = snapshot(world)
    with pytest.raises(DomainError, match="差し戻された項目を直して保存してから依頼してください"):
        services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    assert snapshot(world) == before


@pytest.mark.usefixtures("without_app_records")
def test_the_history_tells_a_correction_and_an_accept_all_apart(one_sent_back, client_as):
    world = one_sent_back
    services.item_attest(item=item(world, RETURNED_KEY), attestation=IN_PLACE, note="直した", actor=world.manager)
    candidates = services.accept_all_candidates(
        ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=Side.CONTRACTOR)
        .select_related("template_item"))
    services.side_accept_all(contract=world.contract, side=Side.CONTRACTOR, actor=world.hr,
                             shown={i.pk: services.attestation_version(i) for i in candidates})
    page = client_as(world.hr).get(reverse("checklist:history", kwargs={"slug": world.contract.slug})).content.decode()
    assert page.count("実施状況を記入（実施済み）（差戻し後の修正）") == 1
    assert page.count("確認済みとした（まとめて確認）") == 2  # the corrected item and the one that waited


def test_the_dashboard_links_to_the_item_sent_back(one_sent_back):
    """Issue 14 E.14: the link lands on the item, not at the top of a page of 48 items."""
    world = one_sent_back
    rows = [w for w in waiting_for(world.manager) if "差し戻された項目があります" in w.title]
    anchor = item(world, RETURNED_KEY).template_item.anchor
    assert [w.url for w in rows] == [reverse("checklist:side", kwargs={"slug": world.contract.slug,
                                                                       "side": "contractor"}) + f"#{anchor}"]


def test_the_note_is_marked_required_where_it_is_asked_for(world, client_as):
    """Issue 14 E.14: the first submit was refused on 21 items for a note the form did not mark 必須."""
    finalise_plan(world)
    url = reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": "contractor"})
    page = client_as(world.manager).get(url).content.decode()
    entry = item(world, RETURNED_KEY)
    label = page.split(f'<label for="item-{entry.pk}-note">', 1)[1].split("</label>", 1)[0]
    assert "必須" in label
    assert "未実施のときは理由と実施の予定を、実施済みのときは実施の内容か根拠資料を" in page


def test_the_message_after_sending_back_says_it_was_sent_back(world, client_as):
    """Issue 14 E.18: after 差し戻す the message said 「…を確認しました」."""
    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    services.side_submit(contract=world.contract, side=Side.CONTRACTOR, actor=world.manager)
    client = client_as(world.hr)
    entry = item(world, RETURNED_KEY)
    review_url = reverse("checklist:item_review", kwargs={"slug": world.contract.slug, "pk": entry.pk})
    page = client.post(review_url, {"decision": "returned", "comment": COMMENT}, follow=True).content.decode()
    assert f"{entry.template_item.label} を差し戻しました。" in page
    assert "を確認しました" not in page
    other = item(world, WAITING_KEY)
    review_url = reverse("checklist:item_review", kwargs={"slug": world.contract.slug, "pk": other.pk})
    page = client.post(review_url, {"decision": "accepted"}, follow=True).content.decode()
    assert f"{other.template_item.label} を確認済みにしました。" in page
