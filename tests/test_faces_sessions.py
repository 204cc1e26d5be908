"""On the contractor face a ward person's session counts for nothing, as their password does not there
(accounts.views refuses it at sign-in): a session cookie of the ward's taken outside the ward's network opens none of the
contractor face's pages (the privacy office's would open every contract of the ward); a contractor's session
keeps working."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import login_verified
from tests.test_faces import CONTRACTOR_HOST, WARD_HOST, two_hosts  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_ward_persons_session_opens_nothing_on_the_contractor_face(two_hosts, world):  # noqa: F811
    detail = reverse("contracts:detail", kwargs={"slug": world.contract.slug})
    for user in (world.privacy, world.hr):
        ward = Client(HTTP_HOST=WARD_HOST)
        login_verified(ward, user)
        assert ward.get(detail).status_code == 200
        outside = Client(HTTP_HOST=CONTRACTOR_HOST)
        outside.cookies = ward.cookies  # the same session cookie, sent to the contractor face's host
        for url in (detail, reverse("contracts:list"), reverse("core:dashboard")):
            response = outside.get(url)
            assert response.status_code == 302, (user.username, url)
            assert response["Location"].startswith(reverse("accounts:login")), (user.username, url)
        # The session itself stays, for the ward face.
        assert ward.get(detail).status_code == 200
    contractor = Client(HTTP_HOST=CONTRACTOR_HOST)
    login_verified(contractor, world.manager)
    assert contractor.get(detail).status_code == 200
