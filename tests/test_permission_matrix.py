"""Every URL pattern has a row in the permission matrix, and every role gets the status it lists.

The world (two contracts, their people, their sessions) is built once for this module and each case
rolls back to it (tests.matrix.world_built_once): a case sees the world as built.
"""

import importlib
import pkgutil
from urllib.parse import urlparse

import pytest
from django.contrib.messages import constants, get_messages
from django.db.models import Max
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import tests.matrix
from tests.matrix import DONE, LOGIN, REFUSED, ROLES, Case, Effect, Row, fresh, sign_in, world_built_once


def _load_rows() -> list[Row]:
    rows = []
    for module in pkgutil.iter_modules(tests.matrix.__path__):
        rows.extend(importlib.import_module(f"tests.matrix.{module.name}").ROWS)
    return rows


ROWS = _load_rows()


def _pattern_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= _pattern_names(pattern, full)
        elif isinstance(pattern, URLPattern):
            label = pattern.name or f"<unnamed {pattern.pattern}>"
            names.add(f"{namespace}:{label}" if namespace else label)
    return names


def _covered(name: str) -> bool:
    for row in ROWS:
        if row.name == name:
            return True
        for cover in row.covers:
            if cover == name or (cover.endswith(":*") and name.startswith(cover[:-1])):
                return True
    return False


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(name for name in _pattern_names() if not _covered(name))
    assert not missing, f"URL patterns with no row in tests/matrix/: {missing}"


def test_every_row_names_every_role_and_hides_contract_a_from_contractor_b():
    for row in ROWS:
        for method in ("get", "post"):
            assert set(getattr(row, method)) == set(ROLES), (row.name, method)
            if row.contract_object:
                assert getattr(row, method)["other"] == 404, (row.name, method)


def test_every_redirect_after_a_post_says_whether_the_action_happened():
    """A success and a refusal with a message both answer 302: the row must say which it expects
    (DONE, REFUSED, REDIRECT or LOGIN from tests.matrix) and, for DONE and REFUSED, how to tell."""
    unclear = []
    for row in ROWS:
        for role, status in row.post.items():
            if status == 302 and not isinstance(status, Effect):
                unclear.append(f"{row.name} POST as {role}: 302 (DONE, REFUSED, REDIRECT or LOGIN?)")
            elif status is DONE or status is REFUSED:
                if row.happened is None:
                    unclear.append(f"{row.name}: {status!r} for {role} but no happened=… to tell")
    assert not unclear, "\n".join(unclear)


CASES = [pytest.param(row, role, method, id=f"{row.name}-{role}-{method}")
         for row in ROWS for role in ROLES for method in ("get", "post")]

@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    with world_built_once(django_db_blocker) as built:
        yield built


def _last_audit_seq() -> int:
    from audit.models import AuditEntry

    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "method"), CASES)
def test_permission_matrix(client, matrix_world, row, role, method):
    built, sessions = matrix_world
    world = fresh(built)
    sign_in(client, sessions, role)
    kwargs = row.kwargs(world)
    url = reverse(row.name, kwargs=kwargs) + row.query
    seq = _last_audit_seq() if row.happened else 0
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, row.data(world))
    expected = getattr(row, method)[role]
    where = f"{method.upper()} {url} as {role}"
    assert response.status_code == expected, f"{where}: {response.status_code} != {expected}"
    if expected is LOGIN:
        # The admin sends a stranger to its own login address, which leads to the app's login.
        sent_to = resolve(urlparse(response["Location"]).path).view_name
        assert sent_to in ("accounts:login", "admin_login"), f"{where}: sent to {sent_to}, not to the login page"
    if row.happened is not None:
        wanted = method == "post" and isinstance(expected, Effect) and expected.happened
        case = Case(world=world, kwargs=kwargs, role=role, method=method, response=response, audit_seq=seq)
        assert row.happened(case) == wanted, f"{where}: the action {'did not happen' if wanted else 'happened'}"
    if method == "post" and expected is REFUSED:
        told = [m for m in get_messages(response.wsgi_request) if m.level != constants.SUCCESS]
        assert told, f"{where}: refused without a message saying why"
