import os

# Tests talk plain HTTP to the test client and to the live server, and need no collected static files.
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")

import pytest  # noqa: E402
from django.db import transaction  # noqa: E402

from tests.factories import World, login_verified, make_user  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only are skipped before their database is set up when it is not PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs a real PostgreSQL server (the PostgreSQL phase of make test)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _worker_state_dir(tmp_path_factory):
    """The audit chain's state (audit/state.py) of what is built before a test's own directory exists (the
    matrix's world, once per module) in a directory of this worker's own (pytest-xdist runs several), never
    in the shared var/."""
    from django.test import override_settings

    with override_settings(AUDIT_STATE_DIR=tmp_path_factory.mktemp("audit-state-worker")):
        yield


@pytest.fixture
def world(db, tmp_path_factory) -> World:
    """Contract A (HR, its manager and handler, an auditor) and contract B with its own contractor.

    Built by make_world once per worker and written back into each test's transaction where that gives the
    same rows and files (tests/world_once.py); otherwise built here."""
    from tests.world_once import world_for_test

    return world_for_test(tmp_path_factory)


@pytest.fixture
def hr(world):
    return world.hr


@pytest.fixture
def manager_a(world):
    return world.manager


@pytest.fixture
def handler_a(world):
    return world.handler


@pytest.fixture
def auditor(world):
    return world.auditor


@pytest.fixture
def manager_b(world):
    return world.other_manager


@pytest.fixture
def outsider(world):
    return world.outsider


@pytest.fixture
def admin_client(client, world):
    """The test client signed in (both factors) as a superuser of the ward, the admin site's user."""
    superuser = make_user("kanri", world.ward, display_name="管理 者")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    login_verified(client, superuser)
    client.superuser = superuser
    return client


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client signed in as ``user`` with the second factor given."""

    def _login(user):
        login_verified(client, user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _survey_data_dir(settings, tmp_path_factory):
    # The survey's encrypted files go to a directory of each test's own, never into var/.
    settings.SURVEY_DATA_DIR = tmp_path_factory.mktemp("survey-data")
    return settings.SURVEY_DATA_DIR


@pytest.fixture(autouse=True)
def _evidence_data_dir(settings, tmp_path_factory):
    # The evidence files (attachments) go to a directory of each test's own, never into var/.
    settings.EVIDENCE_DATA_DIR = tmp_path_factory.mktemp("evidence-data")
    return settings.EVIDENCE_DATA_DIR


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    # Uploaded files (the report's PDF) go to a directory of each test's own, never into var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords; tests only need the check to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_state_dir(settings, tmp_path_factory, monkeypatch):
    """The audit chain's declaration and head file (audit/state.py) in a directory of each test's own.

    The head file is appended once the app's transaction commits. A test runs inside a transaction that is
    rolled back, so that moment never comes: when the app's outermost block ends well, the head file's
    pending lines are written then, as a commit would; a block rolled back drops them, as Django does."""
    from audit.state import is_head_record

    settings.AUDIT_STATE_DIR = tmp_path_factory.mktemp("audit-state")
    exit_block = transaction.Atomic.__exit__

    def exit_and_record_heads(self, exc_type, exc_value, traceback):
        outcome = exit_block(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if connection.in_atomic_block and all(block._from_testcase for block in connection.atomic_blocks):
            pending = [(sids, func, robust) for sids, func, robust in connection.run_on_commit if is_head_record(func)]
            connection.run_on_commit = [hook for hook in connection.run_on_commit if hook not in pending]
            for _sids, func, _robust in pending:
                func()
        return outcome

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_record_heads)
    return settings.AUDIT_STATE_DIR
