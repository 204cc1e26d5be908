"""Who may do what at the year's end now: one answer for the page, the view and the service.

| who                         | report         | measures | copies | deletion report         | close, reopen | council PDF |
|-----------------------------|----------------|----------|--------|-------------------------|---------------|-------------|
| HR of the contract          | accept, return | record   | no     | accept, return, PDF     | yes           | yes         |
| handling manager (in force) | submit         | no       | record | file, fill, submit, PDF | no            | no          |
| handler (in force)          | no             | no       | record | no                      | no            | no          |
| auditor                     | no             | no       | no     | PDF                     | no            | yes         |
| another contractor's people | 404            | 404      | 404    | 404                     | 404           | 404         |

Everyone who sees the contract reads its report (and the report's PDF), its measures, its copy register and
its deletion reports.

Each ``may_*`` returns a :class:`core.answers.Answer`: the page offers a form or a button only when it allows,
the view calls ``or_403()`` (a refusal of who the person is answers 403), and the service asks the same function
under its row locks and calls ``require()`` (``or_403().require()`` where the service has always answered who
the person is with 403: closing and reopening). Rights on the contract come from ``contracts.permissions.can``,
which honours designation periods; every write on a closed contract is refused by the one guard
(``closed_answer``).
"""

from django.http import Http404
from django.utils.translation import gettext as _

from contracts.closing import CLOSED, Blocker, closing_blockers
from contracts.models import Contract
from contracts.permissions import can, closed_answer, contract_for, unless_closed
from core import review
from core.answers import YES, Answer, no

from .models import ContractReport, DeletionLine, DeletionReport
from .selectors import (
    accepted_report,
    copies_to_cover,
    copy_sources,
    data_went_out,
    held_items,
    latest_report,
    lines_of,
    open_report,
)

# The code of a closing refused because something is still open (``closing_blockers`` names each thing).
BLOCKED = "blocked"

# --- the report (⑤) and the measures (⑥) ----------------------------------------------------------


