"""The encryption exception needs the password out of reach of whoever has the data, and the ledger alone cannot
tell: the incident form asks, and the exception is lost when the password may be known.

Issue 14, B.6: 「The exception of 施行規則第43条 (high-level encryption, so not a 漏えい等) assumes that whoever has
the data cannot get the password. The app decides it from the ledger alone.」 Two cases it got wrong: an insider
acting for an unlawful purpose took an encrypted disc whose notice his own firm held (handed over the next day),
and a disc whose notice went with it on the same visit while the ledger still shows the notice 区で保管（未交付）.
Both were 「高度な暗号化…として漏えい等に当たらず」, not reportable.

施行規則第43条第1号: 「要配慮個人情報が含まれる保有個人情報（高度な暗号化その他の個人の権利利益を保護するために必要な措置を
講じたものを除く。以下この条及び次条第一項において同じ。）の漏えい、滅失若しくは毀損…」; 第3号: 「不正の目的をもって
行われたおそれがある当該行政機関の長等の属する行政機関等に対する行為による保有個人情報…の漏えい等が発生し、又は発生した
おそれがある事態」 (no number of people); 第4号: 「保有個人情報に係る本人の数が百人を超える漏えい等…」.
"""

import re

import pytest

from core.errors import DomainError
from handover.models import Item
from incidents.assessment import assess
from incidents.models import Incident
from incidents.rules import Trigger
from tests.handover.conftest import acknowledge, deliver, register_disc, register_notice
from tests.incidents.helpers import report

pytestmark = pytest.mark.django_db

Exposure = Incident.PasswordExposure
EXCEPTION_WORDS = "「高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたもの」として漏えい等に当たらず"


def disc_with_notice_next_day(world, cd_r, clock):
    """The disc to the handler, its notice to the manager of the same firm the next day: the ledger is in order."""
    disc = register_disc(world, cd_r)
    notice = register_notice(world, disc)
    acknowledge(deliver(world, [disc]), world.handler)
    clock.advance(days=1)
    acknowledge(deliver(world, [notice], recipient=world.manager), world.manager)
    clock.advance(days=1)
    return Item.objects.get(pk=disc.pk), Item.objects.get(pk=notice.pk)


def disc_with_notice_at_the_ward(world, cd_r):
    """The disc handed over; its notice registered and, as the ledger shows, never handed over."""
    disc = register_disc(world, cd_r)
    notice = register_notice(world, disc)
    acknowledge(deliver(world, [disc]), world.handler)
    return Item.objects.get(pk=disc.pk), Item.objects.get(pk=notice.pk)


# --- the two cases of the issue ------------------------------------------------------------------------------


def test_an_insider_whose_firm_holds_the_notice_takes_the_disc_reportable_under_item_3(world, cd_r, clock):
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    incident = report(world, items=[disc], kind="theft", wrongful_purpose=True, affected_count=40,
                      password_exposure=Exposure.SAME_HOLDER,
                      description="取扱者が記録媒体を無断で持ち出した。")
    decision = assess(incident).decision
    assert decision.required
    assert decision.triggers == (Trigger.WRONGFUL_PURPOSE,)  # 40 people: item 3 alone, whatever the number
    assert decision.final_report_days == 60
    assert EXCEPTION_WORDS not in decision.reason
    assert ("CD-001（CD-R）は暗号化されているが、データを持つ者がパスワードを知り得ると報告されている（パスワード通知書を、"
            "データを持ち出した者と同じ者・同じ組織が保持している）ため、暗号化による除外には当たりません。") in decision.reason


def test_a_notice_that_went_with_the_disc_unrecorded_loses_the_exception(world, cd_r, clock):
    disc, notice = disc_with_notice_at_the_ward(world, cd_r)
    assert notice.get_state_display() == "区で保管（未交付）"
    clock.advance(days=1)
    incident = report(world, items=[disc], kind="loss", affected_count=3012, password_exposure=Exposure.SAME_OCCASION)
    decision = assess(incident).decision
    assert decision.required and decision.triggers == (Trigger.OVER_100_PEOPLE,)
    assert EXCEPTION_WORDS not in decision.reason
    assert "データを持つ者がパスワードを知り得ると報告されている（パスワード通知書が媒体と同じ機会に渡った）" in decision.reason
    assert "管理簿ではパスワード通知書PN-001は区で保管（未交付）のままのため、管理簿を確かめてください" in decision.reason


