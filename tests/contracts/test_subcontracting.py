"""再委託 (issue 16, item 4): the contractor's handling manager declares, dated, that there is no subcontracting, or
applies for each subcontractor; the ward approves, refuses with a reason, or sends back. Only approved parties
may be designated and receive personal data (the refusal quotes the seed)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from contracts import services
from contracts.models import Organisation, SubcontractingDeclaration, Subcontractor
from contracts.subcontracting import approved, may_receive
from core.errors import DomainError
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "株式会社データ入力サービス", "address": "東京都新宿区西新宿一丁目1番1号", "country": "日本",
    "work": "調査回答の入力・集計", "data_items": "職員の所属・職名・調査回答内容", "place": "再委託先の本社 入力室",
    "manager_name": "入力 太郎", "handlers": "入力 花子\n入力 次郎", "flows_down": True,
}


def apply(world, submit=True, **overrides):
    return services.subcontractor_apply(contract=world.contract, actor=world.manager, submit=submit,
                                        **{**FIELDS, **overrides})


def approved_one(world, **overrides):
    return services.subcontractor_approve(subcontractor=apply(world, **overrides), actor=world.hr)


def actions(world):
    return list(AuditEntry.objects.filter(action__startswith="contract.subcontract").values_list("action", flat=True))


def test_the_manager_declares_no_subcontracting_dated(world):
    declaration = services.subcontracting_declare(contract=world.contract, actor=world.manager,
                                                  declared_on=timezone.localdate())
    assert declaration.is_current and "再委託は行いません" in declaration.statement
    assert actions(world) == ["contract.subcontracting.declared"]
    with pytest.raises(DomainError, match="すでにされています"):
        services.subcontracting_declare(contract=world.contract, actor=world.manager,
                                        declared_on=timezone.localdate())


def test_only_the_handling_manager_declares_or_applies(world):
    for person in (world.handler, world.hr, world.auditor):
        with pytest.raises(PermissionDenied):
            services.subcontracting_declare(contract=world.contract, actor=person, declared_on=timezone.localdate())
        with pytest.raises(PermissionDenied):
            services.subcontractor_apply(contract=world.contract, actor=person, **FIELDS)
    assert not Subcontractor.objects.exists() and not SubcontractingDeclaration.objects.exists()


def test_an_application_withdraws_the_declaration_and_a_declaration_is_refused_while_one_waits(world):
    services.subcontracting_declare(contract=world.contract, actor=world.manager, declared_on=timezone.localdate())
    sub = apply(world)
    assert sub.is_submitted and sub.submitted_by == world.manager
    assert not SubcontractingDeclaration.objects.filter(withdrawn_at__isnull=True).exists()
    with pytest.raises(DomainError, match="再委託なしの申出はできません"):
        services.subcontracting_declare(contract=world.contract, actor=world.manager,
                                        declared_on=timezone.localdate())
    entry = AuditEntry.objects.get(action="contract.subcontractor.submitted")
    assert entry.payload["declaration_withdrawn"] is True


def test_a_draft_is_saved_then_submitting_needs_every_field_and_the_flow_down(world):
    draft = apply(world, submit=False, handlers="", flows_down=False)
    assert draft.status == "draft"
    with pytest.raises(DomainError, match="取扱者を入力") as refused:
        services.subcontractor_submit(subcontractor=draft, actor=world.manager)
    assert refused.value.field == "handlers"
    with pytest.raises(DomainError, match="立入り調査等") as refused:
        services.subcontractor_update(subcontractor=draft, actor=world.manager, submit=True, handlers="入力 花子")
    assert refused.value.field == "flows_down"
    sub = services.subcontractor_update(subcontractor=draft, actor=world.manager, submit=True, handlers="入力 花子",
                                        flows_down=True)
    assert sub.is_submitted and sub.submission_count == 1


def test_hr_approves_and_an_organisation_of_kind_subcontractor_is_linked(world):
    sub = approved_one(world)
    assert sub.is_approved and sub.decided_by == world.hr
    assert sub.organisation.kind == Organisation.Kind.SUBCONTRACTOR and sub.organisation.name == FIELDS["name"]
    assert list(approved(world.contract)) == [sub]
    assert may_receive(world.contract, organisation=sub.organisation)
    assert not may_receive(world.other_contract, organisation=sub.organisation)
    assert actions(world)[-1] == "contract.subcontractor.approved"


def test_hr_refuses_only_with_a_reason(world):
    sub = apply(world)
    with pytest.raises(DomainError, match="不承認の理由を入力") as refused:
        services.subcontractor_refuse(subcontractor=sub, actor=world.hr, reason=" ")
    assert refused.value.field == "reason"
    sub = services.subcontractor_refuse(subcontractor=sub, actor=world.hr, reason="国外のクラウドで保管するため")
    assert sub.is_refused and sub.refusal_reason == "国外のクラウドで保管するため"
    assert sub.status_badge.label == "不承認" and sub.status_badge.tone == "danger"
    with pytest.raises(DomainError, match="不承認となったため"):
        services.subcontractor_update(subcontractor=sub, actor=world.manager, name="別名")
    with pytest.raises(DomainError):
        services.subcontractor_approve(subcontractor=sub, actor=world.hr)


def test_hr_sends_back_and_the_manager_corrects_and_submits_again(world):
    sub = apply(world)
    with pytest.raises(DomainError, match="差し戻す理由"):
        services.subcontractor_send_back(subcontractor=sub, actor=world.hr, reason="")
    sub = services.subcontractor_send_back(subcontractor=sub, actor=world.hr, reason="取扱場所を具体的に")
    assert sub.is_returned and sub.return_reason == "取扱場所を具体的に"
    sub = services.subcontractor_update(subcontractor=sub, actor=world.manager, submit=True, place="本社3階 施錠室")
    assert sub.is_submitted and sub.submission_count == 2
    assert actions(world) == ["contract.subcontractor.submitted", "contract.subcontractor.returned",
                              "contract.subcontractor.submitted"]


def test_the_manager_cannot_decide(world):
    sub = apply(world)
    with pytest.raises(PermissionDenied):
        services.subcontractor_approve(subcontractor=sub, actor=world.manager)
    sub.refresh_from_db()
    assert sub.is_submitted


def test_a_closed_contract_refuses(world):
    world.contract.status = "closed"
    world.contract.save(update_fields=["status"])
    with pytest.raises(DomainError, match="完了しているため"):
        apply(world)
    with pytest.raises(DomainError, match="完了しているため"):
        services.subcontracting_declare(contract=world.contract, actor=world.manager,
                                        declared_on=timezone.localdate())


# --- designations: only the contractor's people and those of approved subcontractors ---------------------------


def test_a_person_of_an_unapproved_subcontractor_cannot_be_designated(world):
    sub = apply(world)
    org = Organisation.objects.create(name=FIELDS["name"], kind=Organisation.Kind.SUBCONTRACTOR)
    person = make_user("sub_person", org, display_name="入力 花子")
    with pytest.raises(DomainError, match="区が承認していない再委託先（株式会社データ入力サービス）には個人情報を渡せません") as refused:
        services.designation_report(contract=world.contract, user=person, kind="handler", actor=world.manager)
    assert "運用上の対策3" in refused.value.message and "立入り調査等ができる契約内容を付す" in refused.value.message
    assert refused.value.field == "user"
    services.subcontractor_approve(subcontractor=sub, actor=world.hr)
    designation = services.designation_report(contract=world.contract, user=person, kind="handler",
                                              actor=world.manager)
    services.designation_approve(designation=designation, actor=world.hr)
    # Approved for contract A only: contract B still refuses.
    with pytest.raises(DomainError, match="区が承認していない再委託先"):
        services.designation_report(contract=world.other_contract, user=person, kind="handler",
                                    actor=world.other_manager)


def test_a_person_of_an_unrelated_organisation_is_refused_already(world):
    stranger = make_user("stranger", world.other_contractor, display_name="他社 者")
    with pytest.raises(DomainError, match="に所属する方のみ指定できます"):
        services.designation_report(contract=world.contract, user=stranger, kind="handler", actor=world.manager)


def test_a_new_person_of_an_approved_subcontractor_can_be_reported(world):
    sub = approved_one(world)
    designation = services.designation_report_new_person(
        contract=world.contract, display_name="入力 三郎", email="saburo@example.jp", kind="handler",
        actor=world.manager, organisation=sub.organisation)
    assert designation.user.profile.organisation == sub.organisation
    refused_org = Organisation.objects.create(name="未承認株式会社", kind=Organisation.Kind.SUBCONTRACTOR)
    with pytest.raises(DomainError, match="区が承認していない再委託先（未承認株式会社）"):
        services.designation_report_new_person(
            contract=world.contract, display_name="未承認 者", email="x@example.jp", kind="handler",
            actor=world.manager, organisation=refused_org)


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_manager_applies_on_the_page_and_hr_approves(world, client_as):
    client = client_as(world.manager)
    url = reverse("contracts:subcontractor_new", args=[world.contract.slug])
    response = client.post(url, {**FIELDS, "flows_down": "", "action": "submit"})
    assert response.status_code == 400 and "立入り調査等の権限が再委託先にも及ぶ" in response.content.decode()
    response = client.post(url, {**FIELDS, "flows_down": "on", "action": "submit"})
    assert response.status_code == 302
    sub = Subcontractor.objects.get()
    assert sub.is_submitted
    page = client.get(reverse("contracts:subcontracting", args=[world.contract.slug])).content.decode()
    assert FIELDS["name"] in page and "承認待ち" in page and "再委託なしを申し出る" not in page
    client = client_as(world.hr)
    decide = reverse("contracts:subcontractor_decide", args=[world.contract.slug, sub.pk])
    response = client.post(decide, {"decision": "refuse", "reason": ""})
    assert response.status_code == 400 and "不承認の理由を入力してください。" in response.content.decode()
    response = client.post(decide, {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.is_approved
    page = client.get(reverse("contracts:subcontractor", args=[world.contract.slug, sub.pk])).content.decode()
    assert "委託先A株式会社 → 再委託先 株式会社データ入力サービス" in page and "承認する" not in page


def test_the_declaration_form_on_the_page(world, client_as):
    client = client_as(world.manager)
    url = reverse("contracts:subcontracting", args=[world.contract.slug])
    assert "再委託なしを申し出る" in client.get(url).content.decode()
    response = client.post(reverse("contracts:subcontracting_declare", args=[world.contract.slug]),
                           {"declared_on": "2100-13-01"})
    assert response.status_code == 400
    response = client.post(reverse("contracts:subcontracting_declare", args=[world.contract.slug]),
                           {"declared_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "再委託なし" in page and "再委託なしを申し出る" not in page


def test_the_dashboards_say_who_must_act(world):
    from core.dashboard import waiting_for

    def titles(user):
        return [w.title for w in waiting_for(user) if "再委託" in w.title]

    assert titles(world.manager) == ["再委託の有無を区に申し出てください（再委託なしの申出、又は再委託先の承認申請）"]
    sub = apply(world)
    assert titles(world.manager) == [] and titles(world.hr) == ["再委託先の承認待ち: 株式会社データ入力サービス"]
    services.subcontractor_send_back(subcontractor=sub, actor=world.hr, reason="場所を具体的に")
    assert titles(world.hr) == []
    assert titles(world.manager) == ["再委託先の申請が差し戻されました: 株式会社データ入力サービス"]


def test_the_evidence_for_operational_item_03(world):
    from core.evidence import evidence_for

    def evidence():
        [found] = [e for e in evidence_for(world.contract, "contractor.operational.03")
                   if (e.url or "").endswith("/subcontracting/")]
        return found

    assert evidence().met is None
    sub = apply(world)
    assert evidence().met is False and "区の承認が済んでいない" in evidence().summary
    services.subcontractor_approve(subcontractor=sub, actor=world.hr)
    assert evidence().met is True and "承認済みの再委託先 1件" in evidence().summary
    assert evidence_for(world.contract, "ward.operational.03")


def test_the_designation_page_offers_the_approved_subcontractors_people_with_their_party(world, client_as):
    sub = approved_one(world)
    person = make_user("sub_person", sub.organisation, display_name="入力 花子")
    stranger_org = Organisation.objects.create(name="未承認株式会社", kind=Organisation.Kind.SUBCONTRACTOR)
    make_user("stranger", stranger_org, display_name="未承認 次郎")
    client = client_as(world.manager)
    page = client.get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "入力 花子（再委託先 株式会社データ入力サービス）" in page and "未承認 次郎" not in page
    # The new-person form asks which party the person belongs to, now that there are two.
    assert 'name="new-organisation"' in page
    response = client.post(reverse("contracts:designation_report", args=[world.contract.slug]),
                           {"user": person.pk, "kind": "handler"})
    assert response.status_code == 302
    page = client_as(world.hr).get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "再委託先 株式会社データ入力サービス" in page


# --- the same name under another contractor (attack probe: a subcontractor matched by name alone) ----------------


def test_a_name_approved_under_another_contractor_needs_hrs_word_that_it_is_the_same_company(world, client_as):
    # Contractor B's approved subcontractor X.
    theirs = services.subcontractor_approve(
        subcontractor=services.subcontractor_apply(contract=world.other_contract, actor=world.other_manager,
                                                   submit=True, **FIELDS), actor=world.hr)
    # Contractor A applies under X's name: approving without the confirmation is refused at the field.
    ours = apply(world)
    with pytest.raises(DomainError, match="別の委託先（委託先B株式会社）の再委託先として承認されている") as refused:
        services.subcontractor_approve(subcontractor=ours, actor=world.hr)
    assert refused.value.field == "same_company"
    ours.refresh_from_db()
    assert ours.is_submitted and ours.organisation is None
    # The page warns, naming the other contractor, and offers the confirmation.
    client = client_as(world.hr)
    detail = reverse("contracts:subcontractor", args=[world.contract.slug, ours.pk])
    page = client.get(detail).content.decode()
    assert "別の委託先（委託先B株式会社）の再委託先として承認されています" in page and 'name="same_company"' in page
    decide = reverse("contracts:subcontractor_decide", args=[world.contract.slug, ours.pk])
    response = client.post(decide, {"decision": "approve", "reason": ""})
    assert response.status_code == 400 and "確認欄にチェックを入れてから承認してください" in response.content.decode()
    ours.refresh_from_db()
    assert not ours.is_approved
    # Sending back needs no confirmation.
    assert client.post(decide, {"decision": "send_back", "reason": "名称を確かめてください"}).status_code == 302
    ours = services.subcontractor_submit(subcontractor=ours, actor=world.manager)
    response = client.post(decide, {"decision": "approve", "reason": "", "same_company": "on"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.is_approved and ours.organisation == theirs.organisation
    entry = AuditEntry.objects.filter(action="contract.subcontractor.approved").last()
    assert entry.payload.get("same_company_confirmed") is True


def test_the_same_contractors_next_contract_links_its_subcontractor_without_asking(world):
    from tests.factories import designate, make_contract

    first = approved_one(world)
    later = make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="contract-a2", title="契約A2")
    designate(later, world.manager, "manager", actor=world.hr)
    again = services.subcontractor_apply(contract=later, actor=world.manager, submit=True, **FIELDS)
    assert services.other_contractors(again) == []
    again = services.subcontractor_approve(subcontractor=again, actor=world.hr)
    assert again.organisation == first.organisation


# --- a subcontractor's person is a handler, never the contract's handling manager ---------------------------------


def test_a_subcontractors_person_is_designated_a_handler_but_never_the_handling_manager(world, client_as):
    from contracts.models import Designation

    sub = approved_one(world)
    person = make_user("sub_person", sub.organisation, display_name="入力 太郎")
    with pytest.raises(DomainError, match="再委託先の方は取扱者としてのみ指定できます") as refused:
        services.designation_report(contract=world.contract, user=person, kind="manager", actor=world.manager)
    assert refused.value.field == "kind"
    with pytest.raises(DomainError, match="委託先（委託先A株式会社）の方を指定してください") as refused:
        services.designation_report_new_person(
            contract=world.contract, display_name="入力 三郎", email="saburo@example.jp", kind="manager",
            actor=world.manager, organisation=sub.organisation)
    assert refused.value.field == "kind"
    # On the page: the kind says so before, and the refusal comes back at the field.
    client = client_as(world.manager)
    page = client.get(reverse("contracts:designations", args=[world.contract.slug])).content.decode()
    assert "取扱責任者に指定できるのは委託先の方のみです" in page
    response = client.post(reverse("contracts:designation_report", args=[world.contract.slug]),
                           {"user": person.pk, "kind": "manager"})
    assert response.status_code == 400 and "再委託先の方は取扱者としてのみ指定できます" in response.content.decode()
    assert not Designation.objects.filter(user=person).exists()
    # A report made before this rule is not approved either.
    legacy = Designation.objects.create(contract=world.contract, user=person, kind="manager",
                                        reported_at=timezone.now(), reported_by=world.manager)
    with pytest.raises(DomainError, match="再委託先の方は取扱者としてのみ指定できます"):
        services.designation_approve(designation=legacy, actor=world.hr)
    legacy.delete()
    # As a handler: fine.
    designation = services.designation_report(contract=world.contract, user=person, kind="handler",
                                              actor=world.manager)
    assert services.designation_approve(designation=designation, actor=world.hr).status == "approved"
