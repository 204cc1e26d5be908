"""The app knows from the ledger whether lost data was encrypted and whether its key is safe.

The ward's rule (別紙): 「個人情報を含むデータを作成する必要がある場合は、パスワードを付してデータを暗号化する。また、
電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し…手渡しで行う」. A medium with a
registered password notice holds a password-encrypted file; its key is safe while the notice is not involved, never
travelled with it, is not kept in the same place and was not lost in another incident. Only then does the exception
of 施行規則第43条第1号 apply: 「高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを除く」.
"""

import pytest

from handover.models import Handover, HandoverLine
from incidents.assessment import assess
from tests.handover.conftest import acknowledge, deliver, register_disc
from tests.incidents.helpers import delivered_pair, register_paper, report

pytestmark = pytest.mark.django_db


def decision(incident):
    return assess(incident).decision


def test_a_lost_disc_whose_notice_travelled_apart_and_is_in_the_safe_is_not_reportable(world, cd_r, clock):
    disc, _notice = delivered_pair(world, cd_r, clock)
    clock.advance(days=1)
    answer = decision(report(world, items=[disc], affected_count=3012, sensitive=True))
    assert not answer.required
    assert answer.exemption == "encrypted"
    assert "CD-001（CD-R）" in answer.reason
    assert ("パスワード通知書PN-001は媒体とは別の機会に受け渡され（No.2 令和7年6月12日）、現在は「委託先で保管・管理室 金庫」"
            in answer.reason)


def test_the_exception_is_lost_when_the_notice_was_lost_too(world, cd_r, clock):
    disc, notice = delivered_pair(world, cd_r, clock)
    clock.advance(days=1)
    answer = decision(report(world, items=[disc, notice], kind="theft"))
    assert answer.required
    assert "パスワード通知書PN-001もこの事故に関係している" in answer.reason


def test_the_exception_is_lost_when_the_notice_is_kept_in_the_same_cabinet(world, cd_r, clock):
    # Typed with a full-width space: the same cabinet all the same.
    disc, _notice = delivered_pair(world, cd_r, clock, notice_place="分析室　キャビネットB-2")
    clock.advance(days=1)
    answer = decision(report(world, items=[disc]))
    assert answer.required
    assert "パスワード通知書PN-001が媒体と同じ場所（分析室 キャビネットB-2）に保管されている" in answer.reason


def test_the_exception_is_lost_when_the_notice_was_lost_in_an_earlier_incident(world, cd_r, clock):
    disc, notice = delivered_pair(world, cd_r, clock)
    clock.advance(days=1)
    earlier = report(world, items=[notice], kind="misdelivery", affected_count=0)
    assert not decision(earlier).required
    clock.advance(days=3)
    later = report(world, items=[disc], kind="loss")
    answer = decision(later)
    assert answer.required
    assert f"パスワード通知書PN-001は事故 No.{earlier.number}に関係している" in answer.reason


def test_the_exception_is_lost_when_the_ledger_shows_the_notice_travelled_with_the_medium(world, cd_r, clock):
    disc, notice = delivered_pair(world, cd_r, clock)
    # A ledger written before the separation rule was enforced (or corrected in the database): the notice
    # on the same handover as its disc.
    first = Handover.objects.filter(lines__item=disc).get()
    HandoverLine.objects.create(handover=first, item=notice, quantity=1)
    clock.advance(days=1)
    answer = decision(report(world, items=[disc]))
    assert answer.required
    assert f"パスワード通知書PN-001が媒体と同じ受渡し（No.{first.number}）で渡されている" in answer.reason


def test_the_exception_is_lost_when_the_notice_travelled_on_the_same_day(world, cd_r, clock, settings):
    # The ward once allowed the two halves an hour apart (HANDOVER_MIN_GAP_HOURS); read today with the seed's
    # "another occasion" as another day, the disc and its notice travelled on the same occasion.
    from handover import services

    settings.HANDOVER_MIN_GAP_HOURS = "1"
    disc = register_disc(world, cd_r)
    notice = services.item_register(contract=world.contract, actor=world.hr, category="notice", label="PN-001",
                                    contents="パスワード通知書", opens=disc)
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(hours=2)
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    settings.HANDOVER_MIN_GAP_HOURS = ""
    clock.advance(days=1)
    answer = decision(report(world, items=[disc]))
    assert answer.required
    assert "パスワード通知書PN-001が媒体と同じ機会（令和7年6月10日）に受け渡されている" in answer.reason


def test_a_disc_without_a_registered_notice_is_not_known_to_be_encrypted(world, cd_r, clock):
    disc = register_disc(world, cd_r, label="CD-009")
    acknowledge(deliver(world, [disc]), world.handler)
    answer = decision(report(world, items=[disc], affected_count=101))
    assert answer.required
    facts = assess(report(world, items=[disc], affected_count=101)).data
    assert facts[0].encrypted is False


def test_paper_is_never_encrypted(world, clock):
    paper = register_paper(world)
    assert decision(report(world, items=[paper], affected_count=101)).required
    assert not decision(report(world, items=[paper], affected_count=100)).required


def test_data_outside_the_ledger_is_not_taken_as_encrypted(world, cd_r, clock):
    disc, _notice = delivered_pair(world, cd_r, clock)
    clock.advance(days=1)
    answer = decision(report(world, items=[disc], other_data=True, kind="unauthorised_access",
                             wrongful_purpose=True, affected_count=3012, password_exposure="outsider"))
    assert answer.required
    assert answer.final_report_days == 60


def test_a_misdelivered_notice_alone_is_not_reportable_while_its_disc_is_safe(world, cd_r, clock):
    _disc, notice = delivered_pair(world, cd_r, clock)
    clock.advance(days=1)
    answer = decision(report(world, items=[notice], kind="misdelivery", affected_count=3012))
    assert not answer.required
    assert answer.exemption == "no_personal_data"
    assert "対応する記録媒体（CD-001：委託先で保管・分析室 キャビネットB-2）はこの事故に関係していない" in answer.reason
