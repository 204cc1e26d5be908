"""Every URL pattern has a row in the permission matrix, and every role gets the status it lists.

The world (two contracts, their people, their sessions) is built once for this module, inside a
transaction that each case's own transaction nests in and rolls back to, as Django's setUpTestData
does: a case sees the world as built, whatever the cases before it did.
"""

import importlib
import pkgutil
from dataclasses import fields
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.db.models import Max
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import tests.matrix
from tests.factories import World, login_verified, make_world
from tests.matrix import DONE, LOGIN, REFUSED, ROLES, Case, Effect, Row


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

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The world and a signed-in session (second factor given) per role, built once for the module."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        outer = transaction.atomic()
        # Marked as Django's TestCase marks its class-wide transaction, so code under test may still
        # open a durable atomic block of its own.
        outer._from_testcase = True
        outer.__enter__()
        try:
            world = make_world()
            sessions = {}
            for role in ROLES:
                if world.user(role) is not None:
                    client = login_verified(Client(), world.user(role))
                    sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield world, sessions
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _fresh(world: World) -> World:
    # Objects as the database has them now: a case must not see what an earlier case cached on them.
    return World(*(type(value).objects.get(pk=value.pk) for value in
                   (getattr(world, f.name) for f in fields(World))))


def _last_audit_seq() -> int:
    from audit.models import AuditEntry

    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "method"), CASES)
def test_permission_matrix(client, matrix_world, row, role, method):
    built, sessions = matrix_world
    world = _fresh(built)
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
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
