"""The one-time enrolment link a new person gets when the ward approves them.

Issue 7, B.17: 「when the ward approves, the account is made and the person gets a one-time enrolment link
(e-mail, valid 72 hours) to set a password and a second factor.」 The link is single-use, expires, cannot be
guessed, never reaches a log, and is audited.
"""

import datetime as dt
import hashlib
import logging

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentInvitation
from audit.models import AuditEntry
from tests.accounts.enrolment import approved_new_person, open_link, token_from_last_mail

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "夕焼けの多摩川を自転車で走る"


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def invited(world):
    designation = approved_new_person(world, email="jiro.bunseki@example.co.jp")
    return designation.user, token_from_last_mail("jiro.bunseki@example.co.jp")


def _link(token):
    return reverse("accounts:welcome_link", kwargs={"token": token})


def _open(client, token):
    """What the person does: open the link from the mail, press 「登録を始める」, see the page with the QR code."""
    return open_link(client, token)


def _secret(person) -> str:
    from accounts import services

    return services.manual_key(TOTPDevice.objects.get(user=person, confirmed=False))


def test_the_link_leads_to_one_page_that_sets_password_and_authenticator(client, invited):
    person, token = invited
    response = client.get(_link(token))
    assert response.status_code == 302 and response.url == reverse("accounts:welcome")
    assert token not in response.url
    start = client.get(reverse("accounts:welcome"))
    assert start.status_code == 200 and "登録を始める" in start.content.decode()
    response = client.post(reverse("accounts:welcome"))
    assert response.status_code == 302 and response.url == reverse("accounts:welcome")
    page = client.get(reverse("accounts:welcome"))
    assert page.status_code == 200
    assert "jiro.bunseki" in page.content.decode() and "分析 次郎" in page.content.decode()
    assert _secret(person) in page.content.decode()
    # The same browser is shown the same secret again (a reload, the mail's link opened once more).
    client.get(_link(token))
    assert _secret(person) in client.get(reverse("accounts:welcome")).content.decode()
    response = client.post(reverse("accounts:welcome"), {
        "new_password1": PASSWORD, "new_password2": PASSWORD, "token": _code(person)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=person, confirmed=False).exists()
    # Signed in with both factors: the dashboard opens.
    assert int(client.session["_auth_user_id"]) == person.pk and client.session.get(DEVICE_ID_SESSION_KEY)
    assert client.get("/").status_code == 200
    assert EnrolmentInvitation.objects.get(user=person).used_at is not None
    entry = AuditEntry.objects.get(action="auth.enrolment.completed")
    assert entry.actor == person


def test_a_mail_scanner_opening_the_link_first_neither_sees_the_secret_nor_takes_the_link(client, invited):
    """Mail scanners (Safe Links and the like) open every link in a mail before the person does. Opening is
    a GET; only pressing 「登録を始める」 (a POST) makes the link a browser's, so the person still gets it."""
    from django.test import Client

    person, token = invited
    scanner = Client()
    assert scanner.head(_link(token)).status_code == 302
    assert scanner.get(_link(token)).status_code == 302
    start = scanner.get(reverse("accounts:welcome"))
    assert start.status_code == 200
    page = start.content.decode()
    assert "登録を始める" in page
    assert "jiro.bunseki" not in page and "<svg" not in page
    assert not TOTPDevice.objects.filter(user=person).exists()  # no secret made, so none shown
    assert EnrolmentInvitation.objects.get(user=person).opened_by == ""

    first = _open(client, token)
    assert first.status_code == 200 and _secret(person) in first.content.decode()
    # A browser that had the link open before cannot press the button after the person did; it is told to ask
    # for a new link.
    later = scanner.post(reverse("accounts:welcome"))
    assert later.status_code == 403 and _secret(person) not in later.content.decode()
    assert "新しいリンクの発行を依頼してください" in later.content.decode()
    response = client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                                         "token": _code(person)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_link_works_once(client, invited):
    person, token = invited
    _open(client, token)
    client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                              "token": _code(person)})
    client.post(reverse("accounts:logout"))
    again = client.get(_link(token))
    assert again.status_code == 410
    assert "このリンクはすでに使われています" in again.content.decode()
    assert client.get(reverse("accounts:welcome")).status_code == 404


def test_the_link_expires_after_72_hours(client, invited, monkeypatch):
    person, token = invited
    later = timezone.now() + dt.timedelta(hours=72, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(_link(token))
    assert response.status_code == 410
    assert "有効期限（発行から72時間）が過ぎています" in response.content.decode()
    entry = AuditEntry.objects.filter(action="auth.enrolment.link_refused").get()
    assert entry.payload == {"reason": "expired"} and entry.object_id == str(person.pk)


def test_a_link_that_expires_while_the_page_is_open_cannot_finish(client, invited):
    person, token = invited
    _open(client, token)
    code = _code(person)
    # The 72 hours run out while the person is still on the page.
    EnrolmentInvitation.objects.filter(user=person).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                                         "token": code})
    assert response.status_code == 410
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_a_guessed_link_finds_nothing_and_is_audited_without_the_guess(client, invited):
    guess = "A" * 43
    response = client.get(_link(guess))
    assert response.status_code == 404
    assert "このリンクは正しくありません" in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.enrolment.link_refused")
    assert entry.payload == {"reason": "unknown"} and guess not in str(entry.payload)


