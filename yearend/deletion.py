"""The deletion report (消去報告書): how every registered copy and every item still at the contractor was
erased or destroyed, by whom, verified by whom, and the ward's acceptance.

Seed, 別紙: 「業務履行後、個人情報が記録された電磁的媒体（DVD-R等）、紙媒体及びパスワード通知書は返却させ、電子データは
消去させる。また、区に電子データの消去を行ったことの報告書を提出させる。」

- One line per registered copy (:mod:`yearend.copies`) not yet covered by an accepted report, and per item
  still at the contractor; a report cannot be submitted while one of them has no line.
- Each line names its method type as NIST SP 800-88 Rev. 1 and IEEE 2883 do: 消去 (Clear), 完全消去 (Purge),
  破壊 (Destroy). A written CD-R or DVD-R (``MediumKind.destroy_only``), paper and password notices can only
  be destroyed (or returned, which is a handover, not a line); so can a medium of unknown kind (a kind the ward
  has not marked erasable, or a copy on another medium registered without its kind).
- The verifier is never the performer.
- Filed by the contractor's handling manager; the contract's HR accepts it, or sends it back with a reason
  per line. Accepting it marks each item it covers as destroyed or erased (``Item.State.DISPOSED``).

Who may do what is answered once, for the page and the service, in :mod:`yearend.permissions`.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Contract, Designation
from contracts.permissions import can, contracts_where
from contracts.selectors import display_name
from contracts.subcontracting import subcontractor_party
from core import bounds, review
from core.dashboard import Link, Waiting
from core.dates import wareki, wareki_datetime
from core.errors import DomainError
from core.pdf import PDF_CONTENT_TYPE, render_pdf
from handover.models import Handover, Item, OnlineTransfer
from handover.selectors import Event

from .copies import copy_holder, copy_label
from .models import CopyRecord, DeletionLine, DeletionReport, transfer_label
from .permissions import may_decide_deletion_report, may_edit_deletion_report, may_file_deletion_report
from .report import sync_steps
from .selectors import copies_to_cover, covered_copy_ids, held_items, lines_of, transfers_to_cover

Method = DeletionLine.Method
LISTED = 5


def _listing(names: list[str]) -> str:
    text = "、".join(names[:LISTED])
    if len(names) > LISTED:
        text += _(" ほか%(n)s件") % {"n": len(names) - LISTED}
    return text


# --- what must be accounted for -------------------------------------------------------------------


def items_on_their_way(contract: Contract) -> list[Item]:
    """Items handed to the contractor and not acknowledged yet: where they end up is not known."""
    return list(Item.objects.filter(contract=contract, state=Item.State.IN_TRANSIT,
                                    handover_lines__handover__status=Handover.Status.IN_TRANSIT,
                                    handover_lines__handover__direction=Handover.Direction.DELIVERY)
                .distinct().order_by("label"))


@dataclass(frozen=True)
class Target:
    """Something a line accounts for: a registered copy or an item at the contractor."""

    key: str          # "copy:12", "item:7" or "transfer:3", what a form posts
    label: str
    copy: CopyRecord | None = None
    item: Item | None = None
    transfer: OnlineTransfer | None = None


def held_by(copy: CopyRecord | None = None, item: Item | None = None) -> str:
    """The chain 委託先 → 再委託先 when a subcontractor holds the copy or the item, "" when the contractor does."""
    if copy is not None:
        return copy_holder(copy) if copy.subcontractor_id else ""
    return subcontractor_party(item.contract, item.holder) if item.holder_id else ""


def _labelled(label: str, holder: str) -> str:
    return _("%(label)s（保管: %(holder)s）") % {"label": label, "holder": holder} if holder else label


def _target(copy: CopyRecord | None = None, item: Item | None = None, transfer: OnlineTransfer | None = None) -> Target:
    if transfer is not None:
        return Target(f"transfer:{transfer.pk}", transfer_label(transfer), transfer=transfer)
    if copy is not None:
        return Target(f"copy:{copy.pk}", _labelled(copy_label(copy), held_by(copy=copy)), copy=copy)
    return Target(f"item:{item.pk}", _labelled(f"{item.kind_label} {item.label}", held_by(item=item)), item=item)


def line_label(line: DeletionLine) -> str:
    """The line's target, with the chain 委託先 → 再委託先 when a subcontractor holds it."""
    if line.copy_id:
        return _labelled(copy_label(line.copy), held_by(copy=line.copy))
    if line.transfer_id:
        return transfer_label(line.transfer)
    return _labelled(f"{line.item.kind_label} {line.item.label}", held_by(item=line.item))


