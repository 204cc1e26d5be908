"""Closing a contract, and reopening it.

Issue 9, 4: 「HR closes a contract only when every item is back at the ward or covered by the accepted deletion
report, the report is accepted, the checklists are locked, and no incident is open; the close page lists every
blocker with a link to where it is resolved. Closing makes the contract read-only, purges the app's own copies
of survey data for it (uploads, packages, any ward-side pseudonym key unless HR chose to keep it for next year,
with a reason), and writes that purge, with counts, to the audit trail. Reopening needs a reason and is audited.」
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from checklist import services as checklist_services
from contracts import services as contract_services
from contracts.closing import closed_refusal
from contracts.models import ClosingEvent, Contract
from core.errors import DomainError
from engagement import crypto
from engagement.models import SurveyLinkKey, SurveyPackage, SurveyUpload
from engagement.permissions import may_work
from handover import services as handover_services
from handover.models import Item
from incidents import services as incident_services
from incidents.models import Incident
from tests.checklist.helpers import all_planned
from tests.factories import make_user
from tests.handover.conftest import cd_r, clock  # noqa: F401 (fixtures)
from tests.year_end import (
    acknowledge,
    delivered,
    fill,
    filled_report,
    give_back,
    locked_checklists,
    register_copy,
    steps_by_hand,
    tokyo,
)
from yearend import closing, deletion, permissions
from yearend import report as reports

pytestmark = pytest.mark.django_db


def _texts(contract) -> list[str]:
    return [b.text for b in closing.closing_blockers(Contract.objects.get(pk=contract.pk))]


def _close(world, **extra):
    return closing.contract_close(contract=Contract.objects.get(pk=world.contract.pk), actor=world.hr, **extra)


@pytest.fixture
def closable(world, clock, cd_r):  # noqa: F811
    """A whole year, told through the services, with nothing left open."""
    disc, notice = delivered(world, clock, cd_r)
    clock.advance(days=1)
    register_copy(world, disc)
    steps_by_hand(world)
    clock.set(tokyo(2026, 2, 5, 14, 0))
    acknowledge(give_back(world, [notice], actor=world.manager), world.hr)
    reports.report_accept(report=reports.report_submit(contract=world.contract, actor=world.manager, title="分析報告書",
                                                       submitted_at=timezone.now(), pages=40, no_personal_data=True),
                          actor=world.hr, checked=True)
    deletion.deletion_report_accept(report=deletion.deletion_report_submit(report=filled_report(world),
                                                                           actor=world.manager), actor=world.hr)
    reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(), text="研修を行う")
    locked_checklists(world)
    clock.set(tokyo(2026, 3, 25, 15, 0))
    return world


def test_closing_is_refused_with_each_blocker_named_then_allowed(world, clock, cd_r, client_as):  # noqa: F811
    disc, notice = delivered(world, clock, cd_r)
    clock.advance(days=1)
    copy = register_copy(world, disc)
    incident = incident_services.incident_report(
        contract=world.contract, actor=world.handler, kind=Incident.Kind.OTHER, discovered_at=timezone.now(),
        affected_count=0, description="キャビネットの鍵が一時見当たらなかった（後に発見）", items=[disc],
        password_exposure=Incident.PasswordExposure.OTHER_KEEPS)
    clock.set(tokyo(2026, 2, 2, 10, 0))
    expected = [
        "未了の工程があります: ①、②、③",
        "⑥ 対応策・改善策が記録されていません",
        "報告書（個人情報なし）が受理されていません（未提出）",
        "区に戻っていない記録媒体等があります（受理された消去報告書にもありません）: CD-2025-001（委託先で保管）、"
        "PN-2025-001（委託先で保管）",
        "消去報告書が受理されていません（未作成）",
        "チェックリストの計画（○・ー）が確定していません",
        "事故 No.1（その他）が終結していません",
    ]
    assert _texts(world.contract) == expected
    with pytest.raises(closing.ClosingBlocked) as refused:
        _close(world)
    assert [b.text for b in refused.value.blockers] == expected
    urls = [b.url for b in refused.value.blockers]
    slug = world.contract.slug
    assert urls[2] == reverse("yearend:report", args=[slug]) and urls[3] == reverse("handover:items", args=[slug])
    assert urls[4] == reverse("yearend:deletion", args=[slug])
    assert urls[6] == reverse("incidents:detail", args=[slug, incident.pk])
    assert Contract.objects.get(pk=world.contract.pk).status == Contract.Status.ACTIVE
    assert not AuditEntry.objects.filter(action="contract.closed").exists()

    # The close page lists them, each a link to where it is resolved, and offers no button.
    page = client_as(world.hr).get(reverse("yearend:close", args=[slug])).content.decode()
    for blocker in refused.value.blockers:
        assert f'<a href="{blocker.url}">{blocker.text}</a>' in page
    assert "完了する</button>" not in page

    # One by one, each goes away when its work is done.
    steps_by_hand(world)
    reports.report_accept(report=reports.report_submit(contract=world.contract, actor=world.manager, title="報告書",
                                                       submitted_at=timezone.now(), pages=40, no_personal_data=True),
                          actor=world.hr, checked=True)
    reports.measure_record(contract=world.contract, actor=world.hr, decided_on=timezone.localdate(), text="研修を行う")
    assert _texts(world.contract) == expected[3:]
    acknowledge(give_back(world, [notice], actor=world.manager), world.hr)
    report = filled_report(world)
    assert "消去報告書が受理されていません（作成中）" in _texts(world.contract)
    deletion.deletion_report_accept(report=deletion.deletion_report_submit(report=report, actor=world.manager),
                                    actor=world.hr)
    assert _texts(world.contract) == expected[5:]
    # A copy registered after the accepted report is a blocker of its own.
    register_copy(world, disc, by=world.manager, location="ANL-PC-02")
    assert "受理された消去報告書にない複製があります: 複製 No.2" in _texts(world.contract)
    second = deletion.deletion_report_create(contract=world.contract, actor=world.manager)
    for line in deletion.lines_of(second):
        line.report = second
        fill(line, world)
    deletion.deletion_report_accept(report=deletion.deletion_report_submit(report=second, actor=world.manager),
                                    actor=world.hr)
    locked_checklists(world)
    assert _texts(world.contract) == expected[6:]
    incident_services.incident_close(incident=incident, actor=world.hr, summary="鍵を発見し、管理方法を見直した")
    assert _texts(world.contract) == []
    assert copy.pk not in [c.pk for c in deletion.copies_to_cover(world.contract)]

    event = _close(world)
    contract = Contract.objects.get(pk=world.contract.pk)
    assert contract.is_closed and event.kind == ClosingEvent.Kind.CLOSED and event.actor == world.hr
    entry = AuditEntry.objects.get(action="contract.closed")
    assert entry.payload["purged"] == {"uploads": 0, "packages": 0, "files": 0, "pseudonym_keys": 0}


def _survey_data(world, cd_r):  # noqa: F811
    """What the app may still hold of a contract's survey: an upload not yet built, the encrypted file of a
    package whose disc never left, and the ward-side key of linkable pseudonyms."""
    now = timezone.now()
    upload = SurveyUpload.objects.create(
        contract=world.contract, survey_blob=crypto.store(b"survey answers", purpose=crypto.UPLOAD),
        master_blob=crypto.store(b"attribute master", purpose=crypto.MASTER), survey_name="LoGo_回答.csv",
        uploaded_at=now, uploaded_by=world.hr, expires_at=now + dt.timedelta(days=14))
    medium = handover_services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.MEDIUM,
                                             medium_kind=cd_r, label="CD-2025-009", contents="作り直したパッケージ")
    notice = handover_services.item_register(contract=world.contract, actor=world.hr, category=Item.Category.NOTICE,
                                             label="PN-2025-009", contents="通知書", opens=medium)
    package = SurveyPackage.objects.create(
        contract=world.contract, medium=medium, notice=notice, file_name="engagement.xlsx", sha256="0" * 64, size=10,
        rows=1, columns=1, k=5, k_reached=5, pseudonym_scheme="linkable", built_at=now, built_by=world.hr,
        blob=crypto.store(b"encrypted package", purpose=crypto.PACKAGE))
    name = crypto.new_name()
    SurveyLinkKey.objects.create(contract=world.contract, name=name, created_at=now, created_by=world.hr,
                                 sealed=crypto.encrypt(b"k" * 32, purpose=crypto.LINK_KEY, name=name))
    return upload, package


def test_closing_purges_the_survey_data_and_writes_the_counts(closable, cd_r, django_capture_on_commit_callbacks):  # noqa: F811
    world = closable
    upload, package = _survey_data(world, cd_r)
    files = {upload.survey_blob, upload.master_blob, package.blob}
    assert files <= crypto.stored_names()
    with django_capture_on_commit_callbacks(execute=True):
        event = _close(world)
    assert not files & crypto.stored_names()
    upload.refresh_from_db()
    package.refresh_from_db()
    assert upload.purged_at is not None and upload.purge_reason == SurveyUpload.PurgeReason.CLOSED
    assert upload.survey_blob == "" and package.blob == "" and package.file_purged_at is not None
    assert not SurveyLinkKey.objects.filter(contract=world.contract).exists()
    counts = {"uploads": 1, "packages": 1, "files": 3, "pseudonym_keys": 1}
    assert event.purged == counts
    entry = AuditEntry.objects.get(action="contract.closed")
    assert entry.payload == {"purged": counts} and entry.actor == world.hr
    # The auditor reads it in words, with the counts.
    from audit.formatting import present

    detail = present([entry])[0].detail
    assert "アップロード1件" in detail and "暗号化パッケージのファイル1件" in detail and "仮名IDの鍵1件" in detail


def test_the_pseudonym_key_is_kept_for_next_year_only_with_a_reason(closable, cd_r):  # noqa: F811
    world = closable
    _survey_data(world, cd_r)
    with pytest.raises(DomainError) as refused:
        _close(world, keep_link_key=True, keep_reason=" ")
    assert refused.value.field == "keep_reason" and not Contract.objects.get(pk=world.contract.pk).is_closed
    event = _close(world, keep_link_key=True, keep_reason="翌年度の調査と照合するため")
    assert SurveyLinkKey.objects.filter(contract=world.contract).exists()
    assert event.purged["pseudonym_keys"] == 0 and event.link_key_kept_reason == "翌年度の調査と照合するため"
    payload = AuditEntry.objects.get(action="contract.closed").payload
    assert payload["pseudonym_keys_kept"] is True and payload["keep_reason"] == "翌年度の調査と照合するため"


def test_a_closed_contract_is_read_only(closable, cd_r, client_as):  # noqa: F811
    """Every service that writes the contract's records refuses; access management (revoking) stays possible."""
    world = closable
    _close(world)
    contract = Contract.objects.get(pk=world.contract.pk)
    attempts = {
        "contract": lambda: contract_services.contract_update(contract=contract, actor=world.hr, title="変更"),
        "item": lambda: handover_services.item_register(contract=contract, actor=world.hr, category="paper",
                                                        label="P-9", contents="紙"),
        "copy": lambda: register_copy(world, Item.objects.get(label="CD-2025-001")),
        "deletion": lambda: deletion.deletion_report_create(contract=contract, actor=world.manager),
        "report": lambda: reports.report_submit(contract=contract, actor=world.manager, title="x",
                                                submitted_at=timezone.now(), pages=1, no_personal_data=True),
        "measure": lambda: reports.measure_record(contract=contract, actor=world.hr,
                                                  decided_on=timezone.localdate(), text="x"),
        "plan": lambda: checklist_services.plan_revise(contract=contract, marks=all_planned(), reason="x",
                                                       actor=world.hr),
        "incident": lambda: incident_services.incident_report(
            contract=contract, actor=world.handler, kind=Incident.Kind.LOSS, discovered_at=timezone.now(),
            affected_count=1, description="x"),
        "designation": lambda: contract_services.designation_report(contract=contract, user=world.outsider,
                                                                    kind="handler", actor=world.hr),
    }
    for name, attempt in attempts.items():
        with pytest.raises(DomainError):
            attempt()
            pytest.fail(f"{name} was written on a closed contract")
    assert not permissions.may_register_copy(world.handler, contract)
    assert may_work(world.hr, contract).code == "closed"  # no survey upload or build
    # The checklists were locked before closing: nothing to attest or review.
    assert set(contract.checklist.sides.values_list("status", flat=True)) == {"locked"}
    # The pages offer none of it.
    page = client_as(world.hr).get(reverse("contracts:detail", args=[contract.slug])).content.decode()
    assert "契約を編集する" not in page and "完了の手続き" not in page and "再開する" in page
    assert "完了のときに削除した調査データ" in page
    items = client_as(world.hr).get(reverse("handover:items", args=[contract.slug])).content.decode()
    assert "記録媒体等を登録する" not in items
    # Taking access away is still possible: it changes no record of the contract.
    designation = contract.designations.get(user=world.handler)
    contract_services.designation_revoke(designation=designation, actor=world.hr, note="契約完了のため")
    assert not contract.memberships.filter(user=world.handler, revoked_at__isnull=True).exists()


