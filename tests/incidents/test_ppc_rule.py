"""The rule for reporting an incident to the Personal Information Protection Commission, as it applies to
行政機関等 (個人情報保護法施行規則 第43条), tested on the named function with plain facts.

「法第六十八条第一項の個人の権利利益を害するおそれが大きいものとして個人情報保護委員会規則で定めるものは、次の各号の
いずれかに該当するものとする。」 Each item alone makes an incident reportable; the encryption exception of item 1
(「高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを除く」) takes encrypted data whose key
was not compromised out of 漏えい等 altogether.
"""

import pytest

from incidents.rules import (
    PEOPLE_THRESHOLD,
    RULE_43,
    DataAtRisk,
    DataKind,
    Facts,
    Trigger,
    ppc_report_required,
)

PAPER = DataAtRisk(label="P-001（紙媒体）", kind=DataKind.PAPER)
DISC_SAFE_KEY = DataAtRisk(label="CD-001（CD-R）", kind=DataKind.MEDIUM, encrypted=True,
                           key_note="PN-001：委託先で保管・管理室 金庫",
                           key_facts=("パスワード通知書PN-001は媒体とは別の機会に受け渡され（No.2 令和7年6月12日）、"
                                      "現在は「委託先で保管・管理室 金庫」",))
DISC_KEY_LOST = DataAtRisk(label="CD-001（CD-R）", kind=DataKind.MEDIUM, encrypted=True,
                           key_problems=("パスワード通知書PN-001もこの事故に関係している",))
DISC_NO_NOTICE = DataAtRisk(label="CD-009（CD-R）", kind=DataKind.MEDIUM, encrypted=False)
NOTICE_ONLY = DataAtRisk(label="PN-001（パスワード通知書）", kind=DataKind.NOTICE, partner="CD-001：委託先で保管")


def facts(count=10, data=(PAPER,), **flags) -> Facts:
    return Facts(affected_count=count, data=tuple(data), **flags)


def test_the_rule_quotes_the_five_items_of_article_43():
    assert RULE_43[1].startswith("要配慮個人情報が含まれる保有個人情報（高度な暗号化その他の個人の権利利益を保護するために"
                                 "必要な措置を講じたものを除く。")
    assert RULE_43[2] == "不正に利用されることにより財産的被害が生じるおそれがある保有個人情報の漏えい等が発生し、又は発生したおそれがある事態"
    assert "不正の目的をもって行われたおそれがある" in RULE_43[3]
    assert RULE_43[4] == "保有個人情報に係る本人の数が百人を超える漏えい等が発生し、又は発生したおそれがある事態"
    assert RULE_43[5].startswith("条例要配慮個人情報が含まれる保有個人情報の漏えい等が発生し、又は発生したおそれがある事態")


def test_nothing_that_meets_an_item_is_not_reportable_and_says_why():
    decision = ppc_report_required(facts(count=12))
    assert not decision.required
    assert decision.triggers == ()
    assert "本人の数も百人以下（12人）" in decision.reason
    assert "報告は不要" in decision.reason


@pytest.mark.parametrize("flag, trigger, words", [
    # 一 「要配慮個人情報が含まれる保有個人情報…の漏えい…が発生し、又は発生したおそれがある事態」
    ("sensitive", Trigger.SENSITIVE, "要配慮個人情報が含まれる（第1号）"),
    # 二 「不正に利用されることにより財産的被害が生じるおそれがある保有個人情報の漏えい等…」
    ("financial_harm", Trigger.FINANCIAL_HARM, "財産的被害が生じるおそれがある（第2号）"),
    # 三 「不正の目的をもって行われたおそれがある当該行政機関の長等の属する行政機関等に対する行為による…漏えい等…」
    ("wrongful_purpose", Trigger.WRONGFUL_PURPOSE, "不正の目的をもって行われたおそれがある（第3号）"),
    # 五 「条例要配慮個人情報が含まれる保有個人情報の漏えい等が発生し、又は発生したおそれがある事態」
    ("ordinance_sensitive", Trigger.ORDINANCE_SENSITIVE, "条例要配慮個人情報が含まれる（第5号）"),
])
def test_each_item_alone_makes_an_incident_of_one_person_reportable(flag, trigger, words):
    decision = ppc_report_required(facts(count=1, **{flag: True}))
    assert decision.required
    assert decision.triggers == (trigger,)
    assert words in decision.reason
    assert "個人情報保護委員会への報告が必要です" in decision.reason


def test_100_people_are_not_reportable_and_101_are():
    # 四 「保有個人情報に係る本人の数が百人を超える漏えい等が発生し、又は発生したおそれがある事態」
    assert PEOPLE_THRESHOLD == 100
    at_100 = ppc_report_required(facts(count=100))
    assert not at_100.required
    assert "百人以下（100人）" in at_100.reason
    at_101 = ppc_report_required(facts(count=101))
    assert at_101.required
    assert at_101.triggers == (Trigger.OVER_100_PEOPLE,)
    assert "本人の数が百人を超える（101人、第4号）" in at_101.reason


