import json
import os

import pytest

from tests.directory import slapd


@pytest.fixture(scope="session")
def slapd_server():
    """Debian's slapd on a Unix socket of its own, one per test worker, for the whole run."""
    if not slapd.available():
        reason = ("Debian's slapd and ldap-utils are not installed (scripts/setup.sh test installs them; "
                  "make test runs it)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = slapd.Slapd()
    server.start()
    yield server
    server.remove()


GROUP_SCOPES = {
    slapd.group_dn("jinji"): [["hr", "jinji"]],
    slapd.group_dn("kaigo"): [["hr", "kaigo"]],
    # One pair without the outer list, as interfaces allow; "*" is the whole ward.
    slapd.group_dn("privacy"): ["privacy", "*"],
    # Mistakes a ward may make: 担当課 on a 部, a unit code nobody has.
    slapd.group_dn("broken"): [["hr", "somu"], ["auditor", "nosuch"]],
}


def directory_environment(uri: str, **more) -> dict:
    return {
        "LDAP_SERVER_URI": uri,
        "LDAP_BIND_DN": slapd.ROOT_DN,
        "LDAP_BIND_PASSWORD": slapd.ROOT_PASSWORD,
        "LDAP_USER_SEARCH_BASE": slapd.PEOPLE,
        "LDAP_GROUP_SEARCH_BASE": slapd.GROUPS,
        "LDAP_GROUP_SCOPES": json.dumps(GROUP_SCOPES),
        "LDAP_TIMEOUT": "2",
        **more,
    }


@pytest.fixture
def directory(settings, slapd_server):
    """The app configured against the test's slapd exactly as config/settings.py does from the environment,
    with an empty directory the test fills (and which is emptied again after it)."""
    from directory.conf import ldap_settings

    for name, value in ldap_settings(directory_environment(slapd_server.uri)).items():
        setattr(settings, name, value)
    backends = list(settings.AUTHENTICATION_BACKENDS)
    backends.insert(1, "directory.backends.DirectoryBackend")
    settings.AUTHENTICATION_BACKENDS = backends
    slapd_server.clear()
    yield slapd_server
    if slapd_server.process is None:
        slapd_server.start()
    slapd_server.clear()
