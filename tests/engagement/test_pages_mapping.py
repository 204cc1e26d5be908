"""Mapping the columns and the validation report: the roles guessed, HR confirms, the mapping is saved with
the contract (and carried to next year's copy); a file the report refuses stays kept for HR to change the
mapping (the report says which setting) or to replace it."""

import os

import pytest

from contracts.services import contract_copy_to_next_year
from engagement import services
from engagement.forms import MappingForm
from engagement.mapping import Mapping, Role
from engagement.models import SurveyMapping, SurveyUpload
from engagement.synthetic import csv_bytes
from tests.engagement import web

pytestmark = pytest.mark.django_db


def _upload(client, world, **files):
    response = client.post(web.url("upload", world.contract), web.files(**files))
    assert response.status_code == 302, response.content.decode()[:2000]
    return SurveyUpload.objects.filter(purged_at__isnull=True).latest("pk")


def test_the_roles_are_guessed_from_the_headers_for_hr_to_confirm(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    mapping = services.upload_mapping(upload)
    assert mapping.get("職員番号", "survey").role == Role.KEY
    assert mapping.get("氏名", "survey").role == Role.DROP
    assert mapping.get("メールアドレス", "survey").role == Role.DROP
    assert mapping.get("回答ID", "survey").role == Role.IGNORE
    assert mapping.get("年齢", "master").role == Role.ATTRIBUTE
    assert mapping.get("Q1 仕事にやりがいを感じる", "survey").allowed_label == "1〜5"
    assert mapping.get("自由記述", "survey").allowed_label == "自由記述"
    page = client.get(web.url("mapping", world.contract, pk=upload.pk)).content.decode()
    assert 'value="1〜5"' in page and "この対応づけで検証する" in page


def test_confirming_saves_the_mapping_with_the_contract_and_leads_to_the_risk_report(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    response = client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    assert response.status_code == 302
    assert response["Location"] == web.url("risk", world.contract, pk=upload.pk)
    upload.refresh_from_db()
    assert upload.state == SurveyUpload.State.READY
    assert upload.validation["ok"] is True and upload.validation["rows"] == 40
    saved = Mapping.from_json(SurveyMapping.objects.get(contract=world.contract).mapping)
    assert saved.get("氏名", "survey").role == Role.DROP


def test_a_duplicate_staff_number_is_reported_with_both_rows_and_a_corrected_file_replaces_it(
        client_as, world, settings, django_capture_on_commit_callbacks):
    client = client_as(world.hr)
    upload = _upload(client, world, survey=web.survey_bytes(duplicate=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    assert response.status_code == 400
    page = response.content.decode()
    # Staff number 20003 is on Excel row 4 (the header is row 1) and again on row 7.
    assert "7行目: 職員番号「20003」は4行目と重複しています。" in page
    assert "このままではパッケージを作成できません" in page
    upload.refresh_from_db()
    assert upload.state == SurveyUpload.State.MAPPING and upload.is_live
    # The corrected file is uploaded from the same page, replaces the kept one, and the saved mapping applies.
    assert web.url("upload", world.contract) in page
    with django_capture_on_commit_callbacks(execute=True):
        corrected = _upload(client, world)
    upload.refresh_from_db()
    assert upload.purged_at is not None and len(os.listdir(settings.SURVEY_DATA_DIR)) == 2
    response = client.post(web.url("mapping", world.contract, pk=corrected.pk), web.mapping_post(corrected))
    assert response["Location"] == web.url("risk", world.contract, pk=corrected.pk)


def test_a_blank_answer_in_a_column_marked_required_names_the_setting_and_the_way_back_keeps_the_upload(
        client_as, world):
    client = client_as(world.hr)
    rows = web.survey_rows()
    rows[9][5] = ""  # Q1, Excel row 11: one respondent skipped it
    upload = _upload(client, world, survey=csv_bytes(web.SURVEY_HEADERS, rows))
    question = "Q1 仕事にやりがいを感じる"
    index = [spec.header for spec in MappingForm(mapping=services.upload_mapping(upload)).specs].index(question)
    data = web.mapping_post(upload)
    # One blank in forty: not guessed 必須; HR ticks it anyway.
    assert f"required_{index}" not in data
    data[f"required_{index}"] = "on"

    refused = client.post(web.url("mapping", world.contract, pk=upload.pk), data)

    assert refused.status_code == 400
    page = refused.content.decode()
    assert f"11行目: 必須の「{question}」が空欄です。" in page
    assert (f"「{question}」は必須にしていますが、1行が空欄です。空欄を認める質問なら、列の対応づけで「{question}」の"
            "「必須」のチェックを外して、もう一度検証してください。") in page
    back = web.url("mapping", world.contract, pk=upload.pk)
    assert f'href="{back}"' in page

    mapping_page = client.get(back)
    assert mapping_page.status_code == 200
    # The mapping HR tried, with the report beside it.
    assert mapping_page.context["form"][f"required_{index}"].value() is True
    assert "必須」のチェックを外して" in mapping_page.content.decode()
    data.pop(f"required_{index}")
    response = client.post(back, data)
    assert response.status_code == 302 and response["Location"] == web.url("risk", world.contract, pk=upload.pk)


def test_the_next_upload_starts_from_the_mapping_hr_saved(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    # HR makes the answer ID a column that never leaves the ward instead of one the package ignores.
    client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload, **{"回答ID": "drop"}))
    again = _upload(client, world)
    assert services.upload_mapping(again).get("回答ID", "survey").role == Role.DROP


def test_the_mapping_is_carried_to_next_years_copy(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload, **{"回答ID": "drop"}))
    copy = contract_copy_to_next_year(contract=world.contract, actor=world.hr)
    carried = Mapping.from_json(SurveyMapping.objects.get(contract=copy).mapping)
    assert carried.get("回答ID", "survey").role == Role.DROP


def test_two_staff_number_columns_are_refused_at_the_form(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    response = client.post(web.url("mapping", world.contract, pk=upload.pk),
                           web.mapping_post(upload, **{"回答ID": "key"}))
    assert response.status_code == 400
    assert "「職員番号」にした列が2列あります" in response.content.decode()
    upload.refresh_from_db()
    assert upload.state == SurveyUpload.State.MAPPING


def test_an_answer_scale_that_is_not_one_is_refused_at_its_field(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    data = web.mapping_post(upload)
    index = [spec.header for spec in services.upload_mapping(upload).columns].index("Q1 仕事にやりがいを感じる")
    data[f"allowed_{index}"] = "5〜1"
    response = client.post(web.url("mapping", world.contract, pk=upload.pk), data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"allowed_{index}"] == ["値の範囲「5〜1」が正しくありません（例: 1〜5）。"]


def test_a_narrower_scale_reports_the_answers_outside_it(client_as, world):
    client = client_as(world.hr)
    upload = _upload(client, world)
    data = web.mapping_post(upload)
    index = [spec.header for spec in services.upload_mapping(upload).columns].index("Q1 仕事にやりがいを感じる")
    data[f"allowed_{index}"] = "1-4"
    response = client.post(web.url("mapping", world.contract, pk=upload.pk), data)
    assert response.status_code == 400
    # Row 6 of the file (the 5th answer) chose 5.
    assert "6行目: 「Q1 仕事にやりがいを感じる」の回答「5」は選択肢（1〜4）にありません。" in response.content.decode()
