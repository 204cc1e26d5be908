"""The steps of a contract's flow recorded by hand (the seed's ①–③): completing one and putting it back to 未了
for a reason. The steps its type says follow a year's-end record (the seed's ④–⑥) are never recorded here.

The steps are the contract type's (``contracttypes``): their numbers, words and how each is completed."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracttypes.models import FlowStep
from contracttypes.selectors import circled, following_steps, is_seed_flow, label_of, numbers_text, steps_for
from core import bounds
from core.dates import fiscal_year_label, wareki, wareki_datetime
from core.errors import DomainError

from ..closing import require_open
from ..models import Contract, ContractStep, ContractStepEvent
from ..permissions import may_record_steps
from ._common import bounded_text

# A step completed "now" by a clock a little ahead of the server's is still now.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


def _step_for_update(contract: Contract, step: int) -> tuple[Contract, ContractStep]:
    contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
    require_open(contract)
    numbers = [s.number for s in steps_for(contract)]
    if step not in numbers:
        raise DomainError(_("工程は%(first)s〜%(last)sから選んでください。")
                          % {"first": circled(min(numbers, default=1)), "last": circled(max(numbers, default=1))},
                          field="step")
    following = following_steps(contract)
    if step in following:
        # The seed's ④–⑥ follow the report, the returns and the measures (yearend.report.sync_steps).
        raise DomainError(follows_records_message(following), code="follows_records")
    # A step added to the type after the contract was made gets its row when it is first recorded.
    ContractStep.objects.get_or_create(contract=contract, step=step)
    return contract, ContractStep.objects.select_for_update().get(contract=contract, step=step)


def _audited_step(contract: Contract, step: int):
    """The seed's steps are kept in the audit trail by number; another type's by their label (see
    contracts.audit_actions._step)."""
    return step if is_seed_flow(contract) else label_of(contract, step)


def follows_records_text(following: dict[int, str]) -> str:
    """「工程④〜⑥は、…の記録に従って完了になります。」: the seed's words where the steps follow all three records
    (the report, the returns, the measures), else each step named with the one record its type says it follows."""
    if set(following.values()) == set(FlowStep.Follows.values) - {FlowStep.Follows.HAND}:
        return _("工程%(steps)sは、報告書・対応策と記録媒体等の返却・消去報告書の記録に従って完了になります。") % {
            "steps": numbers_text(following)}
    what = "、".join(f"{circled(n)} {FlowStep.Follows(follows).label}" for n, follows in sorted(following.items()))
    return _("工程%(steps)sは、記録に従って完了になります（%(what)s）。") % {"steps": numbers_text(following),
                                                                     "what": what}


def follows_records_message(following: dict[int, str]) -> str:
    """The refusal of a step that follows the records, naming the steps as the seed's words did (「工程④〜⑥」)."""
    return follows_records_text(following) + _("「報告書・対応策」の画面で記録してください。")


def _fiscal_year_start(contract: Contract) -> dt.datetime:
    first = min(dt.date(contract.fiscal_year, 4, 1), contract.start_date)
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


@transaction.atomic
def contract_step_complete(*, contract: Contract, step: int, actor, completed_at: dt.datetime | None = None,
                           note: str = "", request=None) -> ContractStep:
    """Record that one of the contract's steps (the seed's ①–⑥ of 資料2-1) was done, when it was done (now unless told) and how."""
    contract, row = _step_for_update(contract, step)
    # The closed guard and the step's number answer first, as they always have; then who may.
    may_record_steps(actor, contract).or_403().require()
    if row.is_done:
        raise DomainError(_("この工程はすでに完了として記録されています（%(when)s）。記録を直すには、理由を入力して"
                            "未了に戻してから、もう一度完了にしてください。") % {"when": wareki_datetime(row.completed_at)})
    note = bounded_text(note, field="note", label=_("備考"))
    now = timezone.now()
    completed_at = completed_at or now
    bounds.check_value(ContractStepEvent, "happened_at", completed_at, field="completed_at")
    if completed_at > now + CLOCK_TOLERANCE:
        raise DomainError(_("完了日時に、これから先の日時は入力できません。"), field="completed_at")
    earliest = _fiscal_year_start(contract)
    if completed_at < earliest:
        raise DomainError(_("完了日時は、この契約の年度（%(year)s）の%(date)s以降にしてください。")
                          % {"year": fiscal_year_label(contract.fiscal_year), "date": wareki(earliest)},
                          field="completed_at")
    row.completed_at, row.completed_by, row.note = completed_at, actor, note
    row.save(update_fields=["completed_at", "completed_by", "note"])
    ContractStepEvent.objects.create(step=row, kind=ContractStepEvent.Kind.COMPLETED, happened_at=completed_at,
                                     text=note, actor=actor, recorded_at=now)
    audit_log(action="contract.step.completed", actor=actor, contract=contract, obj=contract, request=request,
              payload={"step": _audited_step(contract, step), "completed_at": completed_at, "note": note})
    return row


@transaction.atomic
def contract_step_reopen(*, contract: Contract, step: int, reason: str, actor, request=None) -> ContractStep:
    """Put a completed step back to 未了, for a stated reason. What was recorded stays in its history."""
    contract, row = _step_for_update(contract, step)
    may_record_steps(actor, contract).or_403().require()
    reason = bounded_text(reason, field="reason", label=_("理由"))
    if not reason:
        raise DomainError(_("未了に戻す理由を入力してください。"), field="reason")
    if not row.is_done:
        raise DomainError(_("この工程はまだ完了になっていません。"))
    was = {"was_completed_at": row.completed_at, "was_note": row.note}
    now = timezone.now()
    row.completed_at, row.completed_by, row.note = None, None, ""
    row.save(update_fields=["completed_at", "completed_by", "note"])
    ContractStepEvent.objects.create(step=row, kind=ContractStepEvent.Kind.REOPENED, happened_at=now, text=reason,
                                     actor=actor, recorded_at=now)
    audit_log(action="contract.step.reopened", actor=actor, contract=contract, obj=contract, request=request,
              payload={"step": _audited_step(contract, step), "reason": reason, **was})
    return row
