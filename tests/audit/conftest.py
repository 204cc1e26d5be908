import re

import pytest

from tests.handover.conftest import acknowledge, cd_r, clock, deliver, register_paper  # noqa: F401  (fixtures)


@pytest.fixture
def story(world, clock):  # noqa: F811
    """Contract A (令和7年度): HR hands papers No.1 to 田中 誠 (the manager), who acknowledges them."""
    papers = register_paper(world, label="P-001")
    handover = deliver(world, [papers], recipient=world.manager)
    clock.advance(hours=1)
    acknowledge(handover, world.manager, time_confirmed=True)
    return handover


def table_text(html: str) -> str:
    """The words of the page's table, as a person reads them (no markup, no URLs)."""
    table = html[html.index("<table"):html.index("</table>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


USERNAMES = ("hr", "auditor", "manager_a", "handler_a", "manager_b", "outsider")
# A dotted code; a file name a command wrote (``/tmp/ledger.pdf``) is what it is and may be shown.
CODE = re.compile(r"\b[a-z_]+\.(?!(?:pdf|xlsx|csv|zip)\b)[a-z_]+(\.[a-z_0-9]+)*\b")


def assert_reads_in_words(text: str) -> None:
    """No program code (``handover.recorded``, ``contractor.system.11``) and no username."""
    assert not CODE.search(text), CODE.search(text).group(0)
    for username in USERNAMES:
        assert not re.search(rf"(?<![A-Za-z_]){username}(?![A-Za-z_])", text), username
