"""A cell's text read as the value a column holds (a fiscal year, a date, a yes/no), or a Japanese reason why not.

Each reader raises :class:`CellError` with a message that says what was typed wrong and what would be accepted;
the bounds are core.bounds' own (the same the forms and the services apply), so a year typed 20260 for 2026 is
refused here as it would be on the contract's page."""

import datetime as dt
import re

from django.utils.translation import gettext as _

from core import bounds

from .reading import normalise


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


ERA_STARTS = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989}
_ERA = r"(令和|平成|R|H)\s*(元|\d{1,2})"
_YEAR = re.compile(rf"(?:(\d{{1,6}})|{_ERA})\s*(?:年度|年)?")
_DATE = re.compile(rf"(?:(\d{{1,6}})|{_ERA})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?(?:[ T]0?0:00(?::00)?)?")
_YES = {"はい", "○", "〇", "yes", "y", "true", "1", "する", "有", "あり"}
_NO = {"いいえ", "×", "no", "n", "false", "0", "しない", "無", "なし", "-", ""}


def _western(digits: str | None, era: str | None, era_year: str | None) -> int:
    if digits is not None:
        return int(digits)
    number = 1 if era_year == "元" else int(era_year)
    return ERA_STARTS[era] + number - 1


def fiscal_year(text: str) -> int:
    """「2026」「2026年度」「令和8年度」「R8」「令和元年度」 → 2026 …; within core.bounds' fiscal years."""
    value = normalise(text).upper()
    match = _YEAR.fullmatch(value)
    if not match:
        raise CellError(_("年度は「2026」「令和8年度」のように入力してください（いま「%(value)s」）。") % {"value": text})
    year = _western(match.group(1), match.group(2), match.group(3))
    message = bounds.problem(bounds.YEAR, year)
    if message:
        raise CellError(message)
    return year


def date(text: str) -> dt.date:
    """「2026-04-01」「2026/4/1」「2026年4月1日」「令和8年4月1日」「R8.4.1」; within core.bounds' dates."""
    value = normalise(text).upper()
    match = _DATE.fullmatch(value)
    if not match:
        raise CellError(_("日付は「2026-04-01」「令和8年4月1日」のように入力してください（いま「%(value)s」）。")
                        % {"value": text})
    year = _western(match.group(1), match.group(2), match.group(3))
    try:
        day = dt.date(year, int(match.group(4)), int(match.group(5)))
    except ValueError:
        if not 1 <= year <= 9999:
            raise CellError(bounds.problem(bounds.DATE, bounds.DATE_MAX + dt.timedelta(days=1))) from None
        raise CellError(_("「%(value)s」という日はありません。") % {"value": text}) from None
    message = bounds.problem(bounds.DATE, day)
    if message:
        raise CellError(message)
    return day


def yes_no(text: str) -> bool:
    value = normalise(text).lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(_("「はい」か「いいえ」で入力してください（いま「%(value)s」）。") % {"value": text})


def bounded_text(text: str, model, field: str, *, required: bool) -> str:
    """The cell's text (trimmed) within the model column's length; refused when required and empty."""
    value = (text or "").strip()
    if required and not value:
        raise CellError(_("入力してください（空欄です）。"))
    message = bounds.problem(bounds.model_field_bound(model._meta.get_field(field)), value)
    if message:
        raise CellError(message)
    return value
