"""The template: the seed's 48 items word for word, loaded by the data migration, frozen once used."""

import os
from pathlib import Path

import pytest

from audit.models import AuditEntry
from checklist import services
from checklist.models import ChecklistTemplate, TemplateFrozen, TemplateItem
from checklist.seed import parse_seed
from core.errors import DomainError
from tests.checklist.helpers import FIXTURE, SEED_KEYS, finalise_plan

SEED = Path(os.environ.get("CHECKLIST_SEED", "/work/shared/seed/000_9d17e6f687bcd3b4.txt"))


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not in this checkout")
def test_fixture_is_the_seed_parsed_word_for_word():
    parsed = parse_seed(SEED.read_text(encoding="utf-8"))
    assert parsed["sides"] == FIXTURE["sides"]
    assert parsed["title"] == FIXTURE["title"]
    seed_text = SEED.read_text(encoding="utf-8")
    for side in FIXTURE["sides"]:
        for section in side["sections"]:
            for entry in section["items"]:
                assert entry["text"] in seed_text


def test_fixture_has_two_sides_of_13_operational_and_11_system_items():
    shape = [(side["side"], [(s["section"], len(s["items"])) for s in side["sections"]]) for side in FIXTURE["sides"]]
    assert shape == [("ward", [("operational", 13), ("system", 11)]),
                     ("contractor", [("operational", 13), ("system", 11)])]
    # The seed writes the "not needed" mark differently on its two lists; each is kept as written.
    headers = {side["side"]: side["mark_header"] for side in FIXTURE["sides"]}
    assert headers["ward"] == "・対策が可能であれば「○」 ・対策の必要がない場合は「-」"
    assert headers["contractor"] == "・対策が可能であれば「○」 ・対策の必要がない場合は「ー」"


@pytest.mark.django_db
def test_migration_loads_version_1_with_the_48_items_in_the_seeds_order():
    template = ChecklistTemplate.objects.get(version=1)
    items = list(template.items.order_by("position"))
    assert [i.key for i in items] == SEED_KEYS
    assert len(items) == 48
    assert items[0].text.startswith("契約にあたり、「特記事項」を付すとともに")
    assert items[-1].text == "システムを提供するサーバは日本国内の法が適用される安全性が確保された環境にさせる。"
    assert template.ward_no_mark == "-" and template.contractor_no_mark == "ー"
    assert template.ward_heading == "委託にあたり区が行う 個人情報保護対策"
    assert template.operational_heading == "【運用上の対策】"


@pytest.mark.django_db
def test_a_template_is_frozen_once_a_contract_uses_it(world):
    template = ChecklistTemplate.objects.get(version=1)
    entry = template.items.get(key="ward.operational.05")
    entry.text = "変更した文言"
    entry.save()  # not yet used: the wording may still be corrected
    finalise_plan(world)
    entry.text = "もう一度変更"
    with pytest.raises(TemplateFrozen):
        entry.save()
    with pytest.raises(TemplateFrozen):
        entry.delete()
    template.title = "別の表題"
    with pytest.raises(TemplateFrozen):
        template.save()


@pytest.mark.django_db
def test_changing_the_wording_makes_a_new_version_and_old_checklists_keep_theirs(world):
    finalise_plan(world)
    old = ChecklistTemplate.objects.get(version=1)
    key = "contractor.operational.05"
    new = services.template_new_version(base=old, texts={key: "区が作成した業務フローに基づき、業務を行わせる（改）。"},
                                        note="文言の整理", actor=world.hr)
    assert new.version == 2 and new.previous == old
    assert new.items.get(key=key).text.endswith("（改）。")
    assert old.items.get(key=key).text == "区が作成した業務フローに基づき、業務を行わせる。"
    assert world.contract.checklist.template == old
    # A contract that starts its plan now gets the new version.
    services.plan_save(contract=world.other_contract, marks={}, actor=world.hr)
    assert world.other_contract.checklist.template == new
    assert AuditEntry.objects.filter(action="checklist.template.versioned").count() == 1


@pytest.mark.django_db
def test_a_new_version_needs_a_reason_and_a_change(world):
    old = ChecklistTemplate.objects.get(version=1)
    with pytest.raises(DomainError):
        services.template_new_version(base=old, texts={"ward.system.01": "x"}, note=" ", actor=world.hr)
    with pytest.raises(DomainError):
        services.template_new_version(base=old, texts={}, note="理由", actor=world.hr)
    assert ChecklistTemplate.objects.count() == 1
    assert TemplateItem.objects.count() == 48


@pytest.mark.django_db
def test_the_command_makes_a_new_version(tmp_path):
    import json

    from django.core.management import call_command

    texts = tmp_path / "texts.json"
    texts.write_text(json.dumps({"ward.operational.05": "全体の業務フローを作成し、委託先と共有する（改）。"}), encoding="utf-8")
    call_command("checklist_template_version", texts=str(texts), note="文言の整理")
    new = ChecklistTemplate.objects.get(version=2)
    assert new.change_note == "文言の整理"
    assert new.items.get(key="ward.operational.05").text.endswith("（改）。")
    assert AuditEntry.objects.get(action="checklist.template.versioned").actor_label == \
        "manage.py checklist_template_version"