@pytest.mark.parametrize("answer", [Exposure.OPENED, Exposure.UNKNOWN])
def test_a_file_opened_before_or_not_knowing_loses_the_exception(world, cd_r, clock, answer):
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    assert assess(report(world, items=[disc], affected_count=3012, password_exposure=answer)).decision.required


def test_an_insider_whose_firm_holds_the_notice_cannot_be_answered_away_as_another_keeping_it(world, cd_r, clock):
    # The reviewer's case: 不正の目的, the notice handed to the insider's own firm, and 「別の者が保管しており」 was
    # taken, so the exception applied and the theft read "not reportable".
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    with pytest.raises(DomainError) as refused:
        report(world, items=[disc], kind="theft", wrongful_purpose=True, affected_count=40,
               password_exposure=Exposure.OTHER_KEEPS, description="取扱者が記録媒体を無断で持ち出した。")
    assert refused.value.field == "password_exposure"
    assert ("不正の目的をもって行われたおそれがあり、管理簿ではパスワード通知書PN-001は委託先に渡っています"
            "（PN-001：委託先で保管）") in refused.value.message
    assert "同じ組織が保持する通知書からパスワードを知り得るため、暗号化による除外は受けられません" in refused.value.message
    assert f"「{Exposure.SAME_HOLDER.label}」" in refused.value.message
    assert f"「{Exposure.OUTSIDER.label}」" in refused.value.message
    assert not Incident.objects.exists()


def test_marking_the_unlawful_purpose_later_cannot_keep_another_keeping_it(world, cd_r, clock):
    from incidents.services import incident_revise

    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    incident = report(world, items=[disc], kind="theft", affected_count=40, password_exposure=Exposure.OTHER_KEEPS)
    assert not assess(incident).decision.required
    with pytest.raises(DomainError) as refused:
        incident_revise(incident=incident, actor=world.manager, kind="theft", items=[disc], affected_count=40,
                        discovered_at=incident.discovered_at, description=incident.description,
                        wrongful_purpose=True, password_exposure=Exposure.OTHER_KEEPS)
    assert refused.value.code == "exposure_insider"
    incident.refresh_from_db()
    assert not incident.wrongful_purpose


@pytest.mark.parametrize("answer, required", [(Exposure.SAME_HOLDER, True), (Exposure.OUTSIDER, False)])
def test_with_an_unlawful_purpose_the_reporter_says_whether_the_person_is_of_the_firm(world, cd_r, clock, answer,
                                                                                      required):
    # Every answer the refusal names is accepted; only an outsider keeps the exception (40 people, item 3 alone).
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    incident = report(world, items=[disc], kind="theft", wrongful_purpose=True, affected_count=40,
                      password_exposure=answer)
    decision = assess(incident).decision
    assert decision.required is required
    assert (EXCEPTION_WORDS in decision.reason) is not required


def test_an_unlawful_purpose_with_the_notice_still_at_the_ward_may_say_the_ward_keeps_it(world, cd_r, clock):
    disc, _notice = disc_with_notice_at_the_ward(world, cd_r)
    clock.advance(days=1)
    incident = report(world, items=[disc], kind="theft", wrongful_purpose=True, affected_count=40,
                      password_exposure=Exposure.WARD_KEEPS)
    assert not assess(incident).decision.required


# --- the controls --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count, required", [(101, True), (100, False)])
def test_an_unencrypted_disc_is_reportable_past_100_people(world, cd_r, clock, count, required):
    # 第4号 「百人を超える」. A disc without a registered notice is not known to be encrypted; nothing is asked.
    disc = register_disc(world, cd_r, label="CD-009")
    acknowledge(deliver(world, [disc]), world.handler)
    incident = report(world, items=[disc], affected_count=count, password_exposure="")
    assert incident.password_exposure == ""
    assert assess(incident).decision.required is required


