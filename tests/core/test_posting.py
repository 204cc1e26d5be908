"""core.posting.form_post: the one shape of a page with a form that calls a service."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from core.errors import DomainError
from core.posting import form_post, posted


class NameForm(forms.Form):
    name = forms.CharField()


class Refusal:
    """An answer as ``Answer`` gives it: false, with the message saying why."""

    message = "できません"

    def __bool__(self):
        return False


def _request(method="get", data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request._messages = CookieStorage(request)
    return request


def _page(form, status):
    response = HttpResponse(status=status)
    response.form = form
    return response


def _call(request, act=lambda form: form.cleaned_data["name"], **kwargs):
    kwargs.setdefault("done", lambda result: HttpResponseRedirect(f"/{result}/"))
    return form_post(request, NameForm, act=act, page=_page, **kwargs)


def test_a_get_shows_an_unbound_form_with_its_initial_values_and_does_nothing():
    called = []
    response = _call(_request(), act=called.append, form_kwargs={"initial": {"name": "前"}})
    assert response.status_code == 200 and not response.form.is_bound
    assert response.form["name"].value() == "前" and not called


def test_an_empty_post_is_bound_and_refused_at_its_fields():
    response = _call(_request("post"))
    assert response.status_code == 400 and response.form.is_bound and "name" in response.form.errors


def test_a_valid_post_acts_says_so_and_answers_done():
    request = _request("post", {"name": "tanaka"})
    response = _call(request, message=lambda name: f"{name} OK")
    assert response.status_code == 302 and response.url == "/tanaka/"
    assert [str(m) for m in get_messages(request)] == ["tanaka OK"]


def test_a_refused_action_goes_on_the_form_at_its_field_or_at_the_top():
    def refuse(field):
        def act(form):
            raise DomainError("だめです", field=field)
        return act

    at_field = _call(_request("post", {"name": "x"}), act=refuse("name"))
    assert at_field.status_code == 400 and at_field.form.errors["name"] == ["だめです"]
    at_top = _call(_request("post", {"name": "x"}), act=refuse("missing"))
    assert at_top.form.non_field_errors() == ["だめです"]


def test_on_error_may_answer_instead():
    def act(form):
        raise DomainError("済み", code="closed")
    response = _call(_request("post", {"name": "x"}), act=act,
                     on_error=lambda form, error: HttpResponse(error.code, status=409))
    assert response.status_code == 409


def test_a_refusal_stops_a_post_before_validating_or_acting():
    called = []
    response = _call(_request("post", {"name": "x"}), act=called.append, allowed=Refusal())
    assert response.status_code == 400 and response.form.non_field_errors() == ["できません"] and not called
    assert _call(_request("post", {"name": "x"}), allowed=True).status_code == 302


def test_a_template_page_gets_the_form_in_its_context_and_the_status_asked_for():
    response = form_post(_request("post"), NameForm, act=lambda form: None, done=HttpResponseRedirect("/"),
                         page="includes/form_fields.html", context={}, invalid_status=200)
    assert response.status_code == 200 and 'name="name"' in response.content.decode()


def test_posted_binds_files_only_when_asked():
    request = _request("post")
    assert posted(request) == (request.POST,)
    assert posted(request, files=True) == (request.POST, request.FILES)
    assert posted(_request()) == ()
