"""Requests the app cannot take as sent (issue 7, A.8): bytes that are not UTF-8 were stored as U+FFFD;
over-large bodies answered a bare 400 or a 500. Each now gets a page in Japanese and nothing is stored."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse

from handover.models import Item

ENCODING_MESSAGE = "文字として読めないデータ（UTF-8ではない文字）"
TOO_BIG_MESSAGE = "送信されたデータが大きすぎるため"


@pytest.fixture
def item_url(world):
    return reverse("handover:item_create", args=[world.contract.slug])


def _form_body(contents: bytes) -> bytes:
    return b"category=paper&label=P-1&pieces=1&contents=" + contents


def test_a_form_whose_bytes_are_not_utf8_is_refused_and_not_stored_as_replacement_characters(
        client_as, world, item_url):
    client = client_as(world.hr)
    for contents in (b"%FF%FE%E3%81", b"\xff\xfe"):  # escaped, and raw
        response = client.post(item_url, _form_body(contents),
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert ENCODING_MESSAGE in response.content.decode()
    assert not Item.objects.exists()
    # The same form with the bytes of a Japanese word is taken.
    response = client.post(item_url, _form_body(quote("調査票").encode()),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Item.objects.get().contents == "調査票"


def test_a_multipart_form_whose_bytes_are_not_utf8_is_refused(client_as, world, item_url):
    boundary = "BoUnDaRy"
    parts = [("category", b"paper"), ("label", b"P-1"), ("pieces", b"1"), ("contents", b"\xe3\x81\xff\xfe")]
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
                    for name, value in parts) + f"--{boundary}--\r\n".encode()
    response = client_as(world.hr).post(item_url, body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert ENCODING_MESSAGE in response.content.decode()
    assert not Item.objects.exists()


def test_a_query_string_whose_bytes_are_not_utf8_is_refused(client_as, world):
    response = client_as(world.hr).get(reverse("handover:ledger_all") + "?status=%FF%FE")
    assert response.status_code == 400
    assert ENCODING_MESSAGE in response.content.decode()


def test_a_malformed_multipart_body_gets_a_page_not_a_500(client_as, world, item_url):
    response = client_as(world.hr).post(item_url, b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "送信された内容を読み取れなかったため" in response.content.decode()


def test_a_form_over_the_data_limit_gets_a_page_saying_so(client_as, world, item_url, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client_as(world.hr).post(item_url, {"category": "paper", "label": "P-1", "pieces": "1",
                                                   "contents": "x" * 2000})
    assert response.status_code == 413
    assert TOO_BIG_MESSAGE in response.content.decode()
    assert not Item.objects.exists()


def test_an_upload_over_the_file_limit_is_refused_before_it_is_read(client_as, world, item_url, settings):
    settings.UPLOAD_MAX_FILE_SIZE = 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("answers.xlsx", b"x" * (1024 * 1024 + 2048))
    response = client_as(world.hr).post(item_url, {"category": "paper", "label": "P-1", "file": big})
    assert response.status_code == 413
    page = response.content.decode()
    assert TOO_BIG_MESSAGE in page and "1 MB以下" in page


def test_too_many_fields_get_a_page_not_a_bare_400(client_as, world, item_url, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client_as(world.hr).post(item_url, {f"f{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "送信された項目が多すぎるため" in response.content.decode()


def test_a_request_django_refuses_gets_the_japanese_page(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "送信された内容を受け付けられませんでした" in response.content.decode()


def _setting(name: str, **env) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                          check=True, cwd=settings.BASE_DIR).stdout.strip()


def test_the_upload_limits_come_from_the_environment_with_safe_defaults(monkeypatch):
    monkeypatch.delenv("DJANGO_UPLOAD_MAX_FILE_SIZE", raising=False)
    monkeypatch.delenv("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", raising=False)
    assert _setting("UPLOAD_MAX_FILE_SIZE") == str(20 * 1024 * 1024)
    assert _setting("UPLOAD_MAX_FILE_SIZE", DJANGO_UPLOAD_MAX_FILE_SIZE="5242880") == "5242880"
    # Files up to the limit stay in memory: a spooled temporary file would put personal data on disk.
    assert _setting("FILE_UPLOAD_MAX_MEMORY_SIZE", DJANGO_UPLOAD_MAX_FILE_SIZE="5242880") == "5242880"
    assert int(_setting("DATA_UPLOAD_MAX_MEMORY_SIZE")) == 2 * 1024 * 1024
