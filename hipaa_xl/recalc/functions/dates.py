"""Date and time functions on serial numbers of the workbook's date system (1900 or 1904).

DATE, YEAR, MONTH, DAY, EDATE, EOMONTH, TODAY, NOW, DAYS, DATEDIF, DATEVALUE, WEEKDAY, WORKDAY(.INTL),
NETWORKDAYS(.INTL), YEARFRAC, DAYS360, TIME, HOUR, MINUTE, SECOND, as Microsoft's function reference
describes them (for example "DATEDIF function", "YEARFRAC function", "WORKDAY.INTL function").
Text dates and times are read (``"2024-01-31"``, ``"1:30 PM"``); serial numbers run from 0
(1900-01-00) to 2958465 (9999-12-31) and Excel's fictitious 1900-02-29 (serial 60) is kept; in a
1904 workbook from 0 (1904-01-01) to 2957003, years before 1904 being #NUM! (Microsoft, "Date
systems in Excel"; see :mod:`hipaa_xl.excel_dates`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any, Final

from hipaa_xl import clock, excel_dates
from hipaa_xl.recalc.functions import Ctx, as_int, excel_function, flat_values
from hipaa_xl.recalc.values import (
    NUM,
    VALUE,
    ExcelError,
    date_to_serial,
    serial_parts,
    text_to_number,
    to_number,
)


def _serial(value: Any) -> Any:
    """A date argument as a serial number (text dates are read), or an error.

    Serials run from 0 (1900-01-00; 1904-01-01 in the 1904 system) to 9999-12-31 23:59:59; beyond
    is #NUM!.
    """
    n = to_number(value)
    if type(n) is ExcelError:
        return n
    if n < 0 or n >= excel_dates.max_serial() + 1:
        return NUM
    return n


def _parts(value: Any) -> Any:
    n = _serial(value)
    if type(n) is ExcelError:
        return n
    parts = serial_parts(n)
    return NUM if parts is None else parts


@excel_function("YEAR", 1, 1, "v")
def year(value: Any) -> Any:
    parts = _parts(value)
    return parts if type(parts) is ExcelError else parts[0]


@excel_function("MONTH", 1, 1, "v")
def month(value: Any) -> Any:
    parts = _parts(value)
    return parts if type(parts) is ExcelError else parts[1]


@excel_function("DAY", 1, 1, "v")
def day(value: Any) -> Any:
    parts = _parts(value)
    return parts if type(parts) is ExcelError else parts[2]


def date_serial(year_: int, month_: int, day_: int) -> Any:
    """DATE(year, month, day) with Excel's rules: years 0-1899 add 1900, months and days roll over."""
    if 0 <= year_ < 1900:
        year_ += 1900
    if year_ < 0 or year_ > 9999:
        return NUM
    year_ += (month_ - 1) // 12
    month_ = (month_ - 1) % 12 + 1
    if year_ < 1900 or year_ > 9999:
        return NUM
    if excel_dates.uses_1904():
        try:
            serial = int(date_to_serial(dt.date(year_, month_, 1))) + day_ - 1
        except ValueError:
            return NUM
        return serial if 0 <= serial <= excel_dates.MAX_SERIAL_1904 else NUM
    if year_ == 1900 and month_ <= 2:  # Excel's own 1900 calendar, with 29 February as serial 60
        serial = (0 if month_ == 1 else 31) + day_
        return serial if serial >= 0 else NUM
    try:
        first = dt.date(year_, month_, 1)
    except ValueError:
        return NUM
    serial = int(date_to_serial(first)) + day_ - 1
    if serial < 0 or serial > 2958465:
        return NUM
    return serial


@excel_function("DATE", 3, 3, "v")
def date(year_: Any, month_: Any, day_: Any) -> Any:
    parts = [as_int(v) for v in (year_, month_, day_)]
    for p in parts:
        if type(p) is ExcelError:
            return p
    return date_serial(*parts)


