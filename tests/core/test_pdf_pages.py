"""Every page of a PDF stands on its own, and its text reads back as written (issue 14, D.11).

Continuation pages printed only 「2 / 6」: no table header, no contract. A certificate number wrapped at its
hyphen, and a letter-spaced heading extracted as 「個 人情報…」. Now every page names its document and the
contract (a running header), table headers repeat, identifiers never break, headings carry no letter-spacing.
Read back with poppler's pdftotext, page by page, as a reader copies or searches them.
"""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from checklist.exports import checklist_pdf
from checklist.models import Mark, Side
from handover.exports import ledger_pdf
from handover.models import Handover
from tests.checklist.helpers import attest_side, finalise_plan
from tests.handover.conftest import (  # noqa: F401 (cd_r and clock are fixtures)
    acknowledge,
    cd_r,
    clock,
    deliver,
    register_paper,
)
from tests.year_end import delivered, fill, register_copy
from yearend import deletion
from yearend.council import council_submission_pdf

pytestmark = pytest.mark.django_db

# The demo's number: after 「証明書 」 it broke after 「PTM-」, and pdftotext joined the lines as PTMDS-2026-0224.
CERTIFICATE = "PTM-DS-2026-0224"


def pages(content: bytes) -> list[str]:
    count = len(PdfReader(io.BytesIO(content)).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=content,
                           capture_output=True, check=True).stdout.decode() for n in range(1, count + 1)]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_every_page_names(content: bytes, *, document: str, contract: str, header: str | None = None,
                            row: str = ""):
    """Every page names ``document`` and ``contract``; every page holding table rows (``row`` in its text)
    has the table's ``header`` above them."""
    found = pages(content)
    assert len(found) >= 2, "the document should run over several pages for this test"
    for number, text in enumerate(found, start=1):
        assert document in text, f"page {number} does not name the document {document}:\n{text[:300]}"
        assert contract in text, f"page {number} does not name the contract {contract}:\n{text[:300]}"
        if header is not None and row in text:
            assert header in flat(text), f"page {number} has no table header {header}"


def test_checklist_pages_name_the_list_and_contract_and_repeat_the_table_header(world):
    finalise_plan(world, **{"ward.operational.03": (Mark.NOT_NEEDED, "再委託を認めない契約のため")})
    attest_side(world, Side.CONTRACTOR, world.manager)
    _name, _type, content = checklist_pdf(world.contract, "both")
    found = pages(content)
    assert_every_page_names(content, document="個人情報保護対策チェックリスト",
                            contract=world.contract.display_name)
    # Each page holding items has the column heads above them (the mark's header ends with 「ー」 or 「-」).
    for number, text in enumerate(found, start=1):
        if "【" in text or "○" in text:
            assert "個人情報保護対策（【実施状況】" in flat(text), f"page {number} has no table header"


def test_ledger_pages_name_the_ledger_and_contract_and_repeat_the_table_header(world, clock):  # noqa: F811
    for number in range(30):
        acknowledge(deliver(world, [register_paper(world, f"R{number:02d}-{line}") for line in range(5)]),
                    world.handler)
    _name, _type, content = ledger_pdf(Handover.objects.filter(contract=world.contract), contract=world.contract)
    assert_every_page_names(content, document="個人情報受渡し管理簿", contract=world.contract.display_name,
                            header="受渡し日時", row="回答用紙の写し")


@pytest.fixture
def long_report(world, clock, cd_r):  # noqa: F811
    """A deletion report of the disc, its notice and 24 copies, each line with a certificate number."""
    disc, _notice = delivered(world, clock, cd_r)
    clock.advance(days=1)
    for n in range(24):
        register_copy(world, disc, location=f"ANL-PC-{n:02d}")
    clock.advance(days=200)
    report = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    for line in deletion.lines_of(report):
        fill(line, world, certificate=CERTIFICATE, notes="作業記録票あり")
    return deletion.deletion_report_submit(report=report, actor=world.manager)


def test_deletion_report_pages_name_it_and_repeat_the_header_and_the_certificate_number_stays_whole(
        world, long_report):
    _name, _type, content = deletion.deletion_report_pdf(long_report)
    assert_every_page_names(content, document="消去報告書", contract=world.contract.display_name,
                            header="対象（複製・記録媒体等）", row="作業記録票")
    text = "\n".join(pages(content))
    # Extracted as written: the number on one line, never 「PTM-」 then 「DS-2026-0224」.
    lines = len(list(deletion.lines_of(long_report)))
    assert lines > 20 and text.count(CERTIFICATE) == lines, re.findall(r"PTM\S*\s*\S*", text)[:3]


def test_the_council_submissions_heading_extracts_without_inner_spaces(world):
    _name, _type, content = council_submission_pdf(world.contract)
    first = pages(content)[0]
    assert "個人情報保護管理運営会議 付議事項" in first, first[:400]
    assert_every_page_names(content, document="付議事項", contract=world.contract.display_name)
