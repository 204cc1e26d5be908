"""The pages: the manager fills in the profile and submits it, HR accepts or sends it back, a certificate and a
report are recorded with their files; the contract page links the contractor's profile."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from environment.models import Certificate, EnvironmentProfile
from tests.environment.helpers import answers, filled, ward_keeper

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_contract_page_links_the_contractors_environment(world, client_as):
    page = client_as(world.manager).get(reverse("contracts:detail", kwargs={"slug": world.contract.slug}))
    assert reverse("environment:contract", kwargs={"slug": world.contract.slug}) in page.content.decode()
    page = client_as(world.manager).get(reverse("environment:contract", kwargs={"slug": world.contract.slug}))
    assert "委託先A株式会社" in text(page) and "未作成" in text(page)


def test_the_manager_starts_fills_and_submits_and_hr_accepts(world, client_as):
    client = client_as(world.manager)
    response = client.post(reverse("environment:start", kwargs={"slug": world.contract.slug}),
                           {"organisation": world.contractor.pk})
    profile = EnvironmentProfile.objects.get(organisation=world.contractor)
    assert response.status_code == 302 and response.url == reverse("environment:edit", kwargs={"pk": profile.pk})
    edit = reverse("environment:edit", kwargs={"pk": profile.pk})
    response = client.post(edit, answers(s04_text=""))
    assert response.status_code == 302
    page = client.get(reverse("environment:profile", kwargs={"pk": profile.pk}))
    assert "s04「ファイアウォール・サーバの要塞化・侵入検知・セキュリティパッチの適用」の具体的な内容" in text(page)
    # Submitting with an item undescribed is refused with what is missing.
    response = client.post(reverse("environment:submit", kwargs={"pk": profile.pk}))
    assert response.status_code == 400 and "提出する前に、次を記入してください" in text(response)
    client.post(edit, answers())
    response = client.post(reverse("environment:submit", kwargs={"pk": profile.pk}))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.is_submitted
    # HR sends it back without a reason: refused at the field; with one: returned.
    hr = client_as(world.hr)
    decide = reverse("environment:decide", kwargs={"pk": profile.pk})
    response = hr.post(decide, {"decision": "send_back"})
    assert response.status_code == 400 and "差し戻す理由を入力してください" in text(response)
    hr.post(decide, {"decision": "send_back", "reason": "s01 の閉域網の範囲を書いてください"})
    profile.refresh_from_db()
    assert profile.is_returned
    client = client_as(world.manager)
    assert "差戻しの理由: s01 の閉域網の範囲を書いてください" in text(client.get(edit))
    client.post(edit, answers(s01_text="拠点間は閉域網のみ"))
    client.post(reverse("environment:submit", kwargs={"pk": profile.pk}))
    client_as(world.hr).post(decide, {"decision": "accept"})
    profile.refresh_from_db()
    assert profile.is_accepted and profile.accepted_at is not None
    actions = list(AuditEntry.objects.filter(action__startswith="environment.").values_list("action", flat=True))
    assert actions.count("environment.profile.submitted") == 2 and "environment.profile.accepted" in actions


def test_a_certificate_with_its_scan(world, client_as):
    profile = filled(world)
    client = client_as(world.manager)
    add = reverse("environment:certificate_add", kwargs={"pk": profile.pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(add, {"kind": "isms", "number": "IS 654321", "issuer": "テスト認証機構",
                                 "valid_from": "2024-04-01", "valid_until": "2027-03-31",
                                 "upload": SimpleUploadedFile("isms.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302, text(response)
    certificate = Certificate.objects.get(profile=profile)
    assert certificate.covers == [f"{n:02d}" for n in range(1, 12)]
    page = client.get(reverse("environment:profile", kwargs={"pk": profile.pk}))
    assert "ISMS（ISO/IEC 27001） 登録番号 IS 654321" in text(page) and "isms.pdf" in text(page)
    # The period the wrong way round is refused at its field.
    response = client.post(add, {"kind": "pmark", "number": "P-1", "issuer": "JIPDEC", "valid_from": "2027-04-01",
                                 "valid_until": "2027-03-31"})
    assert response.status_code == 400 and "終了日は開始日より後の日付にしてください" in text(response)


def test_a_report_of_the_contractors_own_log_analysis(world, client_as):
    profile = filled(world)
    client = client_as(world.manager)
    response = client.post(reverse("environment:report_add", kwargs={"pk": profile.pk}), {
        "kind": "log_analysis", "period_from": "2026-01-01", "period_until": "2026-01-31", "done_on": "2026-02-05",
        "text": "不審なアクセスなし"})
    assert response.status_code == 302
    page = client.get(reverse("environment:profile", kwargs={"pk": profile.pk}))
    assert "アクセスログ等の分析（令和8年2月5日）" in text(page)
    response = client.post(reverse("environment:report_add", kwargs={"pk": profile.pk}), {
        "kind": "log_analysis", "period_from": "2026-01-01", "period_until": "2026-01-31",
        "done_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "text": "未来"})
    assert response.status_code == 400 and "実施日に未来の日付は入力できません" in text(response)


def test_the_ward_profile_is_kept_by_the_it_section(world, client_as):
    ward = reverse("environment:ward")
    assert client_as(world.manager).get(ward).status_code == 404
    page = client_as(world.hr).get(ward)
    assert page.status_code == 200 and "情報システム担当の職員です" in text(page)
    assert client_as(world.hr).post(reverse("environment:ward_start")).status_code == 403
    keeper = ward_keeper(world.outsider)
    response = client_as(keeper).post(reverse("environment:ward_start"))
    profile = EnvironmentProfile.objects.get(is_ward=True)
    assert response.status_code == 302
    assert client_as(world.hr).get(ward).url == reverse("environment:profile", kwargs={"pk": profile.pk})
    assert client_as(world.manager).get(reverse("environment:profile", kwargs={"pk": profile.pk})).status_code == 404
