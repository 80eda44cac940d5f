"""Federal business days and the 45 CFR 160.526 computation of time.

160.526(a): the count begins with the day after the event and includes the last day, unless that
day is a Saturday, Sunday or legal holiday observed by the Federal Government, when it includes the
next business day. (b): a period under 7 days skips intermediate Saturdays, Sundays and holidays.
(c): 5 days are added for a response to a document served by mail (not for a hearing request).

The holidays are the legal public holidays of 5 U.S.C. 6103(a), observed on the Friday before a
Saturday and the Monday after a Sunday (6103(b); E.O. 11582), from python-holidays' United States
calendar (category "public", observed days included).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from hipaa_xl.errors import InvalidValue, OutOfRange

_SATURDAY = 5


@functools.cache
def _calendar() -> Any:
    try:
        import holidays  # imported on first use: the penalty functions never need it
    except ImportError:  # e.g. an xlwings Lite workbook whose requirements lack it
        raise InvalidValue("federal holidays need the 'holidays' package (add it to the requirements)") from None
    return holidays.country_holidays("US", categories=("public",), observed=True)


def federal_holiday(day: dt.date) -> str | None:
    """The name of the federal legal holiday observed on ``day`` (an observed day included), else None."""
    if not 1900 <= day.year <= 9999:
        raise OutOfRange(f"year must be between 1900 and 9999 (got {day.year})")
    name = _calendar().get(day)
    return None if name is None else str(name)


def is_business_day(day: dt.date) -> bool:
    """Monday to Friday and not a federal legal holiday."""
    return day.weekday() < _SATURDAY and federal_holiday(day) is None


def why_not_business_day(day: dt.date) -> str:
    """"Saturday", "Sunday" or the holiday's name; empty for a business day."""
    if day.weekday() >= _SATURDAY:
        return day.strftime("%A")
    return federal_holiday(day) or ""


def _plus(day: dt.date, n: int) -> dt.date:
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        raise OutOfRange(f"the date falls after 9999-12-31 ({day.isoformat()} + {n} days)") from None


def next_business_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day):
        day = _plus(day, 1)
    return day


def count_160_526(start: dt.date, days: int, short_period_days: int = 7) -> tuple[dt.date, dt.date]:
    """(last day counted, due date) for ``days`` days after ``start`` under 160.526(a)-(b).

    Periods of ``short_period_days`` or more: start + days, moved to the next business day when it
    falls on a weekend or holiday. Shorter periods count business days only.
    """
    if days < 0:
        raise OutOfRange(f"a period cannot be negative (got {days})")
    if days < short_period_days:
        day, counted = start, 0
        while counted < days:
            day = _plus(day, 1)
            if is_business_day(day):
                counted += 1
        return day, day
    last = _plus(start, days)
    return last, next_business_day(last)
