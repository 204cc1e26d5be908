"""Ward staff sign in against the ward's directory: Debian's slapd, started by the tests on a Unix socket with
people and groups they load themselves (tests/directory/slapd.py); groups give scopes at each sign-in."""

import ast
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.models import Organisation, ScopeGrant
from contracts.permissions import contracts_where
from directory.conf import group_scopes, ldap_settings
from tests.directory import slapd
from tests.directory.conftest import directory_environment
from tests.factories import PASSWORD, make_contract, make_organisation

pytestmark = pytest.mark.django_db

KATO_PASSWORD = "kato directory passphrase"


def unit(name, kind, code, parent=None):
    return Organisation.objects.create(name=name, kind=kind, code=code, parent=parent)


@pytest.fixture
def tree(world):
    """総務部 → 人事課 and 福祉部 → 介護保険課, two contracts of 人事課 and one of 介護保険課, and an empty 企画部."""
    kind = Organisation.Kind
    somu = unit("総務部", kind.DEPARTMENT, "somu")
    jinji = unit("人事課", kind.WARD_SECTION, "jinji", somu)
    fukushi = unit("福祉部", kind.DEPARTMENT, "fukushi")
    kaigo = unit("介護保険課", kind.WARD_SECTION, "kaigo", fukushi)
    kikaku = unit("企画部", kind.DEPARTMENT, "kikaku")
    for section in (jinji, kaigo):
        ScopeGrant.objects.create(user=world.hr, role="hr", unit=section, granted_at=timezone.now())
    contractor = make_organisation(Organisation.Kind.CONTRACTOR, "印刷株式会社")
    contracts = {
        "jinji": [make_contract(hr=world.hr, ward=jinji, contractor=contractor, title="職員意識調査の分析"),
                  make_contract(hr=world.hr, ward=jinji, contractor=contractor, title="研修受講者名簿の入力")],
        "kaigo": [make_contract(hr=world.hr, ward=kaigo, contractor=contractor, title="保険料通知書の印刷・封入封緘")],
    }
    return {"somu": somu, "jinji": jinji, "fukushi": fukushi, "kaigo": kaigo, "kikaku": kikaku, "contracts": contracts}


