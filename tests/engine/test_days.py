"""Continuing violations one per day (45 CFR 160.406) and the six-year limitation (1320a-7a(c)(1))."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipaa_xl.engine.days import (
    count_days,
    days_in_year,
    first_day_in_time,
    is_time_barred,
    sixth_anniversary,
    split_by_limitation,
    split_by_year,
)
from hipaa_xl.errors import InvalidValue

D = dt.date


def test_continuing_violation_counts_one_per_day_both_ends_included() -> None:
    assert count_days(D(2024, 3, 1), D(2024, 3, 1)) == 1
    assert count_days(D(2024, 3, 1), D(2024, 3, 31)) == 31


def test_continuing_violation_across_29_february_counts_the_leap_day() -> None:
    assert count_days(D(2024, 2, 28), D(2024, 3, 1)) == 3
    assert count_days(D(2023, 2, 28), D(2023, 3, 1)) == 2


def test_continuing_violation_across_31_december_is_split_by_calendar_year() -> None:
    assert split_by_year(D(2023, 12, 30), D(2024, 1, 2)) == [
        (2023, D(2023, 12, 30), D(2023, 12, 31)),
        (2024, D(2024, 1, 1), D(2024, 1, 2)),
    ]
    assert days_in_year(D(2023, 12, 30), D(2024, 1, 2), 2023) == 2
    assert days_in_year(D(2023, 12, 30), D(2024, 1, 2), 2025) == 0
    assert days_in_year(D(2024, 1, 1), D(2024, 12, 31), 2024) == 366


def test_end_before_start_is_an_error() -> None:
    with pytest.raises(InvalidValue):
        count_days(D(2024, 3, 2), D(2024, 3, 1))


def test_time_bar_on_the_sixth_anniversary_is_still_in_time() -> None:
    assert not is_time_barred(D(2018, 6, 30), D(2024, 6, 30))
    assert is_time_barred(D(2018, 6, 30), D(2024, 7, 1))


def test_time_bar_anniversary_of_29_february_is_28_february() -> None:
    assert sixth_anniversary(D(2024, 2, 29)) == D(2030, 2, 28)
    assert not is_time_barred(D(2024, 2, 29), D(2030, 2, 28))
    assert is_time_barred(D(2024, 2, 29), D(2030, 3, 1))


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)))
def test_first_day_in_time_is_exactly_where_the_bar_stops(as_of: dt.date) -> None:
    first = first_day_in_time(as_of)
    assert not is_time_barred(first, as_of)
    assert is_time_barred(first - dt.timedelta(days=1), as_of)


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=6000),
)
def test_limitation_splits_a_continuing_violation_day_by_day(start: dt.date, length: int, later: int) -> None:
    end = start + dt.timedelta(days=length)
    as_of = end + dt.timedelta(days=later)
    barred, in_time = split_by_limitation(start, end, as_of)
    n_barred = 0 if barred is None else count_days(*barred)
    n_in = 0 if in_time is None else count_days(*in_time)
    assert n_barred + n_in == count_days(start, end)
    if barred is not None:
        assert is_time_barred(barred[1], as_of)
    if in_time is not None:
        assert not is_time_barred(in_time[0], as_of)
