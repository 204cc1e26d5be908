"""The report (報告書, 資料2-1 ⑤) and the measures the ward decides from it (⑥).

Seed, 資料2-1: ④ 調査結果をもとに報告書（個人情報なし）作成 — ⑤ 報告書（個人情報なし）およびデータ返却（CD-R等）
— ⑥ 対応策・改善策検討. The contractor's handling manager records the report's submission and confirms it
holds no personal information; HR accepts it after checking that, or sends it back with a reason; HR then
records the measures, as dated notes.

Steps ④–⑥ follow these records (and the return of the items) instead of being ticked by hand:
:func:`sync_steps` completes or reopens them, each with its history entry, whenever one of them changes.

Who may do what is answered once, for the page and the service alike, in :mod:`yearend.permissions`.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log
from contracts.models import Contract, ContractStep, ContractStepEvent
from contracts.permissions import can, contracts_where
from contracttypes.models import FlowStep
from contracttypes.selectors import following_steps
from core import bounds, review
from core.dashboard import Link, Waiting
from core.dates import fiscal_year_label, wareki
from core.errors import DomainError
from handover.models import Item

from .models import ContractMeasure, ContractReport
from .permissions import may_decide_report, may_record_measure, may_submit_report
from .selectors import latest_report

# The steps that follow the records of this module, never a hand toggle.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
PDF_MAGIC = b"%PDF-"


def reports_of(contract: Contract):
    return ContractReport.objects.filter(contract=contract).select_related(
        "recorded_by__profile", "decided_by__profile").order_by("-recorded_at", "-pk")


def measures_of(contract: Contract):
    return ContractMeasure.objects.filter(contract=contract).select_related("recorded_by__profile").order_by(
        "decided_on", "recorded_at", "pk")


# --- steps ④–⑥ follow the records ---------------------------------------------------------------


def _items_state(contract: Contract) -> tuple[bool, dt.datetime | None]:
    """Whether every item the contract handed out is back at the ward or was destroyed or erased as the
    accepted deletion report says, and the moment the last of them got there."""
    items = list(Item.objects.filter(contract=contract).values_list("state", "state_changed_at"))
    out = [state for state, _at in items if state in (Item.State.IN_TRANSIT, Item.State.AT_CONTRACTOR)]
    done = [at for state, at in items if state in (Item.State.RETURNED, Item.State.DISPOSED)]
    return not out, max(done) if done else None


def _wanted_by_record(contract: Contract) -> dict[str, tuple[dt.datetime, str] | None]:
    """For each record a step may follow (FlowStep.follows: the report, the returns, the measures), (when it
    was done, the note) as the records say, or None while it is not."""
    latest = latest_report(contract)
    wanted: dict[str, tuple[dt.datetime, str] | None] = dict.fromkeys(REOPEN_REASONS)
    if latest is not None and not latest.is_returned:
        wanted[FlowStep.Follows.REPORT] = (latest.submitted_at, _("報告書「%(title)s」（%(pages)sページ）の提出")
                                           % {"title": latest.title, "pages": latest.pages})
    if latest is not None and latest.is_accepted:
        back, last = _items_state(contract)
        if back:
            moment = max(latest.decided_at, last) if last else latest.decided_at
            wanted[FlowStep.Follows.RETURNED] = (moment, _("報告書を受理し、記録媒体等の返却（または消去報告書による破壊・消去）を確認"))
    first = measures_of(contract).first()
    if first is not None:
        wanted[FlowStep.Follows.MEASURES] = (first.recorded_at, first.text[:200])
    return wanted


def _wanted(contract: Contract) -> dict[int, tuple[dt.datetime, str] | None]:
    """For each step of the contract's type that follows a record (the seed's ④–⑥), what that record says."""
    by_record = _wanted_by_record(contract)
    return {number: by_record[follows] for number, follows in following_steps(contract).items()
            if follows in by_record}


# Keyed by what the step follows (the seed's ④ the report, ⑤ the returns, ⑥ the measures).
REOPEN_REASONS = {
    FlowStep.Follows.REPORT: gettext_lazy("報告書が差し戻されたため（記録に従い自動で未了に戻しました）"),
    FlowStep.Follows.RETURNED: gettext_lazy("報告書の受理または記録媒体等の返却の記録が変わったため（記録に従い自動で未了に戻しました）"),
    FlowStep.Follows.MEASURES: gettext_lazy("対応策・改善策の記録がなくなったため（記録に従い自動で未了に戻しました）"),
}


def sync_steps(contract: Contract, *, actor) -> list[int]:
    """Complete or reopen the steps that follow the records (the seed's ④–⑥) as the records say (called inside
    the service that changed them, whose audit entry names the steps that moved). Returns the steps that
    changed."""
    now = timezone.now()
    changed = []
    following = following_steps(contract)
    rows = {row.step: row for row in ContractStep.objects.select_for_update().filter(contract=contract,
                                                                                     step__in=list(following))}
    for step, wanted in _wanted(contract).items():
        row = rows.get(step)
        if row is None:
            continue
        if wanted is not None and not row.is_done:
            moment, note = wanted
            row.completed_at, row.completed_by, row.note = moment, actor, note[:300]
            row.save(update_fields=["completed_at", "completed_by", "note"])
            ContractStepEvent.objects.create(step=row, kind=ContractStepEvent.Kind.COMPLETED, happened_at=moment,
                                             text=row.note, actor=actor, recorded_at=now)
            changed.append(step)
        elif wanted is None and row.is_done:
            row.completed_at, row.completed_by, row.note = None, None, ""
            row.save(update_fields=["completed_at", "completed_by", "note"])
            ContractStepEvent.objects.create(step=row, kind=ContractStepEvent.Kind.REOPENED, happened_at=now,
                                             text=str(REOPEN_REASONS[following[step]]), actor=actor, recorded_at=now)
            changed.append(step)
    return changed


def steps_follow_custody(sender, *, contract: Contract, actor, **kwargs) -> list[int]:
    """``handover.signals.custody_changed``: items came back to the ward; ⑤ may now be done."""
    return sync_steps(contract, actor=actor)


# --- the report ------------------------------------------------------------------------------------


def _fiscal_year_start(contract: Contract) -> dt.datetime:
    first = min(dt.date(contract.fiscal_year, 4, 1), contract.start_date)
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


def _check_moment(contract: Contract, value: dt.datetime, *, field: str, what: str) -> None:
    bounds.check_value(ContractReport, "submitted_at", value, field=field)
    if value > timezone.now() + CLOCK_TOLERANCE:
        raise DomainError(_("%(what)sに、これから先の日時は入力できません。") % {"what": what}, field=field)
    earliest = _fiscal_year_start(contract)
    if value < earliest:
        raise DomainError(_("%(what)sは、この契約の年度（%(year)s）の%(date)s以降にしてください。") % {
            "what": what, "year": fiscal_year_label(contract.fiscal_year), "date": wareki(earliest)}, field=field)


def _pdf_pages(content: bytes) -> int:
    """The number of pages of ``content``, refusing anything that is not a readable PDF."""
    if not content.startswith(PDF_MAGIC):
        raise DomainError(_("PDFファイルを選んでください（このファイルはPDFではありません）。"), field="file", code="not_pdf")
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise DomainError(_("パスワード付きのPDFは登録できません。パスワードを外したPDFを選んでください。"),
                              field="file", code="encrypted_pdf")
        return len(reader.pages)
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, OSError, RecursionError):
        raise DomainError(_("PDFとして読み取れませんでした。ファイルが壊れていないか確かめてください。"), field="file",
                          code="bad_pdf") from None


def _read_upload(upload) -> bytes:
    size = getattr(upload, "size", 0) or 0
    if size > settings.UPLOAD_MAX_FILE_SIZE:
        raise DomainError(bounds.problem(bounds.Bound("file", 0, settings.UPLOAD_MAX_FILE_SIZE), upload),
                          field="file", code="too_large")
    upload.seek(0)
    content = upload.read(settings.UPLOAD_MAX_FILE_SIZE + 1)
    if len(content) > settings.UPLOAD_MAX_FILE_SIZE:
        raise DomainError(bounds.problem(bounds.Bound("file", 0, settings.UPLOAD_MAX_FILE_SIZE), upload),
                          field="file", code="too_large")
    return content


@transaction.atomic
def report_submit(*, contract: Contract, actor, title: str, submitted_at: dt.datetime, pages: int,
                  no_personal_data: bool, upload=None, request=None) -> ContractReport:
    """The contractor's handling manager records the report's submission (資料2-1 ④⑤: 報告書（個人情報なし）),
    confirming it holds no personal information; optionally its PDF, within UPLOAD_MAX_FILE_SIZE, which
    must be a readable PDF of the stated number of pages. Step ④ follows."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_submit_report(actor, contract).require()
    title = (title or "").strip()
    bounds.check_values(ContractReport, title=title, pages=pages)
    if not title:
        raise DomainError(_("報告書の表題を入力してください。"), field="title")
    if pages is None or pages < 1:
        raise DomainError(_("ページ数は1以上にしてください。"), field="pages")
    _check_moment(contract, submitted_at, field="submitted_at", what=_("提出日時"))
    if not no_personal_data:
        raise DomainError(_("報告書に個人情報が含まれていないことを確かめて、確認の欄に印を付けてください"
                            "（資料2-1: 報告書（個人情報なし））。"), field="no_personal_data", code="personal_data")
    content = _read_upload(upload) if upload else b""
    if upload:
        found = _pdf_pages(content)
        if found != pages:
            raise DomainError(_("PDFのページ数（%(found)sページ）が、入力したページ数（%(pages)sページ）と違います。")
                              % {"found": found, "pages": pages}, field="pages", code="pages_differ")
    report = ContractReport(contract=contract, title=title, submitted_at=submitted_at, pages=pages,
                            no_personal_data=True, recorded_at=timezone.now(), recorded_by=actor)
    if upload:
        name = (getattr(upload, "name", "") or "report.pdf").replace("\\", "/").rsplit("/", 1)[-1]
        report.file_name = name[:200]
        report.file_size = len(content)
        report.file_sha256 = hashlib.sha256(content).hexdigest()
        # Written last, after every check; a failure from here on takes the file away again. (A rollback of
        # an outer transaction later could leave it behind: a randomly named file with no personal data.)
        report.file.save("report.pdf", ContentFile(content), save=False)
    try:
        report.save()
        steps = sync_steps(contract, actor=actor)
        payload = {"title": title, "pages": pages, "submitted_at": submitted_at, "no_personal_data": True}
        if upload:
            payload.update(pdf_size=report.file_size, pdf_sha256=report.file_sha256)
        if steps:
            payload["steps"] = steps
        audit_log(action="contract.report.submitted", actor=actor, contract=contract, obj=report, request=request,
                  payload=payload)
    except BaseException:
        if report.file:
            report.file.storage.delete(report.file.name)
        raise
    return report


