"""Contracts, memberships and designations: the ward approves the people the contractor names."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from contracts import services
from contracts.models import Contract, Designation, Membership
from contracts.permissions import can
from core.errors import DomainError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _audit_count(action):
    return AuditEntry.objects.filter(action=action).count()


def test_a_reported_handler_can_receive_only_after_the_ward_approves(world):
    """別紙: 「取扱責任者及び取扱者をあらかじめ指定し、区に報告するよう指導する。」"""
    analyst = make_user("analyst", world.contractor)
    designation = services.designation_report(contract=world.contract, user=analyst, kind="handler",
                                              actor=world.manager)
    assert designation.is_pending
    assert not can(analyst, world.contract, "view")
    services.designation_approve(designation=designation, actor=world.hr)
    analyst = type(analyst).objects.get(pk=analyst.pk)
    assert can(analyst, world.contract, "receive")
    assert not can(analyst, world.contract, "manage")
    assert _audit_count("contract.designation.approved") == 4  # three in the world, this one


def test_revoking_a_designation_takes_the_contract_away_at_once(client_as, world):
    designation = world.contract.designations.get(user=world.handler)
    services.designation_revoke(designation=designation, actor=world.hr, note="異動のため")
    client = client_as(world.handler)
    assert client.get(reverse("contracts:detail", args=[world.contract.slug])).status_code == 404
    assert not Membership.objects.filter(user=world.handler, contract=world.contract, revoked_at__isnull=True).exists()


def test_only_people_of_the_contractor_can_be_designated(world):
    before = Designation.objects.count()
    with pytest.raises(DomainError, match="委託先（委託先A株式会社）又は区が承認した再委託先に所属する方のみ"):
        services.designation_report(contract=world.contract, user=world.other_manager, kind="handler",
                                    actor=world.manager)
    assert Designation.objects.count() == before


def test_a_decided_designation_cannot_be_approved_twice(world):
    designation = world.contract.designations.get(user=world.handler)
    before = (designation.status, designation.decided_at)
    with pytest.raises(DomainError, match="承認済み"):
        services.designation_approve(designation=designation, actor=world.hr)
    designation.refresh_from_db()
    assert (designation.status, designation.decided_at) == before


def test_rejecting_needs_a_reason(world):
    analyst = make_user("analyst", world.contractor)
    designation = services.designation_report(contract=world.contract, user=analyst, kind="handler",
                                              actor=world.manager)
    with pytest.raises(DomainError, match="不承認の理由"):
        services.designation_reject(designation=designation, actor=world.hr, note=" ")
    designation.refresh_from_db()
    assert designation.is_pending


def test_the_manager_reports_a_handler_through_the_page(client_as, world):
    analyst = make_user("analyst", world.contractor, display_name="分析 次郎")
    client = client_as(world.manager)
    response = client.post(reverse("contracts:designation_report", args=[world.contract.slug]),
                           {"user": analyst.pk, "kind": "handler", "duties": "集計"})
    assert response.status_code == 302
    page = client.get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "分析 次郎" in page and "報告済み（承認待ち）" in page


def test_hr_sees_reported_designations_waiting_on_the_dashboard(client_as, world):
    analyst = make_user("analyst", world.contractor, display_name="分析 次郎")
    services.designation_report(contract=world.contract, user=analyst, kind="handler", actor=world.manager)
    page = client_as(world.hr).get("/").content.decode()
    assert "取扱者指定の承認待ち: 分析 次郎" in page


def test_an_invalid_period_is_refused_at_the_end_date_field(client_as, world):
    client = client_as(world.hr)
    url = reverse("contracts:edit", args=[world.contract.slug])
    data = {f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS}
    data.update(ward_section=world.ward.pk, contractor=world.contractor.pk,
                start_date="2025-05-01", end_date="2025-04-01", recurring="on")
    data = {k: v for k, v in data.items() if v not in (None, False)}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "委託の期限は開始時期より後の日付にしてください。" in response.content.decode()
    world.contract.refresh_from_db()
    assert world.contract.end_date == dt.date(2026, 3, 31)


def test_only_ward_people_can_be_given_hr_or_auditor_access(world):
    with pytest.raises(DomainError, match="区の職員のみ"):
        services.membership_grant(contract=world.contract, user=world.other_manager, role="auditor", actor=world.hr)
    assert not can(world.other_manager, world.contract, "view")


def test_the_seed_contract_is_created_word_for_word_by_load_demo():
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # safe to run twice
    contract = Contract.objects.get(slug="shinjuku-engagement-2025")
    assert contract.title == "新宿区職員エンゲージメント向上等支援に係る業務の委託について"
    assert contract.contractor.name == "パブリックタレントモビリティ株式会社"
    assert contract.recording_media == "電磁的記録(CD-R等)"
    assert contract.start_date == dt.date(2025, 5, 1) and contract.end_date == dt.date(2026, 3, 31)
    # The seed contract, its FY2026 copy and the other contractor's in the seed's section; the second section's
    # printing contract (its own type) beside them.
    from contracts.demo import SECOND_SECTION_CODE

    assert Contract.objects.exclude(ward_section__code=SECOND_SECTION_CODE).count() == 3
    assert Contract.objects.count() == 4


def test_the_manager_sees_the_people_waiting_for_the_wards_approval(client_as, world):
    analyst = make_user("analyst", world.contractor, display_name="分析 次郎")
    services.designation_report(contract=world.contract, user=analyst, kind="handler", actor=world.manager)
    page = client_as(world.manager).get("/").content.decode()
    assert "区の承認待ち: 分析 次郎（取扱者）" in page
    assert "区の承認待ち" not in client_as(world.other_manager).get("/").content.decode()


def test_master_data_edited_in_the_admin_is_audited(client_as, world):
    world.hr.is_staff = world.hr.is_superuser = True
    world.hr.save()
    client = client_as(world.hr)
    url = reverse("admin:contracts_organisation_change", args=[world.contractor.pk])
    response = client.post(url, {"name": world.contractor.name, "kind": "contractor",
                                 "emergency_contact_name": "新しい担当", "emergency_contact_phone": "03-9999-9999"})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="admin.contracts.organisation.changed").get()
    assert entry.actor == world.hr
    assert "emergency_contact_name" in entry.payload["fields"]
    # Contracts are changed on the app's pages, not in the admin.
    assert client.get(reverse("admin:contracts_contract_change", args=[world.contract.pk])).status_code == 200
    assert client.post(reverse("admin:contracts_contract_change", args=[world.contract.pk]), {}).status_code == 403


def test_hr_starts_a_draft_contract_once(client_as, world):
    fields = {f: getattr(world.contract, f) for f in services.CONTRACT_FIELDS}
    today = timezone.localdate()
    fields.update(start_date=today, end_date=today + dt.timedelta(days=300))
    draft = services.contract_create(actor=world.hr, slug="draft-2026", **fields)
    assert draft.status == Contract.Status.DRAFT
    client = client_as(world.hr)
    client.post(reverse("contracts:start", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE
    assert AuditEntry.objects.filter(action="contract.started", contract=draft).count() == 1
    response = client.post(reverse("contracts:start", args=[draft.slug]), follow=True)
    assert "この契約は「履行中」です。" in response.content.decode()
    assert AuditEntry.objects.filter(action="contract.started", contract=draft).count() == 1
    with pytest.raises(DomainError, match="この契約は「履行中」のため、履行開始にできません。"):
        services.contract_start(contract=draft, actor=world.hr)


def test_every_admin_page_opens_for_the_system_administrator(client_as, world):
    from django.contrib import admin

    world.hr.is_staff = world.hr.is_superuser = True
    world.hr.save()
    client = client_as(world.hr)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