def password_step(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def token_of(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username, password):
    """The login page, then the second factor as everyone gives it: enrolment the first time, the code after."""
    response = password_step(client, username, password)
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        assert response.status_code == 302 and response.url == "/accounts/enrol/"
        assert "<svg" in client.get("/accounts/enrol/").content.decode()
        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post("/accounts/enrol/", {"token": token_of(pending)})
    else:
        assert response.status_code == 302 and response.url == "/accounts/verify/"
        # A second sign-in within the 30 seconds of the first code: the app refuses a code used once, rightly.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        device.refresh_from_db()
        response = client.post("/accounts/verify/", {"token": token_of(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return user


def sign_out(client):
    assert client.post("/accounts/logout/").status_code == 302


def directory_grants(user):
    return {(g.role, g.unit.code if g.unit else None)
            for g in ScopeGrant.objects.filter(user=user, source="directory", revoked_at__isnull=True)
            .select_related("unit")}


def load_kato(directory, *groups):
    directory.add(slapd.person("kato", password=KATO_PASSWORD, display_name="加藤 真理", mail="kato@ward.example"))
    for cn, members in groups:
        directory.add(slapd.group(cn, *members))


def test_a_directory_user_of_the_jinji_group_sees_exactly_that_sections_contracts(client, tree, directory):
    load_kato(directory, ("jinji", ["kato"]), ("kaigo", []))
    kato = sign_in(client, "kato", KATO_PASSWORD)

    assert kato.profile.display_name == "加藤 真理" and kato.email == "kato@ward.example"
    assert kato.profile.organisation == tree["jinji"]
    assert not kato.has_usable_password()
    assert directory_grants(kato) == {("hr", "jinji")}
    assert set(contracts_where(kato, "view")) == set(tree["contracts"]["jinji"])
    page = client.get("/contracts/").content.decode()
    assert "職員意識調査の分析" in page and "研修受講者名簿の入力" in page
    assert "保険料通知書の印刷・封入封緘" not in page and "契約A" not in page
    assert client.get(f"/contracts/{tree['contracts']['jinji'][0].slug}/").status_code == 200
    assert client.get(f"/contracts/{tree['contracts']['kaigo'][0].slug}/").status_code == 404


def test_a_group_changed_in_the_directory_changes_the_scope_at_the_next_sign_in(client, tree, directory, world):
    load_kato(directory, ("jinji", ["kato"]), ("kaigo", []))
    kato = sign_in(client, "kato", KATO_PASSWORD)
    first = ScopeGrant.objects.get(user=kato, source="directory")
    # An administrator's grant by hand, which the directory knows nothing of.
    manual = ScopeGrant.objects.create(user=kato, role="auditor", unit=tree["kikaku"], granted_at=timezone.now(),
                                       granted_by=world.hr)
    sign_out(client)

    directory.modify(f"dn: {slapd.group_dn('jinji')}\nchangetype: modify\ndelete: member\n"
                     f"member: {slapd.person_dn('kato')}\n-\nadd: member\nmember: {slapd.ROOT_DN}\n\n"
                     f"dn: {slapd.group_dn('kaigo')}\nchangetype: modify\nadd: member\n"
                     f"member: {slapd.person_dn('kato')}\n")
    # Nothing changes until the person signs in again.
    assert directory_grants(kato) == {("hr", "jinji")}

    sign_in(client, "kato", KATO_PASSWORD)
    assert directory_grants(kato) == {("hr", "kaigo")}
    first.refresh_from_db()
    manual.refresh_from_db()
    assert first.revoked_at is not None and manual.revoked_at is None
    kato.profile.refresh_from_db()
    assert kato.profile.organisation == tree["kaigo"]
    assert set(contracts_where(kato, "view")) == set(tree["contracts"]["kaigo"])
    page = client.get("/contracts/").content.decode()
    assert "保険料通知書の印刷・封入封緘" in page and "職員意識調査の分析" not in page
    assert client.get(f"/contracts/{tree['contracts']['jinji'][0].slug}/").status_code == 404
    sign_out(client)

    # Out of every group: no scope from the directory is left, the manual one still is.
    directory.modify(f"dn: {slapd.group_dn('kaigo')}\nchangetype: modify\ndelete: member\n"
                     f"member: {slapd.person_dn('kato')}\n")
    sign_in(client, "kato", KATO_PASSWORD)
    assert directory_grants(kato) == set()
    assert ScopeGrant.objects.filter(user=kato, revoked_at__isnull=True).get() == manual
    assert set(contracts_where(kato, "view")) == set()


def test_a_ward_wide_privacy_group_sees_every_contract_of_the_ward(client, tree, directory):
    load_kato(directory, ("privacy", ["kato"]))
    kato = sign_in(client, "kato", KATO_PASSWORD)
    assert directory_grants(kato) == {("privacy", None)}
    assert kato.profile.organisation.kind in Organisation.WARD_KINDS
    everything = {c for cs in tree["contracts"].values() for c in cs}
    assert set(contracts_where(kato, "view")) >= everything


def test_a_wrong_password_is_refused_and_counted(client, tree, directory):
    load_kato(directory, ("jinji", ["kato"]))
    response = password_step(client, "kato", "not the passphrase")
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
    assert AccessAttempt.objects.get(username="kato").failures_since_start == 1
    assert not get_user_model().objects.filter(username="kato").exists()
    assert client.get("/contracts/").status_code == 302


def test_the_directory_down_gives_a_japanese_error_on_the_login_page(client, tree, directory, world):
    load_kato(directory, ("jinji", ["kato"]))
    directory.stop()
    response = password_step(client, "kato", KATO_PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "区のディレクトリ（LDAP）に接続できないため" in page
    assert "ユーザー名またはパスワードが正しくありません。" not in page
    # Counted towards the lockout like any refused sign-in (README says so).
    assert AccessAttempt.objects.get(username="kato").failures_since_start == 1
    # Contractors keep their local accounts: they sign in while the directory is down.
    response = password_step(client, world.manager.username, PASSWORD)
    assert response.status_code == 302 and response.url == "/accounts/verify/"


def test_a_directory_account_named_like_a_contractor_account_is_refused(client, tree, directory, world):
    directory.add(slapd.person(world.manager.username, password=KATO_PASSWORD, display_name="偽 名"))
    directory.add(slapd.group("jinji", world.manager.username))
    response = password_step(client, world.manager.username, KATO_PASSWORD)
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
    assert not ScopeGrant.objects.filter(user=world.manager).exists()
    world.manager.refresh_from_db()
    assert world.manager.has_usable_password()
    assert world.manager.profile.organisation == world.contractor
    # The contractor's own password still works, with its TOTP.
    response = password_step(client, world.manager.username, PASSWORD)
    assert response.status_code == 302 and response.url == "/accounts/verify/"


def test_the_settings_read_the_directory_from_the_environment():
    env = {**os.environ, **directory_environment("ldap://directory.ward.example", LDAP_START_TLS="1"),
           "DJANGO_HTTPS": "0"}
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
         "print(s.AUTHENTICATION_BACKENDS); print(s.AUTH_LDAP_START_TLS, s.AUTH_LDAP_SERVER_URI)"],
        env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, check=True).stdout.splitlines()
    assert ast.literal_eval(shown[0])[:3] == ["axes.backends.AxesStandaloneBackend", "directory.backends.DirectoryBackend",
                                  "django.contrib.auth.backends.ModelBackend"]
    assert shown[1] == "True ldap://directory.ward.example"


def test_active_directory_settings():
    from django_auth_ldap.config import ActiveDirectoryGroupType

    conf = ldap_settings(directory_environment("ldaps://dc1.ward.local", LDAP_USER_ATTR="sAMAccountName",
                                               LDAP_GROUP_TYPE="ad", LDAP_USER_FILTER="(objectCategory=person)"))
    assert conf["AUTH_LDAP_USER_SEARCH"].filterstr == "(&(sAMAccountName=%(user)s)(objectCategory=person))"
    assert isinstance(conf["AUTH_LDAP_GROUP_TYPE"], ActiveDirectoryGroupType)
    assert conf["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=group)"


@pytest.mark.parametrize("raw", ['{"cn=x": [["boss", "jinji"]]}', '{"cn=x": [["hr", ""]]}', "[1]", "not json",
                                 '{"cn=x": []}', '{"cn=x": [["hr"]]}'])
def test_a_mistake_in_the_group_scopes_stops_the_start(raw):
    with pytest.raises(ImproperlyConfigured):
        group_scopes(raw)


def test_group_dns_are_compared_without_regard_to_case_or_spaces():
    scopes = group_scopes('{"CN=Jinji, OU=Groups,DC=ward,DC=example": [["hr", "jinji"], ["auditor", "*"]]}')
    assert scopes == {"cn=jinji,ou=groups,dc=ward,dc=example": [("hr", "jinji"), ("auditor", None)]}


def test_starttls_refused_by_the_directory_is_a_japanese_error_not_a_500(client, tree, directory, settings):
    # The test's slapd has no certificate: StartTLS fails as it would against a directory set up without TLS.
    load_kato(directory, ("jinji", ["kato"]))
    settings.AUTH_LDAP_START_TLS = True
    response = password_step(client, "kato", KATO_PASSWORD)
    assert response.status_code == 200
    assert "区のディレクトリ（LDAP）に接続できないため" in response.content.decode()
    assert not get_user_model().objects.filter(username="kato").exists()


def test_a_placeholder_left_in_the_directory_settings_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="LDAP_BIND_PASSWORD"):
        ldap_settings(directory_environment("ldaps://dc1.ward.local", LDAP_BIND_PASSWORD="CHANGE-ME-directory"))


def test_a_mapping_that_cannot_be_held_gives_nothing_and_the_rest_still_applies(client, tree, directory, caplog):
    load_kato(directory, ("jinji", ["kato"]), ("broken", ["kato"]))
    kato = sign_in(client, "kato", KATO_PASSWORD)
    assert directory_grants(kato) == {("hr", "jinji")}
    assert "'nosuch'" in caplog.text and "'somu'" in caplog.text and "kato" not in caplog.text


def test_the_contractor_face_never_asks_the_directory(client, tree, directory, settings, world):
    load_kato(directory, ("jinji", ["kato"]))
    settings.APP_FACE = "contractor"
    # Down, so that asking it would show on the page: the refusal is the plain one, the directory was not asked.
    directory.stop()
    response = password_step(client, "kato", KATO_PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ユーザー名またはパスワードが正しくありません。" in page and "区のディレクトリ" not in page
    # The contractor signs in there as ever.
    response = password_step(client, world.manager.username, PASSWORD)
    assert response.status_code == 302 and response.url == "/accounts/verify/"


def test_an_account_stopped_here_stays_stopped_whatever_the_directory_says(client, tree, directory):
    load_kato(directory, ("jinji", ["kato"]))
    kato = sign_in(client, "kato", KATO_PASSWORD)
    assert client.get("/contracts/").status_code == 200
    kato.is_active = False
    kato.save(update_fields=["is_active"])
    # The open session ends at its next request…
    assert client.get("/contracts/").status_code == 302
    # …and the directory's password no longer signs in.
    response = password_step(client, "kato", KATO_PASSWORD)
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
    assert directory_grants(kato) == {("hr", "jinji")}


def test_a_first_sign_in_sent_twice_at_once_finds_the_account_the_other_made(client, tree, directory, monkeypatch):
    from django_auth_ldap.backend import LDAPBackend

    load_kato(directory, ("jinji", ["kato"]))
    User = get_user_model()
    # The other request made the account after this one looked for it and before it saved its own.
    monkeypatch.setattr(LDAPBackend, "get_or_build_user", lambda self, username, ldap_user: (
        User(username=username), True))
    made_by_the_other = User.objects.create_user(username="kato")
    response = password_step(client, "kato", KATO_PASSWORD)
    assert response.status_code == 302 and response.url == "/accounts/enrol/"
    assert User.objects.get(username="kato") == made_by_the_other
    assert directory_grants(made_by_the_other) == {("hr", "jinji")}


def test_a_user_name_the_directory_matches_loosely_never_makes_a_second_account(client, tree, directory):
    """The directory compares user names as LDAP does (full-width letters folded, case ignored): 「ｋａｔｏ」 finds
    kato there. Here it must be the same account, with its second factor, never a new one that enrols a device of
    its own with only kato's password."""
    load_kato(directory, ("jinji", ["kato"]))
    kato = sign_in(client, "kato", KATO_PASSWORD)
    sign_out(client)
    for typed in ("ｋａｔｏ", "ＫＡＴＯ", "KATO", "ka\u00adto"):
        client.cookies.clear()
        response = password_step(client, typed, KATO_PASSWORD)
        assert response.status_code in (200, 302), typed
        if response.status_code == 302:
            assert response.url == "/accounts/verify/", typed  # kato's own device asked for, no enrolment
    # Every account the sign-ins could have made: all but the test world's own people.
    made = get_user_model().objects.exclude(username__in=["hr", "auditor", "outsider", "manager_a", "handler_a",
                                                         "manager_b", "privacy", "section_other"])
    assert [user.pk for user in made] == [kato.pk]


def test_ward_item_06_counts_a_directory_persons_password_as_the_directorys(client, tree, directory):
    """Ward system item 06 (パスワードと TOTP): a person who signs in through the directory has no password here;
    the item names it as checked by the directory, and a local account with no password still turns it unmet."""
    from accounts.evidence import second_factor_evidence
    from tests.factories import make_user

    load_kato(directory, ("jinji", ["kato"]))
    kato = sign_in(client, "kato", KATO_PASSWORD)
    assert kato.directory_account.first_signed_in_at is not None
    contract = tree["contracts"]["jinji"][0]
    evidence = second_factor_evidence(contract)
    assert evidence.met is True, evidence.summary
    assert "うち 1名は区のディレクトリで確認" in evidence.summary

    local = make_user("nopassword", tree["jinji"])
    local.set_unusable_password()
    local.save(update_fields=["password"])
    from contracts.models import Role
    from contracts.services import scope_grant
    scope_grant(user=local, role=Role.HR, unit=tree["jinji"], actor=kato)
    evidence = second_factor_evidence(contract)
    assert evidence.met is False and "パスワード未設定 1名" in evidence.summary
