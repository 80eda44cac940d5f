"""Date functions on 1900-system serial numbers: DATE, YEAR, MONTH, DAY, EDATE, EOMONTH, TODAY..."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

from hipaa_xl import clock
from hipaa_xl.recalc.functions import as_int, excel_function
from hipaa_xl.recalc.values import (
    NUM,
    VALUE,
    ExcelError,
    date_to_serial,
    serial_parts,
    serial_to_date,
    text_to_number,
    to_number,
)


def _serial(value: Any) -> Any:
    """A date argument as a serial number (text dates are read), or an error.

    Serials run from 0 (1900-01-00) to 2958465.99999 (9999-12-31 23:59:59); beyond is #NUM!.
    """
    n = to_number(value)
    if type(n) is ExcelError:
        return n
    if n < 0 or n >= 2958466:
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


@excel_function("EDATE", 2, 2, "v")
def edate(value: Any, months: Any) -> Any:
    shifted = _shift_months(value, months)
    if type(shifted) is ExcelError:
        return shifted
    y, m, d = shifted
    if y < 1900 or y > 9999:
        return NUM
    return date_serial(y, m, min(d, calendar.monthrange(y, m)[1]))


@excel_function("EOMONTH", 2, 2, "v")
def eomonth(value: Any, months: Any) -> Any:
    shifted = _shift_months(value, months)
    if type(shifted) is ExcelError:
        return shifted
    y, m, _ = shifted
    if y < 1900 or y > 9999:
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


@excel_function("WEEKDAY", 1, 2, "v")
def weekday(value: Any, return_type: Any = 1) -> Any:
    n = _serial(value)
    if type(n) is ExcelError:
        return n
    kind = as_int(1 if return_type is None else return_type)
    sunday_first = (math.floor(n) - 1) % 7 + 1  # serial 1 (1900-01-01) is a Sunday in Excel
    if kind == 1:
        return sunday_first
    if kind == 2:
        return (sunday_first - 2) % 7 + 1
    if kind == 3:
        return (sunday_first - 2) % 7
    return NUM


@excel_function("DATEVALUE", 1, 1, "v")
def datevalue(value: Any) -> Any:
    if type(value) is not str:
        return VALUE
    n = text_to_number(value)
    if n is None or ("-" not in value and "/" not in value):
        return VALUE
    return math.floor(n)


@excel_function("DATEDIF", 3, 3, "v")
def datedif(start: Any, end: Any, unit: Any) -> Any:
    a, b = _serial(start), _serial(end)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    if a > b:
        return NUM
    kind = str(unit).upper()
    if kind == "D":
        return math.floor(b) - math.floor(a)
    da, db = serial_to_date(a), serial_to_date(b)
    if da is None or db is None:
        return NUM
    months = (db.year - da.year) * 12 + db.month - da.month - (1 if db.day < da.day else 0)
    if kind == "M":
        return months
    if kind == "Y":
        return months // 12
    return NUM
