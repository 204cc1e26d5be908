"""Helpers for the checklist tests: everything goes through the services, as the app does."""

import re

from checklist import services
from checklist.fixture import iter_items, read_fixture
from checklist.models import ChecklistItem, Mark

FIXTURE = read_fixture()
SEED_TEXTS = [item["text"] for _side, _section, _n, _p, item in iter_items(FIXTURE)]
SEED_KEYS = [item["key"] for _side, _section, _n, _p, item in iter_items(FIXTURE)]


def ensure_template():
    """Transactional tests (browser, concurrency) run after others have flushed the database, which
    removes what the data migration loaded: put the seed's template back, as the migration does."""
    from checklist.fixture import load_template
    from checklist.models import ChecklistTemplate, TemplateItem

    return load_template(FIXTURE, ChecklistTemplate, TemplateItem)


def all_planned(**overrides):
    marks = {key: (Mark.PLANNED, "") for key in SEED_KEYS}
    marks.update(overrides)
    return marks


def finalise_plan(world, **overrides):
    services.plan_save(contract=world.contract, marks=all_planned(**overrides), actor=world.hr)
    return services.plan_finalise(contract=world.contract, actor=world.hr)


def item(world, key) -> ChecklistItem:
    return ChecklistItem.objects.select_related("template_item").get(checklist__contract=world.contract,
                                                                       template_item__key=key)


def side_items(world, side):
    return (ChecklistItem.objects.filter(checklist__contract=world.contract, template_item__side=side)
            .select_related("template_item").order_by("template_item__position"))


def attest_side(world, side, actor, *, skip=()):
    for entry in side_items(world, side):
        if entry.is_planned and entry.template_item.key not in skip:
            services.item_attest(item=entry, attestation=ChecklistItem.Attestation.IN_PLACE,
                                 note=f"{entry.template_item.number}番の対策を実施", evidence="社内規程",
                                 actor=actor)


def accept_all(world, side, *, except_keys=()):
    for entry in side_items(world, side):
        if entry.awaits_review and entry.template_item.key not in except_keys:
            services.item_review(item=entry, decision=ChecklistItem.Review.ACCEPTED, actor=world.hr)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_in_order(haystack: str, needles) -> None:
    """Every needle occurs in ``haystack`` (whitespace aside), each after the previous one."""
    flat = squash(haystack)
    position = 0
    for needle in needles:
        found = flat.find(squash(needle), position)
        assert found >= 0, f"not found (or out of order): {needle}"
        position = found + len(squash(needle))


def snapshot(world):
    """Every checklist row of contract A, to show that a refused action changed nothing."""
    from checklist.models import Checklist, ChecklistEvent, ChecklistSide

    return (
        list(Checklist.objects.filter(contract=world.contract).values()),
        list(ChecklistSide.objects.filter(checklist__contract=world.contract).order_by("pk").values()),
        list(ChecklistItem.objects.filter(checklist__contract=world.contract).order_by("pk").values()),
        ChecklistEvent.objects.count(),
    )


def attest_url(world, side) -> str:
    from django.urls import reverse

    return reverse("checklist:side_attest", kwargs={"slug": world.contract.slug, "side": side})


def attest_data(world, entries) -> dict:
    """The side page's one form as a browser posts it: ``entries`` maps an item key to
    (attestation, note, evidence)."""
    data = {}
    for key, (attestation, note, evidence) in entries.items():
        pk = item(world, key).pk
        if attestation:
            data[f"item-{pk}-attestation"] = attestation
        data[f"item-{pk}-note"] = note
        data[f"item-{pk}-evidence"] = evidence
    return data
