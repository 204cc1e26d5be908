"""A survey file's headers. A first row of values (the export without its header row) is refused at the field,
without echoing them; the headers of a file that passed are kept sealed with the upload, never in a plain row,
and go when the upload is purged; the mapping kept with the contract, and carried to next year's, holds only
headers that passed."""

import datetime as dt
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import AuditEntry
from contracts.services import contract_copy_to_next_year
from engagement import crypto, services
from engagement.mapping import guess_mapping
from engagement.models import SurveyMapping, SurveyUpload
from engagement.services._common import sealed
from engagement.synthetic import csv_bytes
from tests.engagement import web

pytestmark = pytest.mark.django_db

QUESTIONS = ["Q1 仕事にやりがいを感じる", "Q2 上司から支援を受けている", "Q3 職場で意見を言いやすい", "自由記述"]
NO_HEADER_ROW = "1行目は列の名前（見出し）にしてください"


def _headerless(rows) -> bytes:
    return csv_bytes(rows[0], rows[1:])


def _state(settings):
    return (list(SurveyUpload.objects.values_list("pk", flat=True)),
            sorted(os.listdir(settings.SURVEY_DATA_DIR)) if os.path.isdir(settings.SURVEY_DATA_DIR) else [],
            AuditEntry.objects.count())


def _plain(upload) -> str:
    """Every column of the upload's row as the database gives it back, as text."""
    values = SurveyUpload.objects.filter(pk=upload.pk).values().get()
    return json.dumps(values, ensure_ascii=False, default=repr)


@pytest.mark.parametrize("field", ["survey", "master"])
def test_a_file_without_its_header_row_is_refused_at_its_field_and_nothing_is_kept(client_as, world, settings,
                                                                                     field):
    client = client_as(world.hr)
    before = _state(settings)
    rows = web.survey_rows() if field == "survey" else web.master_rows()
    data = web.files()
    data[field] = SimpleUploadedFile("回答.csv", _headerless(rows))

    response = client.post(web.url("upload", world.contract), data)

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(NO_HEADER_ROW in e for e in errors), errors
    # The respondent's values are not echoed back (a value as short as "1" is in 「1行目」).
    for value in rows[0]:
        assert len(value) < 3 or all(value not in e for e in errors), value
    assert _state(settings) == before


def test_the_upload_row_holds_no_header_in_plain(world):
    upload = web.uploaded(world)
    for header in QUESTIONS:
        assert header not in _plain(upload)
    # The headers are there, sealed with the upload.
    assert [s.header for s in services.upload_mapping(upload).columns][5:9] == QUESTIONS

    ready = web.ready(world)
    for header in QUESTIONS:
        assert header not in _plain(ready)


def test_the_sealed_mapping_does_not_open_for_another_upload(world):
    upload = web.uploaded(world)
    other = SurveyUpload.objects.get(pk=upload.pk)
    other.survey_blob = crypto.new_name()
    with pytest.raises(crypto.StoredDataError):
        services.upload_mapping(other)


def _discard(world, upload):
    services.survey_upload_discard(upload=upload, actor=world.hr)


def _expire(world, upload):
    SurveyUpload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    services.survey_data_purge()


def _close(world, upload):
    services.contract_survey_data_purge(contract=world.contract)


@pytest.mark.parametrize("purge", [_discard, _expire, _close])
def test_purging_an_upload_clears_its_headers_and_the_settings_that_name_columns(world, purge):
    upload = web.with_age_bands(world, web.ready(world))
    upload.refresh_from_db()
    assert upload.mapping_sealed and upload.quasi and upload.plan

    purge(world, upload)

    upload.refresh_from_db()
    assert upload.purged_at is not None
    assert bytes(upload.mapping_sealed) == b""
    assert (upload.quasi, upload.plan, upload.department_map, upload.unmasked) == (None, [], {}, [])
    for header in QUESTIONS + ["年齢", "所属"]:
        assert header not in _plain(upload)
    with pytest.raises(crypto.StoredDataError):
        services.upload_mapping(upload)


def test_the_mapping_carried_to_next_year_holds_only_headers_that_passed(world):
    # A mapping saved before the check: the survey's "headers" were its first respondent's values.
    values = web.survey_rows()[0]
    legacy = guess_mapping(values, web.MASTER_HEADERS)
    SurveyMapping.objects.create(contract=world.contract, mapping=legacy.to_json(), updated_at=timezone.now(),
                                 updated_by=world.hr)

    copy = contract_copy_to_next_year(contract=world.contract, actor=world.hr)

    carried = json.dumps(SurveyMapping.objects.get(contract=copy).mapping, ensure_ascii=False)
    for value in values:
        if value:
            assert f'"{value}"' not in carried, value
    # The master's headers passed and are carried.
    assert '"所属"' in carried and '"年齢"' in carried


def test_confirming_saves_with_the_contract_the_headers_of_the_file_that_passed(world):
    web.ready(world)
    saved = json.dumps(SurveyMapping.objects.get(contract=world.contract).mapping, ensure_ascii=False)
    for header in QUESTIONS:
        assert f'"{header}"' in saved


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_plain_headers_and_clears_those_of_purged_uploads(world):
    executor = MigrationExecutor(connection)
    executor.migrate([("engagement", "0003_purge_reason_closed")])
    apps = executor.loader.project_state([("engagement", "0003_purge_reason_closed")]).apps
    Upload = apps.get_model("engagement", "SurveyUpload")
    Saved = apps.get_model("engagement", "SurveyMapping")
    mapping = guess_mapping(web.SURVEY_HEADERS).to_json()
    now = timezone.now()
    common = {"contract_id": world.contract.pk, "uploaded_by_id": world.hr.pk, "uploaded_at": now,
              "expires_at": now + dt.timedelta(days=14), "mapping": mapping}
    live = Upload.objects.create(survey_blob=crypto.new_name(), state="mapping", **common)
    purged = Upload.objects.create(survey_blob="", state="purged", purged_at=now, quasi=["年齢"],
                                   plan=[{"column": "年齢"}], department_map={"総務部人事課": "総務部"}, **common)
    values = web.survey_rows()[0]
    Saved.objects.create(contract_id=world.contract.pk, updated_at=now,
                         mapping=guess_mapping(values, web.MASTER_HEADERS).to_json())

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    live = SurveyUpload.objects.get(pk=live.pk)
    assert [s.header for s in services.upload_mapping(live).columns] == web.SURVEY_HEADERS
    for header in QUESTIONS:
        assert header not in _plain(live)
    purged = SurveyUpload.objects.get(pk=purged.pk)
    assert (bytes(purged.mapping_sealed), purged.quasi, purged.plan, purged.department_map) == (b"", None, [], {})
    saved = SurveyMapping.objects.get(contract=world.contract).mapping
    assert [c["source"] for c in saved["columns"]] == ["master"] * len(web.MASTER_HEADERS)


def test_an_upload_kept_before_the_check_is_sent_back_to_the_survey_page_in_words(client_as, world):
    upload = web.uploaded(world)
    mapping = services.upload_mapping(upload)
    name = crypto.store(_headerless(web.survey_rows()), purpose=crypto.UPLOAD)
    SurveyUpload.objects.filter(pk=upload.pk).update(survey_blob=name,
                                                     mapping_sealed=sealed(mapping, survey_blob=name))

    response = client_as(world.hr).get(web.url("mapping", world.contract, pk=upload.pk), follow=True)

    assert response.redirect_chain[-1][0] == web.url("index", world.contract)
    assert NO_HEADER_ROW in response.content.decode()