def may_submit_report(user, contract: Contract) -> Answer:
    """Record the report's submission: the contract's handling manager (取扱責任者), once no earlier
    submission is waiting for the ward or accepted."""
    if not can(user, contract, "contractor_side"):
        return no(_("報告書の提出を記録できるのは、この契約の取扱責任者です。"), "not_manager", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    latest = latest_report(contract)
    # A report sent back is submitted again as a new row: the latest row says whether one may be.
    return review.may(latest, review.Action.SUBMIT) if latest is not None else YES


def may_decide_report(user, report: ContractReport) -> Answer:
    """Accept the report after checking it holds no personal information, or send it back: the contract's HR."""
    if not can(user, report.contract, "manage"):
        return no(_("報告書を受理・差戻しできるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    return unless_closed(report.contract) and review.may(report, review.Action.ACCEPT)


def may_record_measure(user, contract: Contract) -> Answer:
    """Record a measure (対応策・改善策): the contract's HR, once the report is accepted."""
    if not can(user, contract, "manage"):
        return no(_("対応策・改善策を記録できるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    latest = latest_report(contract)
    if latest is None or not latest.is_accepted:
        return no(_("対応策・改善策は、報告書を受理した後に記録してください（⑥は⑤の報告書をもとに検討します）。"),
                  "no_report")
    return YES


def may_read_report_file(user, report: ContractReport) -> Answer:
    """The report's PDF, where one was given: it holds no personal information, so everyone who sees the
    contract may read it (the page that offers it answers 404 when there is none)."""
    if not can(user, report.contract, "view"):
        return no("", "not_on_contract", forbidden=True)
    if not report.file:
        return no("", "no_file")
    return YES


def report_for(user, slug: str, pk: int) -> ContractReport:
    """The contract's report ``pk``, or 404 (also when the person does not see the contract)."""
    contract = contract_for(user, slug, "view")
    try:
        report = ContractReport.objects.select_related("recorded_by__profile", "decided_by__profile").get(
            pk=pk, contract=contract)
    except ContractReport.DoesNotExist:
        raise Http404 from None
    report.contract = contract
    return report


# --- the copy register -----------------------------------------------------------------------------


def may_register_copy(user, contract: Contract) -> Answer:
    """Record a copy: the contract's approved manager and handlers (in their period), once a medium has
    been acknowledged, until the contract is closed."""
    if not can(user, contract, "receive"):
        return no(_("複製等を記録できるのは、この契約の承認された取扱責任者・取扱者（指定期間内）です。"),
                  "not_designee", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    if not copy_sources(contract).exists():
        return no(_("区から記録媒体等を受け取り、受領確認をした後に、複製等を記録できます。"), "nothing_received")
    return YES


def may_export_copy_register(user, contract: Contract) -> Answer:
    """The copy register as XLSX: both sides (HR, the handling manager) and the auditors, as the deletion report."""
    if not any(can(user, contract, action) for action in ("manage", "audit", "contractor_side")):
        return no("", "not_a_party", forbidden=True)
    return YES


# --- the deletion report ---------------------------------------------------------------------------


def may_file_deletion_report(user, contract: Contract) -> Answer:
    """Start a deletion report: the handling manager, once the contractor has received data, while no other
    report is open and something is left to account for (or none has been accepted yet)."""
    if not can(user, contract, "contractor_side"):
        return no(_("消去報告書を作成・提出できるのは、この契約の取扱責任者です。"), "not_manager", forbidden=True)
    closed = closed_answer(contract)
    if closed is not None:
        return closed
    current = open_report(contract)
    if current is not None:
        return no(_("消去報告書 No.%(n)s（%(status)s）があります。その報告書に記入してください。")
                  % {"n": current.number, "status": current.get_status_display()}, "open_report")
    if not data_went_out(contract):
        return no(_("区から記録媒体等を受け取る前のため、消去報告書はまだ作成できません。"), "nothing_received")
    if accepted_report(contract) is not None and not copies_to_cover(contract) and not held_items(contract):
        return no(_("受理された消去報告書で、すべての複製と記録媒体等の消去・破壊が報告されています。"), "all_covered")
    return YES


def may_edit_deletion_report(user, report: DeletionReport) -> Answer:
    """Fill in, add or remove lines and submit: the handling manager, while the report is being written or
    was sent back."""
    if not can(user, report.contract, "contractor_side"):
        return no(_("消去報告書を作成・提出できるのは、この契約の取扱責任者です。"), "not_manager", forbidden=True)
    return unless_closed(report.contract) and review.may(report, review.Action.SUBMIT)


def may_decide_deletion_report(user, report: DeletionReport) -> Answer:
    """Accept the report or send it back: the contract's HR, while it waits for the ward."""
    if not can(user, report.contract, "manage"):
        return no(_("消去報告書を受理・差戻しできるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    return unless_closed(report.contract) and review.may(report, review.Action.ACCEPT)


def may_export_deletion_report(user, contract: Contract) -> Answer:
    """The PDF: both sides (HR, the handling manager) and the auditors."""
    if not any(can(user, contract, action) for action in ("manage", "audit", "contractor_side")):
        return no("", "not_a_party", forbidden=True)
    return YES


def deletion_report_for(user, slug: str, pk: int) -> DeletionReport:
    """The contract's deletion report ``pk``, or 404 (also when the person does not see the contract)."""
    contract = contract_for(user, slug, "view")
    try:
        report = DeletionReport.objects.get(pk=pk, contract=contract)
    except DeletionReport.DoesNotExist:
        raise Http404 from None
    report.contract = contract
    return report


def deletion_line_for(user, slug: str, pk: int, line_pk: int) -> DeletionLine:
    """A line of the contract's deletion report ``pk``, or 404."""
    report = deletion_report_for(user, slug, pk)
    try:
        line = lines_of(report).get(pk=line_pk)
    except DeletionLine.DoesNotExist:
        raise Http404 from None
    line.report = report
    return line


# --- closing and reopening, the council submission -------------------------------------------------


def blocked_message(blockers: list[Blocker]) -> str:
    """The refusal of a closing while ``blockers`` are open, naming every one of them."""
    return _("まだ完了できません。次のことが残っています: %(blockers)s") % {"blockers": "／".join(b.text for b in blockers)}


def may_close(user, contract: Contract) -> Answer:
    """Close the contract (完了): its HR, while it is open and once nothing stands in the way. What does is
    listed by ``closing_blockers`` (the close page shows each with a link; the service refuses with all of
    them)."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    if contract.is_closed:
        return no(_("この契約はすでに完了しています。"), CLOSED)
    blockers = closing_blockers(contract)
    if blockers:
        return no(blocked_message(blockers), BLOCKED)
    return YES


def may_reopen(user, contract: Contract) -> Answer:
    """Reopen a closed contract: its HR."""
    if not can(user, contract, "manage"):
        return no("", "not_hr", forbidden=True)
    if not contract.is_closed:
        return no(_("この契約は完了していないため、再開できません。"), "not_closed")
    return YES


def may_export_council_submission(user, contract: Contract) -> Answer:
    """The council submission (付議事項) as PDF: HR and the contract's auditors."""
    if not can(user, contract, "audit"):
        return no("", "not_auditor", forbidden=True)
    return YES