def _report_for_update(report: ContractReport) -> ContractReport:
    contract = report.contract
    report = ContractReport.objects.select_for_update(of=("self",)).select_related("contract").get(pk=report.pk)
    # Keep the roles the page's contract_for read for this request.
    if getattr(contract, "_roles_in_force", None):
        report.contract._roles_in_force = contract._roles_in_force
    return report


@transaction.atomic
def report_accept(*, report: ContractReport, actor, checked: bool, request=None) -> ContractReport:
    """HR accepts the report after checking it holds no personal information (報告書（個人情報なし）).
    Step ⑤ follows once every item is back (or destroyed or erased as the accepted deletion report says)."""
    report = _report_for_update(report)
    may_decide_report(actor, report).require()
    if not checked:
        raise DomainError(_("報告書に個人情報が含まれていないことを確認してから受理してください。確認したら、確認の欄に"
                            "印を付けてください。"), field="checked", code="not_checked")
    report.save(update_fields=review.accept(report, actor=actor))
    steps = sync_steps(report.contract, actor=actor)
    payload = {"title": report.title, "checked_no_personal_data": True}
    if steps:
        payload["steps"] = steps
    audit_log(action="contract.report.accepted", actor=actor, contract=report.contract, obj=report, request=request,
              payload=payload)
    return report


