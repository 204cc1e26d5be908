"""The two faces by host name (core.faces): which host shows which face, what the contractor face refuses with the
app's own 404 page (the admin, the survey's upload), what it keeps (signing in, the health check, static files),
and a menu that offers only what is on the face. The permission matrix per face is tests/test_faces_matrix.py."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from core import faces

WARD_HOST = "itaku.city.example.lg.jp"
CONTRACTOR_HOST = "itaku-jigyosha.city.example.jp"


@pytest.fixture
def two_hosts(settings):
    settings.ALLOWED_HOSTS = [WARD_HOST, CONTRACTOR_HOST, "testserver"]
    settings.APP_FACE = faces.WARD
    settings.APP_FACE_BY_HOST = faces.faces_by_host(f"{WARD_HOST}=ward,{CONTRACTOR_HOST.upper()}=contractor")
    return settings


def test_the_setting_reads_host_face_pairs_and_refuses_anything_else():
    assert faces.faces_by_host(" A.example.jp=Contractor , b.example.lg.jp=ward,") == {
        "a.example.jp": "contractor", "b.example.lg.jp": "ward"}
    assert faces.faces_by_host("") == {}
    for bad in ("a.example.jp", "a.example.jp=both", "a.example.jp:443=ward", "=ward"):
        with pytest.raises(ImproperlyConfigured):
            faces.faces_by_host(bad)
    with pytest.raises(ImproperlyConfigured):
        faces.check_face("internet", "DJANGO_APP_FACE")


@pytest.mark.django_db
def test_the_host_name_picks_the_face_and_an_unknown_host_falls_to_app_face(two_hosts, admin_client):
    admin_url = reverse("admin:index")
    assert admin_client.get(admin_url, HTTP_HOST=WARD_HOST).status_code == 200
    assert admin_client.get(admin_url, HTTP_HOST=CONTRACTOR_HOST).status_code == 404
    # With a port, in capitals: the same host.
    assert admin_client.get(admin_url, HTTP_HOST=f"{CONTRACTOR_HOST.upper()}:8443").status_code == 404
    # A host allowed but not named takes APP_FACE.
    assert admin_client.get(admin_url, HTTP_HOST="testserver").status_code == 200
    two_hosts.APP_FACE = faces.CONTRACTOR
    assert admin_client.get(admin_url, HTTP_HOST="testserver").status_code == 404
    assert admin_client.get(admin_url, HTTP_HOST=WARD_HOST).status_code == 200
    # A host not allowed is refused before any face is chosen, as everywhere.
    assert admin_client.get(admin_url, HTTP_HOST="evil.example.com").status_code == 400


@pytest.mark.django_db
def test_the_admin_and_the_survey_upload_are_404_on_the_contractor_face(two_hosts, admin_client, world, client_as):
    on_contractor = {"HTTP_HOST": CONTRACTOR_HOST}
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist"), "/admin/login/", "/admin/no-such/",
                "/admin", "/admin/auth/user"):
        response = admin_client.get(url, **on_contractor)
        assert response.status_code == 404, url
        assert "ページが見つかりません" in response.content.decode()
        assert admin_client.post(url, {}, **on_contractor).status_code == 404, url
    hr = client_as(world.hr)
    upload = reverse("engagement:upload", kwargs={"slug": world.contract.slug})
    assert hr.get(upload, HTTP_HOST=WARD_HOST).status_code == 200
    response = hr.get(upload, **on_contractor)
    assert response.status_code == 404
    assert [t.name for t in response.templates][:1] == ["404.html"]
    assert hr.post(upload, {}, **on_contractor).status_code == 404
    # The contractor's own pages on the same contract are there, for the contractor's people (a ward session
    # counts for nothing on this face: tests/test_faces_sessions.py).
    detail = reverse("contracts:detail", kwargs={"slug": world.contract.slug})
    assert client_as(world.manager).get(detail, **on_contractor).status_code == 200


@pytest.mark.django_db
def test_signing_in_the_health_check_and_static_files_work_on_the_contractor_face(two_hosts):
    client = Client(HTTP_HOST=CONTRACTOR_HOST)
    assert client.get(reverse("accounts:login")).status_code == 200
    health = client.get(reverse("operations:healthz"))
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    # Anonymous on a ward page: not sent to the login page, as the ward face would, but 404.
    assert client.get(reverse("audit:log")).status_code == 404
    two_hosts.WHITENOISE_USE_FINDERS = True
    static = Client(HTTP_HOST=CONTRACTOR_HOST).get("/static/css/app.css")
    assert static.status_code == 200
    assert b"".join(static.streaming_content)


def _nav_links(response) -> list[str]:
    html = response.content.decode()
    header = html[html.index('<header class="site-header">'):html.index("</header>")]
    footer = html[html.index("</main>"):]
    return re.findall(r'(?:href|action)="([^"#?]*)', header + footer)


@pytest.mark.django_db
def test_the_menu_on_the_contractor_face_offers_only_what_is_on_it(two_hosts, world, client_as):
    hr = client_as(world.hr)
    ward = hr.get(reverse("core:dashboard"), HTTP_HOST=WARD_HOST)
    assert reverse("audit:log") in _nav_links(ward)
    assert "庁内ネットワーク内でのみ利用できます" in ward.content.decode()
    assert hr.get(reverse("core:dashboard"), HTTP_HOST=CONTRACTOR_HOST).status_code == 302  # no ward session there
    contractor = client_as(world.manager).get(reverse("core:dashboard"), HTTP_HOST=CONTRACTOR_HOST)
    assert contractor.status_code == 200
    links = _nav_links(contractor)
    assert reverse("contracts:list") in links and reverse("audit:log") not in links
    assert "庁内ネットワーク内でのみ利用できます" not in contractor.content.decode()
    from django.urls import resolve

    assert all(faces.on_contractor_face(resolve(link).view_name) for link in links if not link.startswith("/static/"))



def test_every_page_an_email_links_to_is_on_the_contractor_face():
    """E-mails carry DJANGO_SITE_URL, the contractor face's address when there are two (README): every page they
    link to must be there. Read from the code that builds the links: ``reverse("…")`` in the modules that mail,
    and in the functions of supervision.selectors that give them their links."""
    import inspect
    from pathlib import Path

    from django.conf import settings

    from supervision import selectors

    root = Path(settings.BASE_DIR)
    texts = [path.read_text() for path in (*root.glob("*/notifications.py"), root / "accounts/services.py")]
    texts += [inspect.getsource(selectors.finding_url), inspect.getsource(selectors.inspection_url)]
    linked = {name for text in texts for name in re.findall(r'reverse\(\s*"([a-z_]+:[a-z_]+)"', text)}
    assert {"accounts:welcome_link", "handover:handover_detail", "incidents:detail", "supervision:finding"} <= linked
    assert not sorted(name for name in linked if not faces.on_contractor_face(name))


def test_a_host_given_a_face_but_not_allowed_is_warned_about(settings):
    from django.core.checks import run_checks

    settings.ALLOWED_HOSTS = [WARD_HOST, f".{CONTRACTOR_HOST.split('.', 1)[1]}"]
    settings.APP_FACE_BY_HOST = {WARD_HOST: faces.WARD, CONTRACTOR_HOST: faces.CONTRACTOR}
    assert not [w for w in run_checks() if w.id == faces.CHECK_ID]
    settings.APP_FACE_BY_HOST = {WARD_HOST: faces.WARD, "itaku-jigyosha.example.com": faces.CONTRACTOR}
    (warning,) = [w for w in run_checks() if w.id == faces.CHECK_ID]
    assert "itaku-jigyosha.example.com" in warning.msg


@pytest.mark.django_db
def test_on_the_contractor_face_the_wards_people_and_administrators_do_not_sign_in(two_hosts, world):
    from axes.models import AccessAttempt

    from tests.factories import PASSWORD, make_user

    admin = make_user("kanri", world.other_contractor)
    admin.is_staff = admin.is_superuser = True
    admin.save()

    def sign_in(user, host):
        client = Client(HTTP_HOST=host)
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        return client, response

    for user in (world.hr, world.auditor, world.outsider, admin):
        client, response = sign_in(user, CONTRACTOR_HOST)
        assert response.status_code == 200, user.username
        assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()
        assert "_auth_user_id" not in client.session
        # Counted as a failure, as a wrong password is: the face tells nobody the password was right.
        assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1
        assert sign_in(user, WARD_HOST)[1].status_code == 302
    for user in (world.manager, world.handler):
        client, response = sign_in(user, CONTRACTOR_HOST)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    page = Client(HTTP_HOST=CONTRACTOR_HOST).get(reverse("accounts:login")).content.decode()
    assert "区の職員の方は、庁内の端末から区のアドレスで開いてください。" in page
    assert "区の職員の方は" not in Client(HTTP_HOST=WARD_HOST).get(reverse("accounts:login")).content.decode()
