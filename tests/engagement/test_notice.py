"""The password notice: what HR hands over on another occasion, readable aloud."""

import dataclasses
import datetime as dt
import re
import subprocess

from django.utils import timezone

from core.dates import wareki
from engagement.notice import notice_pdf
from engagement.package import password_groups
from handover.models import Handover
from handover.rules import SEPARATION_RULE
from handover.services import handover_record
from tests.engagement import web


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def test_notice_names_the_contract_year_medium_file_hash_date_and_the_password_in_groups(world, built):
    filename, content_type, content = notice_pdf(contract=world.contract, package=built, medium_label="CD-2025-001",
                                                 notice_label="PN-CD-2025-001", created_on=dt.date(2025, 6, 10))

    assert filename == "password_notice_CD-2025-001.pdf"
    assert content_type == "application/pdf"
    text = pdf_text(content)
    flat = re.sub(r"\s+", "", text)
    assert "パスワード通知書" in text
    assert "契約A（令和7年度）" in flat
    assert "委託先A株式会社" in text
    assert "CD-2025-001" in text and "PN-CD-2025-001" in text
    assert built.filename in flat
    assert built.sha256 in flat
    assert re.search(r"作成日:\s*令和7年6月10日", text)
    assert "交付者" in text and "受領者" in text
    groups = password_groups(built.password)
    assert len(groups) == 5 and all(len(g) == 4 for g in groups)
    # The groups stand apart on one line, in order, for reading aloud.
    assert re.search(r"\s+".join(groups), text)


def test_notice_file_name_is_safe_for_any_label(world, built):
    filename, _type, _content = notice_pdf(contract=world.contract, package=built, medium_label="../CD 2025/1")

    assert filename == "password_notice_.._CD_2025_1.pdf"


@dataclasses.dataclass(frozen=True)
class FakePackage:
    """What the notice reads of a package."""

    password: str = "K7Q2M9XR4T8W3ZPBHJ5N"
    sha256: str = "a3f1" * 16
    filename: str = "contract-a-2025.xlsx"
    rows: int = 24


PACKAGE = FakePackage()


def test_notice_is_returned_separately_from_its_medium_as_the_separation_rule_says(world):
    _name, _type, content = notice_pdf(contract=world.contract, package=PACKAGE, medium_label="CD-2025-001")

    flat = re.sub(r"\s+", "", pdf_text(content))
    assert "記録媒体とともに" not in flat
    assert "この通知書は記録媒体とは別の機会に、鍵付きカバン等を使用して手渡しで区へ返却してください。" in flat
    assert SEPARATION_RULE in flat


def test_notice_prints_its_creation_date_and_leaves_the_handover_date_to_be_written_by_hand(world):
    _name, _type, content = notice_pdf(contract=world.contract, package=PACKAGE, medium_label="CD-2025-001",
                                       created_on=dt.date(2025, 6, 10))

    text = pdf_text(content)
    assert re.search(r"作成日:\s*令和7年6月10日", text)
    # Not the print date: the day it is handed over is not known yet.
    assert re.search(r"交付日\s+令和\s+年\s+月\s+日（交付する日に手書きで記入）", text)
    assert text.count("令和7年6月10日") == 1


def test_notice_prints_the_ledgers_handover_date_once_there_is_one(world):
    _name, _type, content = notice_pdf(contract=world.contract, package=PACKAGE, medium_label="CD-2025-001",
                                       created_on=dt.date(2025, 6, 10), handed_over_on=dt.date(2025, 6, 12))

    text = pdf_text(content)
    assert re.search(r"交付日\s+令和7年6月12日", text)
    assert "手書き" not in text


def test_notice_counts_with_a_thousands_separator(world):
    _name, _type, content = notice_pdf(contract=world.contract, package=dataclasses.replace(PACKAGE, rows=3000),
                                       medium_label="CD-2025-001")

    text = pdf_text(content)
    assert re.search(r"件数\s+3,000件", text)
    assert "3000" not in text


def test_the_printed_notice_takes_its_handover_date_from_the_ledger(client_as, world, monkeypatch):
    made = web.built(world)
    handover_record(contract=world.contract, actor=world.hr, direction=Handover.Direction.DELIVERY,
                    recipient=world.handler, items=[made.package.notice])
    handed_on = timezone.localdate()
    # Printed the next day: the handover date is the ledger's, not the day it is printed.
    localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda value=None: handed_on + dt.timedelta(days=1) if value is None else localdate(value))

    printed = client_as(world.hr).post(web.url("notice_print", world.contract, pk=made.package.pk),
                                       {"password": made.password})

    assert printed.status_code == 200
    text = pdf_text(printed.content)
    assert re.search(r"交付日\s+" + wareki(handed_on), text)
    assert re.search(r"作成日:\s*" + wareki(handed_on + dt.timedelta(days=1)), text)
    assert "手書き" not in text