def test_every_write_on_a_closed_contract_goes_through_the_one_guard(closable, client_as):
    """Issue 13, 7: 「HR can grant a membership on a closed contract (membership_grant has no closed check). Every
    write on a closed contract goes through one guard.」 Each write is refused with the guard's words (how to reopen),
    nothing is written, and the pages offer none of it."""
    world = closable
    colleague = make_user("colleague", world.ward, display_name="高橋 次郎")
    analyst = make_user("analyst_a", world.contractor, display_name="中村 聡")
    pending = contract_services.designation_report(contract=world.contract, user=analyst, kind="handler",
                                                   actor=world.manager)
    _close(world)
    contract = Contract.objects.get(pk=world.contract.pk)
    checklist = contract.checklist
    ward_item = checklist.items.filter(template_item__side="ward", mark="planned").first()
    kept = Item.objects.filter(contract=contract).first()
    attempts = {
        "membership": lambda: contract_services.membership_grant(contract=contract, user=colleague, role="auditor",
                                                                 actor=world.hr),
        "start": lambda: contract_services.contract_start(contract=contract, actor=world.hr),
        "step": lambda: contract_services.contract_step_reopen(contract=contract, step=1, reason="x", actor=world.hr),
        "approve": lambda: contract_services.designation_approve(designation=pending, actor=world.hr),
        "reject": lambda: contract_services.designation_reject(designation=pending, actor=world.hr, note="x"),
        "new person": lambda: contract_services.designation_report_new_person(
            contract=contract, display_name="新人", email="new@example.jp", kind="handler", actor=world.manager),
        "attest": lambda: checklist_services.item_attest(item=ward_item, attestation="in_place", note="x",
                                                         actor=world.hr),
        "review": lambda: checklist_services.item_review(item=ward_item, decision="accepted", actor=world.hr),
        "lock": lambda: checklist_services.side_lock(contract=contract, side="ward", actor=world.hr),
        "storage": lambda: handover_services.storage_check_record(item=kept, actor=world.hr),
    }
    entries = AuditEntry.objects.count()
    for name, attempt in attempts.items():
        with pytest.raises(DomainError) as refused:
            attempt()
            pytest.fail(f"{name} was written on a closed contract")
        assert refused.value.code == "closed", name
        assert str(refused.value) == closed_refusal(contract), name
        assert "再開" in str(refused.value)
    assert AuditEntry.objects.count() == entries
    assert not contract.memberships.filter(user=colleague).exists()
    assert Contract.objects.get(pk=contract.pk).is_closed
    # The pages offer none of it, and a grant posted anyway writes nothing.
    detail = client_as(world.hr).get(reverse("contracts:detail", args=[contract.slug])).content.decode()
    assert f'action="{reverse("contracts:member_grant", args=[contract.slug])}"' not in detail
    assert reverse("contracts:member_revoke", args=[contract.slug, contract.memberships.get(
        user=world.auditor, revoked_at__isnull=True).pk]) in detail  # taking access away stays possible
    response = client_as(world.hr).post(reverse("contracts:member_grant", args=[contract.slug]),
                                        {"user": colleague.pk, "role": "auditor"}, follow=True)
    assert "この契約は完了しているため、記録できません。" in response.content.decode()
    assert not contract.memberships.filter(user=colleague).exists()
    designations = client_as(world.hr).get(reverse("contracts:designations", args=[contract.slug])).content.decode()
    assert reverse("contracts:designation_approve", args=[contract.slug, pending.pk]) not in designations
    assert reverse("contracts:designation_reject", args=[contract.slug, pending.pk]) not in designations
    assert closed_refusal(contract) in designations
    plan = client_as(world.hr).get(reverse("checklist:plan", args=[contract.slug])).content.decode()
    assert "計画を変更する" not in plan and closed_refusal(contract) in plan


