"""The seed's rules for handing personal data over, by name.

Each constant holds the sentence of the seed's checklist (別紙, 委託にあたり区が行う個人情報保護対策
【運用上の対策】) that a refusal quotes, so a clerk reads why the app said no in the words the council
approved. The tests quote the seed lines these come from.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# 「電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、
# 手渡しで行うよう指導する。」 The medium and its notice travel on separate occasions.
SEPARATION_RULE = "電磁的媒体（DVD-R等）とパスワード通知書の受渡しは、それぞれ別の機会を設定し、鍵付きカバン等を使用して、手渡しで行う"

# 「個人情報を手交する場合は、鍵付きカバン等を使用して運搬する。」
HAND_CARRY_RULE = "個人情報を手交する場合は、鍵付きカバン等を使用して運搬する。"

# 「個人情報の受渡しにあたっては、管理簿に記載する。管理簿には、日時、取扱者、情報の内容、数量を確認記録票に
# 記録し、履歴を追跡できるようにする。」
LEDGER_RULE = (
    "個人情報の受渡しにあたっては、管理簿に記載する。管理簿には、日時、取扱者、情報の内容、数量を確認記録票に記録し、"
    "履歴を追跡できるようにする。"
)

# 「個人情報は、施錠できる金庫又はキャビネット等に保管する。」
STORAGE_RULE = "個人情報は、施錠できる金庫又はキャビネット等に保管する。"

# 「取扱う個人情報の管理について、必要に応じて又は定期的に確認する体制を構築する」
PERIODIC_CHECK_RULE = "取扱う個人情報の管理について、必要に応じて又は定期的に確認する体制を構築する"

# 「取扱責任者及び取扱者をあらかじめ指定し、区に報告する」: only approved designees receive items.
DESIGNEE_RULE = "取扱責任者及び取扱者をあらかじめ指定し、区に報告する"

# 「業務履行後、個人情報が記録された電磁的媒体（DVD-R等）、紙媒体及びパスワード通知書は返却し…」
RETURN_RULE = "業務履行後、個人情報が記録された電磁的媒体（DVD-R等）、紙媒体及びパスワード通知書は返却し"

# The seed's 鍵付きカバン等: what the form suggests. Stored as this word whatever the interface language,
# so the ledger reads the same for everyone, and shown in the reader's language.
LOCKED_BAG = "鍵付きカバン"
LOCKED_BAG_LABEL = _("鍵付きカバン")


def canonical_container(value: str) -> str:
    value = (value or "").strip()
    return LOCKED_BAG if value == str(LOCKED_BAG_LABEL) else value


def container_label(value: str) -> str:
    return str(LOCKED_BAG_LABEL) if value == LOCKED_BAG else value


def quote(rule: str) -> str:
    """A rule as a refusal quotes it: the seed's words and where they stand."""
    return gettext("「%(rule)s」（別紙 個人情報保護対策チェックリスト）") % {"rule": rule}


# "Not on the same calendar day" is a day in Tokyo, whatever the server's own setting.
RULE_TIMEZONE = ZoneInfo("Asia/Tokyo")

# A handover recorded on a phone a minute "in the future" of the server is not an error, nor one
# written down a few minutes after the hand-over; beyond this it is a late entry (事後記録) with a reason.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)

# An acknowledgement still missing after this long is reminded of and shows as overdue.
ACKNOWLEDGEMENT_DUE = dt.timedelta(days=1)
# A received item whose storage place is still unrecorded after this long shows as overdue.
STORAGE_RECORD_DUE = dt.timedelta(days=1)


def min_gap_hours() -> float | None:
    """The configured gap between the two handovers of a pair, or None for "another calendar day"."""
    value = str(getattr(settings, "HANDOVER_MIN_GAP_HOURS", "") or "").strip()
    return float(value) if value else None


def earliest_partner_time(previous: dt.datetime) -> dt.datetime:
    """The first moment the other half of a pair may travel after one half travelled at ``previous``."""
    hours = min_gap_hours()
    if hours is None:
        day = previous.astimezone(RULE_TIMEZONE).date() + dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time.min, tzinfo=RULE_TIMEZONE)
    return previous + dt.timedelta(hours=hours)


def occasion_moments(handover) -> list[dt.datetime]:
    """When a handover happened as far as the app can tell: the stated time, and the moments it was really
    written in the ledger and acknowledged (as the separation check counts them)."""
    return [moment for moment in (handover.handed_at, handover.recorded_at, handover.acknowledged_at) if moment]


def partner_time_before(following: dt.datetime) -> dt.datetime:
    """A moment such that every time before it is on another occasion than a handover at ``following``:
    the start of its Tokyo day, or the set gap before it."""
    hours = min_gap_hours()
    if hours is None:
        day = following.astimezone(RULE_TIMEZONE).date()
        return dt.datetime.combine(day, dt.time.min, tzinfo=RULE_TIMEZONE)
    return following - dt.timedelta(hours=hours)


def separate_occasions(first: dt.datetime, second: dt.datetime) -> bool:
    """Whether two handovers of a pair are far enough apart (in either order)."""
    hours = min_gap_hours()
    if hours is None:
        return first.astimezone(RULE_TIMEZONE).date() != second.astimezone(RULE_TIMEZONE).date()
    return abs(second - first) >= dt.timedelta(hours=hours)


def storage_check_interval() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "STORAGE_CHECK_INTERVAL_DAYS", 30)))
