"""The report (報告書, 資料2-1 ⑤) and the measures (⑥); steps ④–⑥ follow these records.

Seed, 資料2-1: 「④調査結果をもとに報告書（個人情報なし）作成」「⑤報告書（個人情報なし）およびデータ返却（CD-R等）」
「⑥対応策・改善策検討」.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from audit.models import AuditEntry
from contracts import services
from contracts.models import Contract
from core.errors import DomainError
from tests.handover.conftest import cd_r, clock  # noqa: F401 (fixtures)
from tests.year_end import acknowledge, delivered, filled_report, give_back, tokyo
from yearend import deletion, permissions
from yearend import report as reports
from yearend.models import ContractReport

pytestmark = pytest.mark.django_db


def _pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _submit(world, **overrides):
    values = {"title": "令和7年度 職員エンゲージメント調査 分析報告書", "submitted_at": timezone.now(), "pages": 3,
              "no_personal_data": True}
    values.update(overrides)
    return reports.report_submit(contract=world.contract, actor=world.manager, **values)


def _step(world, n):
    return world.contract.steps.get(step=n)


def test_the_manager_records_the_report_and_confirms_it_holds_no_personal_information(world):
    with pytest.raises(DomainError) as refused:
        _submit(world, no_personal_data=False)
    assert refused.value.field == "no_personal_data" and not ContractReport.objects.exists()
    submitted = _submit(world)
    assert submitted.is_submitted and submitted.recorded_by == world.manager
    entry = AuditEntry.objects.get(action="contract.report.submitted")
    assert entry.payload["pages"] == 3 and entry.payload["no_personal_data"] is True
    # ④ 調査結果をもとに報告書（個人情報なし）作成: done when the report came in.
    assert _step(world, 4).completed_at == submitted.submitted_at


def test_only_the_manager_records_it_and_only_hr_decides(world):
    for person in (world.hr, world.handler, world.auditor):
        assert permissions.may_submit_report(person, world.contract).forbidden
        with pytest.raises(DomainError):
            reports.report_submit(contract=world.contract, actor=person, title="x", submitted_at=timezone.now(),
                                  pages=1, no_personal_data=True)
    submitted = _submit(world)
    for person in (world.manager, world.handler, world.auditor):
        assert permissions.may_decide_report(person, submitted).forbidden
    with pytest.raises(DomainError, match="区が確認中"):
        _submit(world)


def test_a_pdf_must_be_a_readable_pdf_of_the_stated_pages_within_the_size_limit(world, settings):
    with pytest.raises(DomainError) as not_pdf:
        _submit(world, upload=SimpleUploadedFile("report.pdf", b"PK\x03\x04 a zip, not a pdf"))
    assert not_pdf.value.code == "not_pdf" and not_pdf.value.field == "file"
    with pytest.raises(DomainError) as broken:
        _submit(world, upload=SimpleUploadedFile("report.pdf", b"%PDF-1.7\n garbage"))
    assert broken.value.code == "bad_pdf"
    with pytest.raises(DomainError, match="2ページ") as pages:
        _submit(world, pages=3, upload=SimpleUploadedFile("report.pdf", _pdf(2)))
    assert pages.value.field == "pages"
    settings.UPLOAD_MAX_FILE_SIZE = 100
    with pytest.raises(DomainError) as large:
        _submit(world, pages=2, upload=SimpleUploadedFile("report.pdf", _pdf(2)))
    assert large.value.code == "too_large"
    assert not ContractReport.objects.exists() and not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    settings.UPLOAD_MAX_FILE_SIZE = 20 * 1024 * 1024
    content = _pdf(2)
    stored = _submit(world, pages=2, upload=SimpleUploadedFile("分析報告書.pdf", content))
    assert stored.file_name == "分析報告書.pdf" and stored.file_size == len(content)
    # Kept under MEDIA_ROOT with a random name; the report holds no personal information.
    path = Path(stored.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and path.read_bytes() == content
    assert "分析報告書" not in stored.file.name


def test_the_pdf_is_read_only_through_the_app_and_each_download_is_recorded(world, client_as):
    stored = _submit(world, pages=1, upload=SimpleUploadedFile("report.pdf", _pdf(1)))
    url = reverse("yearend:report_file", args=[world.contract.slug, stored.pk])
    for person in (world.hr, world.manager, world.handler, world.auditor):
        response = client_as(person).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client_as(world.other_manager).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="contract.report.downloaded").count() == 4


def test_hr_accepts_only_after_checking_and_sends_back_with_a_reason(world):
    submitted = _submit(world)
    with pytest.raises(DomainError) as unchecked:
        reports.report_accept(report=submitted, actor=world.hr, checked=False)
    assert unchecked.value.field == "checked"
    with pytest.raises(DomainError) as no_reason:
        reports.report_return(report=submitted, actor=world.hr, reason=" ")
    assert no_reason.value.field == "reason"
    reports.report_return(report=submitted, actor=world.hr, reason="所属別の表に回答者2人の課があります")
    submitted.refresh_from_db()
    assert submitted.is_returned and submitted.return_reason == "所属別の表に回答者2人の課があります"
    # ④ goes back to 未了, with why, in its history.
    step = _step(world, 4)
    assert not step.is_done
    assert step.events.order_by("-pk").first().text.startswith("報告書が差し戻された")
    again = _submit(world, title="分析報告書（修正版）")
    reports.report_accept(report=again, actor=world.hr, checked=True)
    again.refresh_from_db()
    assert again.is_accepted and _step(world, 4).is_done
    assert AuditEntry.objects.get(action="contract.report.accepted").payload["checked_no_personal_data"] is True


def test_step_5_follows_the_accepted_report_and_the_data_coming_back(world, clock, cd_r):  # noqa: F811
    disc, notice = delivered(world, clock, cd_r)
    clock.set(tokyo(2026, 1, 30, 10, 0))
    reports.report_accept(report=_submit(world), actor=world.hr, checked=True)
    assert not _step(world, 5).is_done  # the disc and the notice are still at the contractor
    clock.set(tokyo(2026, 2, 5, 14, 0))
    acknowledge(give_back(world, [notice], actor=world.manager), world.hr)
    assert not _step(world, 5).is_done
    clock.set(tokyo(2026, 2, 24, 17, 0))
    report = deletion.deletion_report_submit(report=filled_report(world), actor=world.manager)
    clock.set(tokyo(2026, 3, 3, 10, 0))
    deletion.deletion_report_accept(report=report, actor=world.hr)
    step = _step(world, 5)
    assert step.is_done and step.completed_at == tokyo(2026, 3, 3, 10, 0)
    assert AuditEntry.objects.get(action="handover.deletion.accepted").payload["steps"] == [5]


def test_measures_are_dated_notes_recorded_by_hr_after_the_report(world):
    with pytest.raises(DomainError, match="報告書を受理した後"):
        reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(), text="研修")
    reports.report_accept(report=_submit(world), actor=world.hr, checked=True)
    assert permissions.may_record_measure(world.manager, world.contract).forbidden
    with pytest.raises(DomainError) as empty:
        reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(), text=" ")
    assert empty.value.field == "text"
    with pytest.raises(DomainError) as future:
        reports.measure_record(contract=world.contract, actor=world.hr,
                               decided_on=timezone.localdate() + dt.timedelta(days=1), text="研修")
    assert future.value.field == "decided_on"
    first = reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(),
                                   text="管理職向けの1on1研修を実施する")
    reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(),
                           text="調査票に設問を加える")
    assert [m.text for m in reports.measures_of(world.contract)] == ["管理職向けの1on1研修を実施する", "調査票に設問を加える"]
    # ⑥ 対応策・改善策検討: done with the first measure.
    assert _step(world, 6).completed_at == first.recorded_at


def test_steps_4_to_6_are_never_ticked_by_hand(world, client_as):
    for step in (4, 5, 6):
        with pytest.raises(DomainError, match="記録に従って"):
            services.contract_step_complete(contract=world.contract, step=step, actor=world.hr)
    client = client_as(world.hr)
    response = client.post(reverse("contracts:step_complete", args=[world.contract.slug, 4]),
                           {"completed_at": "2026-01-30T10:00"})
    assert response.status_code == 302 and response["Location"] == reverse("yearend:report",
                                                                           args=[world.contract.slug])
    assert not _step(world, 4).is_done
    page = client.get(reverse("contracts:detail", args=[world.contract.slug])).content.decode()
    assert reverse("contracts:step_complete", args=[world.contract.slug, 4]) not in page
    assert reverse("contracts:step_complete", args=[world.contract.slug, 3]) in page


def test_the_report_page_offers_each_person_what_they_may_do(world, client_as):
    url = reverse("yearend:report", args=[world.contract.slug])
    assert "提出を記録する" in client_as(world.manager).get(url).content.decode()
    assert "提出を記録する" not in client_as(world.hr).get(url).content.decode()
    _submit(world)
    hr_page = client_as(world.hr).get(url).content.decode()
    assert "受理する" in hr_page and "差し戻す" in hr_page
    assert "受理する" not in client_as(world.auditor).get(url).content.decode()
    response = client_as(world.hr).post(reverse("yearend:report_decide", args=[
        world.contract.slug, ContractReport.objects.get().pk]), {"decision": "accept"})
    assert response.status_code == 400 and "確認の欄に印を付けてください" in response.content.decode()
    assert Contract.objects.get(pk=world.contract.pk).reports.get().is_submitted


def test_the_dashboards_say_whose_turn_it_is(world, client_as):
    submitted = _submit(world)
    assert "報告書の確認をしてください: 「令和7年度 職員エンゲージメント調査 分析報告書」" in client_as(world.hr).get(
        "/").content.decode()
    reports.report_return(report=submitted, actor=world.hr, reason="表の修正をお願いします")
    assert "報告書が差し戻されました: 表の修正をお願いします" in client_as(world.manager).get("/").content.decode()
    assert "報告書の確認をしてください" not in client_as(world.hr).get("/").content.decode()


def test_the_report_titles_example_names_the_contracts_own_fiscal_year(world, client_as):
    """Issue 14, E.18: FY2026's form still gave 「例: 令和7年度 …」 as the title's example."""
    import re

    Contract.objects.filter(pk=world.contract.pk).update(fiscal_year=2026)
    page = client_as(world.manager).get(reverse("yearend:report", args=[world.contract.slug])).content.decode()
    example = re.search(r'<p class="help" id="id_title_helptext">([^<]*)</p>', page).group(1)
    assert example == "例: 令和8年度 職員エンゲージメント調査 分析報告書"
