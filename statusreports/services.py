"""Every write about status reports (状況報告) and the contractor's management-structure reports.

The seed's rules they serve: 「契約履行の間、…委託先に対し速やかに状況報告をさせる」 (別紙 チェックリスト 02) and the
特記事項's 「受託者は、契約締結後速やかに、個人情報の管理体制を書面で報告し、変更があったときも同様とする」. Each
function re-reads its rows under a lock, asks :mod:`statusreports.permissions` whether this person may do this
now (the same answer the page gets), and writes exactly one audit entry. Audit payloads carry dates, counts and
states, never the reports' texts (they may name people) nor the people in a structure report.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Contract, Designation
from core import bounds, review
from core.dates import wareki
from core.errors import DomainError

from . import permissions, schedule
from .models import StatusReport, StatusSchedule, StructureReport

MAX_DATES = 24
SYSTEM = ""  # the audit trail reads an entry without an actor as システム


def _contract_for_update(contract: Contract) -> Contract:
    locked = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    if getattr(contract, "_roles_in_force", None):
        locked._roles_in_force = contract._roles_in_force
    return locked


# --- the schedule ----------------------------------------------------------------------------------------


def _sync(contract: Contract, sched: StatusSchedule | None = None) -> tuple[int, int]:
    """Write a row for every scheduled report not yet written, move the due date of one nobody has touched, and
    remove untouched ones the schedule no longer holds. (rows created, rows removed)."""
    if contract.status != Contract.Status.ACTIVE:
        return 0, 0
    plans = {plan.key: plan for plan in schedule.planned(contract, sched)}
    rows = {row.period_key: row for row in StatusReport.objects.filter(contract=contract,
                                                                       kind=StatusReport.Kind.SCHEDULED)}
    now = timezone.now()
    created = removed = 0
    for key, plan in plans.items():
        row = rows.get(key)
        if row is None:
            StatusReport.objects.create(contract=contract, kind=StatusReport.Kind.SCHEDULED, period_key=key,
                                        label=plan.label, due_on=plan.due_on, created_at=now)
            created += 1
        elif row.submission_count == 0 and (row.due_on, row.label) != (plan.due_on, plan.label):
            row.due_on, row.label = plan.due_on, plan.label
            row.save(update_fields=["due_on", "label"])
    for key, row in rows.items():
        if key not in plans and row.submission_count == 0 and not row.text and not _has_files(row):
            row.delete()
            removed += 1
    return created, removed


def _has_files(report) -> bool:
    from attachments.selectors import files_for

    return files_for(report).exists()


def _checked_dates(contract: Contract, dates) -> list[str]:
    found: set[dt.date] = set()
    for day in dates or []:
        if not isinstance(day, dt.date):
            raise DomainError(_("提出期限の日を、年-月-日（例: 2026-06-30）で1行に1日ずつ入力してください。"), field="dates")
        bounds.check_value(StatusReport, "due_on", day, field="dates")
        if not contract.start_date <= day <= contract.end_date:
            raise DomainError(_("提出期限の日は、契約の期間（%(start)s〜%(end)s）の中の日にしてください: %(day)s")
                              % {"start": wareki(contract.start_date), "end": wareki(contract.end_date),
                                 "day": wareki(day)}, field="dates")
        found.add(day)
    if not found:
        raise DomainError(_("提出期限の日を1日以上入力してください。"), field="dates")
    if len(found) > MAX_DATES:
        raise DomainError(_("提出期限の日は%(n)s日までにしてください。") % {"n": MAX_DATES}, field="dates")
    return [day.isoformat() for day in sorted(found)]


@transaction.atomic
def schedule_set(*, contract: Contract, actor, kind: str, day: int | None = None, dates=(), reason: str = "",
                 request=None) -> StatusSchedule:
    """HR sets when the contractor reports: monthly on a day of the following month, on dates HR sets within the
    contract's period, or no scheduled report, which needs the reason (the seed asks for 状況報告; not asking for
    it regularly is a decision to explain). The reports the schedule holds are written at once."""
    contract = _contract_for_update(contract)
    permissions.may_set_schedule(actor, contract).or_403().require()
    sched = schedule.schedule_of(contract)
    reason = (reason or "").strip()
    if kind not in StatusSchedule.Kind.values:
        raise DomainError(_("報告の予定を選んでください。"), field="kind")
    sched.kind, sched.reason, sched.dates = kind, "", []
    if kind == StatusSchedule.Kind.MONTHLY:
        if day is None or not 1 <= day <= 28:
            raise DomainError(_("提出期限の日は1日から28日の間で入力してください。"), field="day")
        sched.day = day
    elif kind == StatusSchedule.Kind.DATES:
        sched.dates = _checked_dates(contract, dates)
    else:
        bounds.check_value(StatusSchedule, "reason", reason, field="reason")
        if not reason:
            raise DomainError(_("定期の状況報告を求めない理由を入力してください（例: 業務が1か月で終わるため、完了時の報告書で"
                                "足りる）。"), field="reason")
        sched.reason = reason
    sched.set_at, sched.set_by = timezone.now(), actor
    sched.save()
    created, removed = _sync(contract, sched)
    audit_log(action="statusreport.schedule.set", actor=actor, contract=contract, obj=sched, request=request,
              payload={"kind": kind, "day": sched.day if kind == StatusSchedule.Kind.MONTHLY else None,
                       "dates": len(sched.dates), "created": created, "removed": removed})
    return sched


@transaction.atomic
def scheduled_reports_sync(*, contract: Contract, actor_label: str = SYSTEM) -> int:
    """Write the rows of the scheduled reports due so far and to come (the list page and the daily job call it;
    doing it again changes nothing). One audit entry when something was written. Nothing on a contract that is
    not in force (in preparation or closed)."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    created, removed = _sync(contract)
    if created or removed:
        audit_log(action="statusreport.reports.scheduled", actor_label=actor_label, contract=contract,
                  payload={"created": created, "removed": removed})
    return created


