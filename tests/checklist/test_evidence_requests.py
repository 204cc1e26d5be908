"""HR asks for the evidence behind an item by a date; the side's attester answers with text and files; HR accepts or
sends it back (core.review). The dashboard reminds the attester from a week before the date and flags it after."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEntry
from checklist import records
from checklist.models import EvidenceRequest
from checklist.selectors import waiting_evidence_requests
from core.errors import DomainError
from tests.checklist.helpers import finalise_plan, item

pytestmark = pytest.mark.django_db


def ask(world, key="contractor.operational.10", due=None, **extra):
    due = due or timezone.localdate() + dt.timedelta(days=3)
    return records.evidence_request_create(item=item(world, key), asked="保管庫の施錠を示す写真を提出してください",
                                           due_on=due, actor=world.hr, **extra)


def titles(user):
    return [w.title for w in waiting_evidence_requests(user)]


def test_a_request_is_answered_sent_back_and_accepted(world):
    finalise_plan(world)
    row = ask(world)
    assert row.status == EvidenceRequest.Status.REQUESTED
    assert titles(world.manager) == ["根拠資料（委託事業者に行わせる対策・運用上の対策 10）の提出を依頼されています"]
    row = records.evidence_request_answer(request_row=row, answer="キャビネットB-2の施錠写真です", actor=world.manager)
    assert row.is_submitted and row.submission_count == 1
    assert titles(world.hr) == ["提出された根拠資料（委託事業者に行わせる対策・運用上の対策 10）を確認してください"]
    with pytest.raises(DomainError) as refused:
        records.evidence_request_decide(request_row=row, decision="send_back", reason="", actor=world.hr)
    assert refused.value.field == "reason"
    row = records.evidence_request_decide(request_row=row, decision="send_back", reason="鍵が写っていません",
                                          actor=world.hr)
    assert row.is_returned and row.return_reason == "鍵が写っていません"
    assert titles(world.manager) == ["差し戻された根拠資料（委託事業者に行わせる対策・運用上の対策 10）を直して提出してください"]
    row = records.evidence_request_answer(request_row=row, answer="鍵を写した写真です", actor=world.manager)
    row = records.evidence_request_decide(request_row=row, decision="accept", actor=world.hr)
    assert row.is_accepted and row.submission_count == 2
    assert titles(world.manager) == [] and titles(world.hr) == []
    actions = list(AuditEntry.objects.filter(action__startswith="checklist.evidence.").values_list("action", flat=True))
    assert actions == ["checklist.evidence.requested", "checklist.evidence.answered", "checklist.evidence.returned",
                       "checklist.evidence.answered", "checklist.evidence.accepted"]


def test_the_reminder_starts_a_week_before_and_is_overdue_after_the_date(world):
    finalise_plan(world)
    ask(world, due=timezone.localdate() + dt.timedelta(days=20))
    assert titles(world.manager) == []
    EvidenceRequest.objects.update(due_on=timezone.localdate() + dt.timedelta(days=7))
    [waiting] = waiting_evidence_requests(world.manager)
    assert waiting.overdue is False and waiting.due is not None
    EvidenceRequest.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    [waiting] = waiting_evidence_requests(world.manager)
    assert waiting.overdue is True
    [for_hr] = waiting_evidence_requests(world.hr)
    assert for_hr.overdue is True and "期限を過ぎても提出されていません" in for_hr.title


def test_a_request_needs_what_is_asked_and_a_date_not_past(world):
    finalise_plan(world)
    with pytest.raises(DomainError) as refused:
        ask(world, due=timezone.localdate() - dt.timedelta(days=1))
    assert refused.value.field == "due_on"
    with pytest.raises(DomainError) as refused:
        records.evidence_request_create(item=item(world, "contractor.operational.10"), asked=" ",
                                        due_on=timezone.localdate(), actor=world.hr)
    assert refused.value.field == "asked"
    with pytest.raises(PermissionDenied):
        records.evidence_request_create(item=item(world, "contractor.operational.10"), asked="写真",
                                        due_on=timezone.localdate(), actor=world.manager)
    assert not EvidenceRequest.objects.exists()


def test_only_the_sides_attester_answers_and_only_hr_decides(world):
    finalise_plan(world)
    row = ask(world)
    for other in (world.handler, world.hr, world.auditor):
        with pytest.raises(PermissionDenied):
            records.evidence_request_answer(request_row=row, answer="写真", actor=other)
    with pytest.raises(DomainError):  # nothing submitted yet
        records.evidence_request_decide(request_row=row, decision="accept", actor=world.hr)
    row = records.evidence_request_answer(request_row=row, answer="写真", actor=world.manager)
    with pytest.raises(PermissionDenied):
        records.evidence_request_decide(request_row=row, decision="accept", actor=world.manager)
    with pytest.raises(DomainError):  # already submitted: wait for the ward
        records.evidence_request_answer(request_row=row, answer="もう一枚", actor=world.manager)


def test_a_ward_side_request_is_hrs_to_answer_and_hidden_from_the_contractor(world, client_as):
    from django.urls import reverse

    finalise_plan(world)
    row = ask(world, key="ward.operational.10")
    assert titles(world.manager) == []
    url = reverse("checklist:request_detail", kwargs={"slug": world.contract.slug, "pk": row.pk})
    assert client_as(world.manager).get(url).status_code == 403
    records.evidence_request_answer(request_row=row, answer="金庫の写真", actor=world.hr)


def test_hr_asks_from_the_page_and_the_manager_answers_with_a_file(world, client_as):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    finalise_plan(world)
    entry = item(world, "contractor.operational.10")
    response = client_as(world.hr).post(reverse("checklist:request_new", kwargs={"slug": world.contract.slug}), {
        "item": str(entry.pk), "asked": "保管庫の施錠を示す写真", "due_on": timezone.localdate().isoformat()})
    row = EvidenceRequest.objects.get()
    assert response.status_code == 302 and row.item == entry
    detail = reverse("checklist:request_detail", kwargs={"slug": world.contract.slug, "pk": row.pk})
    side = client_as(world.manager).get(reverse("checklist:side", kwargs={"slug": world.contract.slug,
                                                                          "side": "contractor"})).content.decode()
    assert f'href="{detail}"' in side and "提出待ち" in side
    photo = b"%PDF-1.7\n% lock photo\n%%EOF\n"
    response = client_as(world.manager).post(
        reverse("checklist:request_answer", kwargs={"slug": world.contract.slug, "pk": row.pk}),
        {"answer": "キャビネットB-2の施錠写真です", "file": SimpleUploadedFile("施錠.pdf", photo)})
    assert response.status_code == 302
    page = client_as(world.hr).get(detail).content.decode()
    assert "施錠.pdf" in page and hashlib.sha256(photo).hexdigest() in page
    assert "受理する" in page
    # A past due date is refused at the field, nothing kept.
    response = client_as(world.hr).post(reverse("checklist:request_new", kwargs={"slug": world.contract.slug}), {
        "item": str(entry.pk), "asked": "写真", "due_on": "2020-01-01"})
    assert response.status_code == 400 and "提出期限は今日以降の日付にしてください。" in response.content.decode()
    assert EvidenceRequest.objects.count() == 1
