"""No value in an admin list's query string is a server error (issue 13, attack probe): a date-hierarchy
year of 20 digits, a filter on a link with a number past its column or a date past the calendar's ends,
on every registered admin page. Django's answer to a lookup it cannot use is the list again with ?e=1."""

import re
from html import unescape

import pytest
from axes.models import AccessLog
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
BAD_VALUES = [HUGE, "9" * 5000, "፩", "0001-01-01", "9999-12-31 23:59:59+09:00", "a\x00b"]
# (year, month, day) of a date hierarchy: past the calendar, at its ends, not numbers.
HIERARCHY = [(HUGE, None, None), ("2025", HUGE, None), ("2025", "1", HUGE), ("9999", None, None),
             ("9999", "12", None), ("9999", "12", "31"), ("1", None, None), ("0", None, None), ("-1", None, None),
             ("፩", None, None), ("2025", "13", None), ("2025", "2", "30"), ("9" * 5000, None, None)]


@pytest.fixture
def superuser(world):
    user = make_user("kanri", world.ward, display_name="管理 者")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _list_params(model_admin, superuser) -> list[str]:
    """The query-string keys the list's filters read (what their links carry)."""
    request = RequestFactory().get("/")
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    return sorted({key for spec in changelist.filter_specs for key in spec.expected_parameters()})


def _url(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def _assert_answered(response, url, query):
    assert response.status_code in (200, 302), (url, query, response.status_code)
    if response.status_code == 302:
        assert response["Location"] == f"{url}?e=1", (url, query)


def test_a_filter_value_out_of_range_is_never_a_server_error_on_any_admin_list(client, superuser):
    login_verified(client, superuser)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        url = _url(model)
        for key in _list_params(model_admin, superuser):
            for value in BAD_VALUES:
                _assert_answered(client.get(url, {key: value}), url, {key: value[:40]})
                checked += 1
    assert checked > 100  # the walk reached the filters (organisation, fiscal year, dates, …)


def test_a_date_hierarchy_past_the_calendar_is_never_a_server_error(client, superuser):
    login_verified(client, superuser)
    walked = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.date_hierarchy:
            continue
        url, field = _url(model), model_admin.date_hierarchy
        walked.append(model._meta.label_lower)
        for year, month, day in HIERARCHY:
            query = {f"{field}__year": year}
            if month is not None:
                query[f"{field}__month"] = month
            if day is not None:
                query[f"{field}__day"] = day
            _assert_answered(client.get(url, query), url, {k: v[:40] for k, v in query.items()})
    assert "axes.accesslog" in walked


def test_the_access_log_answers_the_probes_year_with_the_list_again(client, superuser):
    login_verified(client, superuser)
    for key in ("attempt_time__year", "attempt_time__month", "attempt_time__day"):
        response = client.get("/admin/axes/accesslog/", {"attempt_time__year": "2025", key: HUGE})
        assert (response.status_code, response["Location"]) == (302, "/admin/axes/accesslog/?e=1")
    assert client.get("/admin/axes/accesslog/?e=1").status_code == 200


# Typed into the address by hand: lookups no filter link carries, each a 500 before.
TYPED = [
    ("/admin/contracts/userprofile/", {"organisation": HUGE}),
    ("/admin/contracts/userprofile/", {"organisation__id__in": f"1,{HUGE}"}),
    ("/admin/contracts/contract/", {"fiscal_year__in": f"2025,{HUGE}"}),
    ("/admin/auth/user/", {"groups__id__in": f"1,{HUGE}"}),
    ("/admin/auth/user/", {"pk__in": f"1,{HUGE}"}),
    ("/admin/auth/user/", {"username__regex": "("}),
    ("/admin/axes/accesslog/", {"attempt_time__year__gt": HUGE}),
    ("/admin/axes/accesslog/", {"attempt_time__gte": "0001-01-01", "attempt_time__lt": "0001-01-02"}),
    ("/admin/axes/accesslog/", {"ip_address": "not-an-address"}),  # an inet column on PostgreSQL
    ("/admin/contracts/organisation/", {"kind": "a\x00b"}),  # PostgreSQL refuses NUL in a text
]


@pytest.mark.parametrize(("url", "query"), TYPED)
def test_a_lookup_typed_into_the_address_past_its_column_is_the_list_again(client, superuser, url, query):
    login_verified(client, superuser)
    response = client.get(url, query)
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")


def test_every_filter_link_the_lists_offer_still_filters(client, superuser, world):
    AccessLog.objects.create(attempt_time=timezone.now(), ip_address="127.0.0.1", username="x", user_agent="t")
    login_verified(client, superuser)
    followed = 0
    for model in admin.site._registry:
        url = _url(model)
        page = client.get(url)
        assert page.status_code == 200, url
        for query in sorted(set(re.findall(r'href="(\?[^"]+)"', page.content.decode()))):
            response = client.get(url + unescape(query))
            assert response.status_code == 200, (url, query)
            followed += 1
    assert followed > 50
    assert client.get("/admin/axes/accesslog/", {"attempt_time__year": timezone.localdate().year}).status_code == 200
    assert client.get("/admin/auth/user/", {"q": "田中"}).status_code == 200


def test_a_search_with_a_nul_character_answers_the_list_with_a_message(client, superuser):
    login_verified(client, superuser)
    response = client.get("/admin/auth/user/", {"q": "田中\x00"})
    assert response.status_code == 200
    assert "使えない文字（NUL）が含まれています。" in response.content.decode()
