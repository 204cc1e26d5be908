"""The records page: each person is offered the confirmations of their own side; a refused entry comes back with its
error at the field; a file sent with the record is kept with its SHA-256."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from checklist.models import Confirmation, MeasureChange

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(world, name="checklist:records", **kwargs):
    return reverse(name, kwargs={"slug": world.contract.slug, **kwargs})


def test_each_side_is_offered_its_own_confirmations(world, client_as):
    hr_page = client_as(world.hr).get(url(world)).content.decode()
    assert "「特記事項を契約に付した」を記録する" in hr_page
    assert "「業務フロー（資料2-1）を確認した」を記録する" not in hr_page
    manager_page = client_as(world.manager).get(url(world)).content.decode()
    assert "「業務フロー（資料2-1）を確認した」を記録する" in manager_page
    assert "「クラウドサービスの利用についての申告」を記録する" in manager_page
    assert "「特記事項を契約に付した」を記録する" not in manager_page
    handler_page = client_as(world.handler).get(url(world)).content.decode()
    assert "を記録する</button>" not in handler_page


def test_the_manager_declares_no_cloud_and_hr_records_the_terms_with_the_document(world, client_as):
    response = client_as(world.manager).post(url(world, "checklist:confirmation_record"), {
        "kind": "cloud", "side": "contractor", "confirmed_on": "2025-04-20", "cloud_used": "no"})
    assert response.status_code == 302
    document = SimpleUploadedFile("特記事項.pdf", PDF, content_type="application/pdf")
    response = client_as(world.hr).post(url(world, "checklist:confirmation_record"), {
        "kind": "special_terms", "side": "ward", "confirmed_on": "2025-04-01", "reference": "第1版",
        "file": document})
    assert response.status_code == 302
    row = Confirmation.objects.get(kind="special_terms")
    assert row.reference == "第1版" and row.confirmed_by == world.hr
    page = client_as(world.hr).get(url(world)).content.decode()
    assert "特記事項.pdf" in page and hashlib.sha256(PDF).hexdigest() in page
    assert "クラウドサービスは利用しない" in page


def test_a_refused_entry_shows_its_error_at_the_field(world, client_as):
    response = client_as(world.manager).post(url(world, "checklist:confirmation_record"), {
        "kind": "flow_acknowledged", "side": "contractor", "confirmed_on": "2025-04-20", "reference": "第1版"})
    assert response.status_code == 400
    assert "区がまだ業務フローを共有していません" in response.content.decode()
    assert not Confirmation.objects.exists()
    response = client_as(world.manager).post(url(world, "checklist:change_record"), {
        "changed_on": "2025-07-01", "what": "OSを更新", "consulted_on": "2025-07-02"})
    assert response.status_code == 400
    assert "協議日・協議の相手・協議の結果をすべて入力してください" in response.content.decode()
    assert not MeasureChange.objects.exists()


def test_a_change_is_recorded_then_its_consultation(world, client_as):
    client_as(world.manager).post(url(world, "checklist:change_record"),
                                  {"changed_on": "2025-07-01", "what": "ウイルス対策ソフトを変更した"})
    change = MeasureChange.objects.get()
    page = client_as(world.hr).get(url(world)).content.decode()
    assert "協議の記録なし" in page
    response = client_as(world.hr).post(url(world, "checklist:change_consult", pk=change.pk), {
        "consulted_on": "2025-07-02", "consulted_with": "委託先A 取扱責任者", "outcome": "新しいソフトで継続する"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.is_consulted and change.consulted_by == world.hr