def missing_targets(report: DeletionReport) -> list[Target]:
    """What the report must still have a line for: copies not yet covered, items still held."""
    lines = list(report.lines.all())
    copies = {line.copy_id for line in lines if line.copy_id}
    items = {line.item_id for line in lines if line.item_id}
    transfers = {line.transfer_id for line in lines if line.transfer_id}
    return ([_target(copy=copy) for copy in copies_to_cover(report.contract) if copy.pk not in copies]
            + [_target(item=item) for item in held_items(report.contract) if item.pk not in items]
            + [_target(transfer=transfer) for transfer in transfers_to_cover(report.contract)
               if transfer.pk not in transfers])


def stale_lines(report: DeletionReport, lines=None) -> list[DeletionLine]:
    """Lines that no longer account for anything: an item that went back to the ward (or was covered by an
    accepted report), a copy an accepted report covers already."""
    covered = covered_copy_ids(report.contract)
    lines = lines if lines is not None else lines_of(report)
    transfers = ({transfer.pk for transfer in transfers_to_cover(report.contract)}
                 if any(line.transfer_id for line in lines) else set())
    return [line for line in lines
            if (line.item_id and line.item.state != Item.State.AT_CONTRACTOR)
            or (line.copy_id and line.copy_id in covered)
            or (line.transfer_id and line.transfer_id not in transfers)]


def destroy_only_reason(line: DeletionLine) -> str | None:
    """Why only 破壊 (Destroy) is possible for what the line accounts for, or None."""
    if line.transfer_id:
        return None  # a received file on the contractor's own equipment: cleared or purged as any data
    if line.copy_id:
        copy = line.copy
        if copy.is_destroy_only and copy.medium_kind_id is None:
            return _("複製 No.%(n)s は媒体の種類が記録されていないため、消去（上書き）できる媒体か分かりません。"
                     "「破壊」を選んでください。") % {"n": copy.number}
        if copy.is_destroy_only:
            return _("%(kind)sは消去（上書き）できる媒体として登録されていないため、「破壊」を選んでください。NIST SP "
                     "800-88 では、CD-R・DVD-R などの光ディスクの消去・完全消去は適用できず破壊のみとされています。"
                     ) % {"kind": copy.medium_kind}
        return None
    item = line.item
    if item.is_medium and item.medium_kind_id is None:
        return _("%(label)sは媒体の種類が記録されていないため、破壊するか、区に返却してください。") % {"label": item.label}
    if item.is_medium and item.medium_kind.destroy_only:
        return _("%(kind)s（%(label)s）は消去（上書き）できないため、破壊するか、区に返却してください（返却するときは、この行を"
                 "削除して返却を記録します）。NIST SP 800-88 では、光ディスクの消去・完全消去は適用できず破壊のみとされています。"
                 ) % {"kind": item.medium_kind, "label": item.label}
    if not item.is_medium:
        return _("%(kind)s（%(label)s）は、破壊（シュレッダー等による裁断）するか、区に返却してください。") % {
            "kind": item.kind_label, "label": item.label}
    return None


def sanitisers(contract: Contract):
    """Who may be named as performer or verifier: the contract's approved manager and handlers (also once
    their designated period is over: the ward may accept the report after it)."""
    approved = Designation.objects.filter(contract=contract, status=Designation.Status.APPROVED).values("user_id")
    return get_user_model().objects.filter(pk__in=approved).select_related("profile").order_by("username")


