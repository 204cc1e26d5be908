"""Every XLSX export prints legibly in LibreOffice (issue 14, D.10).

LibreOffice 7.4 (Debian 12, installed by ``make test``) converts each export to PDF as a clerk's 印刷 would;
``pdftotext -bbox`` then reads where each word landed. On every page no two words overlap (a wrapped cell
whose row is too low prints over the next row: 「（3,012件）1枚」 over 「パスワード通知書」), and the smallest
word is at least as tall as 8 pt text (fitting a wide sheet to one page shrank the checklist to 4.7 pt). The
table's header row repeats on every page.

pdftotext boxes a word from its font's ascent to its descent, taller than the text's size (about 1.3 times for
BIZ UDゴシック), so the test measures a calibration sheet of 8 pt text printed at 100% in the same run, and
compares overlaps on boxes shrunk by the same ratio (the lines of one cell are set a text size apart).

All the exports of one world go through one LibreOffice run: starting it costs seconds.
"""

import html
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Font

from checklist import services as checklist_services
from checklist.models import ChecklistItem, Mark, Side
from tests.checklist.helpers import attest_side, finalise_plan, item
from tests.handover.conftest import (  # noqa: F401 (cd_r and clock are fixtures)
    acknowledge,
    cd_r,
    clock,
    deliver,
    give_back,
    register_disc,
    register_notice,
    register_paper,
    tokyo,
)

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: `make test` installs libreoffice-calc-nogui (scripts/setup.sh)")]

MIN_POINTS = 8.0
LONG_NOTE = ("取扱責任者が毎月、分析用PCの操作ログ（ログオン・ファイル操作・外部媒体の接続）を確認し、"
             "不審な操作がないことを確認簿に記録している。\n確認簿は施錠できるキャビネットに保管。")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def pdf_pages(pdf) -> list[list[Word]]:
    """The words of each page, with their boxes in points, as poppler's pdftotext places them."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, flags=re.S):
        pages.append([Word(html.unescape(text), *map(float, box)) for *box, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


def shrunk(word: Word, ratio: float) -> Word:
    """The word's box cut to the text's size around its middle."""
    cut = word.height * (1 - 1 / ratio) / 2
    return Word(word.text, word.x0, word.y0 + cut, word.x1, word.y1 - cut)


def overlaps(words: list[Word], slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of words whose boxes cover each other by more than ``slack`` points both ways."""
    found = []
    ordered = sorted(words, key=lambda w: w.y0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.y0 >= a.y1 - slack:
                break
            if min(a.x1, b.x1) - max(a.x0, b.x0) > slack and min(a.y1, b.y1) - max(a.y0, b.y0) > slack:
                found.append((a.text, b.text))
    return found


@pytest.fixture
def exports(world, client_as, clock, cd_r, tmp_path):  # noqa: F811
    """Each XLSX export of one busy contract, written to ``tmp_path``: {file stem: path}."""
    clock.set(tokyo(2025, 6, 10, 9, 0))
    finalise_plan(world, **{"ward.operational.03": (Mark.NOT_NEEDED, "再委託を認めない契約のため")})
    attest_side(world, Side.CONTRACTOR, world.manager)
    checklist_services.item_attest(item=item(world, "contractor.system.08"),
                                   attestation=ChecklistItem.Attestation.IN_PLACE, note=LONG_NOTE,
                                   evidence="操作ログ確認簿（令和7年度）、情報セキュリティ管理規程 第12条", actor=world.manager)

    disc = register_disc(world, cd_r, label="CD-2025-001")
    notice = register_notice(world, disc, label="PN-2025-001")
    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 6, 11, 10, 0))
    acknowledge(deliver(world, [notice]), world.handler)
    papers = [register_paper(world, f"P-{n:03d}") for n in range(1, 9)]
    for n in range(0, 8, 2):
        clock.advance(hours=1)
        acknowledge(deliver(world, papers[n:n + 2]), world.handler)
    clock.set(tokyo(2025, 7, 1, 15, 0))
    acknowledge(give_back(world, papers[:4]), world.hr)

    hr, files = client_as(world.hr), {}
    for name, url in (
        ("checklist", reverse("checklist:export", kwargs={"slug": world.contract.slug, "side": "both", "fmt": "xlsx"})),
        ("ledger", reverse("handover:ledger_export", kwargs={"slug": world.contract.slug, "fmt": "xlsx"})),
        ("ledger-all", reverse("handover:ledger_all_export", kwargs={"fmt": "xlsx"})),
        ("register", reverse("register:export")),
    ):
        files[name] = hr.get(url)
    auditor = client_as(world.auditor)
    files["audit-log"] = auditor.get(reverse("audit:export"))
    files["downloads"] = auditor.get(reverse("audit:downloads_export"))
    paths = {}
    for name, response in files.items():
        assert response.status_code == 200, name
        paths[name] = tmp_path / f"{name}.xlsx"
        paths[name].write_bytes(response.content)
    return paths


def calibration(path) -> None:
    """A sheet of 8 pt text in the exports' font, printed at 100%."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "個人情報 Abc 123"
    ws["A1"].font = Font(name="BIZ UDゴシック", sz=MIN_POINTS)
    wb.save(path)


def test_every_xlsx_export_prints_without_overlaps_at_8_points_or_more(exports, tmp_path):
    out = tmp_path / "pdf"
    calibration(tmp_path / "calibration.xlsx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(tmp_path / "calibration.xlsx"),
                    *map(str, exports.values())], capture_output=True, check=True, timeout=300)
    eight = min(w.height for w in pdf_pages(out / "calibration.pdf")[0])  # the box of 8 pt text
    ratio = eight / MIN_POINTS
    problems = defaultdict(list)
    for name in exports:
        pages = pdf_pages(out / f"{name}.pdf")
        assert pages, name
        for number, words in enumerate(pages, start=1):
            assert words, f"{name}: page {number} is empty"
            smallest = min(words, key=lambda w: w.height)
            if smallest.height < eight - 0.05:
                problems[name].append(f"page {number}: 「{smallest.text}」 is {smallest.height / ratio:.1f} pt")
            for a, b in overlaps([shrunk(w, ratio) for w in words])[:3]:
                problems[name].append(f"page {number}: 「{a}」 overlaps 「{b}」")
        if len(pages) > 1:
            # The header row repeats: the first column's heading is on every page.
            # The register's second sheet (the council's annual summary) has its own header row.
            first = {"checklist": "No.", "ledger": "No.", "ledger-all": "契約", "audit-log": "連番",
                     "downloads": "日時（日本時間）", "register": ("年度", "項目")}[name]
            firsts = first if isinstance(first, tuple) else (first,)
            for number, words in enumerate(pages, start=1):
                if not any(heading in " ".join(w.text for w in words) for heading in firsts):
                    problems[name].append(f"page {number}: no header row ({first})")
    assert not problems, "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)
