"""The main path through the pages: HR plans and records an inspection, the item examined and a finding; the
manager attaches a photo and responds; HR sends it back, the manager responds again, HR accepts. What each person
would check is on the page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import EvidenceFile
from supervision.models import Finding, Inspection
from tests.factories import login_verified

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.mark.django_db
def test_hr_plans_records_and_accepts_the_managers_response(world, client):
    slug = world.contract.slug
    login_verified(client, world.hr)
    response = client.post(f"/supervision/{slug}/inspections/plan/",
                           {"planned_on": "2025-11-12", "method": "on_site", "place": "本社 分析室"})
    inspection = Inspection.objects.get(contract=world.contract)
    assert response.status_code == 302 and response["Location"] == f"/supervision/{slug}/inspections/{inspection.pk}/"
    page = client.get(f"/supervision/{slug}/inspections/").content.decode()
    assert "立入り調査等 No.1" in page and "予定 令和7年11月12日" in page

    response = client.post(f"/supervision/{slug}/inspections/{inspection.pk}/record/", {
        "held_on": "2025-11-12", "method": "on_site", "place": "委託先A株式会社 本社 分析室",
        "inspectors": "佐藤 花子、高橋 健", "summary": "保管庫と執務室を確認した。"})
    assert response.status_code == 302
    response = client.post(f"/supervision/{slug}/inspections/{inspection.pk}/results/", {
        "result-item_key": "contractor.operational.07", "result-result": "improve", "result-note": "鍵の管理"})
    assert response.status_code == 302
    response = client.post(f"/supervision/{slug}/inspections/{inspection.pk}/findings/", {
        "finding-text": "保管庫の鍵が机の上にあった。", "finding-item_key": "contractor.operational.07",
        "finding-owner": world.manager.pk, "finding-due_on": "2025-12-12"})
    finding = Finding.objects.get(inspection=inspection)
    assert response["Location"] == f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/"
    page = client.get(f"/supervision/{slug}/inspections/{inspection.pk}/").content.decode()
    assert "実施済み" in page and "佐藤 花子、高橋 健" in page and "要改善" in page and "対応待ち" in page

    login_verified(client, world.manager)
    page = client.get(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/").content.decode()
    assert "写真・資料のファイル" in page and "回答する" in page
    content_type = ContentType.objects.get_for_model(Finding)
    response = client.post(f"/files/{content_type.pk}/{finding.pk}/upload/", {
        "file": SimpleUploadedFile("cabinet.png", PNG, content_type="image/png"), "slot": "response",
        "next": f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/"})
    assert response.status_code == 302
    assert EvidenceFile.objects.filter(object_id=finding.pk, content_type=content_type, slot="response").count() == 1
    response = client.post(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/respond/",
                           {"response-response": "鍵を金庫で保管することにした。"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.is_submitted

    login_verified(client, world.hr)
    response = client.post(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/decide/",
                           {"decision": "return", "decision-reason": "持出し簿も作ってください。"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.is_returned and finding.return_reason == "持出し簿も作ってください。"

    login_verified(client, world.manager)
    page = client.get(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/").content.decode()
    assert "差戻しの理由: 持出し簿も作ってください。" in page
    client.post(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/respond/",
                {"response-response": "金庫で保管し、持出し簿を作った。"})
    login_verified(client, world.hr)
    response = client.post(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/decide/", {"decision": "accept"})
    finding.refresh_from_db()
    assert finding.is_accepted and finding.submission_count == 2
    page = client.get(f"/supervision/{slug}/inspections/{inspection.pk}/findings/1/").content.decode()
    assert "回答を区が受理しました" in page and "cabinet.png" in page


@pytest.mark.django_db
def test_sending_back_without_a_reason_is_refused_at_the_field(world, client):
    from tests.supervision.helpers import finding, respond

    found = respond(world, finding(world))
    login_verified(client, world.hr)
    response = client.post(f"/supervision/{world.contract.slug}/inspections/{found.inspection_id}/findings/1/decide/", {"decision": "return"})
    assert response.status_code == 400
    assert "差し戻す理由を入力してください。" in response.content.decode()
    found.refresh_from_db()
    assert found.is_submitted


@pytest.mark.django_db
def test_hr_sends_back_with_a_new_due_date_and_a_past_one_is_refused_at_the_field(world, client):
    import datetime as dt

    from django.utils import timezone

    from tests.supervision.helpers import finding, respond

    found = respond(world, finding(world))
    login_verified(client, world.hr)
    url = f"/supervision/{world.contract.slug}/inspections/{found.inspection_id}/findings/1/decide/"
    page = client.get(url.removesuffix("decide/")).content.decode()
    assert "新しい対応の期限" in page
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(url, {"decision": "return", "decision-reason": "持出し簿も作ってください。",
                                 "decision-due_on": yesterday.isoformat()})
    assert response.status_code == 400
    assert "新しい対応の期限は、今日以降の日にしてください。" in response.content.decode()
    new_due = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(url, {"decision": "return", "decision-reason": "持出し簿も作ってください。",
                                 "decision-due_on": new_due.isoformat()})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.is_returned and found.due_on == new_due and found.reminded_after_at is None


@pytest.mark.django_db
def test_hr_moves_a_planned_inspection_to_another_day(world, client):
    from tests.supervision.helpers import plan

    inspection = plan(world)
    login_verified(client, world.hr)
    url = f"/supervision/{world.contract.slug}/inspections/{inspection.pk}/"
    assert "実施予定日を変更する" in client.get(url).content.decode()
    response = client.post(url + "replan/", {"replan-planned_on": "2025-11-12"})
    assert response.status_code == 400
    assert "今の実施予定日と同じ日です。" in response.content.decode()
    response = client.post(url + "replan/", {"replan-planned_on": "2025-11-20"}, follow=True)
    assert "立入り調査等 No.1の実施予定日を令和7年11月20日に変更しました。" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.planned_on.isoformat() == "2025-11-20"
    login_verified(client, world.handler)
    assert "実施予定日を変更する" not in client.get(url).content.decode()
