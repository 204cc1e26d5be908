"""The admin cannot set another person's password or TOTP key (issue 13, finding 5): it signed in as tanaka
after setting both, and everything after read as tanaka. It sends an enrolment link instead (audited),
which the person completes; an account made in the admin has no password anyone knows."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentInvitation
from audit.formatting import present
from audit.models import AuditEntry
from tests.accounts.enrolment import open_link, token_from_last_mail
from tests.factories import PASSWORD, login_verified, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
CHOSEN_KEY = "3132333435363738393031323334353637383930"
NEW_PASSWORD = "kumo-no-ue-de-hirune-2026"


def test_the_admin_cannot_set_another_persons_password(admin_client, world):
    url = f"/admin/auth/user/{world.manager.pk}/password/"
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 403
    world.manager.refresh_from_db()
    assert world.manager.check_password(PASSWORD) and not world.manager.check_password(NEW_PASSWORD)
    # The person's page neither shows the password nor links to a form that would set one.
    page = admin_client.get(f"/admin/auth/user/{world.manager.pk}/change/").content.decode()
    assert "password/" not in page and 'name="password' not in page


def test_a_password_posted_with_the_persons_page_changes_nothing(admin_client, world):
    user = world.manager
    before = User.objects.get(pk=user.pk).password
    admin_client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": user.username, "email": user.email, "is_active": "on", "password": NEW_PASSWORD,
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-04-01", "date_joined_1": "09:00:00"})
    assert User.objects.get(pk=user.pk).password == before


def test_the_admin_cannot_add_a_totp_device_with_a_key_of_its_choosing(admin_client, world):
    url = "/admin/otp_totp/totpdevice/add/"
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(url, {
        "user": world.manager.pk, "name": "管理者が登録", "confirmed": "on", "key": CHOSEN_KEY, "step": 30, "t0": 0,
        "digits": 6, "tolerance": 1, "drift": 0, "throttling_failure_count": 0})
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(key=CHOSEN_KEY).exists()
    assert not TOTPDevice.objects.filter(name="管理者が登録").exists()


def test_the_admin_cannot_give_a_device_a_key_or_move_its_own_device_to_someone(admin_client, world):
    own = TOTPDevice.objects.get(user=admin_client.superuser)
    key = own.key
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{own.pk}/change/", {
        "user": world.manager.pk, "name": "田中さんの端末", "confirmed": "on", "key": CHOSEN_KEY, "step": 30,
        "t0": 0, "digits": 6, "tolerance": 1, "drift": 0, "throttling_failure_count": 0})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.user_id, own.key, own.name) == (admin_client.superuser.pk, key, "田中さんの端末")
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{own.pk}/change/").content.decode()
    assert key not in page and 'name="key"' not in page and 'name="user"' not in page
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{own.pk}/config/").status_code == 403


def test_an_account_made_in_the_admin_has_no_password_anyone_knows(admin_client):
    response = admin_client.post("/admin/auth/user/add/", {"username": "shinjin", "email": "shinjin@example.jp",
                                                            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="shinjin")
    assert not user.has_usable_password() and not user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="admin.auth.user.added")
    assert entry.object_id == str(user.pk) and NEW_PASSWORD not in entry.canonical().decode()


def test_the_admin_sends_an_enrolment_link_which_the_person_completes(client, admin_client, world):
    person = world.manager
    old_device = TOTPDevice.objects.get(user=person)
    response = admin_client.post("/admin/auth/user/", {"action": "send_enrolment_link",
                                                       "_selected_action": [person.pk]})
    assert response.status_code == 302
    token = token_from_last_mail(person.email)
    invitation = EnrolmentInvitation.objects.get(user=person)
    assert invitation.created_by == admin_client.superuser
    [entry] = AuditEntry.objects.filter(action="admin.auth.user.enrolment_issued")
    assert (entry.actor, entry.object_id) == (admin_client.superuser, str(person.pk))
    assert token not in entry.canonical().decode()
    shown = present([entry])[0]
    assert shown.action == "管理画面で利用開始の案内を送信（本人がパスワードと二要素認証を設定）"
    assert shown.object == "利用者 田中 誠" and shown.detail.startswith("リンクの有効期限: 令和")

    # The person opens the link and sets their own password and authenticator; the old phone stops.
    client.logout()
    open_link(client, token)
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    response = client.post(reverse("accounts:welcome"), {"new_password1": NEW_PASSWORD,
                                                         "new_password2": NEW_PASSWORD, "token": code})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert list(TOTPDevice.objects.filter(user=person).values_list("pk", flat=True)) == [device.pk]
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()


def test_no_link_for_a_person_without_an_address(admin_client, world):
    person = make_user("noaddress", world.ward, totp=False)
    User.objects.filter(pk=person.pk).update(email="")
    mail.outbox.clear()
    response = admin_client.post("/admin/auth/user/", {"action": "send_enrolment_link",
                                                       "_selected_action": [person.pk]}, follow=True)
    assert "メールアドレスが登録されていないため" in response.content.decode()
    assert not mail.outbox and not EnrolmentInvitation.objects.filter(user=person).exists()
    assert not AuditEntry.objects.filter(action="admin.auth.user.enrolment_issued").exists()


# --- an address changed in the admin (issue 13: the gap finding 5 left) ---------------------------------
# The admin could change a person's address to its own and then send the enrolment link to itself. Now the
# previous address hears of the change at once, and no link goes to a person who has set up their account
# for 7 days after it.

NEW_ADDRESS = "kanri-no-shitei@example.jp"


def _change_address(admin_client, person, address):
    joined = timezone.localtime(person.date_joined)
    flags = {name: "on" for name in ("is_staff", "is_superuser") if getattr(person, name)}
    return admin_client.post(f"/admin/auth/user/{person.pk}/change/", {**flags,
        "username": person.username, "first_name": person.first_name, "last_name": person.last_name,
        "email": address, "is_active": "on", "groups": [g.pk for g in person.groups.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"), "date_joined_1": joined.strftime("%H:%M:%S"),
        # the page's hidden copy of a field with a default (as a browser sends it)
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"), "initial-date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "", "last_login_1": ""})


def _send_link(admin_client, person):
    return admin_client.post("/admin/auth/user/", {"action": "send_enrolment_link", "_selected_action": [person.pk]},
                             follow=True)


def test_an_address_changed_in_the_admin_is_announced_to_the_previous_address(admin_client, world):
    person, previous = world.manager, world.manager.email
    mail.outbox.clear()
    assert _change_address(admin_client, person, NEW_ADDRESS).status_code == 302
    person.refresh_from_db()
    assert person.email == NEW_ADDRESS
    [notice] = mail.outbox
    assert notice.to == [previous] and notice.subject == "【委託個人情報管理】メールアドレス変更のお知らせ"
    assert "システム管理者が管理画面で、あなたのアカウントのメールアドレスを変更しました" in notice.body
    assert f"ユーザー名: {person.username}" in notice.body and "7日以内に区の人材育成等担当に連絡" in notice.body
    assert NEW_ADDRESS not in notice.body
    [entry] = AuditEntry.objects.filter(action="admin.auth.user.changed")
    assert entry.payload["fields"] == ["email"] and entry.payload["previous_address_notified"] is True
    assert previous not in entry.canonical().decode() and NEW_ADDRESS not in entry.canonical().decode()
    assert present([entry])[0].detail == "変更した項目: メールアドレス（変更前のメールアドレスにお知らせを送信）"


def test_no_link_goes_to_the_new_address_of_an_enrolled_person_for_seven_days(admin_client, world, monkeypatch):
    from tests.handover.conftest import Clock

    clock = Clock(monkeypatch)
    person = world.manager
    _change_address(admin_client, person, NEW_ADDRESS)
    mail.outbox.clear()
    response = _send_link(admin_client, person)
    assert "管理画面でメールアドレスが変更されたため" in response.content.decode()
    assert "変更前のアドレスに変更をお知らせしています" in response.content.decode()
    assert not mail.outbox and not EnrolmentInvitation.objects.filter(user=person).exists()
    assert not AuditEntry.objects.filter(action="admin.auth.user.enrolment_issued").exists()

    clock.advance(days=6, hours=23)
    login_verified(admin_client, admin_client.superuser)
    _send_link(admin_client, person)
    assert not mail.outbox

    clock.advance(hours=1, minutes=1)
    login_verified(admin_client, admin_client.superuser)
    _send_link(admin_client, person)
    assert token_from_last_mail(NEW_ADDRESS)
    assert AuditEntry.objects.filter(action="admin.auth.user.enrolment_issued").count() == 1


def test_a_person_who_has_not_set_up_their_account_gets_the_link_at_once(admin_client, world):
    admin_client.post("/admin/auth/user/add/", {"username": "shinjin", "email": "shinjin@exmaple.jp"})
    person = User.objects.get(username="shinjin")
    _change_address(admin_client, person, "shinjin@example.jp")  # a slip in the address, put right
    _send_link(admin_client, person)
    assert token_from_last_mail("shinjin@example.jp")


def test_the_address_stays_when_the_notice_cannot_be_sent(admin_client, world, monkeypatch):
    import accounts.services

    def refuse(*args, **kwargs):
        raise OSError("relay unavailable")

    monkeypatch.setattr(accounts.services, "send_mail", refuse)
    person, previous = world.manager, world.manager.email
    response = _change_address(admin_client, person, NEW_ADDRESS)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "変更前のメールアドレスにお知らせを送信できなかったため、メールアドレスを変更していません。" in page
    person.refresh_from_db()
    assert person.email == previous
    assert not AuditEntry.objects.filter(action="admin.auth.user.changed").exists()


def test_the_admins_own_address_changes_without_a_notice(admin_client):
    me = admin_client.superuser
    mail.outbox.clear()
    assert _change_address(admin_client, me, "kanri2@example.jp").status_code == 302
    assert not mail.outbox
    _send_link(admin_client, me)
    assert token_from_last_mail("kanri2@example.jp")
