"""Every URL pattern has a row in the permission matrix, and every role gets the status it lists.

The world (two contracts, their people, their sessions) is built once for this module, the objects a row
makes once for its cases, and each case rolls back to them (tests.matrix.world_built_once, RowObjects):
a case sees the world as built, whatever the cases before it did.
"""

import importlib
import pkgutil
from urllib.parse import urlparse

import pytest
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
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




@pytest.fixture(scope="module")
def matrix_dirs(tmp_path_factory):
    """One directory for the survey's files and one for uploads, for the whole module: a row's objects
    are made once for its cases, files included, so every case must look in the same place."""
    dirs = {"SURVEY_DATA_DIR": tmp_path_factory.mktemp("survey-data"), "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
            "EVIDENCE_DATA_DIR": tmp_path_factory.mktemp("evidence-data")}
    with override_settings(**dirs):
        yield dirs


@pytest.fixture
def _survey_data_dir(matrix_dirs):
    # Replaces tests/conftest.py's directory of each test's own (see matrix_dirs).
    return matrix_dirs["SURVEY_DATA_DIR"]


@pytest.fixture
def _media_root(matrix_dirs):
    return matrix_dirs["MEDIA_ROOT"]


@pytest.fixture
def _evidence_data_dir(matrix_dirs):
    return matrix_dirs["EVIDENCE_DATA_DIR"]


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, matrix_dirs):
    with world_built_once(django_db_blocker) as built:
        yield built


@pytest.fixture(scope="module")
def row_objects(request, matrix_world):
    """The row, and the objects its ``kwargs`` make (a handover in transit, a package built), made once for
    the row's fourteen cases in a transaction that each case rolls back to (pytest groups a row's cases)."""
    world, _sessions = matrix_world
    row = request.param
    atomic = transaction.atomic()
    # Marked as Django's TestCase marks its own, so code under test may still open a durable block.
    atomic._from_testcase = True
    atomic.__enter__()
    try:
        yield row, row.kwargs(fresh(world))
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _last_audit_seq() -> int:
    from audit.models import AuditEntry

    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
# One parameter per row (ids "<url name>-<role>-<method>"), so pytest runs a row's cases together and makes
# its objects once.
@pytest.mark.parametrize("row_objects", ROWS, indirect=True, ids=[row.name + row.query for row in ROWS])
def test_permission_matrix(client, matrix_world, row_objects, role, method):
    built, sessions = matrix_world
    world = fresh(built)
    row, kwargs = row_objects
    sign_in(client, sessions, role)
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
