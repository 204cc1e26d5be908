"""The register speaks English one setting away: its menu entry, headings, columns, totals and summary."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.test_english import JAPANESE

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_the_register_speaks_english(english, client_as, world):
    response = client_as(world.privacy).get(reverse("register:list"))
    assert response.status_code == 200
    html = response.content.decode()
    nav = re.search(r"<nav\b.*?</nav>", html, re.S).group(0)
    assert "Register of outsourcing" in nav and not JAPANESE.search(nav), nav
    for words in ("Inspections past their planned day", "Status reports overdue", "Media etc. not returned",
                  "Deletion report not accepted", "Open incidents (deadline of the report to the Commission)",
                  "Number of contracts", "Inspections held", "2 contracts", "Total"):
        assert words in html, words
    headings = re.findall(r"<th scope=\"col\">(.*?)</th>", html)
    assert headings and not any(JAPANESE.search(h) for h in headings), headings