def _shift_months(value: Any, months: Any) -> Any:
    """(year, month, day) of ``value`` moved by ``months``; booleans are #VALUE! (EDATE, EOMONTH)."""
    if type(value) is bool or type(months) is bool:
        return VALUE
    start = _serial(value)
    if type(start) is ExcelError:
        return start
    shift = as_int(months)
    if type(shift) is ExcelError:
        return shift
    parts = serial_parts(start)
    if parts is None:
        return NUM
    y, m, d = parts
    total = y * 12 + (m - 1) + shift
    y, m = divmod(total, 12)
    return y, m + 1, d


@excel_function("EDATE", 2, 2, "v", scalar_only=True)
def edate(value: Any, months: Any) -> Any:
    shifted = _shift_months(value, months)
    if type(shifted) is ExcelError:
        return shifted
    y, m, d = shifted
    if y < excel_dates.first_year() or y > 9999:
        return NUM
    return date_serial(y, m, min(d, calendar.monthrange(y, m)[1]))


@excel_function("EOMONTH", 2, 2, "v", scalar_only=True)
def eomonth(value: Any, months: Any) -> Any:
    shifted = _shift_months(value, months)
    if type(shifted) is ExcelError:
        return shifted
    y, m, _ = shifted
    if y < excel_dates.first_year() or y > 9999:
        return NUM
    return date_serial(y, m, calendar.monthrange(y, m)[1])


@excel_function("TODAY", 0, 0, "v")
def today() -> Any:
    return date_to_serial(clock.today())


@excel_function("NOW", 0, 0, "v")
def now() -> Any:
    return date_to_serial(clock.today())


@excel_function("DAYS", 2, 2, "v")
def days(end: Any, start: Any) -> Any:
    a, b = _serial(end), _serial(start)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    return math.floor(a) - math.floor(b)


# Excel's WEEKDAY return types: the weekday numbered 1 from the day given (0 = Sunday ... 6)
_WEEK_STARTS: Final = {1: 0, 2: 1, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 17: 0}


@excel_function("WEEKDAY", 1, 2, "v")
def weekday(value: Any, return_type: Any = 1) -> Any:
    """WEEKDAY: 1 (Sunday) to 7 by default; types 2 and 11-17 start the week on another day, 3
    counts Monday as 0. Serial 1 (1900-01-01) is a Sunday in Excel's calendar."""
    n = _serial(value)
    if type(n) is ExcelError:
        return n
    kind = as_int(1 if return_type is None else return_type)
    if type(kind) is ExcelError:
        return kind
    sunday_zero = excel_dates.weekday_from_sunday(math.floor(n))
    if kind == 3:
        return (sunday_zero - 1) % 7
    first = _WEEK_STARTS.get(kind)
    if first is None:
        return NUM
    return (sunday_zero - first) % 7 + 1


@excel_function("DATEVALUE", 1, 1, "v")
def datevalue(value: Any) -> Any:
    if type(value) is not str:
        return VALUE
    n = text_to_number(value)
    if n is None or not _DATE_LIKE.search(value):  # a number or a time alone is no date
        return VALUE
    return math.floor(n)


_DATE_LIKE: Final = re.compile(r"[-/]|[A-Za-z]{3}")
"""A date separator or a month name ("June 9, 1969" is 25363 in Excel)."""


