"""The one review workflow: something one side submits and the other accepts or sends back with a reason.

Whatever is reviewed (a checklist side, the contractor's report 報告書, the deletion report 消去報告書, and next an
inspection finding, a status report, a subcontracting request, an evidence request) goes through the same four
states and three transitions, written here once:

    draft ──submit──▶ submitted ──accept──▶ accepted
      ▲                  │
      └──── returned ◀───┘ send_back (with a reason)
             └─────submit────▶ submitted

- :class:`State`: the four states; an adopter's ``Status`` uses these values (the checklist's draft is
  ``"open"``, declared in its :class:`Flow`), with labels in its own words.
- :data:`TRANSITIONS`: from which states each :class:`Action` may go, and where to.
- :func:`may` / :func:`require`: the guard, an :class:`~core.answers.Answer` whose refusal says why in one
  message per refused (action, state), in the adopter's words where its :class:`Flow` gives them.
- :func:`submit`, :func:`accept`, :func:`send_back`: the transition on a row already locked by the adopter's
  service, stamping who and when in the fields whose names agree (``submitted_at``/``submitted_by``/
  ``submission_count``, ``decided_at``/``decided_by``, ``return_reason``); they return the fields to save
  (``update_fields``). The service keeps its transaction, ``select_for_update``, its own checks, and its one
  audit entry (the actions keep their names: ``checklist.side.submitted``, ``handover.deletion.returned``…).
- :class:`Reviewed`: a mixin (no fields) for the model: the state predicates (``is_submitted``, ``is_returned``,
  ``is_accepted``, ``is_with_submitter``), the badge (``status_badge``, drawn by ``{% status_badge obj %}``:
  one tone per state in :data:`TONES`), the message for who must do what next (``review_message``, one per
  state in :data:`MESSAGES`) and its steps with who and when (``review_steps``: the last submission and the
  last decision, from the stamps; an adopter adds its own, as the checklist's lock).
- ``templates/includes/review_status.html``: the badge, the steps and the next message, one include for every
  page that shows a reviewed thing's state.

What the adopters keep of their own, because they really differ:

- The checklist side (``checklist.models.ChecklistSide``) is reviewed item by item: the side's accept or send
  back is the sum of its items' reviews (``checklist.services._settle`` moves it with :func:`transition`; the
  reasons are the items' comments), a plan revision takes an accepted side back to ``open``, and ``locked``
  follows ``accepted`` (HR closes the side). Its next steps are sentences counted from its items
  (``checklist.selectors.next_steps``), given to the include instead of the one message; its full history is
  ``ChecklistEvent``.
- The deletion report (``yearend.models.DeletionReport``) is sent back line by line: each line holds its own
  reason (``DeletionLine.return_reason``); :func:`send_back` gets them joined, only to check that there is one.
  The row keeps the last submission and decision; every earlier one is in the audit trail.
- The contractor's report (``yearend.models.ContractReport``) is born submitted (its ``submitted_at`` is the
  date the contractor states, not a stamp) and a report sent back is submitted again as a new row: it never
  calls :func:`submit`; its history is its rows.

For a new reviewed thing: a ``status`` field with ``choices`` on :class:`State`'s values, the fields above whose
stamps it wants, ``class Finding(Reviewed, models.Model)`` with ``review_flow = Flow(name=...)``, one service
per transition calling :func:`submit` / :func:`accept` / :func:`send_back`, and the include on its page.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .answers import YES, Answer, no
from .badges import Badge
from .errors import DomainError


class State(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SUBMITTED = "submitted", _("確認待ち")
    RETURNED = "returned", _("差戻し")
    ACCEPTED = "accepted", _("受理")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提出")
    ACCEPT = "accept", _("受理")
    SEND_BACK = "send_back", _("差戻し")


# action → (the states it may start from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED),
    Action.ACCEPT: (frozenset({State.SUBMITTED}), State.ACCEPTED),
    Action.SEND_BACK: (frozenset({State.SUBMITTED}), State.RETURNED),
}

# The badge's tone per state (the CSS classes of ``.badge``): waiting for the reviewer, sent back, accepted.
TONES: dict[str, str] = {State.DRAFT: "", State.SUBMITTED: "warn", State.RETURNED: "danger", State.ACCEPTED: "ok"}

# One refusal per refused (action, state); a Flow may say it in its own words. %(thing)s names the thing,
# %(status)s is its state as its model labels it.
REFUSALS: dict = {
    (Action.SUBMIT, State.SUBMITTED): _("%(thing)sは区の確認待ちです。確認の結果（受理・差戻し）を待ってください。"),
    (Action.SUBMIT, State.ACCEPTED): _("%(thing)sは受理されているため、変更・提出できません。"),
    Action.SUBMIT: _("%(thing)sは「%(status)s」のため、変更・提出できません。"),
    Action.ACCEPT: _("%(thing)sは「%(status)s」のため、受理・差戻しできません。"),
    Action.SEND_BACK: _("%(thing)sは「%(status)s」のため、受理・差戻しできません。"),
}
CODES = {Action.SUBMIT: "not_with_submitter", Action.ACCEPT: "not_submitted", Action.SEND_BACK: "not_submitted"}

# Who must do what next, per state, unless the Flow says it.
MESSAGES: dict[str, str] = {
    State.DRAFT: _("%(thing)sを作成中です。できたら区に提出してください。"),
    State.SUBMITTED: _("%(thing)sは区の確認待ちです。区の受理か、理由を付けた差戻しを待っています。"),
    State.RETURNED: _("%(thing)sは差し戻されました。差戻しの理由を見て直し、もう一度提出してください。"),
    State.ACCEPTED: _("%(thing)sは受理されました。"),
}


@dataclass(frozen=True)
class Flow:
    """How one kind of reviewed thing speaks; everything but ``name`` is optional.

    ``name``: the thing as a message names it (``消去報告書 No.3``). ``states``: the model's own value for a
    state where it differs (``{"open": State.DRAFT}``); a value outside the four (the checklist's ``locked``)
    is a state of the adopter's own. ``refusals``, ``codes``, ``messages``, ``tones``, ``steps``: its own
    words for a refusal (by action or (action, state)), the refusals' codes its pages know, the message per
    state, a tone for a state of its own, and the words of the history's steps (``"submitted"``, ``"decided"``).
    """

    name: Callable[[object], str]
    states: Mapping[str, str] = field(default_factory=dict)
    refusals: Mapping = field(default_factory=dict)
    codes: Mapping = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    tones: Mapping[str, str] = field(default_factory=dict)
    steps: Mapping[str, str] = field(default_factory=dict)

    def value(self, state: str) -> str:
        """The model's own value for ``state``."""
        for own, shared in self.states.items():
            if shared == state:
                return own
        return str(state)


@dataclass(frozen=True)
class Step:
    """One step of a reviewed thing's history: what happened, who did it, when, and a note (the reason)."""

    what: str
    who: object
    when: dt.datetime
    note: str = ""


def _has(obj, name: str) -> bool:
    return any(f.name == name for f in obj._meta.concrete_fields)


class Reviewed:
    """For a model that goes through the review: needs a ``status`` field and a ``review_flow``."""

    review_flow: Flow

    @property
    def review_state(self) -> str:
        """The state as :class:`State` names it (or the adopter's own value for a state of its own)."""
        return self.review_flow.states.get(self.status, self.status)

    @property
    def is_with_submitter(self) -> bool:
        """Being written, or corrected after it was sent back."""
        return self.review_state in (State.DRAFT, State.RETURNED)

    @property
    def is_submitted(self) -> bool:
        return self.review_state == State.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.review_state == State.RETURNED

    @property
    def is_accepted(self) -> bool:
        return self.review_state == State.ACCEPTED

    @property
    def status_badge(self) -> Badge:
        """The state's badge, for ``{% status_badge obj %}`` (``core/templatetags/badges.py``)."""
        state = self.review_state
        return Badge(self.get_status_display(), self.review_flow.tones.get(state, TONES.get(state, "")))

    @property
    def review_message(self) -> str:
        state = self.review_state
        message = self.review_flow.messages.get(state, MESSAGES.get(state, ""))
        return message % {"thing": self.review_flow.name(self)} if message else ""

    def review_steps(self) -> list[Step]:
        """The last submission and the last decision, with who and when, from the fields that stamp them."""
        words = self.review_flow.steps
        steps = []
        if getattr(self, "submitted_by_id", None) and self.submitted_at:
            steps.append(Step(words.get("submitted", _("提出")), self.submitted_by, self.submitted_at))
        if getattr(self, "decided_by_id", None) and self.decided_at:
            reason = getattr(self, "return_reason", "") if self.is_returned else ""
            steps.append(Step(words.get("decided", _("区の確認")), self.decided_by, self.decided_at,
                              _("差戻しの理由: %(reason)s") % {"reason": reason} if reason else ""))
        return steps


def may(obj: Reviewed, action: str) -> Answer:
    """Whether ``obj``'s state lets ``action`` happen now; the refusal says why (a refusal of state, never of
    who the person is: that is the adopter's ``may_*``)."""
    sources, _target = TRANSITIONS[action]
    state = obj.review_state
    if state in sources:
        return YES
    flow = obj.review_flow
    message = (flow.refusals.get((action, state)) or flow.refusals.get(action) or REFUSALS.get((action, state))
               or REFUSALS[action])
    return no(message % {"thing": flow.name(obj), "status": obj.get_status_display()},
              flow.codes.get((action, state)) or flow.codes.get(action) or CODES[action])


def require(obj: Reviewed, action: str) -> None:
    """Raise :func:`may`'s refusal as a :class:`DomainError`."""
    may(obj, action).require()


def transition(obj: Reviewed, action: str) -> list[str]:
    """Move ``obj`` by ``action`` (guarded), stamping nothing; the fields to save."""
    require(obj, action)
    obj.status = obj.review_flow.value(TRANSITIONS[action][1])
    return ["status"]


def submit(obj: Reviewed, *, actor, now: dt.datetime | None = None) -> list[str]:
    """Submit (again): who and when, and one more submission."""
    fields = transition(obj, Action.SUBMIT)
    now = now or timezone.now()
    if _has(obj, "submitted_at"):
        obj.submitted_at, obj.submitted_by = now, actor
        fields += ["submitted_at", "submitted_by"]
    if _has(obj, "submission_count"):
        obj.submission_count += 1
        fields.append("submission_count")
    return fields


def _decide(obj: Reviewed, action: str, actor, now, reason: str) -> list[str]:
    fields = transition(obj, action)
    if _has(obj, "decided_at"):
        obj.decided_at, obj.decided_by = now or timezone.now(), actor
        fields += ["decided_at", "decided_by"]
    if _has(obj, "return_reason"):
        obj.return_reason = reason
        fields.append("return_reason")
    return fields


def accept(obj: Reviewed, *, actor, now: dt.datetime | None = None) -> list[str]:
    """Accept: who and when; a reason given when it was last sent back goes."""
    return _decide(obj, Action.ACCEPT, actor, now, "")


def send_back(obj: Reviewed, *, actor, reason: str, now: dt.datetime | None = None,
              field: str = "reason") -> list[str]:
    """Send back with a reason (refused without one, at ``field``): who and when, and the reason."""
    reason = (reason or "").strip()
    if not reason:
        require(obj, Action.SEND_BACK)
        raise DomainError(_("差し戻す理由を入力してください。"), field=field)
    return _decide(obj, Action.SEND_BACK, actor, now, reason)