# --- status reports -----------------------------------------------------------------------------------


@transaction.atomic
def report_request(*, contract: Contract, actor, due_on: dt.date | None, request_text: str,
                   request=None) -> StatusReport:
    """HR asks the contractor for a report on something (委託先に対し速やかに状況報告をさせる), with a due date."""
    contract = _contract_for_update(contract)
    permissions.may_request(actor, contract).or_403().require()
    request_text = (request_text or "").strip()
    if due_on is None:
        raise DomainError(_("提出期限を入力してください。"), field="due_on")
    bounds.check_values(StatusReport, due_on=due_on, request_text=request_text)
    if due_on < timezone.localdate():
        raise DomainError(_("提出期限に過ぎた日は入力できません。"), field="due_on")
    if not contract.start_date <= due_on <= contract.end_date:
        # A report is asked of the contractor for the work under this contract: due while the contract runs.
        raise DomainError(_("提出期限は、契約の期間（%(start)s〜%(end)s）の中の日にしてください。")
                          % {"start": wareki(contract.start_date), "end": wareki(contract.end_date)}, field="due_on")
    if not request_text:
        raise DomainError(_("報告を求める事項を入力してください。"), field="request_text")
    now = timezone.now()
    count = StatusReport.objects.filter(contract=contract, kind=StatusReport.Kind.REQUESTED).count()
    report = StatusReport.objects.create(
        contract=contract, kind=StatusReport.Kind.REQUESTED, label=_("区の求めによる報告 No.%(n)s") % {"n": count + 1},
        due_on=due_on, request_text=request_text, requested_at=now, requested_by=actor, created_at=now)
    audit_log(action="statusreport.requested", actor=actor, contract=contract, obj=report, request=request,
              payload={"due_on": due_on})
    return report