def test_several_items_are_all_named():
    decision = ppc_report_required(facts(count=3012, sensitive=True, wrongful_purpose=True))
    assert decision.triggers == (Trigger.SENSITIVE, Trigger.WRONGFUL_PURPOSE, Trigger.OVER_100_PEOPLE)
    assert "要配慮個人情報が含まれる（第1号）、不正の目的をもって行われたおそれがある（第3号）、本人の数が百人を超える（3,012人、第4号）" \
        in decision.reason


def test_the_final_report_is_due_in_60_days_only_for_item_3():
    # 第44条第2項 「当該事態を知った日から三十日以内（当該事態が前条第三号に定めるものである場合にあっては、六十日以内）」
    assert ppc_report_required(facts(count=500)).final_report_days == 30
    assert ppc_report_required(facts(count=500, sensitive=True)).final_report_days == 30
    assert ppc_report_required(facts(count=1, wrongful_purpose=True)).final_report_days == 60
    assert ppc_report_required(facts(count=500, wrongful_purpose=True)).final_report_days == 60


def test_an_encrypted_disc_whose_notice_is_safe_is_no_leak_whatever_the_flags():
    # 「高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを除く」 (第1号, for the whole article)
    decision = ppc_report_required(facts(count=3012, data=[DISC_SAFE_KEY], sensitive=True, wrongful_purpose=True,
                                         financial_harm=True, ordinance_sensitive=True))
    assert not decision.required
    assert decision.exemption == "encrypted"
    assert decision.triggers == ()
    assert "「高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたもの」として漏えい等に当たらず" in decision.reason
    assert ("パスワード通知書PN-001は媒体とは別の機会に受け渡され（No.2 令和7年6月12日）、現在は「委託先で保管・管理室 金庫」。"
            in decision.reason)


def test_the_reason_says_only_what_the_ledger_says_of_the_notice():
    """Issue 14, B.6: the reason said the notice was 「媒体とは別の機会に受け渡され」 for a notice that never left
    the ward. It says what :mod:`incidents.assessment` found, nothing more."""
    kept = DataAtRisk(label="CD-001（CD-R）", kind=DataKind.MEDIUM, encrypted=True, key_note="PN-001：区で保管（未交付）",
                      key_facts=("パスワード通知書PN-001は区で保管（未交付）で、区から出ていない",))
    decision = ppc_report_required(facts(count=3000, data=[kept]))
    assert not decision.required
    assert "パスワード通知書PN-001は区で保管（未交付）で、区から出ていない。" in decision.reason
    assert "別の機会" not in decision.reason and "別の場所" not in decision.reason


def test_wrongful_purpose_with_the_key_exposed_is_reportable_whatever_the_number():
    # 三 「不正の目的をもって行われたおそれがある…行為による保有個人情報…の漏えい等」: no number of people.
    exposed = DataAtRisk(label="CD-001（CD-R）", kind=DataKind.MEDIUM, encrypted=True,
                         key_problems=("データを持つ者がパスワードを知り得ると報告されている（分からない）",))
    decision = ppc_report_required(facts(count=2, data=[exposed], wrongful_purpose=True))
    assert decision.required and decision.triggers == (Trigger.WRONGFUL_PURPOSE,)
    assert decision.final_report_days == 60


def test_the_exception_is_lost_when_the_key_was_compromised():
    decision = ppc_report_required(facts(count=3012, data=[DISC_KEY_LOST]))
    assert decision.required
    assert decision.exemption == ""
    assert decision.reason.startswith("CD-001（CD-R）は暗号化されているが、パスワード通知書PN-001もこの事故に関係しているため、"
                                      "暗号化による除外には当たりません。")
    assert decision.triggers == (Trigger.OVER_100_PEOPLE,)


def test_a_compromised_key_alone_does_not_make_a_small_incident_reportable():
    decision = ppc_report_required(facts(count=40, data=[DISC_KEY_LOST]))
    assert not decision.required
    assert "百人以下（40人）" in decision.reason


@pytest.mark.parametrize("data", [[PAPER], [DISC_NO_NOTICE], [DataAtRisk(label="x", kind=DataKind.OTHER)],
                                  [DISC_SAFE_KEY, PAPER], []])
def test_paper_unknown_media_other_data_or_nothing_known_is_never_taken_as_protected(data):
    assert ppc_report_required(facts(count=101, data=data)).required


def test_a_password_notice_alone_holds_no_personal_information():
    decision = ppc_report_required(facts(count=3012, data=[NOTICE_ONLY], sensitive=True))
    assert not decision.required
    assert decision.exemption == "no_personal_data"
    assert decision.reason.startswith("この事故に関係するのはパスワード通知書（PN-001（パスワード通知書））だけで、"
                                      "通知書には個人情報が記録されていません。")
    assert "対応する記録媒体（CD-001：委託先で保管）はこの事故に関係していないため" in decision.reason
    assert "新しいパスワードで暗号化し直す" in decision.advice


def test_a_notice_lost_with_its_disc_is_judged_by_the_disc():
    decision = ppc_report_required(facts(count=3012, data=[DISC_KEY_LOST, NOTICE_ONLY]))
    assert decision.required


@pytest.mark.parametrize("count", [0, 2_147_483_647])
def test_extreme_counts(count):
    decision = ppc_report_required(facts(count=count))
    assert decision.required is (count > 100)
    assert decision.reason
