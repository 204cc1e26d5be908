"""English is one setting away: the catalogue is complete, compiled, and the pages really speak it.

The catalogue is read with a small parser of our own (no polib at test time).
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.factories import PASSWORD

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"flags", "msgid", "msgid_plural", "msgctxt", "msgstr": {index: text}, "line"}.

    Handles multi-line strings, plural forms and contexts; obsolete (#~) entries are skipped.
    """
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:  # a comment starts the next entry
                finish()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}, "line": number}
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += text
            else:
                entry[field] += text
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
            finish()
            entry = None
        entry = entry or {"flags": set(), "msgstr": {}, "line": number}
        text = ast.literal_eval(value)
        if keyword.startswith("msgstr"):
            field = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry["msgstr"][field] = text
        else:
            field = keyword
            entry[field] = text
    finish()
    return entries


def catalogue() -> list[dict]:
    return [entry for entry in read_po(PO_PATH) if entry["msgid"]]  # the header has an empty msgid


def describe(entry) -> str:
    return f"django.po line {entry['line']}: {entry['msgid'][:60]!r}"


def test_the_english_catalogue_is_complete_and_not_fuzzy():
    """A string added to the code later, extracted by makemessages but left untranslated, fails here."""
    entries = catalogue()
    assert len(entries) > 500  # every app's strings, not a stub
    header = read_po(PO_PATH)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    problems = []
    for entry in entries:
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {describe(entry)}")
        if not entry["msgstr"] or any(not text for text in entry["msgstr"].values()):
            problems.append(f"untranslated: {describe(entry)}")
    assert not problems, "\n".join(problems)


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """A string marked for translation but never extracted would show in Japanese on the English site."""
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.skip("gettext is not installed (scripts/setup.sh installs it)")
    # makemessages rewrites the catalogue and leaves a .py beside every template while it works: it runs on a
    # copy of the project, so the tests running beside it (and anyone editing the catalogue) never see that.
    project = tmp_path / "project"
    shutil.copytree(PO_PATH.parents[3], project, ignore=shutil.ignore_patterns(
        ".venv", ".venv-load", "var", ".git", "tests", "bench", "__pycache__", ".ruff_cache", "*.mo"))
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--ignore=.venv", "--ignore=var",
                    "--ignore=tests", "--ignore=bench", "--no-obsolete", "-v", "0"],
                   cwd=project, check=True, capture_output=True, timeout=120,
                   env={**__import__("os").environ, "DJANGO_HTTPS": "0"})
    extracted = {entry["msgid"] for entry in read_po(project / PO_PATH.relative_to(PO_PATH.parents[3]))
                 if entry["msgid"]}
    translated = {entry["msgid"] for entry in catalogue()}
    missing = sorted(extracted - translated)
    assert not missing, f"run makemessages and translate: {missing[:5]}"


def test_translations_keep_placeholders_and_speak_english():
    problems = []
    for entry in catalogue():
        wanted = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for text in entry["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {describe(entry)} -> {text!r}")
            # The checklist's ○ / ー marks are symbols, not Japanese words: they stay as they are.
            if JAPANESE.search(text.replace("ー", "")):
                problems.append(f"Japanese left in the translation: {describe(entry)} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file():
    assert MO_PATH.exists(), "locale/en/LC_MESSAGES/django.mo is missing: run scripts/setup.sh (compilemessages)"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [describe(entry) for entry in catalogue()
             if "msgid_plural" not in entry and "msgctxt" not in entry
             and compiled.gettext(entry["msgid"]) != entry["msgstr"][0]]
    assert not stale, "django.mo is out of date, run compilemessages:\n" + "\n".join(stale)


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def navigation(html: str) -> str:
    match = re.search(r"<nav\b.*?</nav>", html, re.S)
    assert match, "the page has no navigation"
    return match.group(0)


@pytest.mark.django_db
def test_the_dashboard_speaks_english(english, client_as, world):
    # HR: the menu offers 監査証跡 only to those who may read it (core.context_processors.Menu).
    response = client_as(world.hr).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<html\b[^>]*\blang="en"', html)  # base.html may add other attributes (data-error-title)
    nav = navigation(html)
    assert "Home" in nav and "Contracts" in nav and "Audit trail" in nav
    assert not JAPANESE.search(nav), nav
    assert "Log out" in html and "Contracts you are responsible for" in html


@pytest.mark.django_db
def test_the_contract_page_speaks_english(english, client_as, world):
    response = client_as(world.hr).get("/contracts/contract-a/")
    assert response.status_code == 200
    html = response.content.decode()
    nav = navigation(html)
    assert "Contracts" in nav and not JAPANESE.search(nav), nav
    assert "Council submission" in html and "Contractor" in html and "Handler designations" in html


@pytest.mark.django_db
def test_the_login_page_speaks_english(english, client, world):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Log in</h1>" in html and "Username" in html and "Password" in html
    assert not JAPANESE.search(html), JAPANESE.findall(html)

    response = client.post("/accounts/login/", {"username": "manager_a", "password": PASSWORD + "x"})
    assert "The username or password is incorrect." in response.content.decode()
