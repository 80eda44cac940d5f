"""Excel serial numbers and dates, in one place for every adapter, in either of Excel's date systems.

The 1900 date system (the default): Excel counts 1900-01-01 as 1 and keeps a fictitious 1900-02-29
as serial 60, so days before 1900-03-01 are one less than a plain count from 1899-12-30.

The 1904 date system (``<workbookPr date1904="1"/>``, ECMA-376 Part 1, 18.2.28; Microsoft's "Date
systems in Excel"): serial 0 is 1904-01-01, with no fictitious day, so a serial is 1,462 less than
the same date's 1900 serial; days before 1904 have no serial.

Which system applies is the workbook's: recalculation sets it with :func:`date_system` around the
evaluation of a workbook, and every conversion here follows it unless told otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

EPOCH: Final = dt.date(1899, 12, 30)
MAX_SERIAL: Final = 2958465  # 9999-12-31 in the 1900 system
OFFSET_1904: Final = 1462
"""The 1900 serial of 1904-01-01, serial 0 of the 1904 system."""
MAX_SERIAL_1904: Final = MAX_SERIAL - OFFSET_1904  # 9999-12-31 in the 1904 system
_EPOCH_ORD: Final = EPOCH.toordinal()
_EPOCH_1904_ORD: Final = dt.date(1904, 1, 1).toordinal()

_DATE1904: ContextVar[bool] = ContextVar("hipaa_xl_date1904", default=False)


@contextmanager
def date_system(date1904: bool) -> Iterator[None]:
    """Within the block, serials are in the 1904 system when ``date1904`` is true, else 1900."""
    token = _DATE1904.set(date1904)
    try:
        yield
    finally:
        _DATE1904.reset(token)


def uses_1904() -> bool:
    """True while the 1904 date system applies (see :func:`date_system`)."""
    return _DATE1904.get()


def max_serial() -> int:
    """The serial of 9999-12-31, the last day Excel shows, in the current system."""
    return MAX_SERIAL_1904 if _DATE1904.get() else MAX_SERIAL


def first_year() -> int:
    """The first year that has serials in the current system (1900 or 1904)."""
    return 1904 if _DATE1904.get() else 1900


def date_to_serial(day: dt.date | dt.datetime, date1904: bool | None = None) -> float | int:
    """The Excel serial number of a date (or date-time, with the time as a fraction).

    ``date1904`` None: the current system. A 1904 serial of a day before 1904 is negative (no date).
    """
    system = _DATE1904.get() if date1904 is None else date1904
    if isinstance(day, dt.datetime):
        whole = date_to_serial(day.date(), system)
        seconds = day.hour * 3600 + day.minute * 60 + day.second + day.microsecond / 1e6
        return whole + seconds / 86400 if seconds else whole
    if system:
        return day.toordinal() - _EPOCH_1904_ORD
    serial = day.toordinal() - _EPOCH_ORD
    if serial < 61:  # before 1900-03-01 Excel counts one day less (no fake 29 February yet)
        serial -= 1
    return serial


def serial_to_date(serial: float, date1904: bool | None = None) -> dt.date | None:
    """The date of a serial number; None when Excel has no date for it (NaN, below the first day,
    the fictitious 1900-02-29, after 9999-12-31). ``date1904`` None: the current system."""
    if math.isnan(serial) or math.isinf(serial):
        return None
    whole = math.floor(serial)
    if _DATE1904.get() if date1904 is None else date1904:
        if whole < 0 or whole > MAX_SERIAL_1904:
            return None
        return dt.date.fromordinal(_EPOCH_1904_ORD + whole)
    if whole < 1 or whole == 60 or whole > MAX_SERIAL:
        return None
    if whole < 60:
        whole += 1
    return dt.date.fromordinal(_EPOCH_ORD + whole)


def weekday_from_sunday(serial: int) -> int:
    """0 for a Sunday ... 6 for a Saturday, in the current system (1900-01-01, serial 1, is a Sunday
    in Excel's 1900 calendar; 1904-01-01, serial 0, a Friday)."""
    return (serial + (OFFSET_1904 if _DATE1904.get() else 0) - 1) % 7