def test_3000_people_on_a_disc_whose_notice_never_left_the_ward_is_not_reportable_and_says_so_truly(
        world, cd_r, clock):
    disc, _notice = disc_with_notice_at_the_ward(world, cd_r)
    clock.advance(days=1)
    incident = report(world, items=[disc], affected_count=3000, password_exposure=Exposure.WARD_KEEPS)
    decision = assess(incident).decision
    assert not decision.required and decision.exemption == "encrypted"
    assert ("関係する記録媒体（CD-001（CD-R））はパスワードを付して暗号化したファイルです。パスワード通知書PN-001は"
            "区で保管（未交付）で、区から出ていない。データを持つ者はパスワードを知り得ないと報告されている（パスワード通知書は"
            "区が保管しており、データを持つ者は知り得ない）。") in decision.reason
    assert EXCEPTION_WORDS in decision.reason
    assert "別の機会に受け渡され" not in decision.reason


def test_a_notice_handed_over_apart_is_said_so_with_its_handover(world, cd_r, clock):
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    decision = assess(report(world, items=[disc], affected_count=3000,
                             password_exposure=Exposure.OTHER_KEEPS)).decision
    assert not decision.required
    assert "パスワード通知書PN-001は媒体とは別の機会に受け渡され（No.2 令和7年6月11日）、現在は「委託先で保管」" in decision.reason


# --- the service asks, and keeps the answer true to the ledger ----------------------------------------------


def test_the_answer_is_required_when_an_encrypted_disc_is_involved(world, cd_r, clock):
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    with pytest.raises(DomainError) as refused:
        report(world, items=[disc], password_exposure="")
    assert refused.value.field == "password_exposure"
    assert "暗号化した記録媒体（CD-001）が関係するため" in refused.value.message
    assert not Incident.objects.exists()


def test_the_ward_keeps_the_notice_only_when_the_ledger_says_so(world, cd_r, clock):
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    with pytest.raises(DomainError) as refused:
        report(world, items=[disc], password_exposure=Exposure.WARD_KEEPS)
    assert refused.value.field == "password_exposure"
    assert "管理簿ではパスワード通知書PN-001は区で保管していません（PN-001：委託先で保管）" in refused.value.message


def test_an_incident_without_the_answer_is_not_taken_as_protected(world, cd_r, clock):
    # Reported before the question existed.
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    incident = report(world, items=[disc], affected_count=3012, password_exposure=Exposure.OTHER_KEEPS)
    Incident.objects.filter(pk=incident.pk).update(password_exposure="")
    decision = assess(Incident.objects.get(pk=incident.pk)).decision
    assert decision.required
    assert "データを持つ者がパスワードを知り得ないことが報告されていない（報告内容の訂正で答えてください）" in decision.reason


# --- the page offers exactly what the service accepts -------------------------------------------------------


def test_the_form_asks_who_may_know_the_password_with_the_answers_the_service_takes(world, cd_r, clock, client_as):
    disc, _notice = disc_with_notice_next_day(world, cd_r, clock)
    client = client_as(world.manager)
    url = f"/incidents/{world.contract.slug}/new/"
    page = client.get(url).content.decode()
    assert "データを持つ者（持ち出した者・受け取った者）がパスワードを知り得るか" in page
    offered = re.findall(r'name="password_exposure" value="([^"]*)"', page)
    assert offered == Exposure.values
    form = {"kind": "theft", "discovered_at": "2025-06-12T08:30", "affected_count": "40", "items": [str(disc.pk)],
            "wrongful_purpose": "on", "description": "取扱者が記録媒体を無断で持ち出した。"}
    response = client.post(url, form)
    assert response.status_code == 400 and "暗号化した記録媒体（CD-001）が関係するため" in response.content.decode()
    assert client.post(url, {**form, "password_exposure": "nobody"}).status_code == 400
    assert not Incident.objects.exists()
    response = client.post(url, {**form, "password_exposure": Exposure.SAME_HOLDER})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "不正の目的をもって行われたおそれがある（第3号）" in page
    assert "可能性あり：パスワード通知書を、データを持ち出した者と同じ者・同じ組織が保持している" in page