def _earliest_day(line: DeletionLine) -> dt.date:
    """The first day the deletion could have happened: when the copy was made, or the item arrived."""
    if line.copy_id:
        return timezone.localtime(line.copy.made_at).date()
    if line.transfer_id:
        return timezone.localtime(line.transfer.acknowledged_at or line.transfer.sent_at).date()
    arrived = line.item.handover_lines.filter(
        handover__direction=Handover.Direction.DELIVERY, handover__status=Handover.Status.ACKNOWLEDGED).aggregate(
        first=Min("handover__acknowledged_at"))["first"]
    return timezone.localtime(arrived or line.item.created_at).date()


# --- services --------------------------------------------------------------------------------------


def _report_for_update(report: DeletionReport) -> DeletionReport:
    contract = report.contract
    locked = DeletionReport.objects.select_for_update().get(pk=report.pk)
    # Locking the contract too serialises a report's changes with the copies and returns they are checked against.
    locked.contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    if getattr(contract, "_roles_in_force", None):
        locked.contract._roles_in_force = contract._roles_in_force
    return locked


@transaction.atomic
def deletion_report_create(*, contract: Contract, actor, request=None) -> DeletionReport:
    """Start a deletion report with one empty line for each copy not yet covered and each item still held."""
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    may_file_deletion_report(actor, contract).require()
    number = (DeletionReport.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    report = DeletionReport.objects.create(contract=contract, number=number, created_at=timezone.now(),
                                           created_by=actor)
    targets = [_target(copy=copy) for copy in copies_to_cover(contract)] + \
        [_target(item=item) for item in held_items(contract)] + \
        [_target(transfer=transfer) for transfer in transfers_to_cover(contract)]
    DeletionLine.objects.bulk_create([DeletionLine(report=report, copy=t.copy, item=t.item, transfer=t.transfer)
                                      for t in targets])
    audit_log(action="handover.deletion.created", actor=actor, contract=contract, obj=report, request=request,
              payload={"number": number, "lines": [t.label for t in targets]})
    return report


@transaction.atomic
def deletion_line_add(*, report: DeletionReport, actor, target: str, request=None) -> DeletionLine:
    """Add a line for a copy registered (or an item received) after the report was started."""
    report = _report_for_update(report)
    may_edit_deletion_report(actor, report).require()
    chosen = {t.key: t for t in missing_targets(report)}.get(target or "")
    if chosen is None:
        raise DomainError(_("行を追加する複製・記録媒体等を選んでください（すでに行があるものは選べません）。"), field="target")
    line = DeletionLine.objects.create(report=report, copy=chosen.copy, item=chosen.item, transfer=chosen.transfer)
    audit_log(action="handover.deletion.line_added", actor=actor, contract=report.contract, obj=report,
              request=request, payload={"number": report.number, "line": chosen.label})
    return line


@transaction.atomic
def deletion_line_remove(*, line: DeletionLine, actor, request=None) -> None:
    """Remove a line that accounts for nothing any more (an item returned instead of destroyed)."""
    report = _report_for_update(line.report)
    may_edit_deletion_report(actor, report).require()
    line = DeletionLine.objects.select_related("copy__medium_kind", "item__medium_kind", "transfer").get(
        pk=line.pk, report=report)
    label = line_label(line)
    line.delete()
    audit_log(action="handover.deletion.line_removed", actor=actor, contract=report.contract, obj=report,
              request=request, payload={"number": report.number, "line": label})


def _clean_line(line: DeletionLine, *, method_type, method, tool, tool_version, performed_on, performer, verifier,
                verification, certificate, notes) -> dict:
    """The line's values, checked against every rule; the first refusal names its field."""
    values = {"method": (method or "").strip(), "tool": (tool or "").strip(),
              "tool_version": (tool_version or "").strip(), "verification": (verification or "").strip(),
              "certificate": (certificate or "").strip(), "notes": (notes or "").strip()}
    bounds.check_values(DeletionLine, performed_on=performed_on, **values)
    if method_type not in Method.values:
        raise DomainError(_("方式（消去・完全消去・破壊）を選んでください。"), field="method_type")
    only_destroy = destroy_only_reason(line)
    if only_destroy and method_type != Method.DESTROY:
        raise DomainError(only_destroy, field="method_type", code="destroy_only")
    if not values["method"]:
        raise DomainError(_("方法を入力してください（例: 消去ソフトによる上書き、シュレッダーによる粉砕）。"), field="method")
    if not values["tool"]:
        raise DomainError(_("使用したツール・機器を入力してください。"), field="tool")
    if method_type in (Method.CLEAR, Method.PURGE) and not values["tool_version"]:
        raise DomainError(_("消去に使ったソフトウェアの版を入力してください（例: 3.2.1）。"), field="tool_version")
    if performed_on is None:
        raise DomainError(_("実施日を入力してください。"), field="performed_on")
    if performed_on > timezone.localdate():
        raise DomainError(_("実施日に、これから先の日付は入力できません。"), field="performed_on")
    earliest = _earliest_day(line)
    if performed_on < earliest:
        raise DomainError(_("実施日は%(date)s（%(what)s）以降にしてください。") % {
            "date": wareki(earliest), "what": _("複製した日") if line.copy_id else _("受け取った日")},
            field="performed_on")
    people = sanitisers(line.report.contract)
    if performer is None or not people.filter(pk=performer.pk).exists():
        raise DomainError(_("実施者には、この契約の取扱責任者・取扱者（区が承認した方）を選んでください。"), field="performer")
    if verifier is None or not people.filter(pk=verifier.pk).exists():
        raise DomainError(_("確認者には、この契約の取扱責任者・取扱者（区が承認した方）を選んでください。"), field="verifier")
    if verifier.pk == performer.pk:
        raise DomainError(_("確認者は実施者とは別の方にしてください（消去・破壊したことを、実施した本人以外が確かめます）。"),
                          field="verifier", code="verifier_is_performer")
    if not values["verification"]:
        raise DomainError(_("確認の方法を入力してください（例: 消去ソフトの完了レポートを確認、裁断後の破片を目視で確認）。"),
                          field="verification")
    return {"method_type": method_type, "performed_on": performed_on, "performer": performer, "verifier": verifier,
            **values}


@transaction.atomic
def deletion_line_save(*, line: DeletionLine, actor, method_type: str, method: str, tool: str, tool_version: str,
                       performed_on: dt.date | None, performer, verifier, verification: str, certificate: str = "",
                       witnessed: bool = False, notes: str = "", request=None) -> DeletionLine:
    """Fill in (or correct) one line: method type, method, tool and version, date, performer, verifier (not the
    performer), how it was verified, certificate, whether the ward witnessed it, notes."""
    report = _report_for_update(line.report)
    may_edit_deletion_report(actor, report).require()
    line = lines_of(report).select_for_update(of=("self",)).get(pk=line.pk)
    line.report = report
    values = _clean_line(line, method_type=method_type, method=method, tool=tool, tool_version=tool_version,
                         performed_on=performed_on, performer=performer, verifier=verifier,
                         verification=verification, certificate=certificate, notes=notes)
    for name, value in values.items():
        setattr(line, name, value)
    line.witnessed = bool(witnessed)
    line.updated_at, line.updated_by = timezone.now(), actor
    line.save(update_fields=[*values, "witnessed", "updated_at", "updated_by"])
    payload = {"number": report.number, "line": line_label(line), "method_type": method_type,
               "method": values["method"], "tool": values["tool"], "tool_version": values["tool_version"],
               "performed_on": performed_on, "performer": performer.get_username(),
               "verifier": verifier.get_username(), "verification": values["verification"],
               "certificate": values["certificate"], "witnessed": bool(witnessed), "notes": values["notes"]}
    audit_log(action="handover.deletion.line_saved", actor=actor, contract=report.contract, obj=report,
              request=request, payload=payload)
    return line


def _line_problem(line: DeletionLine) -> str | None:
    """Why a saved line would not be accepted now (empty, or its values no longer pass), or None."""
    label = line_label(line)
    if not line.is_filled:
        return _("%(line)s: 方式・方法・実施者などが記入されていません。") % {"line": label}
    try:
        _clean_line(line, method_type=line.method_type, method=line.method, tool=line.tool,
                    tool_version=line.tool_version, performed_on=line.performed_on, performer=line.performer,
                    verifier=line.verifier, verification=line.verification, certificate=line.certificate,
                    notes=line.notes)
    except DomainError as error:
        return f"{label}: {error.message}"
    return None


def problems(report: DeletionReport) -> list[str]:
    """Everything that stands between the report and its submission (or acceptance), in words."""
    lines = list(lines_of(report))
    for line in lines:
        line.report = report
    found = []
    missing = missing_targets(report)
    if missing:
        found.append(_("消去・破壊の報告がない複製・記録媒体等があります: %(targets)s。行を追加して記入してください。")
                     % {"targets": _listing([t.label for t in missing])})
    waiting = items_on_their_way(report.contract)
    if waiting:
        found.append(_("受領確認待ちの記録媒体等があります: %(items)s。受領確認の後に報告してください。")
                     % {"items": _listing([str(item) for item in waiting])})
    for line in stale_lines(report, lines):
        if line.item_id:
            found.append(_("%(line)s は「%(state)s」のため、この報告書の対象ではありません。この行を削除してください。")
                         % {"line": line_label(line), "state": line.item.get_state_display()})
        else:
            found.append(_("%(line)s は受理済みの消去報告書で報告されています。この行を削除してください。")
                         % {"line": line_label(line)})
    for line in lines:
        problem = _line_problem(line)
        if problem:
            found.append(problem)
    return found


class ReportIncomplete(DomainError):
    """The report cannot go to the ward (or be accepted): ``problems`` says every reason."""

    def __init__(self, message, problems: list[str]):
        super().__init__(message + " " + " ".join(problems), code="incomplete")
        self.problems = problems


@transaction.atomic
def deletion_report_submit(*, report: DeletionReport, actor, request=None) -> DeletionReport:
    """The handling manager submits the report to the ward. Refused while a registered copy or an item still
    held has no line, or a line is incomplete or breaks a rule."""
    report = _report_for_update(report)
    may_edit_deletion_report(actor, report).require()
    found = problems(report)
    if found:
        raise ReportIncomplete(_("消去報告書を提出できません。"), found)
    report.save(update_fields=review.submit(report, actor=actor))
    labels = [line_label(line) for line in lines_of(report)]
    audit_log(action="handover.deletion.submitted", actor=actor, contract=report.contract, obj=report,
              request=request, payload={"number": report.number, "submission": report.submission_count,
                                        "lines": labels})
    return report


@transaction.atomic
def deletion_report_return(*, report: DeletionReport, actor, reasons: dict[int, str], request=None) -> DeletionReport:
    """HR sends the report back with a reason for each line that needs correcting."""
    report = _report_for_update(report)
    may_decide_deletion_report(actor, report).require()
    lines = {line.pk: line for line in lines_of(report)}
    cleaned = {}
    for pk, reason in (reasons or {}).items():
        reason = (reason or "").strip()
        if not reason:
            continue
        if pk not in lines:
            raise DomainError(_("この消去報告書にない行が指定されました。画面を開き直してください。"))
        bounds.check_value(DeletionLine, "return_reason", reason, field=f"reason_{pk}")
        cleaned[pk] = reason
    if not cleaned:
        raise DomainError(_("差し戻す行に、差戻しの理由を入力してください。"), field="reasons", code="no_reason")
    now = timezone.now()
    for pk, line in lines.items():
        line.return_reason = cleaned.get(pk, "")
        line.returned_at = now if pk in cleaned else None
        line.save(update_fields=["return_reason", "returned_at"])
    # The reasons are the lines' own: the report is sent back with them.
    report.save(update_fields=review.send_back(report, actor=actor, reason="\n".join(cleaned.values()), now=now))
    audit_log(action="handover.deletion.returned", actor=actor, contract=report.contract, obj=report,
              request=request, payload={"number": report.number,
                                        "lines": {line_label(lines[pk]): reason for pk, reason in cleaned.items()}})
    return report


@transaction.atomic
def deletion_report_accept(*, report: DeletionReport, actor, request=None) -> DeletionReport:
    """HR accepts the report. Checked again against the register and the items as they are now (a copy
    registered after submission must be reported too); each item it covers is then destroyed or erased
    (``Item.State.DISPOSED``), and step ⑤ follows."""
    report = _report_for_update(report)
    may_decide_deletion_report(actor, report).require()
    found = problems(report)
    if found:
        raise ReportIncomplete(_("この消去報告書は受理できません。理由を書いて差し戻してください。"), found)
    now = timezone.now()
    report.save(update_fields=review.accept(report, actor=actor, now=now))
    lines = list(lines_of(report))
    disposed = []
    for line in lines:
        if line.item_id:
            item = Item.objects.select_for_update(of=("self",)).get(pk=line.item_id)
            item.state, item.state_changed_at = Item.State.DISPOSED, now
            item.save(update_fields=["state", "state_changed_at"])
            disposed.append(item.label)
        if line.return_reason:
            line.return_reason = ""
            line.save(update_fields=["return_reason"])
    steps = sync_steps(report.contract, actor=actor)
    payload = {"number": report.number, "lines": [line_label(line) for line in lines], "disposed": disposed}
    if steps:
        payload["steps"] = steps
    audit_log(action="handover.deletion.accepted", actor=actor, contract=report.contract, obj=report,
              request=request, payload=payload)
    return report


# --- the PDF ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfLine:
    number: int
    target: str
    method_type: str
    method: str
    performed_on: str
    performer: str
    verifier: str
    verification: str
    witnessed: str
    notes: str


def pdf_lines(report: DeletionReport) -> list[PdfLine]:
    rows = []
    for n, line in enumerate(lines_of(report), start=1):
        tool = line.tool + (f" {line.tool_version}" if line.tool_version else "")
        method = line.method + (f"（{tool}）" if tool else "")
        notes = "・".join(part for part in (
            _("証明書 %(number)s") % {"number": line.certificate} if line.certificate else "", line.notes) if part)
        rows.append(PdfLine(
            number=n, target=line_label(line),
            method_type=line.get_method_type_display() if line.method_type else _("（未記入）"),
            method=method, performed_on=wareki(line.performed_on), performer=display_name(line.performer),
            verifier=display_name(line.verifier), verification=line.verification,
            witnessed=_("立会い") if line.witnessed else _("なし"), notes=notes))
    return rows


def deletion_report_pdf(report: DeletionReport) -> tuple[str, str, bytes]:
    """消去報告書, A4 landscape, with the seal boxes 実施者・確認者・取扱責任者 and 区受領."""
    contract = report.contract
    content = render_pdf("yearend/deletion_pdf.html", {
        "report": report, "contract": contract, "lines": pdf_lines(report),
        "period": _("%(start)sから%(end)sまで") % {"start": wareki(contract.start_date), "end": wareki(contract.end_date)},
        "submitted_on": wareki(report.submitted_at) if report.submitted_at else "",
        "manager": display_name(report.submitted_by or report.created_by),
        "accepted": (_("%(when)s 受理（%(name)s）") % {"when": wareki_datetime(report.decided_at),
                                                  "name": display_name(report.decided_by)})
        if report.is_accepted else _("未受理（%(status)s）") % {"status": report.get_status_display()},
        "printed_at": wareki_datetime(timezone.now()),
    }, extra_css=PDF_CSS)
    return f"{contract.file_stem}-deletion-report-{report.number}.pdf", PDF_CONTENT_TYPE, content


PDF_CSS = """
@page { size: A4 landscape; }
.lines { margin-bottom: 2mm; }
.lines td, .lines th { font-size: 8pt; }
/* Paragraphs close together, so that a short report keeps its seal boxes on its one page. */
p { margin: 0 0 2mm; }
.addressee { margin: 0 0 3mm; }
/* The parties and the contract as lines, not tables: each table cell costs WeasyPrint more than a line. */
p.party { margin: 0 0 0.5mm 40%; }
p.meta { margin: 0 0 1mm; }
.seals { width: 70%; margin-left: 30%; }
/* Room for a seal (印, up to 15 mm) but not more, so that a short report with an identifier kept whole on its
   own line still ends on its one page. */
.seals td { height: 17mm; }
"""


# --- the menu and the dashboard --------------------------------------------------------------------


def item_history_events(item) -> list[Event]:
    """handover.selectors.item_history: an item destroyed (or erased) at the contractor, as the line of the
    accepted deletion report says."""
    events = []
    for line in DeletionLine.objects.filter(item=item, report__status=DeletionReport.Status.ACCEPTED).select_related(
            "report__decided_by__profile", "performer__profile"):
        url = reverse("yearend:deletion_detail", kwargs={"slug": item.contract.slug, "pk": line.report_id})
        events.append(Event(line.report.decided_at, _("消去報告書 No.%(n)s の受理（%(type)s）") % {
            "n": line.report.number, "type": line.get_method_type_display()}, line.report.decided_by,
            _("%(method)s、実施日 %(day)s、実施者 %(name)s") % {
                "method": line.method, "day": wareki(line.performed_on), "name": display_name(line.performer)}, url))
    return events


def handover_menu_links(contract: Contract) -> list[Link]:
    """Beside the ledger in 受渡しのメニュー (handover.navigation): the copy register and the deletion report."""
    return [Link(_("複製等の記録"), reverse("yearend:copies", kwargs={"slug": contract.slug})),
            Link(_("消去報告書"), reverse("yearend:deletion", kwargs={"slug": contract.slug}))]


def deletion_links(user, contract: Contract):
    if not user.is_authenticated or not can(user, contract, "view"):
        return []
    return [Link(_("複製等の記録"), reverse("yearend:copies", kwargs={"slug": contract.slug})),
            Link(_("消去報告書"), reverse("yearend:deletion", kwargs={"slug": contract.slug}))]


def waiting_deletion_reports(user):
    """HR: a deletion report to check. The handling manager: a report sent back; and, while the contractor holds
    the contract's data, a reminder to keep the copy register current (複製等の記録)."""
    if not user.is_authenticated:
        return []
    rows = []
    managed = contracts_where(user, "manage").exclude(status=Contract.Status.CLOSED)
    for report in DeletionReport.objects.filter(contract__in=managed, status=DeletionReport.Status.SUBMITTED) \
            .select_related("contract"):
        rows.append(Waiting(title=_("消去報告書 No.%(n)s の確認をしてください") % {"n": report.number},
                            url=reverse("yearend:deletion_detail", kwargs={"slug": report.contract.slug,
                                                                            "pk": report.pk}),
                            contract=report.contract, since=report.submitted_at, since_label=_("提出")))
    # What each of the handling manager's contracts needs, in four queries however many contracts there are.
    contracts = list(contracts_where(user, "contractor_side").exclude(status=Contract.Status.CLOSED))
    ids = [contract.pk for contract in contracts]
    returned_reports: dict[int, DeletionReport] = {}
    for report in DeletionReport.objects.filter(contract_id__in=ids, status=DeletionReport.Status.RETURNED) \
            .order_by("contract_id", "-number"):
        returned_reports.setdefault(report.contract_id, report)  # as .first() in the model's order
    went_out = set(Handover.objects.filter(contract_id__in=ids, direction=Handover.Direction.DELIVERY,
                                           status=Handover.Status.ACKNOWLEDGED).values_list("contract_id", flat=True))
    accepted = set(DeletionReport.objects.filter(contract_id__in=ids, status=DeletionReport.Status.ACCEPTED)
                   .values_list("contract_id", flat=True))
    copies = dict(CopyRecord.objects.filter(contract_id__in=ids).values("contract_id").annotate(n=Count("pk"))
                  .values_list("contract_id", "n").order_by())
    for contract in contracts:
        returned = returned_reports.get(contract.pk)
        if returned is not None:
            rows.append(Waiting(title=_("消去報告書 No.%(n)s が差し戻されました。差戻しの理由を見て直してください")
                                % {"n": returned.number},
                                url=reverse("yearend:deletion_detail", kwargs={"slug": contract.slug,
                                                                                "pk": returned.pk}),
                                contract=contract, since=returned.decided_at, since_label=_("差戻し")))
        if contract.pk in went_out and contract.pk not in accepted:
            count = copies.get(contract.pk, 0)
            rows.append(Waiting(title=_("複製等の記録: 複製を作ったら、そのたびに記録してください（いま%(n)s件）")
                                % {"n": count},
                                url=reverse("yearend:copies", kwargs={"slug": contract.slug}), contract=contract))
    return rows
