"""Contractors (名称, 所在地, 緊急連絡先) and designations (contract, person, 区分, 期間) from a file."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from contracts.models import Designation, Organisation
from contracts.services import membership_grant
from tests.factories import login_verified, make_user

from .helpers import administrator, xlsx_bytes

CONTRACTOR_HEADERS = ["名称", "所在地", "緊急連絡先（担当者）", "緊急連絡先（電話）", "緊急連絡先（メール）"]
DESIGNATION_HEADERS = ["契約の識別子", "氏名・ログイン名・メール", "区分", "指定期間（開始）", "指定期間（終了）"]


def _preview(client, kind, data):
    response = client.post(reverse("imports:index"), {"kind": kind, "file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 302, response.content.decode()
    return response["Location"], client.get(response["Location"]).content.decode()


def _last_seq():
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]


def test_contractors_are_created_or_updated_by_name_without_contacts_in_the_audit_trail(client, world):
    login_verified(client, administrator(world))
    seq = _last_seq()
    rows = [["株式会社新印刷", "東京都新宿区1-1", "情報管理室 山田", "03-1111-2222", "sec@example.jp"],
            ["委託先A株式会社", "東京都千代田区2-2", "総務 佐藤", "03-3333-4444", ""]]
    url, page = _preview(client, "contractors", xlsx_bytes(CONTRACTOR_HEADERS, rows))
    assert "1件登録し、1件更新します" in page
    assert client.post(url).status_code == 302
    new = Organisation.objects.get(name="株式会社新印刷")
    assert (new.kind, new.emergency_contact_phone) == ("contractor", "03-1111-2222")
    world.contractor.refresh_from_db()
    assert world.contractor.address == "東京都千代田区2-2"
    entries = AuditEntry.objects.filter(seq__gt=seq)
    assert sorted(entries.values_list("action", flat=True)) == [
        "imports.contractor.created", "imports.contractor.updated", "imports.run.completed"]
    assert not any("山田" in str(e.payload) or "03-1111" in str(e.payload) for e in entries)


def test_a_contractor_named_like_a_section_and_a_bad_address_are_refused_at_their_columns(client, world):
    login_verified(client, administrator(world))
    rows = [[world.ward.name, "", "", "", ""], ["株式会社X", "", "", "", "not-an-address"]]
    url, page = _preview(client, "contractors", xlsx_bytes(CONTRACTOR_HEADERS, rows))
    assert "2行目" in page and "区の担当課として登録されています" in page
    assert "3行目" in page and "メールアドレスの形式が正しくありません。" in page
    assert client.post(url).status_code == 400
    assert not Organisation.objects.filter(name="株式会社X").exists()


def test_designations_are_reported_for_the_ward_to_approve(client, world):
    admin = administrator(world)
    membership_grant(contract=world.contract, user=admin, role="hr", actor=world.hr)
    analyst = make_user("analyst_imp", world.contractor, display_name="分析 次郎")
    stranger = make_user("stranger_imp", world.other_contractor, display_name="他社 三郎")
    login_verified(client, admin)
    rows = [[world.contract.slug, "analyst_imp", "取扱者", "2026-06-01", "2027-03-31"],
            [world.contract.slug, "他社 三郎", "取扱者", "", ""],
            ["no-such-contract", "analyst_imp@example.jp", "取扱者", "", ""],
            [world.contract.slug, "analyst_imp", "係長", "", ""]]
    url, page = _preview(client, "designations", xlsx_bytes(DESIGNATION_HEADERS, rows))
    assert "3行目" in page and "委託先（委託先A株式会社）又は区が承認した再委託先に所属する方のみ指定できます。" in page
    assert "4行目" in page and "識別子「no-such-contract」の契約がありません。" in page
    assert "5行目" in page and "区分は「取扱責任者」か「取扱者」を入力してください" in page
    assert client.post(url).status_code == 400
    assert not Designation.objects.filter(user__in=[analyst, stranger]).exists()

    url, page = _preview(client, "designations", xlsx_bytes(DESIGNATION_HEADERS, rows[:1]))
    assert client.post(url).status_code == 302
    designation = Designation.objects.get(user=analyst)
    assert (designation.status, designation.kind, designation.contract) == ("reported", "handler", world.contract)


def test_a_person_without_an_account_is_reported_as_new(client, world):
    admin = administrator(world)
    membership_grant(contract=world.contract, user=admin, role="hr", actor=world.hr)
    login_verified(client, admin)
    headers = [*DESIGNATION_HEADERS, "新しい方の氏名", "新しい方のメールアドレス"]
    rows = [[world.contract.slug, "", "取扱者", "", "", "新人 花子", "hanako@contractor-a.example.jp"],
            [world.contract.slug, "", "取扱者", "", "", "名前 だけ", ""],
            [world.contract.slug, world.handler.username, "取扱者", "", "", "両方 書いた", "both@example.jp"]]
    url, page = _preview(client, "designations", xlsx_bytes(headers, rows))
    assert "<tr><td>3行目</td><td>新しい方のメールアドレス</td><td>新しい方のメールアドレスを入力してください。" in page
    assert "<tr><td>4行目</td><td>新しい方の氏名</td><td>登録済みの方と新しい方の両方が書かれています。" in page
    url, page = _preview(client, "designations", xlsx_bytes(headers, rows[:1]))
    assert "新人 花子（報告済み・承認待ち）" in page
    assert client.post(url).status_code == 302
    designation = Designation.objects.get(user__email="hanako@contractor-a.example.jp")
    assert designation.new_account and not designation.user.is_active and designation.status == "reported"