def test_reopening_needs_a_reason_and_is_audited(closable, client_as):
    world = closable
    _close(world)
    contract = Contract.objects.get(pk=world.contract.pk)
    with pytest.raises(DomainError) as refused:
        closing.contract_reopen(contract=contract, actor=world.hr, reason="  ")
    assert refused.value.field == "reason" and Contract.objects.get(pk=contract.pk).is_closed
    assert client_as(world.manager).post(reverse("yearend:reopen", args=[contract.slug]),
                                         {"reason": "x"}).status_code == 403
    response = client_as(world.hr).post(reverse("yearend:reopen", args=[contract.slug]),
                                        {"reason": "完了後に事故が判明したため"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    entry = AuditEntry.objects.get(action="contract.reopened")
    assert entry.payload == {"reason": "完了後に事故が判明したため"} and entry.actor == world.hr
    assert [e.kind for e in contract.closing_events.order_by("pk")] == ["closed", "reopened"]
    # Reopened, it can be closed again once nothing is open.
    assert _close(world).kind == ClosingEvent.Kind.CLOSED


def test_only_hr_closes(closable, client_as):
    world = closable
    for person in (world.manager, world.handler, world.auditor):
        assert client_as(person).post(reverse("yearend:close", args=[world.contract.slug])).status_code == 403
        with pytest.raises(PermissionDenied):
            closing.contract_close(contract=world.contract, actor=person)
    assert not Contract.objects.get(pk=world.contract.pk).is_closed
    response = client_as(world.hr).post(reverse("yearend:close", args=[world.contract.slug]))
    assert response.status_code == 302 and Contract.objects.get(pk=world.contract.pk).is_closed


def test_hrs_dashboard_leads_from_a_past_end_contract_to_its_close_page(world, client_as):
    # Contract A ended on 31 March 2026 and is not closed.
    page = client_as(world.hr).get("/").content.decode()
    assert "期間終了・未完了: 完了までに残っていることが" in page
    assert reverse("yearend:close", args=[world.contract.slug]) in page