def _report_for_update(report: StatusReport) -> StatusReport:
    contract = report.contract
    report = StatusReport.objects.select_for_update(of=("self",)).select_related("contract").get(pk=report.pk)
    if getattr(contract, "_roles_in_force", None):
        report.contract._roles_in_force = contract._roles_in_force
    return report


@transaction.atomic
def report_submit(*, report: StatusReport, actor, text: str, upload=None, request=None) -> StatusReport:
    """The handling manager submits the report (again, after it was sent back): its text and, optionally, a file
    (attachments keeps it encrypted, with its SHA-256)."""
    report = _report_for_update(report)
    permissions.may_submit(actor, report).or_403().require()
    text = (text or "").strip()
    bounds.check_value(StatusReport, "text", text, field="text")
    if not text:
        raise DomainError(_("報告内容を入力してください（業務の進み具合、個人情報の取扱い・管理の状況、問題があればその内容）。"),
                          field="text")
    if upload is not None:
        from attachments.services import attach

        try:
            attach(target=report, upload=upload, actor=actor, request=request)
        except DomainError as error:
            raise DomainError(error.message, field="file", code=error.code) from error
    report.text = text
    fields = review.submit(report, actor=actor)
    report.save(update_fields=["text", *fields])
    audit_log(action="statusreport.submitted", actor=actor, contract=report.contract, obj=report, request=request,
              payload={"due_on": report.due_on, "late": timezone.localtime(report.submitted_at).date() > report.due_on, "submission": report.submission_count})
    return report


@transaction.atomic
def report_accept(*, report: StatusReport, actor, request=None) -> StatusReport:
    """HR accepts the report."""
    report = _report_for_update(report)
    permissions.may_decide(actor, report).or_403().require()
    report.save(update_fields=review.accept(report, actor=actor))
    audit_log(action="statusreport.accepted", actor=actor, contract=report.contract, obj=report, request=request,
              payload={"due_on": report.due_on})
    return report


@transaction.atomic
def report_send_back(*, report: StatusReport, actor, reason: str, request=None) -> StatusReport:
    """HR sends the report back, saying what is missing; the handling manager corrects it and submits again."""
    report = _report_for_update(report)
    permissions.may_decide(actor, report).or_403().require()
    reason = (reason or "").strip()
    bounds.check_value(StatusReport, "return_reason", reason, field="reason")
    report.save(update_fields=review.send_back(report, actor=actor, reason=reason))
    audit_log(action="statusreport.returned", actor=actor, contract=report.contract, obj=report, request=request,
              payload={"due_on": report.due_on, "reason": reason})
    return report


# --- the management structure --------------------------------------------------------------------------


def people_in_force(contract: Contract) -> list[dict]:
    """The handling manager and handlers in force today, as a structure report keeps them."""
    from contracts.selectors import display_name

    rows = []
    for d in (Designation.objects.in_force().filter(contract=contract).select_related("user__profile")
              .order_by("kind", "valid_from", "pk")):
        rows.append({"kind": d.kind, "name": display_name(d.user), "duties": d.duties,
                     "valid_from": d.valid_from.isoformat() if d.valid_from else None,
                     "valid_until": d.valid_until.isoformat() if d.valid_until else None})
    return rows


def _checked_structure(contract: Contract, effective_on, changes: str) -> str:
    changes = (changes or "").strip()
    if effective_on is None:
        raise DomainError(_("この体制となった日を入力してください。"), field="effective_on")
    bounds.check_values(StructureReport, effective_on=effective_on, changes=changes)
    if effective_on > timezone.localdate():
        raise DomainError(_("この体制となった日に、これから先の日付は入力できません。"), field="effective_on")
    if not changes:
        raise DomainError(_("変更の内容を入力してください（契約締結後の最初の報告なら「契約締結時の体制」など）。"),
                          field="changes")
    return changes


