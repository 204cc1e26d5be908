import os

# Tests talk plain HTTP to the test client and to the live server, and need no collected static files.
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")

import pytest  # noqa: E402

from tests.factories import World, login_verified, make_world  # noqa: E402


@pytest.fixture
def world(db) -> World:
    """Contract A (HR, its manager and handler, an auditor) and contract B with its own contractor."""
    return make_world()


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
def _media_root(settings, tmp_path_factory):
    # Uploaded files (the report's PDF) go to a directory of each test's own, never into var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords; tests only need the check to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
