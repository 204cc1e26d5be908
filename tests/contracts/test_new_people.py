"""The manager reports a person who has no account yet; the ward's approval opens it.

Issue 7, B.17: 「The manager can report only people who already have accounts, so "himself and two analysts" needs
an administrator.」 Seed (別紙): 「取扱責任者及び取扱者をあらかじめ指定し、区に報告する」.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import EnrolmentInvitation
from audit.models import AuditEntry
from contracts import services
from contracts.models import Designation
from core.errors import DomainError
from tests.accounts.enrolment import approved_new_person, token_from_last_mail

pytestmark = pytest.mark.django_db
User = get_user_model()


def _report(world, email="jiro.bunseki@example.co.jp", name="分析 次郎", actor=None):
    return services.designation_report_new_person(contract=world.contract, display_name=name, email=email,
                                                  kind=Designation.Kind.HANDLER, duties="集計・分析",
                                                  actor=actor or world.manager)


def test_the_manager_reports_a_new_person_on_the_page(world, client_as):
    client = client_as(world.manager)
    response = client.post(reverse("contracts:designation_report_new_person", args=[world.contract.slug]), {
        "new-display_name": "分析 次郎", "new-email": "jiro.bunseki@example.co.jp", "new-kind": "handler",
        "new-duties": "集計・分析", "new-valid_from": "", "new-valid_until": ""})
    assert response.status_code == 302
    designation = Designation.objects.get(user__email="jiro.bunseki@example.co.jp")
    assert designation.is_pending and designation.new_account
    page = client.get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "分析 次郎" in page and "新しい方（承認するとアカウントを作成）" in page


def test_until_the_ward_approves_the_account_stays_closed(world, client):
    designation = _report(world)
    person = designation.user
    assert person.username == "jiro.bunseki"
    assert person.profile.organisation == world.contractor and person.profile.display_name == "分析 次郎"
    assert not person.is_active and not person.has_usable_password()
    response = client.post(reverse("accounts:login"), {"username": person.username, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert not EnrolmentInvitation.objects.exists() and not mail.outbox


def test_the_report_is_audited_without_the_persons_name_or_address(world):
    designation = _report(world)
    entry = AuditEntry.objects.get(action="contract.designation.reported", object_id=str(designation.pk))
    assert entry.payload == {"kind": "handler", "new_account": True}
    text = f"{entry.payload} {entry.object_repr}"
    assert "jiro.bunseki@example.co.jp" not in text


def test_approval_opens_the_account_and_mails_the_enrolment_link(world):
    designation = approved_new_person(world, email="jiro.bunseki@example.co.jp")
    person = User.objects.get(pk=designation.user_id)
    assert person.is_active and not person.has_usable_password()
    message = mail.outbox[-1]
    assert message.to == ["jiro.bunseki@example.co.jp"]
    assert message.subject == "【委託個人情報管理】利用開始のご案内"
    assert "契約A（令和7年度）の取扱者として" in message.body
    assert "72時間" in message.body and "ユーザー名: jiro.bunseki" in message.body
    assert len(token_from_last_mail()) >= 43  # 256 random bits
    entry = AuditEntry.objects.get(action="contract.designation.approved", object_id=str(designation.pk))
    assert entry.payload["account_opened"] is True
    assert AuditEntry.objects.filter(action="contract.designation.approved").count() == 4  # 3 in the world


def test_an_address_of_someone_already_registered_is_refused_at_the_field(world):
    with pytest.raises(DomainError, match="すでに利用者として登録されています") as refused:
        _report(world, email=world.handler.email)
    assert refused.value.field == "email"
    with pytest.raises(DomainError, match="このメールアドレスは登録できません") as refused:
        _report(world, email=world.other_manager.email.upper())
    assert refused.value.field == "email"
    assert not Designation.objects.filter(new_account=True).exists()


def test_a_person_turned_down_can_be_reported_again_with_the_same_account(world):
    first = _report(world)
    services.designation_reject(designation=first, actor=world.hr, note="氏名の誤り")
    again = _report(world, name="分析 二郎")
    assert again.user_id == first.user_id and again.user.profile.display_name == "分析 二郎"
    assert User.objects.filter(email__iexact="jiro.bunseki@example.co.jp").count() == 1


def test_the_handler_and_the_auditor_cannot_report(world):
    for person in (world.handler, world.auditor):
        with pytest.raises(PermissionDenied):
            _report(world, actor=person)
    assert not User.objects.filter(email="jiro.bunseki@example.co.jp").exists()


def test_revoking_before_the_person_enrolled_withdraws_the_link(world):
    designation = approved_new_person(world)
    services.designation_revoke(designation=designation, actor=world.hr, note="別の方に交代")
    invitation = EnrolmentInvitation.objects.get(user=designation.user)
    assert invitation.withdrawn_at is not None and not invitation.is_usable


def test_hr_sends_a_fresh_link_and_the_old_one_stops_working(world, client_as):
    designation = approved_new_person(world)
    old = EnrolmentInvitation.objects.get(user=designation.user)
    client = client_as(world.hr)
    page = client.get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "利用開始の手続き待ち" in page and "利用開始の案内を送り直す" in page
    response = client.post(reverse("contracts:designation_resend_enrolment", args=[world.contract.slug,
                                                                                   designation.pk]))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    assert EnrolmentInvitation.objects.filter(user=designation.user, withdrawn_at__isnull=True).count() == 1
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="contract.designation.enrolment_resent").count() == 1


def test_hr_enters_a_paper_report_in_its_own_words(world, client_as):
    page = client_as(world.hr).get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "指定を登録する（紙の報告を入力）" in page and "新しい方の指定を登録する（紙の報告を入力）" in page
    assert "区に報告する</button>" not in page
    manager_page = client_as(world.manager).get(
        reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert manager_page.count("区に報告する</button>") == 2 and "紙の報告" not in manager_page


def test_a_mail_relay_that_refuses_leaves_the_person_unapproved(world, settings, monkeypatch):
    import smtplib

    designation = _report(world)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("relay down")

    monkeypatch.setattr("accounts.services.send_mail", refuse)
    with pytest.raises(DomainError, match="案内メールを送信できませんでした"):
        services.designation_approve(designation=designation, actor=world.hr)
    designation.refresh_from_db()
    assert designation.is_pending and not User.objects.get(pk=designation.user_id).is_active
    assert not EnrolmentInvitation.objects.exists()


def test_a_closed_account_cannot_be_reported_as_one_with_an_account(world):
    pending = _report(world)
    services.designation_reject(designation=pending, actor=world.hr, note="誤り")
    with pytest.raises(DomainError, match="新しい方として報告してください") as refused:
        services.designation_report(contract=world.contract, user=pending.user, kind="handler", actor=world.manager)
    assert refused.value.field == "user"
    assert not Designation.objects.filter(user=pending.user, status="reported").exists()