@excel_function("DATEDIF", 3, 3, "v")
def datedif(start: Any, end: Any, unit: Any) -> Any:
    """DATEDIF: whole years "Y", months "M", days "D", and "MD", "YM", "YD" (days ignoring months
    and years, months ignoring years, days ignoring years). "MD" keeps Excel's arithmetic, so
    DATEDIF(2011-01-31, 2011-03-01, "MD") is -2 as in Excel."""
    a, b = _serial(start), _serial(end)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    a, b = math.floor(a), math.floor(b)
    if a > b:
        return NUM
    kind = str(unit).strip().upper()
    if kind == "D":
        return b - a
    pa, pb = serial_parts(a), serial_parts(b)
    if pa is None or pb is None:
        return NUM
    (ya, ma, da), (yb, mb, db) = pa, pb
    months = (yb - ya) * 12 + mb - ma - (1 if db < da else 0)
    if kind == "M":
        return months
    if kind == "Y":
        return months // 12
    if kind == "YM":
        return months % 12
    if kind == "MD":
        if db >= da:
            return db - da
        anchor = date_serial(yb, mb - 1, da)
        return NUM if type(anchor) is ExcelError else b - anchor
    if kind == "YD":  # the end moved into the start's year (Excel's 1900 has a 29 February)
        moved = date_serial(ya, mb, db)
        if type(moved) is ExcelError:
            return NUM
        if moved < a:
            moved = date_serial(ya + 1, mb, db)
            if type(moved) is ExcelError:
                return NUM
        return moved - a
    return NUM


# -- time of day -------------------------------------------------------------------------------


@excel_function("TIME", 3, 3, "v")
def time_(hour: Any, minute: Any, second: Any) -> Any:
    """TIME: the fraction of a day (hours past 24 wrap round); a negative total is #NUM!."""
    parts = [as_int(v) for v in (hour, minute, second)]
    for part in parts:
        if type(part) is ExcelError:
            return part
    h, m, sec = parts
    if max(h, m, sec) > 32767:
        return NUM
    total = h * 3600 + m * 60 + sec
    if total < 0:
        return NUM
    return (total % 86400) / 86400


def _clock(value: Any) -> Any:
    """(hour, minute, second) of a serial, rounded to the nearest second as Excel shows it."""
    n = _serial(value)
    if type(n) is ExcelError:
        return n
    seconds = int(Decimal(repr(float(n))) * 86400 % 86400 + Decimal("0.5")) % 86400
    hour, rest = divmod(seconds, 3600)
    return (hour, *divmod(rest, 60))


@excel_function("HOUR", 1, 1, "v")
def hour_(value: Any) -> Any:
    parts = _clock(value)
    return parts if type(parts) is ExcelError else parts[0]


@excel_function("MINUTE", 1, 1, "v")
def minute_(value: Any) -> Any:
    parts = _clock(value)
    return parts if type(parts) is ExcelError else parts[1]


@excel_function("SECOND", 1, 1, "v")
def second_(value: Any) -> Any:
    parts = _clock(value)
    return parts if type(parts) is ExcelError else parts[2]


# -- day counts ----------------------------------------------------------------------------------


def _is_last_of_february(year: int, month: int, day: int) -> bool:
    return month == 2 and day == (29 if calendar.isleap(year) or year == 1900 else 28)


@excel_function("DAYS360", 2, 3, "v")
def days360(start: Any, end: Any, european: Any = False) -> Any:
    """DAYS360: the US (NASD) method by default: a start on the 31st or the last day of February
    counts as the 30th; an end on the 31st counts as the 1st of the next month when the start is
    before the 30th, else as the 30th. European method (TRUE): 31sts count as 30ths."""
    a, b = _serial(start), _serial(end)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    method = to_bool_arg(european)
    if type(method) is ExcelError:
        return method
    # the dates to the nearest second first: 46000.999999 is the next day
    pa, pb = serial_parts(math.floor(round(a * 86400) / 86400)), serial_parts(math.floor(round(b * 86400) / 86400))
    if pa is None or pb is None:
        return NUM
    (y1, m1, d1), (y2, m2, d2) = pa, pb
    if method:
        d1, d2 = min(d1, 30), min(d2, 30)
    else:
        if d1 == 31 or _is_last_of_february(y1, m1, d1):
            d1 = 30
        if d2 == 31:
            if d1 < 30:
                d2, m2 = 1, m2 + 1
            else:
                d2 = 30
    return (y2 - y1) * 360 + (m2 - m1) * 30 + (d2 - d1)


