"""A wrong code at the enrolment page is audited: the refusal that follows must not roll the entry back."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_wrong_enrolment_code_leaves_an_audit_entry(client, world):
    newcomer = make_user("newcomer", world.ward, totp=False)
    client.force_login(newcomer)
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    right = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    response = client.post(reverse("accounts:enrol"), {"token": f"{(right + 1) % 1_000_000:06d}"})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.otp.enrol_failed", actor=newcomer).count() == 1
