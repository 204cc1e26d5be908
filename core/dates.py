"""Dates as Japanese documents print them: Asia/Tokyo, with the Japanese era (令和7年5月1日)."""

import datetime as dt

from django.utils import timezone

# (first day, era name); newest first.
ERAS = [
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
]


def to_local_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            try:
                value = timezone.localtime(value)
            except (OverflowError, ValueError):  # 0001-01-01 or 9999-12-31 cannot move to Tokyo time
                pass
        return value.date()
    return value


def era_year(value) -> tuple[str, int]:
    day = to_local_date(value)
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before the eras this app prints")


# The display functions below never raise: a page that names a date written before the input bounds
# (core.bounds) existed, or typed wrongly into the admin, must still open for everyone so that the
# wrong value can be seen and corrected. Outside the eras, they print the Western year as it is.


def wareki(value) -> str:
    """令和7年5月1日 (元年 for the first year, as documents write it); 0226年4月1日 outside the eras."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.date):
        return str(value)
    day = to_local_date(value)
    try:
        name, year = era_year(day)
    except ValueError:
        return f"{day.year:04d}年{day.month}月{day.day}日"
    year_text = "元" if year == 1 else str(year)
    return f"{name}{year_text}年{day.month}月{day.day}日"


def wareki_datetime(value) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return wareki(value)
    local = value
    if timezone.is_aware(value):
        try:
            local = timezone.localtime(value)
        except (OverflowError, ValueError):
            pass
    return f"{wareki(local)} {local:%H:%M}"


def fiscal_year_label(year) -> str:
    """令和7年度 (2025年度); 20260年度 for a year outside the eras."""
    try:
        name, era = era_year(dt.date(int(year), 4, 1))
    except (ValueError, TypeError, OverflowError):
        return f"{year}年度"
    return f"{name}{'元' if era == 1 else era}年度"
