"""The deletion report as an A4 PDF (令和 dates, seal boxes 実施者・確認者・取扱責任者 and 区受領) for both sides and
the auditors, and ``export_deletion_report``. Opened with pdftotext: every line and both parties are there."""

import io
import re
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from audit.formatting import personal_data_downloads
from audit.models import AuditEntry
from core.dates import wareki
from tests.year_end import delivered, filled_report, register_copy
from yearend import deletion

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    # Reading order (not -layout): a cell wrapped over several lines stays in one piece.
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return re.sub(r"\s+", "", done.stdout.decode())


@pytest.fixture
def accepted(world, clock, cd_r):
    disc, _notice = delivered(world, clock, cd_r)
    clock.advance(days=1)
    register_copy(world, disc)
    register_copy(world, disc, by=world.manager, place="backup", location="BK-2025-01")
    clock.advance(days=200)
    report = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    return deletion.deletion_report_accept(report=report, actor=world.hr)


def test_the_pdf_holds_every_line_and_both_parties(world, accepted):
    accepted.contract = world.contract
    _name, content_type, content = deletion.deletion_report_pdf(accepted)
    assert content_type == "application/pdf"
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert sorted(round(float(v)) for v in (page.mediabox.width, page.mediabox.height)) == [595, 842]  # A4
    text = _text(content)
    for party in ("新宿区総務部人材育成等担当課", "委託先A株式会社", "田中誠"):
        assert party in text, party
    lines = list(deletion.lines_of(accepted))
    assert len(lines) == 4
    for line in lines:
        for value in (deletion.line_label(line), line.get_method_type_display(), line.verification):
            assert re.sub(r"\s+", "", value) in text, value
    assert "CD-RCD-2025-001" in text and "複製No.1（分析用PCANL-PC-01）" in text and "複製No.2" in text
    assert "破壊（Destroy）" in text and "完全消去（Purge）" in text and "証明書R8-0203-01" in text
    assert wareki(lines[0].performed_on).replace(" ", "") in text and "令和7年5月1日から令和8年3月31日まで" in text
    for seal in ("実施者", "確認者", "取扱責任者", "区受領"):
        assert seal in text
    assert "受理（佐藤花子）" in text


def test_both_sides_and_the_auditor_download_it_and_each_download_is_recorded(world, accepted, client_as):
    url = reverse("yearend:deletion_pdf", args=[world.contract.slug, accepted.pk])
    for person in (world.hr, world.manager, world.auditor):
        response = client_as(person).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert 'filename="contract-a-fy2025-deletion-report-1.pdf"' in response["Content-Disposition"]
    assert client_as(world.handler).get(url).status_code == 403
    exported = AuditEntry.objects.filter(action="handover.deletion.exported")
    assert sorted(exported.values_list("actor__username", flat=True)) == ["auditor", "hr", "manager_a"]
    # It names the people who erased and verified: it is listed with the personal-data downloads.
    assert "handover.deletion.exported" in personal_data_downloads()


def test_export_deletion_report_writes_the_accepted_report_or_else_the_latest(world, clock, cd_r, tmp_path):
    disc, _notice = delivered(world, clock, cd_r)
    out = tmp_path / "deletion.pdf"
    with pytest.raises(CommandError, match="no deletion report"):
        call_command("export_deletion_report", contract=world.contract.slug, out=str(out), stdout=io.StringIO())
    clock.advance(days=200)
    report = filled_report(world)
    call_command("export_deletion_report", contract=world.contract.slug, out=str(out), stdout=io.StringIO())
    assert "未受理（作成中）" in _text(out.read_bytes())
    deletion.deletion_report_accept(report=deletion.deletion_report_submit(report=report, actor=world.manager),
                                    actor=world.hr)
    call_command("export_deletion_report", contract=world.contract.slug, out=str(out), stdout=io.StringIO())
    text = _text(out.read_bytes())
    assert "受理（佐藤花子）" in text and "CD-RCD-2025-001" in text
    entry = AuditEntry.objects.filter(action="handover.deletion.exported").latest("seq")
    assert entry.actor_label == "manage.py export_deletion_report" and entry.payload["out"] == str(out)
    with pytest.raises(CommandError, match="No contract"):
        call_command("export_deletion_report", contract="nope", out=str(out), stdout=io.StringIO())


def _english_alone(text: str) -> list[str]:
    """Clear, Purge or Destroy written without its Japanese name before it, as 「消去（Clear）」."""
    return re.findall(r"Clear|Purge|Destroy", re.sub(r"完全消去（Purge）|消去（Clear）|破壊（Destroy）", "", text))


def test_the_method_types_are_named_in_japanese_with_the_nist_word_in_brackets(world, accepted):
    accepted.contract = world.contract
    _name, _type, content = deletion.deletion_report_pdf(accepted)
    text = _text(content)
    assert "消去（Clear）、完全消去（Purge）、破壊（Destroy）" in text
    assert _english_alone(text) == []
