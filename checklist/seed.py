"""Read the checklist out of the seed document, so that its 48 items are copied, never retyped.

The seed (the council submission, 別紙「5 業務委託にかかる個人情報保護対策チェックリスト」) holds two tables,
one per side. Each starts with a title line, a subtitle, and a header row whose first column says how
to mark an item (the ward's list writes 「-」, the contractor's 「ー」: each is kept as written). Rows are
tab-separated: a section heading where a section starts, the seed's mark and the control text. A few
rows of the extracted text are shifted one column to the left; only the order of the fields matters.

``python manage.py build_checklist_fixture --seed <file>`` turns the seed into
``fixtures/checklist_items.json``, which the data migration loads.
"""

import re

TITLE = "業務委託にかかる個人情報保護対策チェックリスト"
MARKS = {"○", "-", "ー"}
SIDES = {"委託にあたり区が行う": "ward", "委託事業者に行わせる": "contractor"}
SECTIONS = {"【運用上の対策】": "operational", "【システム上の対策】": "system"}
_NO_MARK = re.compile(r"「([^」]+)」\s*$")


class SeedFormatError(ValueError):
    pass


def _side_of(heading: str) -> str:
    for prefix, side in SIDES.items():
        if heading.startswith(prefix):
            return side
    raise SeedFormatError(f"unknown side heading: {heading!r}")


def parse_seed(text: str) -> dict:
    """The two checklists of the seed as the fixture's structure (see ``fixtures/checklist_items.json``)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip().endswith(TITLE)]
    if len(starts) != 2:
        raise SeedFormatError(f"expected two checklist tables, found {len(starts)}")
    result: dict = {"title": lines[starts[0]].strip(), "sides": []}
    for block_no, start in enumerate(starts):
        end = starts[block_no + 1] if block_no + 1 < len(starts) else len(lines)
        block = [line for line in lines[start + 1:end] if line.strip()]
        subtitle, header, rows = block[0].strip(), block[1], block[2:]
        header_fields = [f.strip() for f in header.split("\t") if f.strip()]
        if len(header_fields) != 2:
            raise SeedFormatError(f"unexpected header row: {header!r}")
        mark_header, control_header = header_fields
        no_mark = _NO_MARK.search(mark_header)
        if no_mark is None:
            raise SeedFormatError(f"no 'not needed' mark in {mark_header!r}")
        result.setdefault("subtitle", subtitle)
        result.setdefault("control_header", control_header)
        side_data: dict | None = None
        section_data: dict | None = None
        for row in rows:
            fields = [f.strip() for f in row.split("\t")]
            heading = fields[0] if fields[0] and fields[0] not in MARKS else ""
            rest = [f for f in (fields[1:] if heading else fields) if f]
            if len(rest) != 2 or rest[0] not in MARKS:
                raise SeedFormatError(f"unexpected checklist row: {row!r}")
            mark, control = rest
            if heading:
                side_heading, section_heading = heading.rsplit(" ", 1)
                side = _side_of(side_heading)
                if side_data is None:
                    side_data = {"side": side, "heading": side_heading, "mark_header": mark_header,
                                 "no_mark": no_mark.group(1), "sections": []}
                    result["sides"].append(side_data)
                elif side_data["side"] != side:
                    raise SeedFormatError(f"two sides in one table: {heading!r}")
                if section_heading not in SECTIONS:
                    raise SeedFormatError(f"unknown section heading: {section_heading!r}")
                section_data = {"section": SECTIONS[section_heading], "heading": section_heading, "items": []}
                side_data["sections"].append(section_data)
            if section_data is None:
                raise SeedFormatError(f"item before any section heading: {row!r}")
            number = len(section_data["items"]) + 1
            section_data["items"].append({
                "key": f"{side_data['side']}.{section_data['section']}.{number:02d}",
                "seed_mark": mark,
                "text": control,
            })
    return result
