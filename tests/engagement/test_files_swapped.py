"""The attribute master in the survey slot and the survey in the master slot: recognised (the "survey" has no
column that reads as a question, the "master" has), said on the mapping page with a button that swaps them,
keeping the uploads; never validated as if it were right."""

import pytest

from audit.models import AuditEntry
from core.errors import DomainError
from engagement import services
from engagement.mapping import Role, Source, guess_answer_rules, guess_mapping
from engagement.models import SurveyUpload
from engagement.reading import read_table
from engagement.validation import FILES_SWAPPED, validate
from tests.engagement import web

pytestmark = pytest.mark.django_db

SWAPPED = "回答ファイルと職員属性マスタが入れ替わっているようです"


def _swapped_upload(client, world):
    response = client.post(web.url("upload", world.contract), web.files(
        survey=web.master_bytes(), master=web.survey_bytes(), survey_name="職員属性.csv", master_name="回答.csv"))
    assert response.status_code == 302
    return SurveyUpload.objects.latest("pk")


def test_files_in_each_others_slot_are_named_on_the_mapping_page_and_refused_by_validation(client_as, world):
    client = client_as(world.hr)
    upload = _swapped_upload(client, world)

    page = client.get(web.url("mapping", world.contract, pk=upload.pk)).content.decode()
    assert SWAPPED in page
    assert f'action="{web.url("swap", world.contract, pk=upload.pk)}"' in page

    refused = client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "エラーはありません" not in text and "2つのファイルを入れ替えてください" in text
    upload.refresh_from_db()
    assert upload.state == SurveyUpload.State.MAPPING and upload.is_live


def test_the_swap_button_puts_them_back_without_uploading_again(client_as, world):
    client = client_as(world.hr)
    upload = _swapped_upload(client, world)

    response = client.post(web.url("swap", world.contract, pk=upload.pk))

    assert response.status_code == 302 and response["Location"] == web.url("mapping", world.contract, pk=upload.pk)
    upload.refresh_from_db()
    assert (upload.survey_name, upload.master_name) == ("回答.csv", "職員属性.csv")
    assert (upload.survey_rows, upload.survey_columns, upload.master_columns) == (40, 9, 5)
    mapping = services.upload_mapping(upload)
    assert mapping.get("Q1 仕事にやりがいを感じる", Source.SURVEY).role == Role.ANSWER
    assert mapping.get("所属", Source.MASTER).role == Role.ATTRIBUTE
    assert SWAPPED not in client.get(web.url("mapping", world.contract, pk=upload.pk)).content.decode()
    entry = AuditEntry.objects.get(action="engagement.upload.swapped")
    assert entry.payload == {"rows": 40, "columns": 9, "master_rows": 40, "master_columns": 5}

    confirmed = client.post(web.url("mapping", world.contract, pk=upload.pk), web.mapping_post(upload))
    assert confirmed["Location"] == web.url("risk", world.contract, pk=upload.pk)
    # The colleague named in the free text is found now that the answers are answers.
    upload.refresh_from_db()
    assert services.load(upload).findings


def test_validation_refuses_files_in_each_others_slot():
    table = read_table(web.master_bytes(), "職員属性.csv")
    master = read_table(web.survey_bytes(), "回答.csv")
    mapping = guess_answer_rules(guess_mapping(table.headers, master.headers), table)

    report = validate(table, mapping, master)

    assert not report.ok
    assert [p.code for p in report.errors] == [FILES_SWAPPED]


NOT_SWAPPED = "入れ替わっていないようなので、入れ替えません"


def test_files_in_their_right_slots_are_not_swapped_by_a_posted_button(client_as, world):
    # The page offers the button only when the files look swapped; a POST made without it is refused the same.
    client = client_as(world.hr)
    upload = web.uploaded(world)
    assert 'action="' + web.url("swap", world.contract, pk=upload.pk) not in client.get(
        web.url("mapping", world.contract, pk=upload.pk)).content.decode()

    response = client.post(web.url("swap", world.contract, pk=upload.pk), follow=True)

    assert NOT_SWAPPED in response.content.decode()
    upload.refresh_from_db()
    assert (upload.survey_name, upload.master_name) == ("回答.csv", "職員属性.csv")
    assert services.upload_mapping(upload).get("Q1 仕事にやりがいを感じる", Source.SURVEY).role == Role.ANSWER
    assert not AuditEntry.objects.filter(action="engagement.upload.swapped").exists()


def test_the_swap_service_refuses_files_that_do_not_look_swapped(world):
    upload = web.uploaded(world)

    with pytest.raises(DomainError) as refused:
        services.survey_upload_swap(upload=upload, actor=world.hr)

    assert refused.value.code == "not_swapped" and NOT_SWAPPED in refused.value.message
