"""The README's table of the 48 checklist keys: every key of the seed's template is in it, with the record(s) that
back it or "attestation with files" and why; and every key it says a record backs has a provider registered in
core.evidence (issue 16: "no item of either side rests on a tick alone")."""

import re
from pathlib import Path

from core import evidence
from tests.checklist.helpers import SEED_KEYS

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "### The checklist's 48 items and the records behind them"
KEY = re.compile(r"`((?:ward|contractor)\.(?:operational|system)\.\d{2})`")
ATTESTATION_ONLY = "attestation with files"


def table() -> dict[str, str]:
    """key → what backs it (the third cell), for every row of the README's table."""
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README has no section {HEADING!r}"
    section = text.split(HEADING, 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not KEY.search(cells[0]):
            continue
        for key in KEY.findall(cells[0]):
            assert key not in rows, f"{key} is in the README's table twice"
            rows[key] = cells[2]
    return rows


def test_every_key_of_the_seed_template_is_in_the_readme_table():
    rows = table()
    missing = [key for key in SEED_KEYS if key not in rows]
    assert not missing, f"keys missing from the README's table: {missing}"
    assert len(SEED_KEYS) == 48
    unknown = sorted(set(rows) - set(SEED_KEYS))
    assert not unknown, f"the README's table names keys the template does not have: {unknown}"


def test_an_attestation_only_row_says_why():
    for key, backing in table().items():
        if ATTESTATION_ONLY in backing:
            assert len(backing) > len(ATTESTATION_ONLY) + 10, f"{key}: say why no record can back it"


def test_every_key_the_table_backs_with_a_record_has_a_provider():
    registered = evidence.registered_keys()
    missing = [key for key, backing in table().items() if ATTESTATION_ONLY not in backing and key not in registered]
    assert not missing, f"keys the README says a record backs, with no provider registered: {missing}"
