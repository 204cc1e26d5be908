"""The demo: the second contractor's contract has an incident, a misdelivered password notice, which is not
reportable, and the app says why. Safe to run twice."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from contracts.demo import OTHER_SLUG, SEED_SLUG
from incidents.assessment import assess
from incidents.models import Incident
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


def test_the_second_contractor_has_a_misdelivered_notice_that_is_not_reportable(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    incident = Incident.objects.get()
    assert incident.contract.slug == OTHER_SLUG
    assert incident.kind == Incident.Kind.MISDELIVERY
    assert [item.label for item in incident.items.all()] == ["SA-PN-001"]
    decision = assess(incident).decision
    assert not decision.required
    assert "パスワード通知書（SA-PN-001（パスワード通知書））だけで、通知書には個人情報が記録されていません" in decision.reason
    assert incident.is_closed and incident.events.filter(kind="consulted").exists()

    users = get_user_model().objects
    login_verified(client, users.get(username="kobayashi"))
    page = client.get(f"/incidents/{OTHER_SLUG}/{incident.pk}/").content.decode()
    assert "報告は不要" in page and decision.reason in page
    assert "令和7年7月4日 14:30" in page
    login_verified(client, users.get(username="tanaka"))
    assert client.get(f"/incidents/{OTHER_SLUG}/{incident.pk}/").status_code == 404
    assert not Incident.objects.filter(contract__slug=SEED_SLUG).exists()
