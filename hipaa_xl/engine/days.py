"""Counting violations in days (45 CFR 160.406) and the six-year limitation (1320a-7a(c)(1)).

A continuing violation is one violation for each day the entity is in violation, counted from start
through end with both ends included, split by calendar year (1 January - 31 December).
"""

from __future__ import annotations

import datetime as dt

from hipaa_xl.errors import InvalidValue, OutOfRange
from hipaa_xl.law.loader import load_rules

MIN_YEAR, MAX_YEAR = 1900, 9999
ONE_DAY = dt.timedelta(days=1)


def check_order(start: dt.date, end: dt.date) -> None:
    """End before start is an error (#VALUE!)."""
    if end < start:
        raise InvalidValue(f"end date {end.isoformat()} is before start date {start.isoformat()}")


def check_year(year: int) -> int:
    """A calendar year between 1900 and 9999 (#NUM! otherwise): the one year validator, which the
    Excel functions (``cells.parse_year``) use too."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfRange(f"year must be between {MIN_YEAR} and {MAX_YEAR} (got {year})")
    return year


def clip(start: dt.date, end: dt.date, lo: dt.date | None, hi: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The part of [start, end] inside [lo, hi] (either bound optional), or None when empty."""
    a = max(start, lo) if lo is not None else start
    b = min(end, hi) if hi is not None else end
    return (a, b) if a <= b else None


def count_days(start: dt.date, end: dt.date) -> int:
    """Calendar days from start through end, both counted (160.406); 29 February counts."""
    check_order(start, end)
    return (end - start).days + 1


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    check_year(year)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def days_in_year(start: dt.date, end: dt.date, year: int) -> int:
    """Days of [start, end] that fall in calendar ``year``."""
    check_order(start, end)
    part = clip(start, end, *year_bounds(year))
    return 0 if part is None else (part[1] - part[0]).days + 1


def segments(
    start: dt.date, end: dt.date, cuts: tuple[dt.date, ...] = ()
) -> list[tuple[int, dt.date, dt.date]]:
    """[start, end] cut at each 31 December and before each day in ``cuts`` (the first day of a new
    period, e.g. a regime line): (year, first day, last day) per piece, in order.

    The one period splitter: the engine's exposure rows and the workbook's Exposure rows both use it.
    """
    for cut in cuts:
        if start < cut <= end:
            break
    else:  # the common case, written out (it runs for every continuing incident): 31 December only
        if start.year == end.year:
            return [(start.year, start, end)]
        pieces = [(start.year, start, dt.date(start.year, 12, 31))]
        for year in range(start.year + 1, end.year):
            pieces.append((year, dt.date(year, 1, 1), dt.date(year, 12, 31)))
        pieces.append((end.year, dt.date(end.year, 1, 1), end))
        return pieces
    inside = {cut for cut in cuts if start < cut <= end}
    firsts = sorted({start, *inside, *(dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1))})
    lasts = [*(f - ONE_DAY for f in firsts[1:]), end]
    return [(first.year, first, last) for first, last in zip(firsts, lasts, strict=True)]


def split_by_year(start: dt.date, end: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """[start, end] cut at each 31 December: (year, first day, last day) per calendar year."""
    check_order(start, end)
    return segments(start, end)


def sixth_anniversary(day: dt.date) -> dt.date:
    """The same day six years on; 29 February becomes 28 February."""
    years = load_rules().limitation_years.value
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 2, 28)


def is_time_barred(day: dt.date, as_of: dt.date) -> bool:
    """True when ``as_of`` is later than the violation's sixth anniversary (1320a-7a(c)(1);
    45 CFR 160.414; AG: 1320d-5(d)(8)). On the anniversary itself the action is in time."""
    if as_of < day:
        raise InvalidValue(
            f"the as-of date {as_of.isoformat()} is before the violation date {day.isoformat()}"
        )
    return as_of > sixth_anniversary(day)


def first_day_in_time(as_of: dt.date) -> dt.date:
    """The earliest violation day that is not time-barred on ``as_of``.

    The sixth anniversary never decreases as the day advances, so the days in time are exactly those
    from the first day whose anniversary is on or after ``as_of``.
    """
    years = load_rules().limitation_years.value
    try:
        candidate = as_of.replace(year=as_of.year - years)
    except ValueError:  # as_of is 29 February and six years earlier has none
        candidate = dt.date(as_of.year - years, 3, 1)
    # 28 February's anniversary may fall short when as_of is 29 February: step forward while barred.
    while sixth_anniversary(candidate) < as_of:
        candidate += dt.timedelta(days=1)
    # and step back while the previous day is still in time (29 February -> 28 February mapping)
    while sixth_anniversary(candidate - dt.timedelta(days=1)) >= as_of:
        candidate -= dt.timedelta(days=1)
    return candidate


def split_by_limitation(
    start: dt.date, end: dt.date, as_of: dt.date | None
) -> tuple[tuple[dt.date, dt.date] | None, tuple[dt.date, dt.date] | None]:
    """[start, end] as (time-barred part, part in time) on ``as_of``; no as_of: nothing is barred."""
    check_order(start, end)
    if as_of is None:
        return None, (start, end)
    first = first_day_in_time(as_of)
    barred = clip(start, end, None, first - dt.timedelta(days=1))
    in_time = clip(start, end, first, None)
    return barred, in_time
