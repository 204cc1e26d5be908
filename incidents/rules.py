"""Whether an incident must be reported to the Personal Information Protection Commission (個人情報保護委員会),
and by when: the rules for 行政機関等, of which the ward (a 地方公共団体の機関) is one.

The law: 個人情報の保護に関する法律 第68条第1項 — 行政機関の長等は、保有個人情報の漏えい、滅失、毀損その他の
保有個人情報の安全の確保に係る事態であって個人の権利利益を害するおそれが大きいものとして個人情報保護委員会規則で
定めるものが生じたときは、…当該事態が生じた旨を個人情報保護委員会に報告しなければならない。The contractor handles
the ward's 保有個人情報 on its behalf, so an incident at the contractor is the ward's to report.

The Commission's rules (個人情報の保護に関する法律施行規則), quoted in :data:`RULE_43` and :data:`RULE_44`:

- 第43条 names the 事態 that must be reported (one of its five items is enough);
- its item 1 defines 漏えい等 for the whole article as the 漏えい、滅失若しくは毀損 of 保有個人情報
  「高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを除く」: data under high-level
  encryption whose key was not compromised is not a 漏えい等 at all;
- 第44条 asks for a first report (速報) 「速やかに」 and a full one (確報) within 30 days of learning of it,
  60 days for the 事態 of item 3 (不正の目的). The Commission's guidance reads 「速やかに」 as within about
  3 to 5 days, which the app shows as a range marked 目安.

:func:`ppc_report_required` is pure: it takes the facts (:class:`Facts`) and gives a :class:`Decision` with
the reason in one Japanese sentence. What the ledger knows about the items (encrypted or not, where the
password notice is) is gathered by :mod:`incidents.assessment`.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RULE_TIMEZONE = ZoneInfo("Asia/Tokyo")

LAW_68 = "個人情報の保護に関する法律第68条第1項"
RULE_43_HEAD = ("法第六十八条第一項の個人の権利利益を害するおそれが大きいものとして個人情報保護委員会規則で定めるものは、"
                "次の各号のいずれかに該当するものとする。")
# 個人情報の保護に関する法律施行規則 第43条各号, word for word.
RULE_43 = {
    1: "要配慮個人情報が含まれる保有個人情報（高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを"
       "除く。以下この条及び次条第一項において同じ。）の漏えい、滅失若しくは毀損（以下この条及び次条第一項において"
       "「漏えい等」という。）が発生し、又は発生したおそれがある事態",
    2: "不正に利用されることにより財産的被害が生じるおそれがある保有個人情報の漏えい等が発生し、又は発生したおそれがある事態",
    3: "不正の目的をもって行われたおそれがある当該行政機関の長等の属する行政機関等に対する行為による保有個人情報（当該行政機関の"
       "長等の属する行政機関等が取得し、又は取得しようとしている個人情報であって、保有個人情報として取り扱われることが予定"
       "されているものを含む。）の漏えい等が発生し、又は発生したおそれがある事態",
    4: "保有個人情報に係る本人の数が百人を超える漏えい等が発生し、又は発生したおそれがある事態",
    5: "条例要配慮個人情報が含まれる保有個人情報の漏えい等が発生し、又は発生したおそれがある事態（地方公共団体の機関又は"
       "地方独立行政法人が法第六十八条第一項の報告を行う場合であって、当該地方公共団体の機関又は地方独立行政法人に適用される"
       "条例において条例要配慮個人情報について定められているときに限る。）",
}
# The words of item 1 that take encrypted data out of 漏えい等 (and so out of every item): 「…を除く」.
ENCRYPTION_EXCEPTION = "高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたもの"
# 施行規則 第44条: the 速報 and the 確報.
RULE_44 = {
    1: "行政機関の長等は、法第六十八条第一項の規定による報告をする場合には、前条各号に定める事態を知った後、速やかに、"
       "当該事態に関する次に掲げる事項（報告をしようとする時点において把握しているものに限る。次条において同じ。）を報告"
       "しなければならない。",
    2: "前項の場合において、行政機関の長等は、当該事態を知った日から三十日以内（当該事態が前条第三号に定めるものである場合に"
       "あっては、六十日以内）に、当該事態に関する前項各号に定める事項を報告しなければならない。",
}
# 法第68条第2項: the people concerned are told too, unless that is impossible and something else is done instead.
LAW_68_2 = ("行政機関の長等は、前項に規定する場合には、本人に対し、個人情報保護委員会規則で定めるところにより、当該事態が"
            "生じた旨を通知しなければならない。")

# 第43条第4号: 「百人を超える」 — 100 people are not enough, 101 are.
PEOPLE_THRESHOLD = 100
# The 速報's 「速やかに」, as the Commission's guidance reads it: about 3 to 5 days after learning of it.
PRELIMINARY_DAYS = (3, 5)
FINAL_DAYS = 30
FINAL_DAYS_WRONGFUL_PURPOSE = 60
# Reminders start this long before a deadline (for the 速報, before its window opens) and go on daily.
REMIND_BEFORE = dt.timedelta(days=1)


class Trigger(models.IntegerChoices):
    """The items of 施行規則第43条."""

    SENSITIVE = 1, gettext_lazy("要配慮個人情報が含まれる（第1号）")
    FINANCIAL_HARM = 2, gettext_lazy("財産的被害が生じるおそれがある（第2号）")
    WRONGFUL_PURPOSE = 3, gettext_lazy("不正の目的をもって行われたおそれがある（第3号）")
    OVER_100_PEOPLE = 4, gettext_lazy("本人の数が百人を超える（第4号）")
    ORDINANCE_SENSITIVE = 5, gettext_lazy("条例要配慮個人情報が含まれる（第5号）")


class DataKind(models.TextChoices):
    MEDIUM = "medium", gettext_lazy("電磁的媒体")
    PAPER = "paper", gettext_lazy("紙媒体")
    NOTICE = "notice", gettext_lazy("パスワード通知書")
    OTHER = "other", gettext_lazy("記録媒体等以外のデータ")


@dataclass(frozen=True)
class DataAtRisk:
    """One thing an incident touches, as the ledger knows it.

    ``encrypted``: a medium holding a password-encrypted file (the ward's rule: 個人情報を含むデータを作成する
    必要がある場合は、パスワードを付してデータを暗号化する), known from its registered password notice.
    ``key_problems``: why its password cannot be taken as safe (the notice lost too, handed over with it,
    kept in the same place, the reporter saying whoever has the data may know it …); none means the key is safe.
    ``key_note``: where its notices are. ``key_facts``: what the ledger and the reporter say of each notice, in
    words true of it (kept at the ward and never handed over, or handed over apart and when), for the reason.
    ``partner``: for a notice, the medium it opens and where that medium is.
    """

    label: str
    kind: str
    encrypted: bool = False
    key_problems: tuple[str, ...] = ()
    key_note: str = ""
    key_facts: tuple[str, ...] = ()
    partner: str = ""

    @property
    def holds_personal_data(self) -> bool:
        # A password notice carries a password, never personal information (the password itself is on
        # paper only, the app never stores it).
        return self.kind != DataKind.NOTICE

    @property
    def protected(self) -> bool:
        """高度な暗号化その他の…措置を講じたもの: encrypted, and its key not compromised."""
        return self.kind == DataKind.MEDIUM and self.encrypted and not self.key_problems


@dataclass(frozen=True)
class Facts:
    affected_count: int
    sensitive: bool = False
    financial_harm: bool = False
    wrongful_purpose: bool = False
    ordinance_sensitive: bool = False
    data: tuple[DataAtRisk, ...] = ()


@dataclass(frozen=True)
class Decision:
    """Whether to report, why (one sentence, in Japanese), under which items of 第43条."""

    required: bool
    reason: str
    triggers: tuple[Trigger, ...] = ()
    # Why no item applies although flags are set: "encrypted" or "no_personal_data" (else "").
    exemption: str = ""
    # What to do next that the decision itself does not require (e.g. change a password now known).
    advice: str = ""

    @property
    def final_report_days(self) -> int:
        """施行規則第44条第2項: 30 days, 60 for a 事態 of item 3 (不正の目的)."""
        return FINAL_DAYS_WRONGFUL_PURPOSE if Trigger.WRONGFUL_PURPOSE in self.triggers else FINAL_DAYS


def _labels(data) -> str:
    return "、".join(d.label for d in data)


def _why_not_protected(item: DataAtRisk) -> str:
    if item.kind == DataKind.PAPER:
        return _("%(label)sは紙媒体で、暗号化されていない") % {"label": item.label}
    if item.kind == DataKind.OTHER:
        return _("記録媒体等以外のデータは、暗号化されていることを確認できない")
    if not item.encrypted:
        return _("%(label)sはパスワード通知書が台帳に登録されておらず、暗号化されていることを確認できない") % {
            "label": item.label}
    return _("%(label)sは暗号化されているが、%(problems)s") % {
        "label": item.label, "problems": "、".join(item.key_problems)}


def _trigger_text(trigger: Trigger, count: int) -> str:
    if trigger == Trigger.OVER_100_PEOPLE:
        return _("本人の数が百人を超える（%(n)s人、第4号）") % {"n": f"{count:,}"}
    return str(trigger.label)


def triggers_of(facts: Facts) -> tuple[Trigger, ...]:
    """The items of 第43条 the facts meet, setting aside whether the data was protected."""
    found = []
    if facts.sensitive:
        found.append(Trigger.SENSITIVE)
    if facts.financial_harm:
        found.append(Trigger.FINANCIAL_HARM)
    if facts.wrongful_purpose:
        found.append(Trigger.WRONGFUL_PURPOSE)
    if facts.affected_count > PEOPLE_THRESHOLD:
        found.append(Trigger.OVER_100_PEOPLE)
    if facts.ordinance_sensitive:
        found.append(Trigger.ORDINANCE_SENSITIVE)
    return tuple(found)


def ppc_report_required(facts: Facts) -> Decision:
    """個人情報保護法施行規則 第43条 for 行政機関等: must this incident be reported to the Commission?

    「法第六十八条第一項の個人の権利利益を害するおそれが大きいものとして個人情報保護委員会規則で定めるものは、次の各号の
    いずれかに該当するものとする。」

    一 「要配慮個人情報が含まれる保有個人情報（高度な暗号化その他の個人の権利利益を保護するために必要な措置を講じたものを
       除く。以下この条及び次条第一項において同じ。）の漏えい、滅失若しくは毀損（以下この条及び次条第一項において「漏えい等」
       という。）が発生し、又は発生したおそれがある事態」 — ``facts.sensitive``
    二 「不正に利用されることにより財産的被害が生じるおそれがある保有個人情報の漏えい等が発生し、又は発生したおそれがある
       事態」 — ``facts.financial_harm``
    三 「不正の目的をもって行われたおそれがある当該行政機関の長等の属する行政機関等に対する行為による保有個人情報…の漏えい等が
       発生し、又は発生したおそれがある事態」 — ``facts.wrongful_purpose``
    四 「保有個人情報に係る本人の数が百人を超える漏えい等が発生し、又は発生したおそれがある事態」 — ``affected_count > 100``
    五 「条例要配慮個人情報が含まれる保有個人情報の漏えい等が発生し、又は発生したおそれがある事態」 —
       ``facts.ordinance_sensitive``

    Item 1's parenthesis holds for the whole article: data 「高度な暗号化その他の個人の権利利益を保護するために必要な措置を
    講じたもの」 is not 漏えい等. So, before any item is looked at:

    - when only password notices are involved, no personal information is (a notice carries none): no 漏えい等;
    - when every involved thing that carries personal data is a password-encrypted medium whose notice is not
      involved, did not travel with it, is not kept with it and was not lost in another incident, and the
      reporter says whoever has the data cannot know the password (the notice kept by the ward, or by someone
      else than whoever took the data), the key was not compromised: no 漏えい等. Someone who holds the notice,
      whose organisation holds it, who received it on the same occasion or who has opened the file defeats the
      encryption, whatever the ledger shows; so does not knowing.

    An insider's act for an unlawful purpose is item 3 whatever the number of people, once the encryption
    exception is lost.

    Paper, data outside the ledger (copies on the analysis PC) and a medium with no registered notice are
    never taken as protected. Facts with no data at all are taken as unprotected (nothing is known).
    """
    data = tuple(facts.data)
    triggers = triggers_of(facts)
    if data and not any(d.holds_personal_data for d in data):
        partners = "、".join(d.partner for d in data if d.partner)
        reason = _("この事故に関係するのはパスワード通知書（%(notices)s）だけで、通知書には個人情報が記録されていません。") % {
            "notices": _labels(data)}
        if partners:
            reason += _("対応する記録媒体（%(media)s）はこの事故に関係していないため、") % {"media": partners}
        reason += _("保有個人情報の漏えい等に当たらず、個人情報保護委員会への報告は不要です（個人情報保護法施行規則第43条）。")
        return Decision(False, reason, (), "no_personal_data", advice=_(
            "パスワードを第三者に知られたおそれがあるため、対応する記録媒体のファイルは新しいパスワードで暗号化し直すことを"
            "検討してください。この通知書で開く記録媒体は、今後の事故では暗号化による除外を受けられません。"))

    personal = [d for d in data if d.holds_personal_data]
    unprotected = [d for d in personal if not d.protected]
    if personal and not unprotected:
        # Only what the ledger and the reporter say of each notice: "handed over on another occasion" is said of
        # a notice that was, "kept at the ward" of one that never left it.
        facts_said = "".join(_("%(fact)s。") % {"fact": fact} for d in personal for fact in d.key_facts)
        reason = _("関係する記録媒体（%(media)s）はパスワードを付して暗号化したファイルです。%(facts)sパスワード通知書は"
                   "この事故に関係していないため、「%(exception)s」として漏えい等に当たらず、個人情報保護委員会への報告は"
                   "不要です（個人情報保護法施行規則第43条第1号）。") % {
            "media": _labels(personal), "facts": facts_said, "exception": ENCRYPTION_EXCEPTION}
        return Decision(False, reason, (), "encrypted")

    if not triggers:
        reason = _("要配慮個人情報・財産的被害のおそれ・不正の目的・条例要配慮個人情報のいずれにも当たらず、本人の数も百人以下"
                   "（%(n)s人）のため、個人情報保護委員会への報告は不要です（個人情報保護法施行規則第43条の各号に当たりません）。"
                   ) % {"n": f"{facts.affected_count:,}"}
        return Decision(False, reason, ())

    prefix = ""
    encrypted_but_exposed = [d for d in unprotected if d.kind == DataKind.MEDIUM and d.encrypted]
    if encrypted_but_exposed:
        prefix = _("%(why)sため、暗号化による除外には当たりません。") % {
            "why": "。".join(_why_not_protected(d) for d in encrypted_but_exposed)}
    reason = prefix + _("%(triggers)sため、個人情報保護委員会への報告が必要です（%(law)s、同法施行規則第43条）。") % {
        "triggers": "、".join(_trigger_text(t, facts.affected_count) for t in triggers), "law": LAW_68}
    return Decision(True, reason, triggers)


def why_not_protected(item: DataAtRisk) -> str:
    """One clause saying why ``item`` does not fall under the encryption exception ("" when it does)."""
    if not item.holds_personal_data or item.protected:
        return ""
    return _why_not_protected(item)


@dataclass(frozen=True)
class Deadlines:
    """施行規則第44条: the 速報 「速やかに」 (shown as 3–5 days, 目安) and the 確報 within 30 or 60 days of
    the day the incident was learned of."""

    discovered_on: dt.date
    preliminary_from: dt.date
    preliminary_to: dt.date
    final: dt.date
    final_days: int


def deadlines(discovered_at: dt.datetime, decision: Decision) -> Deadlines | None:
    """The report deadlines of a reportable incident (None when nothing is to be reported).

    Counted from the day of discovery in Tokyo, the day itself not counted (初日不算入): discovered on
    1 June, the 確報 is due by 1 July. The ward's own knowledge may come later than the discovery at the
    contractor, but the contractor reports at once and the app counts from the earlier day.
    """
    if not decision.required:
        return None
    day = discovered_on(discovered_at)
    first, last = PRELIMINARY_DAYS
    return Deadlines(discovered_on=day, preliminary_from=day + dt.timedelta(days=first),
                     preliminary_to=day + dt.timedelta(days=last),
                     final=day + dt.timedelta(days=decision.final_report_days), final_days=decision.final_report_days)


def discovered_on(discovered_at: dt.datetime) -> dt.date:
    if discovered_at.tzinfo is None:
        return discovered_at.date()
    try:
        return discovered_at.astimezone(RULE_TIMEZONE).date()
    except (OverflowError, ValueError):  # the calendar's ends; the input bounds keep real values away
        return discovered_at.date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last minute of ``day`` in Tokyo, for a deadline that runs to the end of its day."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=RULE_TIMEZONE)


def remind_from(first_day: dt.date) -> dt.date:
    return first_day - REMIND_BEFORE
