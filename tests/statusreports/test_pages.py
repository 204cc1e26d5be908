"""The pages: the manager submits a report with a file from its page, HR accepts it there; the structure report
is written, submitted and accepted from its pages; the list shows each report's state."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.selectors import files_for
from attachments.services import attach
from statusreports import evidence, selectors, services
from statusreports.models import StatusReport, StructureReport

from .helpers import first_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_manager_submits_with_a_file_and_hr_accepts(world, client_as):
    report = first_report(world)
    url = f"/status-reports/{world.contract.slug}/{report.pk}/"
    client = client_as(world.manager)
    page = client.get(url).content.decode()
    assert "報告を提出する" in page and "受理する" not in page
    response = client.post(url + "submit/", {"text": "5月は準備のみ。", "file": SimpleUploadedFile(
        "5月分.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.text == "5月は準備のみ。"
    [file] = files_for(report)
    assert file.name == "5月分.pdf"
    client = client_as(world.hr)
    page = client.get(url).content.decode()
    assert "5月分.pdf" in page and file.sha256 in page and "受理する" in page
    assert client.post(url + "decide/", {"decision": "accept"}).status_code == 302
    assert StatusReport.objects.get(pk=report.pk).is_accepted
    listing = client.get(f"/status-reports/{world.contract.slug}/").content.decode()
    assert "令和7年5月分" in listing and "受理" in listing


def test_a_file_that_is_not_accepted_is_refused_at_the_field_and_nothing_is_submitted(world, client_as):
    report = first_report(world)
    response = client_as(world.manager).post(
        f"/status-reports/{world.contract.slug}/{report.pk}/submit/",
        {"text": "報告", "file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10, content_type="application/x-msdownload")})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "draft" and not files_for(report).exists()


def test_send_back_needs_a_reason_on_the_page(world, client_as):
    report = services.report_submit(report=first_report(world), actor=world.manager, text="報告")
    response = client_as(world.hr).post(f"/status-reports/{world.contract.slug}/{report.pk}/decide/",
                                        {"decision": "return", "decision-reason": ""})
    assert response.status_code == 400 and "差し戻す理由を入力してください" in response.content.decode()


def test_the_structure_report_from_its_pages(world, client_as):
    base = f"/status-reports/{world.contract.slug}/structure/"
    client = client_as(world.manager)
    assert "まだ受理されていません" in client.get(base).content.decode()
    response = client.post(base + "new/", {"effective_on": "2025-05-09", "changes": "契約締結時の体制"})
    assert response.status_code == 302
    report = StructureReport.objects.get()
    page = client.get(f"{base}{report.pk}/").content.decode()
    assert "田中 誠" in page and "山田 美咲" in page
    assert client.post(f"{base}{report.pk}/submit/", {"effective_on": "2025-05-09",
                                                     "changes": "契約締結時の体制"}).status_code == 302
    assert client_as(world.hr).post(f"{base}{report.pk}/decide/", {"decision": "accept"}).status_code == 302
    assert StructureReport.objects.get().is_accepted
    assert "まだ受理されていません" not in client_as(world.manager).get(base).content.decode()


def test_the_files_of_submitted_reports_are_item_02s_and_the_structure_reports_item_04s(world):
    services.report_submit(report=first_report(world), actor=world.manager, text="報告",
                           upload=SimpleUploadedFile("5月分.pdf", PDF, content_type="application/pdf"))
    [ref] = selectors.report_file_refs(world.contract)
    assert ref.name == "5月分.pdf" and len(ref.sha256) == 64
    report = services.structure_create(contract=world.contract, actor=world.manager,
                                       effective_on=world.contract.start_date, changes="契約締結時の体制")
    attach(target=report, upload=SimpleUploadedFile("体制図.pdf", PDF), actor=world.manager)
    report = services.structure_submit(report=report, actor=world.manager, effective_on=report.effective_on,
                                       changes=report.changes)
    services.structure_accept(report=report, actor=world.hr)
    found = evidence.structure_evidence(world.contract)
    assert found.met is True and [f.name for f in found.files] == ["体制図.pdf"]