def to_bool_arg(value: Any) -> Any:
    """An optional logical argument: blank or omitted is FALSE, numbers are non-zero, text #VALUE!."""
    if value is None:
        return False
    if type(value) is bool:
        return value
    if type(value) is str:
        upper = value.strip().upper()
        return upper == "TRUE" if upper in ("TRUE", "FALSE") else VALUE
    n = to_number(value)
    return n if type(n) is ExcelError else n != 0


@excel_function("YEARFRAC", 2, 3, "e", scalar_only=True)
def yearfrac(start: Any, end: Any, basis: Any = 0) -> Any:
    """YEARFRAC: the fraction of a year between two dates; basis 0 US 30/360 (default), 1
    actual/actual, 2 actual/360, 3 actual/365, 4 European 30/360. Basis 1 divides by 366 within
    one year that holds a 29 February, else by the average length of the years spanned."""
    # Excel checks the basis first (its error, a boolean, a basis outside 0-4), then the dates
    if type(basis) is bool:
        return VALUE
    kind = as_int(0 if basis is None else basis)
    if type(kind) is ExcelError:
        return kind
    if kind not in (0, 1, 2, 3, 4):
        return NUM
    for v in (start, end):
        if type(v) is ExcelError:
            return v
        if type(v) is bool:
            return VALUE
    a, b = _serial(start), _serial(end)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    a, b = math.floor(a), math.floor(b)
    if a > b:
        a, b = b, a
    if kind == 2:
        return (b - a) / 360
    if kind == 3:
        return (b - a) / 365
    pa, pb = serial_parts(a), serial_parts(b)
    if pa is None or pb is None:
        return NUM
    (y1, m1, d1), (y2, m2, d2) = pa, pb
    if kind == 4:
        return ((y2 - y1) * 360 + (m2 - m1) * 30 + (min(d2, 30) - min(d1, 30))) / 360
    if kind == 0:
        if d1 == 31 and d2 == 31:
            d1 = d2 = 30
        elif d1 == 31:
            d1 = 30
        elif d1 == 30 and d2 == 31:
            d2 = 30
        elif _is_last_of_february(y1, m1, d1) and _is_last_of_february(y2, m2, d2):
            d1 = d2 = 30
        elif _is_last_of_february(y1, m1, d1):
            d1 = 30
        return ((y2 - y1) * 360 + (m2 - m1) * 30 + (d2 - d1)) / 360
    within_a_year = y1 == y2 or (y2 == y1 + 1 and (m1 > m2 or (m1 == m2 and d1 >= d2)))
    if within_a_year:
        leap_inside = any(calendar.isleap(y) and a <= _serial_of(y, 2, 29) <= b for y in (y1, y2))
        leap = (y1 == y2 and calendar.isleap(y1)) or leap_inside or (m2, d2) == (2, 29)
        length = 366 if leap else 365
        return (b - a) / length
    years = y2 - y1 + 1
    span = (dt.date(y2 + 1, 1, 1) - dt.date(y1, 1, 1)).days  # the real calendar's days
    return (b - a) / (span / years)


def _serial_of(year: int, month: int, day: int) -> int:
    return int(date_to_serial(dt.date(year, month, day)))


# -- working days -----------------------------------------------------------------------------------

# weekend codes of WORKDAY.INTL and NETWORKDAYS.INTL: the weekend days, Monday = 0 ... Sunday = 6
_WEEKENDS: Final = {1: {5, 6}, 2: {6, 0}, 3: {0, 1}, 4: {1, 2}, 5: {2, 3}, 6: {3, 4}, 7: {4, 5},
                    11: {6}, 12: {0}, 13: {1}, 14: {2}, 15: {3}, 16: {4}, 17: {5}}