@transaction.atomic
def structure_create(*, contract: Contract, actor, effective_on: dt.date | None, changes: str,
                     request=None) -> StructureReport:
    """The handling manager writes a report of the management structure (since when, what changed); the people
    in force are taken from the approved designations when it is submitted."""
    contract = _contract_for_update(contract)
    permissions.may_report_structure(actor, contract).or_403().require()
    changes = _checked_structure(contract, effective_on, changes)
    report = StructureReport.objects.create(contract=contract, effective_on=effective_on, changes=changes,
                                            people=people_in_force(contract), created_at=timezone.now(),
                                            created_by=actor)
    audit_log(action="structurereport.created", actor=actor, contract=contract, obj=report, request=request,
              payload={"effective_on": effective_on})
    return report


def _structure_for_update(report: StructureReport) -> StructureReport:
    contract = report.contract
    report = StructureReport.objects.select_for_update(of=("self",)).select_related("contract").get(pk=report.pk)
    if getattr(contract, "_roles_in_force", None):
        report.contract._roles_in_force = contract._roles_in_force
    return report


@transaction.atomic
def structure_submit(*, report: StructureReport, actor, effective_on: dt.date | None, changes: str,
                     request=None) -> StructureReport:
    """Submit the report in writing (again, once sent back): who is designated now is kept with it."""
    report = _structure_for_update(report)
    permissions.may_submit_structure(actor, report).or_403().require()
    report.changes = _checked_structure(report.contract, effective_on, changes)
    report.effective_on = effective_on
    report.people = people_in_force(report.contract)
    fields = review.submit(report, actor=actor)
    report.save(update_fields=["changes", "effective_on", "people", *fields])
    audit_log(action="structurereport.submitted", actor=actor, contract=report.contract, obj=report, request=request,
              payload={"effective_on": report.effective_on, "people": len(report.people)})
    return report


@transaction.atomic
def structure_accept(*, report: StructureReport, actor, request=None) -> StructureReport:
    report = _structure_for_update(report)
    permissions.may_decide(actor, report).or_403().require()
    report.save(update_fields=review.accept(report, actor=actor))
    audit_log(action="structurereport.accepted", actor=actor, contract=report.contract, obj=report, request=request,
              payload={"effective_on": report.effective_on})
    return report


@transaction.atomic
def structure_send_back(*, report: StructureReport, actor, reason: str, request=None) -> StructureReport:
    report = _structure_for_update(report)
    permissions.may_decide(actor, report).or_403().require()
    reason = (reason or "").strip()
    bounds.check_value(StructureReport, "return_reason", reason, field="reason")
    report.save(update_fields=review.send_back(report, actor=actor, reason=reason))
    audit_log(action="structurereport.returned", actor=actor, contract=report.contract, obj=report, request=request,
              payload={"effective_on": report.effective_on, "reason": reason})
    return report


# --- next year's copy -----------------------------------------------------------------------------------


def next_year_carry(*, source: Contract, copy: Contract, actor, carry_plan: bool) -> dict:
    """``contracts.carry_over``: next year's copy keeps the schedule HR set (its dates a year later); its reports
    are written once the copy is in force. Nothing for the copy's audit entry to say."""
    from contracts.selectors import next_year_day

    sched = StatusSchedule.objects.filter(contract=source).first()
    if sched is None or StatusSchedule.objects.filter(contract=copy).exists():
        return {}
    dates = []
    for text in sched.dates or []:
        try:
            day = next_year_day(dt.date.fromisoformat(text))
        except (TypeError, ValueError):
            continue
        if copy.start_date <= day <= copy.end_date:
            dates.append(day.isoformat())
    kind = sched.kind
    if kind == StatusSchedule.Kind.DATES and not dates:
        kind = StatusSchedule.Kind.MONTHLY
    StatusSchedule.objects.create(contract=copy, kind=kind, day=sched.day, dates=sorted(dates), reason=sched.reason,
                                  set_at=timezone.now(), set_by=actor)
    return {}
