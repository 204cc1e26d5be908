"""The permission matrix: one row per URL pattern, (url, role, method) → expected status.

Each app keeps its rows in ``tests/matrix/<app>.py`` as ``ROWS = [Row(...), ...]``; the test in
``tests/test_permission_matrix.py`` walks every URL pattern and fails for one without a row.

Roles: anon (not signed in), outsider (a ward person on no contract), hr, manager and handler
(approved designees of contract A), auditor, other (the manager of contract B, another contractor).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anon", "outsider", "hr", "manager", "handler", "auditor", "other")
LOGIN = 302  # anonymous requests are sent to the login page


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Expected status for every role: ``default`` unless overridden; anon always goes to login."""
    result = {role: default for role in ROLES}
    result["anon"] = LOGIN
    result.update(overrides)
    return result


def post_only(**overrides) -> dict[str, int]:
    return statuses(405, **overrides)


@dataclass
class Row:
    name: str
    get: dict[str, int]
    post: dict[str, int]
    kwargs: Callable = field(default=lambda w: {})
    data: Callable = field(default=lambda w: {})
    query: str = ""
    # The URL names an object of contract A: the manager of contract B must get 404 on it, GET and POST.
    contract_object: bool = False
    # A row may stand for other patterns too (e.g. the whole admin site), by their names.
    covers: tuple[str, ...] = ()
