"""The separation rule, in both directions, quoting the seed:

別紙 委託にあたり区が行う個人情報保護対策【運用上の対策】:
「個人情報を含むデータを作成する必要がある場合は、パスワードを付してデータを暗号化する。また、電磁的媒体（DVD-R等）と
パスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行うよう指導する。」
"""

import pytest

from core.errors import DomainError
from handover import rules
from handover.models import Item

from .conftest import acknowledge, deliver, give_back, register_paper, snapshot, tokyo

SEED_WARD_LINE = (
    "個人情報を含むデータを作成する必要がある場合は、パスワードを付してデータを暗号化する。また、電磁的媒体（DVD-R等）と"
    "パスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行うよう指導する。"
)
SEED_QUOTE = "「電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行う」"


def test_the_rule_is_the_seed_sentence_word_for_word():
    assert rules.SEPARATION_RULE in SEED_WARD_LINE
    assert f"「{rules.SEPARATION_RULE}」" == SEED_QUOTE


def refused(call) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert snapshot() == before, "a refused handover must leave every row as it was"
    assert SEED_QUOTE in str(info.value.message)
    return info.value


# --- delivery (区→委託先) ------------------------------------------------------------------------


def test_notice_cannot_travel_with_its_medium(world, disc, notice):
    error = refused(lambda: deliver(world, [disc, notice]))
    assert error.code == "same_handover"
    assert "CD-001" in error.message and "PN-001" in error.message


def test_notice_waits_while_its_medium_is_in_transit(world, disc, notice, clock):
    deliver(world, [disc])
    clock.advance(days=1)
    error = refused(lambda: deliver(world, [notice], recipient=world.manager))
    assert error.code == "partner_in_transit"


def test_notice_refused_on_the_same_tokyo_day_and_accepted_the_next_day(world, disc, notice, clock):
    clock.set(tokyo(2025, 6, 10, 22, 0))
    handover = deliver(world, [disc])
    acknowledge(handover, world.handler)
    clock.set(tokyo(2025, 6, 10, 23, 50))
    error = refused(lambda: deliver(world, [notice], recipient=world.manager))
    assert error.code == "same_occasion"
    assert "令和7年6月11日 00:00以降" in error.message
    # Ten minutes later it is another calendar day in Tokyo: a separate occasion.
    clock.set(tokyo(2025, 6, 11, 0, 0))
    second = deliver(world, [notice], recipient=world.manager)
    assert second.is_in_transit
    notice.refresh_from_db()
    assert notice.is_in_transit


def test_the_calendar_day_is_tokyos_not_utcs(world, disc, notice, clock):
    # 08:30 and 10:00 in Tokyo are the same day there, though 23:30 and 01:00 of two days in UTC.
    clock.set(tokyo(2025, 6, 11, 8, 30))
    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 6, 11, 10, 0))
    refused(lambda: deliver(world, [notice], recipient=world.manager))


def test_a_backdated_entry_cannot_slip_onto_the_same_day(world, disc, notice, clock):
    clock.set(tokyo(2025, 6, 11, 9, 0))
    acknowledge(deliver(world, [disc], handed_at=tokyo(2025, 6, 11, 8, 0), late_reason="窓口で手交後に記録"),
                world.handler)
    clock.set(tokyo(2025, 6, 12, 9, 0))
    # Entered the next morning, but the notice is said to have gone the same day as the disc.
    refused(lambda: deliver(world, [notice], handed_at=tokyo(2025, 6, 11, 17, 0), late_reason="記録漏れ"))


def test_medium_may_follow_its_notice_under_the_same_rule(world, disc, notice, clock):
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    clock.advance(hours=2)
    refused(lambda: deliver(world, [disc]))
    clock.advance(days=1)
    assert deliver(world, [disc]).is_in_transit


def test_the_gap_can_be_set_in_hours(world, disc, notice, clock, settings):
    settings.HANDOVER_MIN_GAP_HOURS = "48"
    clock.set(tokyo(2025, 6, 10, 10, 0))
    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 6, 11, 15, 0))  # another day, but only 29 hours later
    error = refused(lambda: deliver(world, [notice]))
    assert "令和7年6月12日 10:00以降" in error.message
    clock.set(tokyo(2025, 6, 12, 10, 0))
    assert deliver(world, [notice]).is_in_transit


def test_items_without_a_pair_travel_together(world, disc, clock):
    paper = register_paper(world)
    handover = deliver(world, [disc, paper])
    assert {line.item.label for line in handover.lines.all()} == {"CD-001", "P-001"}


def test_another_discs_notice_may_travel_with_a_disc(world, disc, notice, cd_r, clock):
    from .conftest import register_disc

    other = register_disc(world, cd_r, label="CD-002")
    acknowledge(deliver(world, [notice]), world.handler)
    clock.advance(days=1)
    # PN-001 opens CD-001, not CD-002: CD-002 is free to go.
    assert deliver(world, [other]).is_in_transit


# --- return (委託先→区) --------------------------------------------------------------------------


@pytest.fixture
def both_at_contractor(world, disc, notice, clock):
    clock.set(tokyo(2025, 6, 10, 10, 0))
    acknowledge(deliver(world, [disc]), world.handler)
    clock.set(tokyo(2025, 6, 11, 10, 0))
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    clock.set(tokyo(2026, 2, 20, 10, 0))
    disc.refresh_from_db()
    notice.refresh_from_db()
    assert disc.is_at_contractor and notice.is_at_contractor
    return disc, notice


def test_return_of_medium_and_notice_together_is_refused(world, both_at_contractor):
    disc, notice = both_at_contractor
    error = refused(lambda: give_back(world, [disc, notice]))
    assert error.code == "same_handover"


def test_return_of_notice_waits_while_the_medium_is_being_returned(world, both_at_contractor, clock):
    disc, notice = both_at_contractor
    give_back(world, [disc])
    clock.advance(days=1)
    error = refused(lambda: give_back(world, [notice], actor=world.manager))
    assert error.code == "partner_in_transit"


def test_return_of_notice_on_the_same_day_is_refused_and_the_next_day_accepted(world, both_at_contractor, clock):
    disc, notice = both_at_contractor
    returned = give_back(world, [disc])
    clock.advance(hours=1)
    acknowledge(returned, world.hr)
    clock.advance(hours=1)
    error = refused(lambda: give_back(world, [notice], actor=world.manager))
    assert error.code == "same_occasion"
    clock.advance(days=1)
    second = give_back(world, [notice], actor=world.manager)
    acknowledge(second, world.hr)
    disc.refresh_from_db()
    notice.refresh_from_db()
    assert disc.state == notice.state == Item.State.RETURNED


def test_the_delivery_days_do_not_count_against_the_return(world, both_at_contractor, clock):
    # The pair's deliveries were on 10 and 11 June; returning the disc much later is unaffected,
    # and the rule on the return looks only at returns.
    disc, _notice = both_at_contractor
    assert give_back(world, [disc]).is_in_transit