@transaction.atomic
def report_return(*, report: ContractReport, actor, reason: str, request=None) -> ContractReport:
    """HR sends the report back, saying why (e.g. a table small enough to single a person out); the
    handling manager then records the corrected report as a new submission. Step ④ goes back to 未了."""
    report = _report_for_update(report)
    may_decide_report(actor, report).require()
    reason = (reason or "").strip()
    bounds.check_value(ContractReport, "return_reason", reason, field="reason")
    report.save(update_fields=review.send_back(report, actor=actor, reason=reason))
    steps = sync_steps(report.contract, actor=actor)
    payload = {"title": report.title, "reason": reason}
    if steps:
        payload["steps"] = steps
    audit_log(action="contract.report.returned", actor=actor, contract=report.contract, obj=report, request=request,
              payload=payload)
    return report


# --- the measures ----------------------------------------------------------------------------------


@transaction.atomic
def measure_record(*, contract: Contract, actor, decided_on: dt.date, text: str, request=None) -> ContractMeasure:
    """HR records a measure the ward decided from the report (資料2-1 ⑥ 対応策・改善策検討), as a dated note.
    The first one completes step ⑥."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_record_measure(actor, contract).require()
    text = (text or "").strip()
    bounds.check_values(ContractMeasure, decided_on=decided_on, text=text)
    if not text:
        raise DomainError(_("対応策・改善策の内容を入力してください。"), field="text")
    if decided_on is None:
        raise DomainError(_("検討・決定した日を入力してください。"), field="decided_on")
    if decided_on > timezone.localdate():
        raise DomainError(_("検討・決定した日に、これから先の日付は入力できません。"), field="decided_on")
    accepted = ContractReport.objects.filter(contract=contract, status=ContractReport.Status.ACCEPTED).aggregate(
        first=Max("decided_at"))["first"]
    if accepted is not None and decided_on < timezone.localtime(accepted).date():
        raise DomainError(_("検討・決定した日は、報告書を受理した日（%(date)s）以降にしてください。")
                          % {"date": wareki(accepted)}, field="decided_on")
    measure = ContractMeasure.objects.create(contract=contract, decided_on=decided_on, text=text,
                                             recorded_at=timezone.now(), recorded_by=actor)
    steps = sync_steps(contract, actor=actor)
    payload = {"decided_on": decided_on, "text": text}
    if steps:
        payload["steps"] = steps
    audit_log(action="contract.measure.recorded", actor=actor, contract=contract, obj=measure, request=request,
              payload=payload)
    return measure


# --- the menu and the dashboard --------------------------------------------------------------------


def report_links(user, contract: Contract):
    if not user.is_authenticated or not can(user, contract, "view"):
        return []
    return [Link(_("報告書・対応策"), reverse("yearend:report", kwargs={"slug": contract.slug}))]


def waiting_reports(user):
    """HR: a submitted report to check; the handling manager: a report sent back to correct."""
    if not user.is_authenticated:
        return []
    rows = []
    managed = contracts_where(user, "manage").exclude(status=Contract.Status.CLOSED)
    contractor = contracts_where(user, "contractor_side").exclude(status=Contract.Status.CLOSED)
    submitted = ContractReport.objects.filter(contract__in=managed, status=ContractReport.Status.SUBMITTED)
    for report in submitted.select_related("contract"):
        rows.append(Waiting(title=_("報告書の確認をしてください: 「%(title)s」") % {"title": report.title},
                            url=reverse("yearend:report", kwargs={"slug": report.contract.slug}),
                            contract=report.contract, since=report.recorded_at, since_label=_("提出")))
    contractor = list(contractor)
    latest_of: dict[int, ContractReport] = {}
    for report in ContractReport.objects.filter(contract__in=[c.pk for c in contractor]).order_by(
            "contract_id", "-recorded_at", "-pk"):
        latest_of.setdefault(report.contract_id, report)  # as latest_report(), for every contract in one query
    for contract in contractor:
        latest = latest_of.get(contract.pk)
        if latest is not None and latest.is_returned:
            rows.append(Waiting(title=_("報告書が差し戻されました: %(reason)s") % {"reason": latest.return_reason},
                                url=reverse("yearend:report", kwargs={"slug": contract.slug}), contract=contract,
                                since=latest.decided_at, since_label=_("差戻し")))
    return rows
