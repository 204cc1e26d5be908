"""Load a checklist template from ``fixtures/checklist_items.json`` (written by ``build_checklist_fixture``
from the seed). Takes the model classes as arguments so that the data migration can pass its
historical models."""

import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "checklist_items.json"


def read_fixture(path: Path = FIXTURE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def iter_items(data: dict):
    """(side, section, number, position, item) in the seed's order."""
    position = 0
    for side in data["sides"]:
        for section in side["sections"]:
            for number, item in enumerate(section["items"], start=1):
                position += 1
                yield side["side"], section["section"], number, position, item


def load_template(data: dict, template_model, item_model):
    """Create the template version ``data`` describes, unless it is already there."""
    fields = {f.name for f in template_model._meta.get_fields()}
    typed = "contract_type" in fields  # the historical model of the data migration 0002 has no type yet
    existing = template_model.objects.filter(version=data["version"],
                                             **({"contract_type__isnull": True} if typed else {})).first()
    if existing is not None:
        return existing
    extra = {}
    if typed:
        from django.utils import timezone

        extra = {"status": "published", "published_at": timezone.now()}
    backed = "backing" in {f.name for f in item_model._meta.get_fields()}
    sides = {side["side"]: side for side in data["sides"]}
    sections = {s["section"]: s["heading"] for side in data["sides"] for s in side["sections"]}
    template = template_model.objects.create(
        version=data["version"], title=data["title"], subtitle=data.get("subtitle", ""),
        control_header=data["control_header"],
        ward_heading=sides["ward"]["heading"], ward_mark_header=sides["ward"]["mark_header"],
        ward_no_mark=sides["ward"]["no_mark"],
        contractor_heading=sides["contractor"]["heading"],
        contractor_mark_header=sides["contractor"]["mark_header"],
        contractor_no_mark=sides["contractor"]["no_mark"],
        operational_heading=sections["operational"], system_heading=sections["system"],
        source=data["source"], **extra,
    )
    item_model.objects.bulk_create([
        item_model(template=template, key=item["key"], side=side, section=section, number=number,
                   position=position, text=item["text"], seed_mark=item.get("seed_mark", ""),
                   **({"backing": item.get("backing", item["key"])} if backed else {}))
        for side, section, number, position, item in iter_items(data)
    ])
    return template
