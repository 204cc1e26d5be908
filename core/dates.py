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
            value = timezone.localtime(value)
        return value.date()
    return value


def era_year(value) -> tuple[str, int]:
    day = to_local_date(value)
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before the eras this app prints")


def wareki(value) -> str:
    """令和7年5月1日 (元年 for the first year, as documents write it)."""
    if value is None:
        return ""
    day = to_local_date(value)
    name, year = era_year(day)
    year_text = "元" if year == 1 else str(year)
    return f"{name}{year_text}年{day.month}月{day.day}日"


def wareki_datetime(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{wareki(local)} {local:%H:%M}"


def fiscal_year_label(year: int) -> str:
    """令和7年度 (2025年度)."""
    name, era = era_year(dt.date(year, 4, 1))
    return f"{name}{'元' if era == 1 else era}年度"
