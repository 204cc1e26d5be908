"""The permission matrix on the contractor face (core.faces; README, "Where it sits in the ward's network").

Every row of tests/matrix is asked again with ``APP_FACE="contractor"``: a page not on the contractor face answers
404 to every role, GET and POST, and nothing happens; a page on it answers every role exactly as on the ward face
(the ward's own test, tests/test_permission_matrix.py, run again), but the ward's people as someone not signed in
(their session counts for nothing there), and what it shows a contractor's people (its
links, its forms, where a redirect sends them) stays on the face. The list itself is checked against the matrix:
a page the matrix opens to a contractor's manager or handler must be on the face, and the face lists nothing a
contractor never opens.
"""

import dataclasses
import re
from html import unescape
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db.models import Max
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from core import faces
from tests import test_permission_matrix as ward_matrix
from tests.matrix import DONE, REFUSED, ROLES, sign_in

# The ward matrix's fixtures, for this module's own world (built once for it, like the ward's).
from tests.test_permission_matrix import (  # noqa: F401
    _evidence_data_dir,
    _media_root,
    _survey_data_dir,
    matrix_dirs,
    matrix_world,
    row_objects,
)

ROWS = ward_matrix.ROWS
ON_FACE = [row for row in ROWS if faces.on_contractor_face(row.name)]
OFF_FACE = [row for row in ROWS if not faces.on_contractor_face(row.name)]
CONTRACTOR_ROLES = ("manager", "handler", "other")
# The ward's people: on the contractor face their session counts for nothing (core.faces, as their sign-in there),
# so each page answers them as it answers someone not signed in.
WARD_SIDE = tuple(role for role in ROLES if role not in ("anon", *CONTRACTOR_ROLES))
# On the face though no row of the matrix opens them to a contractor's people, and why.
ON_FACE_WITHOUT_A_ROW_OPENING_IT = {
    # The matrix's sessions have their second factor already: these pages only send them on.
    "accounts:verify": "the second factor, asked at every sign-in",
    "accounts:enrol": "enrolling the second factor at the first sign-in",
    "accounts:welcome": "the page a new contractor's person types the link's code into",
    "accounts:welcome_link": "the link mailed to a new contractor's person",
    # The matrix's rows for these pages ask for the ward's side, which is not the contractor's.
    "checklist:side": "the contractor's side of the checklist",
    "checklist:export": "the contractor's side of the checklist as a file",
    "checklist:confirmation_record": "the contractor's confirmations (its cloud, the flow acknowledged, emergency)",
}


def _ids(rows):
    return [row.name + row.query for row in rows]


def _opened_to_contractors(row) -> bool:
    """Whether the matrix lets a contractor's person (or anyone not signed in) use the page: GET 200, or a POST
    that takes effect, is refused with a message, or is answered by the page itself (200, or 400 for bad input)."""
    for role in ("anon", *CONTRACTOR_ROLES):
        get, post = row.get[role], row.post[role]
        if get == 200 or post is DONE or post is REFUSED or (post in (200, 400) and not hasattr(post, "happened")):
            return True
    return False


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _last_audit_seq() -> int:
    from audit.models import AuditEntry

    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


# The list against the matrix.

def test_every_page_the_matrix_opens_to_a_contractor_is_on_the_contractor_face():
    missing = sorted({row.name for row in ROWS if _opened_to_contractors(row) and not faces.on_contractor_face(row.name)})
    assert not missing, f"pages a contractor's people use, not in core.faces.CONTRACTOR_PAGES: {missing}"


def test_the_contractor_face_lists_only_pages_that_exist_and_that_contractors_open():
    names = ward_matrix._pattern_names()
    assert not sorted(faces.CONTRACTOR_PAGES - names), "core.faces.CONTRACTOR_PAGES names pages that do not exist"
    opened = {row.name for row in ROWS if _opened_to_contractors(row)}
    extra = sorted(faces.CONTRACTOR_PAGES - opened - set(ON_FACE_WITHOUT_A_ROW_OPENING_IT))
    assert not extra, f"on the contractor face but no contractor opens them (matrix): {extra}"
    assert set(ON_FACE_WITHOUT_A_ROW_OPENING_IT) <= faces.CONTRACTOR_PAGES


def test_no_survey_page_and_no_admin_page_is_on_the_contractor_face():
    names = ward_matrix._pattern_names()
    survey_or_admin = {name for name in names if name.startswith(("engagement:", "admin:", "audit:"))}
    survey_or_admin |= {"admin_login"}
    assert "engagement:upload" in survey_or_admin and "admin:index" in survey_or_admin
    assert not survey_or_admin & faces.CONTRACTOR_PAGES
    assert len(OFF_FACE) > 20 and len(ON_FACE) > 20


# The matrix run on the contractor face.

@pytest.mark.django_db
@pytest.mark.parametrize("row_objects", OFF_FACE, indirect=True, ids=_ids(OFF_FACE))
def test_a_page_not_on_the_contractor_face_answers_404_to_everyone(matrix_world, row_objects):  # noqa: F811
    """Every role, GET and POST, with the row's own objects and data: 404, and nothing written."""
    _built, sessions = matrix_world
    row, kwargs = row_objects
    url = reverse(row.name, kwargs=kwargs) + row.query
    before = _last_audit_seq()
    with override_settings(APP_FACE=faces.CONTRACTOR):
        for role in ROLES:
            client = sign_in(Client(), sessions, role)
            for method in ("get", "post"):
                response = client.get(url) if method == "get" else client.post(url, row.data(ward_matrix.fresh(_built)))
                assert response.status_code == 404, f"{method.upper()} {url} as {role}: {response.status_code}"
                assert "404.html" in [t.name for t in response.templates], "not the app's 404 page"
    assert _last_audit_seq() == before, f"{url}: something was written on the contractor face"


def _links(response) -> list[str]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    html = response.content.decode()
    return [unescape(link) for link in re.findall(r'(?:href|action)="(/[^"]*)"', html)]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row_objects", ON_FACE, indirect=True, ids=_ids(ON_FACE))
def test_a_page_on_the_contractor_face_answers_as_on_the_ward_face(client, matrix_world, row_objects,  # noqa: F811
                                                                   role, method):
    """The ward's own matrix test, on the contractor face; and a contractor's person is neither sent nor linked
    to a page that is not on it."""
    responses = []
    request = client.request

    def recorded(**request_args):
        response = request(**request_args)
        responses.append(response)
        return response

    client.request = recorded
    row, kwargs = row_objects
    on_face = dataclasses.replace(row, get={**row.get, **{r: row.get["anon"] for r in WARD_SIDE}},
                                  post={**row.post, **{r: row.post["anon"] for r in WARD_SIDE}})
    with override_settings(APP_FACE=faces.CONTRACTOR):
        ward_matrix.test_permission_matrix(client, matrix_world, (on_face, kwargs), role, method)
    if role not in ("anon", *CONTRACTOR_ROLES):
        return
    (response,) = responses
    leads_to = []
    if response.status_code == 302:
        leads_to.append(urlparse(response["Location"]).path)
    leads_to += [urlparse(link).path for link in _links(response)]
    off = sorted({path for path in leads_to
                  if not path.startswith("/" + settings.STATIC_URL.lstrip("/"))
                  and not faces.on_contractor_face(_view_name(path) or "")})
    assert not off, f"{method.upper()} {response.request['PATH_INFO']} as {role} leads off the contractor face: {off}"
