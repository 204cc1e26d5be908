"""One tag draws a record's status badge from the record's own ``status_badge`` (core/templatetags/badges.py)."""

import pytest
from django.template import Context, Template

from checklist.models import ChecklistItem, ChecklistSide
from core.badges import Badge
from handover.models import Handover


def _render(source: str, **context) -> str:
    return Template("{% load badges %}" + source).render(Context(context))


@pytest.mark.parametrize(("status", "html"), [
    (ChecklistSide.Status.OPEN, '<span class="badge">記入中</span>'),
    (ChecklistSide.Status.SUBMITTED, '<span class="badge warn">確認待ち</span>'),
    (ChecklistSide.Status.RETURNED, '<span class="badge danger">差戻し</span>'),
    (ChecklistSide.Status.LOCKED, '<span class="badge ok">確定</span>'),
])
def test_a_state_is_drawn_with_its_tone_and_words(status, html):
    assert _render("{% status_badge side %}", side=ChecklistSide(status=status)) == html


def test_a_second_state_of_a_record_is_named():
    item = ChecklistItem(attestation=ChecklistItem.Attestation.IN_PLACE, review=ChecklistItem.Review.RETURNED)
    assert _render('{% status_badge item "attestation" %}', item=item) == '<span class="badge ok">実施済み</span>'
    assert _render('{% status_badge item "review" %}', item=item) == '<span class="badge danger">差戻し</span>'


def test_the_page_may_give_its_own_words_which_are_escaped():
    handover = Handover(status=Handover.Status.IN_TRANSIT)
    assert (_render("{% status_badge h label=words %}", h=handover, words="<b>期限</b>")
            == '<span class="badge warn">&lt;b&gt;期限&lt;/b&gt;</span>')


def test_a_tone_the_style_sheet_does_not_know_is_refused():
    with pytest.raises(ValueError, match="tone"):
        Badge("確認待ち", "amber")