def _weekend(code: Any) -> Any:
    """The weekend days of a code (1-7, 11-17) or of a 7-character mask like "0000011"."""
    if code is None:
        return _WEEKENDS[1]
    if type(code) is str:
        if len(code) != 7 or set(code) - {"0", "1"} or code == "1111111":
            return VALUE
        return {i for i, ch in enumerate(code) if ch == "1"}
    n = as_int(code)
    if type(n) is ExcelError:
        return n
    return _WEEKENDS.get(n, NUM)


def _holidays(ctx: Ctx, value: Any) -> Any:
    """The holiday serials of a range or array (blanks skipped), or the first error."""
    out: set[int] = set()
    if value is None:
        return out
    for v, _ in flat_values(ctx.book, value):
        if v is None:
            continue
        n: Any = _serial(v) if type(v) is not bool else VALUE
        if type(n) is ExcelError:
            return n
        out.add(math.floor(n))
    return out


def _monday_zero(serial: int) -> int:
    return (excel_dates.weekday_from_sunday(serial) - 1) % 7


def _is_workday(serial: int, weekend: set[int], holidays: set[int]) -> bool:
    return _monday_zero(serial) not in weekend and serial not in holidays


def _workday(ctx: Ctx, start: Any, count: Any, weekend_code: Any, holidays: Any) -> Any:
    a = _serial(start)
    if type(a) is ExcelError:
        return a
    n = as_int(count)
    if type(n) is ExcelError:
        return n
    weekend = _weekend(weekend_code)
    if type(weekend) is ExcelError:
        return weekend
    off = _holidays(ctx, holidays)
    if type(off) is ExcelError:
        return off
    day = math.floor(a)
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        day += step
        if not 0 <= day <= excel_dates.max_serial():
            return NUM
        if _is_workday(day, weekend, off):
            left -= 1
    return day


def _networkdays(ctx: Ctx, start: Any, end: Any, weekend_code: Any, holidays: Any) -> Any:
    a, b = _serial(start), _serial(end)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    weekend = _weekend(weekend_code)
    if type(weekend) is ExcelError:
        return weekend
    off = _holidays(ctx, holidays)
    if type(off) is ExcelError:
        return off
    first, last = math.floor(a), math.floor(b)
    sign = 1
    if first > last:
        first, last, sign = last, first, -1
    total = last - first + 1
    weeks = total // 7
    count = weeks * (7 - len(weekend))
    count += sum(1 for d in range(first + weeks * 7, last + 1) if _monday_zero(d) not in weekend)
    count -= sum(1 for h in off if first <= h <= last and _monday_zero(h) not in weekend)
    return sign * count


@excel_function("WORKDAY", 2, 3, "vvr", needs_ctx=True, scalar_only=True)
def workday(ctx: Ctx, start: Any, count: Any, holidays: Any = None) -> Any:
    """WORKDAY: the day ``count`` working days (Monday to Friday, not a holiday) from ``start``."""
    return _workday(ctx, start, count, None, holidays)


@excel_function("WORKDAY.INTL", 2, 4, "vvvr", needs_ctx=True, scalar_only=True)
def workday_intl(ctx: Ctx, start: Any, count: Any, weekend: Any = None, holidays: Any = None) -> Any:
    return _workday(ctx, start, count, weekend, holidays)


@excel_function("NETWORKDAYS", 2, 3, "vvr", needs_ctx=True, scalar_only=True)
def networkdays(ctx: Ctx, start: Any, end: Any, holidays: Any = None) -> Any:
    """NETWORKDAYS: working days from ``start`` to ``end``, both counted (negative when reversed)."""
    return _networkdays(ctx, start, end, None, holidays)


@excel_function("NETWORKDAYS.INTL", 2, 4, "vvvr", needs_ctx=True, scalar_only=True)
def networkdays_intl(ctx: Ctx, start: Any, end: Any, weekend: Any = None, holidays: Any = None) -> Any:
    return _networkdays(ctx, start, end, weekend, holidays)
