"""Planning: HR marks every item ○ or ー (ー with a reason), finalises it for the council, and revises it
afterwards only with a reason, keeping the history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from checklist import services
from checklist.models import Checklist, ChecklistEvent, ChecklistItem, Mark
from core.errors import DomainError
from tests.checklist.helpers import SEED_KEYS, all_planned, finalise_plan, item, snapshot

pytestmark = pytest.mark.django_db

NOT_NEEDED_KEY = "ward.operational.03"  # 再委託先がある場合には…: no subcontractor this year


def plan_post(world, **overrides):
    """The plan form's POST data: every item ○ unless overridden by position."""
    data = {}
    for position in range(1, 49):
        data[f"mark_{position}"] = Mark.PLANNED
        data[f"reason_{position}"] = ""
    data.update(overrides)
    return data


def test_not_needed_without_a_reason_is_refused_with_a_clear_message(world):
    """Seed: 対策の必要がない場合は「ー」 — the council reads why; a ー without a reason is refused."""
    with pytest.raises(DomainError) as refused:
        services.plan_save(contract=world.contract, marks={NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "  ")}, actor=world.hr)
    assert "理由を入力してください" in str(refused.value)
    assert "区が行う対策・運用上の対策 3" in str(refused.value)
    assert refused.value.field == "reason_3"
    # The refusal left nothing behind: not even the checklist that the first save would have created.
    assert not Checklist.objects.filter(contract=world.contract).exists()
    assert not AuditEntry.objects.filter(action__startswith="checklist.").exists()


def test_not_needed_without_a_reason_shows_the_message_next_to_the_item(world, client_as):
    client = client_as(world.hr)
    url = reverse("checklist:plan", kwargs={"slug": world.contract.slug})
    response = client.post(url, plan_post(world, mark_3=Mark.NOT_NEEDED, reason_3=""))
    assert response.status_code == 400
    assert "必要がない理由を入力してください（区が行う対策・運用上の対策 3）" in response.content.decode()
    assert response.context["form"].errors["reason_3"]
    assert not Checklist.objects.filter(contract=world.contract).exists()


def test_not_needed_with_a_reason_is_saved_and_finalised(world, client_as):
    client = client_as(world.hr)
    url = reverse("checklist:plan", kwargs={"slug": world.contract.slug})
    response = client.post(url, plan_post(world, mark_3=Mark.NOT_NEEDED, reason_3="再委託を認めない契約のため"))
    assert response.status_code == 302
    response = client.post(reverse("checklist:plan_finalise", kwargs={"slug": world.contract.slug}))
    assert response.status_code == 302
    checklist = Checklist.objects.get(contract=world.contract)
    assert checklist.is_finalised and checklist.plan_revision == 1
    assert item(world, NOT_NEEDED_KEY).mark_reason == "再委託を認めない契約のため"
    assert AuditEntry.objects.filter(action="checklist.plan.finalised").count() == 1


def test_the_plan_cannot_be_finalised_with_an_item_unmarked(world):
    marks = all_planned()
    del marks["contractor.system.11"]
    services.plan_save(contract=world.contract, marks=marks, actor=world.hr)
    before = snapshot(world)
    with pytest.raises(DomainError) as refused:
        services.plan_finalise(contract=world.contract, actor=world.hr)
    assert "委託事業者に行わせる対策・システム上の対策 11" in str(refused.value)
    assert snapshot(world) == before


def test_finalising_before_any_plan_says_what_to_do(world):
    with pytest.raises(DomainError, match="「○」か「ー」を記入して保存"):
        services.plan_finalise(contract=world.contract, actor=world.hr)


