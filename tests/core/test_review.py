"""The one review workflow (core/review.py): states, transitions, guards, stamps, badge and message."""

from types import SimpleNamespace

import pytest

from core import review
from core.errors import DomainError
from core.review import Action, Flow, Reviewed, State

STAMPS = ("status", "submitted_at", "submitted_by", "submission_count", "decided_at", "decided_by", "return_reason")


class Thing(Reviewed):
    """A reviewed record without a table: the fields whose names the workflow stamps."""

    review_flow = Flow(name=lambda thing: "届出 No.1")
    _meta = SimpleNamespace(concrete_fields=[SimpleNamespace(name=name) for name in STAMPS])

    def __init__(self, status=State.DRAFT):
        self.status = status
        self.submitted_at = self.submitted_by = self.decided_at = self.decided_by = None
        self.submitted_by_id = self.decided_by_id = None
        self.submission_count = 0
        self.return_reason = ""

    def get_status_display(self):
        return State(self.status).label


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", list(State))
def test_an_action_is_allowed_only_from_the_states_the_table_names(state, action):
    sources, target = review.TRANSITIONS[action]
    thing = Thing(state)
    answer = review.may(thing, action)
    assert bool(answer) is (state in sources)
    if state in sources:
        review.transition(thing, action)
        assert thing.status == target
    else:
        assert answer.message.startswith("届出 No.1は") and answer.code
        with pytest.raises(DomainError):
            review.transition(thing, action)
        assert thing.status == state


def test_submitting_stamps_who_when_and_counts_the_submissions():
    thing, actor = Thing(), object()
    fields = review.submit(thing, actor=actor)
    assert thing.is_submitted and thing.submitted_by is actor and thing.submission_count == 1
    assert set(fields) == {"status", "submitted_at", "submitted_by", "submission_count"}


def test_sending_back_needs_a_reason_and_keeps_it_until_accepted():
    thing, actor = Thing(State.SUBMITTED), object()
    with pytest.raises(DomainError, match="差し戻す理由") as refused:
        review.send_back(thing, actor=actor, reason="  ")
    assert refused.value.field == "reason" and thing.is_submitted
    review.send_back(thing, actor=actor, reason="表が小さすぎます")
    assert thing.is_returned and thing.is_with_submitter and thing.return_reason == "表が小さすぎます"
    review.submit(thing, actor=actor)
    fields = review.accept(thing, actor=actor)
    assert thing.is_accepted and thing.return_reason == "" and thing.decided_by is actor
    assert set(fields) == {"status", "decided_at", "decided_by", "return_reason"}


def test_sending_back_a_thing_not_submitted_says_its_state_not_that_a_reason_is_missing():
    with pytest.raises(DomainError, match="受理・差戻しできません"):
        review.send_back(Thing(State.ACCEPTED), actor=object(), reason="")


@pytest.mark.parametrize(("state", "tone"), [(State.DRAFT, ""), (State.SUBMITTED, "warn"),
                                             (State.RETURNED, "danger"), (State.ACCEPTED, "ok")])
def test_one_badge_and_one_message_per_state(state, tone):
    thing = Thing(state)
    assert thing.status_badge.tone == tone and thing.status_badge.label == State(state).label
    assert thing.review_message.startswith("届出 No.1は") or thing.review_message.startswith("届出 No.1を")


def test_a_flow_speaks_its_own_words_and_names_its_own_values():
    class Side(Thing):
        review_flow = Flow(name=lambda side: "一覧", states={"open": State.DRAFT}, tones={"locked": "ok"},
                           refusals={(Action.SUBMIT, State.SUBMITTED): "依頼中です。"}, codes={Action.SUBMIT: "busy"})

        def get_status_display(self):
            return self.status

    side = Side("open")
    assert side.is_with_submitter and side.status_badge.tone == ""
    review.submit(side, actor=object())
    assert side.status == "submitted"
    refused = review.may(side, Action.SUBMIT)
    assert (refused.message, refused.code) == ("依頼中です。", "busy")
    side.status = "locked"
    assert side.status_badge.tone == "ok" and not side.is_accepted and not side.is_with_submitter


def test_every_reviewed_model_keeps_its_states_within_the_workflow():
    """A model that goes through the review (the checklist sides, the report, the deletion report, and the next
    ones) stores the workflow's values, or its own for a state the workflow names in its Flow or colours."""
    from django.apps import apps

    reviewed = [model for model in apps.get_models() if issubclass(model, Reviewed)]
    assert {model.__name__ for model in reviewed} >= {"ChecklistSide", "ContractReport", "DeletionReport"}
    for model in reviewed:
        flow = model.review_flow
        for value, _label in model._meta.get_field("status").choices:
            assert value in State.values or value in flow.states or value in flow.tones, (model, value)
