"""The password notice: what HR hands over on another occasion, readable aloud."""

import datetime as dt
import re
import subprocess

from engagement.notice import notice_pdf
from engagement.package import password_groups


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def test_notice_names_the_contract_year_medium_file_hash_date_and_the_password_in_groups(world, built):
    filename, content_type, content = notice_pdf(contract=world.contract, package=built, medium_label="CD-2025-001",
                                                 notice_label="PN-CD-2025-001", issued_on=dt.date(2025, 6, 10))

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
    assert "令和7年6月10日" in text
    assert "交付者" in text and "受領者" in text
    groups = password_groups(built.password)
    assert len(groups) == 5 and all(len(g) == 4 for g in groups)
    # The groups stand apart on one line, in order, for reading aloud.
    assert re.search(r"\s+".join(groups), text)


def test_notice_file_name_is_safe_for_any_label(world, built):
    filename, _type, _content = notice_pdf(contract=world.contract, package=built, medium_label="../CD 2025/1")

    assert filename == "password_notice_.._CD_2025_1.pdf"