def test_each_state_change_writes_exactly_one_audit_entry(world):
    count = AuditEntry.objects.count()
    services.plan_save(contract=world.contract, marks=all_planned(), actor=world.hr)
    assert AuditEntry.objects.count() == count + 1
    services.plan_finalise(contract=world.contract, actor=world.hr)
    assert AuditEntry.objects.count() == count + 2
    services.plan_revise(contract=world.contract, marks={NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")},
                         reason="再委託しないことが決まったため", actor=world.hr)
    assert AuditEntry.objects.count() == count + 3


def test_a_finalised_plan_changes_only_as_a_new_revision_with_a_reason(world):
    finalise_plan(world)
    with pytest.raises(DomainError, match="計画は確定済み"):
        services.plan_save(contract=world.contract, marks=all_planned(), actor=world.hr)
    before = snapshot(world)
    with pytest.raises(DomainError) as refused:
        services.plan_revise(contract=world.contract, marks={NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")},
                             reason="", actor=world.hr)
    assert refused.value.field == "revision_reason"
    with pytest.raises(DomainError, match="変更された項目がありません"):
        services.plan_revise(contract=world.contract, marks=all_planned(), reason="念のため", actor=world.hr)
    assert snapshot(world) == before

    checklist = services.plan_revise(contract=world.contract, marks={NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")},
                                     reason="再委託しないことが決まったため", actor=world.hr)
    assert checklist.plan_revision == 2
    revision = ChecklistEvent.objects.get(kind=ChecklistEvent.Kind.PLAN_REVISED)
    assert revision.text == "再委託しないことが決まったため"
    assert revision.detail["changes"] == [{"key": NOT_NEEDED_KEY, "before": "planned", "after": "not_needed",
                                           "reason_before": "", "reason_after": "再委託なし"}]
    # The first revision is still in the history.
    assert ChecklistEvent.objects.filter(kind=ChecklistEvent.Kind.PLAN_FINALISED, revision=1).exists()


def test_plan_history_is_visible_with_the_reason(world, client_as):
    finalise_plan(world)
    client = client_as(world.hr)
    url = reverse("checklist:plan", kwargs={"slug": world.contract.slug})
    response = client.post(url, plan_post(world, mark_3=Mark.NOT_NEEDED, reason_3="再委託なし",
                                          revision_reason="再委託しないことが決まったため"))
    assert response.status_code == 302
    page = client.get(reverse("checklist:history", kwargs={"slug": world.contract.slug})).content.decode()
    assert "再委託しないことが決まったため" in page
    assert "区が行う対策・運用上の対策 3: ○ → ー" in page
    assert "第2版" in page and "第1版" in page


def test_revising_without_a_reason_on_the_page_is_refused_next_to_the_field(world, client_as):
    finalise_plan(world)
    client = client_as(world.hr)
    url = reverse("checklist:plan", kwargs={"slug": world.contract.slug})
    response = client.post(url, plan_post(world, mark_3=Mark.NOT_NEEDED, reason_3="再委託なし"))
    assert response.status_code == 400
    assert response.context["form"].errors["revision_reason"]
    assert item(world, NOT_NEEDED_KEY).mark == Mark.PLANNED


def test_a_contractor_cannot_change_the_plan(world, client_as):
    finalise_plan(world)
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        services.plan_revise(contract=world.contract, marks={NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "不要")},
                             reason="事業者の都合", actor=world.manager)
    client = client_as(world.manager)
    url = reverse("checklist:plan", kwargs={"slug": world.contract.slug})
    assert client.get(url).status_code == 403
    assert client.post(url, plan_post(world, mark_3=Mark.NOT_NEEDED, reason_3="不要",
                                      revision_reason="事業者の都合")).status_code == 403
    assert client.post(reverse("checklist:plan_finalise", kwargs={"slug": world.contract.slug})).status_code == 403
    assert snapshot(world) == before


def test_changing_an_attested_item_to_not_needed_clears_its_attestation(world):
    from checklist.models import Side
    from tests.checklist.helpers import attest_side

    finalise_plan(world)
    attest_side(world, Side.CONTRACTOR, world.manager)
    key = "contractor.operational.03"
    services.plan_revise(contract=world.contract, marks={key: (Mark.NOT_NEEDED, "再委託なし")},
                         reason="再委託しないことが決まったため", actor=world.hr)
    changed = item(world, key)
    assert changed.is_not_needed and changed.attestation == ChecklistItem.Attestation.BLANK
    # The attestation that was made stays in the history.
    assert ChecklistEvent.objects.filter(item=changed, kind=ChecklistEvent.Kind.ITEM_ATTESTED).exists()


def test_the_plan_form_starts_from_last_years_finalised_plan(world, client_as):
    from contracts.services import contract_copy_to_next_year

    finalise_plan(world, **{NOT_NEEDED_KEY: (Mark.NOT_NEEDED, "再委託なし")})
    next_year = contract_copy_to_next_year(contract=world.contract, actor=world.hr)
    client = client_as(world.hr)
    form = client.get(reverse("checklist:plan", kwargs={"slug": next_year.slug})).context["form"]
    assert form["mark_3"].value() == Mark.NOT_NEEDED
    assert form["reason_3"].value() == "再委託なし"
    assert form["mark_1"].value() == Mark.PLANNED
    assert len(SEED_KEYS) == 48


def test_the_plan_reads_in_words_not_a_lone_circle_and_hyphen(world, client_as):
    """Issue 7, B.13: the plan read as a radio beside 「○」 and a tiny hyphen; each choice now says what it means."""
    import re

    page = client_as(world.hr).get(reverse("checklist:plan", kwargs={"slug": world.contract.slug})).content.decode()
    labels = re.findall(r'<label for="id_mark_(\d+)_(\d)">\s*<input[^>]*>\s*([^<]*?)\s*</label>', page)
    assert len(labels) == 96  # 48 items, two choices each
    assert {text for _position, choice, text in labels if choice == "0"} == {"○ 実施する"}
    assert {text for _position, choice, text in labels if choice == "1"} == {"ー 不要（理由を記入）"}
    # The ward's list too shows the long ー, not the seed's half-width hyphen.
    assert '<label for="id_mark_1_1">' in page
    assert not re.search(r'<input[^>]*value="not_needed"[^>]*>\s*-\s*</label>', page)


def test_both_lists_name_the_not_needed_mark_as_they_print_it_never_a_hyphen(world, client_as):
    """Issue 14, E.18: the ward's list said 「…場合は「-」」 above a column of ー; both lists now say 「ー」."""
    client = client_as(world.hr)
    pages = [client.get(reverse("checklist:plan", kwargs={"slug": world.contract.slug})).content.decode()]
    for side in ("ward", "contractor"):
        pages.append(client.get(reverse("checklist:side", kwargs={"slug": world.contract.slug, "side": side}))
                     .content.decode())
    for page in pages:
        assert "対策の必要がない場合は「ー」" in page
        assert "「-」" not in page
