"""The upload form's POST: back to the page it was on with a message, whatever was sent (no 500), and
only for who may attach to a record of a registered model. (The bounds walk reaches the form on other apps'
pages, but it has no text to fill: the extreme values of its hidden fields are posted here.)"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from attachments.models import EvidenceFile
from audit.models import AuditEntry
from tests.attachments.conftest import JPEG, PDF, upload


def _url(obj):
    return reverse("attachments:upload", args=[ContentType.objects.get_for_model(type(obj)).pk, obj.pk])


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_photo_uploaded_goes_back_to_the_page_with_a_message(client_as, target, world):
    response = client_as(world.manager).post(_url(target), {
        "file": upload(JPEG, "IMG_2041.JPG", "image/jpeg"), "slot": "response", "next": "/contracts/contract-a/?tab=1"})
    assert response.status_code == 302 and response["Location"] == "/contracts/contract-a/?tab=1"
    file = EvidenceFile.objects.get()
    assert (file.slot, file.version, file.name, file.uploaded_by) == ("response", 1, "IMG_2041.JPG", world.manager)
    assert any("第1版" in m and "IMG_2041.JPG" in m for m in _messages(response))
    assert AuditEntry.objects.filter(action="evidence.file.attached").count() == 1


def test_a_next_elsewhere_goes_to_the_home_page_instead(client_as, target, world):
    for next_url in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""):
        response = client_as(world.hr).post(_url(target), {"file": upload(PDF), "next": next_url})
        assert response.status_code == 302 and response["Location"] == "/", next_url


def test_a_refused_file_says_why_on_the_page_and_keeps_nothing(client_as, target, world):
    client = client_as(world.manager)
    for data in ({"next": "/x/"}, {"file": upload(b""), "next": "/x/"},
                 {"file": upload(b"<html></html>", "a.pdf"), "next": "/x/"}):
        response = client.post(_url(target), data)
        assert response.status_code == 302 and response["Location"] == "/x/"
        assert any("添付資料を登録できませんでした" in m for m in _messages(response))
    response = client.post(_url(target), "file=abc&next=/x/", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    response = client.post(_url(target), b"\x00\xff", content_type="multipart/form-data; boundary=zzz")
    assert response.status_code in (302, 400)
    assert not EvidenceFile.objects.exists()


def test_urls_naming_no_registered_record_are_not_found(client_as, target, world):
    client = client_as(world.hr)
    ct = ContentType.objects.get_for_model(type(target)).pk
    for url in (f"/files/{ct}/999999/upload/", f"/files/999999/{target.pk}/upload/",
                f"/files/{ct}/99999999999999999999999/upload/", _url(world.hr), "/files/99999999999999999999999/"):
        assert client.post(url, {"file": upload(PDF)}).status_code == 404, url


def test_who_sees_the_record_but_may_not_attach_is_forbidden(client_as, target, world):
    assert client_as(world.auditor).post(_url(target), {"file": upload(PDF)}).status_code == 403
    assert client_as(world.handler).post(_url(target), {"file": upload(PDF)}).status_code == 403
    assert client_as(world.hr).get(_url(target)).status_code == 405
    assert not EvidenceFile.objects.exists()


def _render(user, obj, text):
    request = RequestFactory().get("/contracts/contract-a/")
    request.user = user
    return Template("{% load attachments %}" + text).render(Context({"request": request, "obj": obj,
                                                                     "csrf_token": "t"}))


def test_the_tags_list_every_version_and_offer_the_form_to_who_may_attach(client_as, target, world):
    client_as(world.manager).post(_url(target), {"file": upload(PDF, "点検票.pdf"), "slot": "a"})
    client_as(world.manager).post(_url(target), {"file": upload(PDF + b"%2", "点検票.pdf"), "slot": "a"})
    page = _render(world.auditor, target, '{% attachment_list obj %}{% attachment_form obj "a" %}')
    assert page.count("点検票.pdf") == 2 and "第2版" in page and "（旧版）" in page and "<caption>" in page
    assert EvidenceFile.objects.first().sha256 in page and "<form" not in page
    form = _render(world.manager, target, '{% attachment_form obj "a" "点検票のファイル" %}')
    assert 'enctype="multipart/form-data"' in form and 'accept="application/pdf,image/*' in form
    assert "第3版として添付する" in form and "点検票のファイル" in form and 'value="/contracts/contract-a/"' in form
    assert "<label" in form and "10 MB" in form
    assert _render(world.outsider, target, "{% attachment_list obj %}{% attachment_form obj %}").strip() == ""


def test_extreme_hidden_values_are_refused_with_a_message(client_as, target, world):
    client = client_as(world.manager)
    for data in ({"slot": "あ" * 10_000}, {"next": "/" + "あ" * 10_000}, {"slot": "\x00"}, {"file": "あ" * 10_000}):
        response = client.post(_url(target), {"file": upload(PDF), **data})
        assert response.status_code == 302, data
        assert any("添付資料を登録できませんでした" in m for m in _messages(response)), data
    assert not EvidenceFile.objects.exists()
