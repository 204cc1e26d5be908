"""Every URL pattern has a row in the permission matrix, and every role gets the status it lists."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix
from tests.factories import login_verified
from tests.matrix import ROLES, Row


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


CASES = [pytest.param(row, role, method, id=f"{row.name}-{role}-{method}")
         for row in ROWS for role in ROLES for method in ("get", "post")]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "method"), CASES)
def test_permission_matrix(client, world, row, role, method):
    user = world.user(role)
    if user is not None:
        login_verified(client, user)
    url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, row.data(world))
    expected = getattr(row, method)[role]
    assert response.status_code == expected, f"{method.upper()} {url} as {role}: {response.status_code} != {expected}"
