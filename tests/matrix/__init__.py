"""The permission matrix: one row per URL pattern, (url, role, method) → expected status.

Each app keeps its rows in ``tests/matrix/<app>.py`` as ``ROWS = [Row(...), ...]``; the test in
``tests/test_permission_matrix.py`` walks every URL pattern and fails for one without a row.

Roles: anon (not signed in), outsider (a ward person on no contract), hr, manager and handler
(approved designees of contract A), auditor, other (the manager of contract B, another contractor),
privacy (the privacy office, 個人情報保護担当 on the whole ward: a ScopeGrant, no membership) and section_other
(担当課 of another section, 税務課, through a ScopeGrant: it owns neither contract). Unless a row says otherwise,
``statuses`` gives privacy the auditor's status and section_other the outsider's.

A redirect after a POST says what became of the action, because a success and a refusal with a message
both answer 302: ``DONE`` (it happened), ``REFUSED`` (it did not, and the page it leads to says why),
``REDIRECT`` (sent on to another page, nothing to do here) or ``LOGIN`` (anonymous: to the login page).
A row with ``DONE`` or ``REFUSED`` says how to tell that the action happened (``happened``, usually
``audited("<action>")``); that check must then be false for every other role and for every GET.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields


class Effect(int):
    """An expected status (302) that also says whether the action took effect."""

    def __new__(cls, status: int, name: str, *, happened: bool):
        effect = super().__new__(cls, status)
        effect.name = name
        effect.happened = happened
        return effect

    def __repr__(self) -> str:
        return self.name

    # Hashing and comparison stay those of the int, so ``statuses(...)[role] == 302`` still holds.
    __hash__ = int.__hash__


DONE = Effect(302, "DONE", happened=True)
REFUSED = Effect(302, "REFUSED", happened=False)
REDIRECT = Effect(302, "REDIRECT", happened=False)
LOGIN = Effect(302, "LOGIN", happened=False)  # anonymous requests are sent to the login page

ROLES = ("anon", "outsider", "hr", "manager", "handler", "auditor", "other", "privacy", "section_other")
# A scoped role expects what another role does unless a row names it.
DERIVED = {"privacy": "auditor", "section_other": "outsider"}


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Expected status for every role: ``default`` unless overridden; anon always goes to login; privacy as the
    auditor and section_other as the outsider unless overridden themselves."""
    result = {role: default for role in ROLES}
    result["anon"] = LOGIN
    result.update(overrides)
    for role, like in DERIVED.items():
        if role not in overrides:
            result[role] = result[like]
    return result


def post_only(**overrides) -> dict[str, int]:
    return statuses(405, **overrides)


@dataclass
class Case:
    """One request of the matrix, for ``Row.happened``: the world, the URL's kwargs, who asked, the answer,
    and the last audit entry before the request."""

    world: object
    kwargs: dict
    role: str
    method: str
    response: object
    audit_seq: int

    def audited(self, *actions: str) -> bool:
        """Whether the request wrote an audit entry with one of ``actions`` (every service writes one)."""
        from audit.models import AuditEntry

        return AuditEntry.objects.filter(seq__gt=self.audit_seq, action__in=actions).exists()


def audited(*actions: str) -> Callable[[Case], bool]:
    """``happened=audited("contract.copied")``: the action happened when its audit entry was written."""
    return lambda case: case.audited(*actions)


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
    # Whether the action took effect, asked after each request (see the module's docstring).
    happened: Callable[[Case], bool] | None = None


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def world_built_once(django_db_blocker):
    """The world and a signed-in session (second factor given) per role, built once, inside a transaction
    that each test's own transaction (pytest-django's) nests in and rolls back to, as Django's
    setUpTestData does: every test sees the world as built, whatever the tests before it did.

    For a module-scoped fixture: ``with world_built_once(django_db_blocker) as (world, sessions): yield …``.
    """
    from django.conf import settings
    from django.db import transaction
    from django.test import Client, override_settings

    from tests.factories import login_verified, make_world

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        outer = transaction.atomic()
        # Marked as Django's TestCase marks its class-wide transaction, so code under test may still open
        # a durable atomic block of its own.
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


def _uncached(instance):
    """A copy of a model instance without what was cached on it (related objects, permissions), so a test
    neither sees nor leaves behind what another test cached; the services re-read their rows anyway."""
    copy = type(instance).__new__(type(instance))
    copy.__dict__ = {key: value for key, value in instance.__dict__.items()
                     if not (key.startswith("_") and key.endswith("_cache"))}
    copy._state = type(instance._state)()
    copy._state.db, copy._state.adding = instance._state.db, instance._state.adding
    return copy


def fresh(world):
    """The world with its objects copied afresh for one test (see ``_uncached``)."""
    return type(world)(*(_uncached(getattr(world, f.name)) for f in fields(world)))


def sign_in(client, sessions, role: str):
    """Give ``client`` the session made for ``role`` (anon: none)."""
    from django.conf import settings

    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client
