"""A cell's text read as a fiscal year or a date: the ward's ways of writing them, and the slips refused with the
bounds core.bounds gives every form and service."""

import datetime as dt

import pytest

from imports import values


@pytest.mark.parametrize(("text", "year"), [
    ("2026", 2026), ("2026年度", 2026), ("令和8年度", 2026), ("令和８", 2026), ("R8", 2026), ("令和元年度", 2019),
    ("平成31年度", 2019), ("２０２６", 2026),
])
def test_fiscal_years_as_a_ward_writes_them(text, year):
    assert values.fiscal_year(text) == year


@pytest.mark.parametrize("text", ["20260", "0226", "1900", "令和99年度"])
def test_a_year_out_of_range_is_refused_with_the_range(text):
    with pytest.raises(values.CellError, match="年度は1989年度（平成元年度）から2099年度"):
        values.fiscal_year(text)


@pytest.mark.parametrize("text", ["来年", "2026/4", ""])
def test_what_is_not_a_year_says_how_to_write_one(text):
    with pytest.raises(values.CellError, match="「2026」「令和8年度」のように"):
        values.fiscal_year(text)


@pytest.mark.parametrize(("text", "day"), [
    ("2026-04-01", dt.date(2026, 4, 1)), ("2026/4/1", dt.date(2026, 4, 1)), ("2026年4月1日", dt.date(2026, 4, 1)),
    ("令和8年4月1日", dt.date(2026, 4, 1)), ("R8.4.1", dt.date(2026, 4, 1)), ("2026-04-01 00:00:00", dt.date(2026, 4, 1)),
])
def test_dates_as_a_ward_writes_them(text, day):
    assert values.date(text) == day


@pytest.mark.parametrize(("text", "words"), [
    ("20260-04-01", "1989年1月8日から2100年12月31日までの日付"),
    ("0001-01-01", "1989年1月8日から2100年12月31日までの日付"),
    ("2026-02-30", "「2026-02-30」という日はありません。"),
    ("4月1日", "「2026-04-01」「令和8年4月1日」のように"),
])
def test_a_date_slip_is_refused_in_words(text, words):
    with pytest.raises(values.CellError, match=words):
        values.date(text)
