"""Excel serial numbers (the 1900 date system) and dates, in one place for every adapter.

Excel counts 1900-01-01 as 1 and keeps a fictitious 1900-02-29 as serial 60, so days before
1900-03-01 are one less than a plain count from 1899-12-30.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

EPOCH: Final = dt.date(1899, 12, 30)
MAX_SERIAL: Final = 2958465  # 9999-12-31
_EPOCH_ORD: Final = EPOCH.toordinal()


def date_to_serial(day: dt.date | dt.datetime) -> float | int:
    """The Excel serial number of a date (or date-time, with the time as a fraction)."""
    if isinstance(day, dt.datetime):
        whole = date_to_serial(day.date())
        seconds = day.hour * 3600 + day.minute * 60 + day.second + day.microsecond / 1e6
        return whole + seconds / 86400 if seconds else whole
    serial = day.toordinal() - _EPOCH_ORD
    if serial < 61:  # before 1900-03-01 Excel counts one day less (no fake 29 February yet)
        serial -= 1
    return serial


def serial_to_date(serial: float) -> dt.date | None:
    """The date of a serial number; None when Excel has no date for it (NaN, below 1, 60, too big)."""
    if math.isnan(serial) or math.isinf(serial):
        return None
    whole = math.floor(serial)
    if whole < 1 or whole == 60 or whole > MAX_SERIAL:
        return None
    if whole < 60:
        whole += 1
    return dt.date.fromordinal(_EPOCH_ORD + whole)