def test_only_a_digest_of_the_token_is_stored(invited):
    person, token = invited
    invitation = EnrolmentInvitation.objects.get(user=person)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(EnrolmentInvitation.objects.values()))
    assert invitation.expires_at - invitation.created_at == dt.timedelta(hours=72)


def test_the_token_never_reaches_a_log_or_the_audit_trail(client, invited, caplog, world):
    person, token = invited
    caplog.set_level(logging.DEBUG)
    client.post(_link(token))                                   # 405, logged by django.request
    client.get(_link(token + "x"))                              # 404
    client_as_hr = client.__class__()
    from tests.factories import login_verified

    login_verified(client_as_hr, world.hr)
    client_as_hr.get(_link(token))                              # 403: signed in
    _open(client, token)
    client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                              "token": _code(person)})
    client.post(reverse("accounts:logout"))
    client.get(_link(token))                                    # 410: used
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/accounts/welcome/[redacted]/" in logged
    assert token not in logged
    audited = " ".join(f"{e.payload} {e.object_repr}" for e in AuditEntry.objects.all())
    assert token not in audited


def test_someone_signed_in_is_told_to_sign_out_and_stays_signed_in(client_as, world, invited):
    _person, token = invited
    client = client_as(world.hr)
    response = client.get(_link(token))
    assert response.status_code == 403
    assert "ログアウトしてからもう一度開いてください" in response.content.decode()
    assert int(client.session["_auth_user_id"]) == world.hr.pk
    assert EnrolmentInvitation.objects.get(user=_person).is_usable


@pytest.mark.parametrize(("password", "message"), [
    ("ZZZZZZZZZZZZ", "同じ文字の繰り返し"),
    ("jiro.bunseki-2026", "ユーザー名・メールアドレス・氏名を含むパスワードは使えません"),
    ("short", "12"),
])
def test_a_weak_password_is_refused_at_its_field_and_the_link_stays_good(client, invited, password, message):
    person, token = invited
    _open(client, token)
    response = client.post(reverse("accounts:welcome"), {"new_password1": password, "new_password2": password,
                                                         "token": _code(person)})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["new_password1"])
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert EnrolmentInvitation.objects.get(user=person).is_usable


def test_a_wrong_code_is_refused_at_its_field_and_audited(client, invited):
    person, token = invited
    _open(client, token)
    good = _code(person)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                                         "token": wrong})
    assert response.status_code == 400
    assert "確認コードが正しくありません" in str(response.context["form"].errors["token"])
    assert AuditEntry.objects.filter(action="auth.enrolment.code_failed", object_id=str(person.pk)).count() == 1
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_two_passwords_that_differ_are_refused(client, invited):
    person, token = invited
    _open(client, token)
    response = client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD + "。",
                                                         "token": _code(person)})
    assert response.status_code == 400
    assert "一致しません" in str(response.context["form"].errors["new_password2"])


def test_a_newer_link_replaces_the_older_one(client, world, invited):
    from contracts import services

    person, token = invited
    designation = person.designations.get()
    services.designation_resend_enrolment(designation=designation, actor=world.hr)
    response = client.get(_link(token))
    assert response.status_code == 410
    assert "新しい案内に置き換えられたため使えません" in response.content.decode()
    assert client.get(_link(token_from_last_mail())).status_code == 302


def test_only_the_first_browser_to_open_the_link_is_shown_the_secret(client, invited):
    """Issue 13, finding 10: a second browser with the same link saw the same TOTP secret and could finish
    first. The link belongs to the session that pressed 「登録を始める」 first; another is told to ask for a
    new one, whether it opens the link or had it open before."""
    from django.test import Client

    from accounts import services

    person, token = invited
    first = _open(client, token)
    assert first.status_code == 200
    secret = services.manual_key(TOTPDevice.objects.get(user=person, confirmed=False))
    assert secret in first.content.decode()

    second = Client()
    response = second.get(_link(token))
    assert response.status_code == 403
    page = response.content.decode()
    assert "別のブラウザ" in page and "新しいリンクの発行を依頼してください" in page
    assert secret not in page
    assert second.get(reverse("accounts:welcome")).status_code == 404
    assert second.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                                     "token": _code(person)}).status_code == 404
    assert AuditEntry.objects.filter(action="auth.enrolment.link_refused", object_id=str(person.pk),
                                     payload__reason="opened_elsewhere").exists()

    # The first browser may open the mail's link again, is shown the secret again, and finishes.
    assert client.get(_link(token)).status_code == 302
    assert secret in client.get(reverse("accounts:welcome")).content.decode()
    response = client.post(reverse("accounts:welcome"), {"new_password1": PASSWORD, "new_password2": PASSWORD,
                                                         "token": _code(person)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_new_link_can_be_opened_by_another_browser(client, world, invited):
    from django.test import Client

    from contracts import services

    person, token = invited
    _open(Client(), token)  # someone else got there first
    services.designation_resend_enrolment(designation=person.designations.get(), actor=world.hr)
    assert _open(client, token_from_last_mail()).status_code == 200
