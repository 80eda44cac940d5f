"""What arrives from a cell, turned into what the engine takes: one parsing table for every adapter.

Desktop xlwings sends blank cells as None, numbers as floats and dates as datetimes; xlwings Lite
(Office.js) sends blank cells as 0 and dates as serial numbers; headless recalculation sends None
and serials; a user may type ISO text. The rules (decisions.md 11-12):

| argument            | None / "" / 0                 | an Excel error |
|---------------------|-------------------------------|----------------|
| dates               | missing                       | propagated     |
| end date            | #VALUE! "end date required"   | propagated     |
| year, schedule, rate| the default                   | propagated     |
| counts              | 0                             | propagated     |
| yes/no              | FALSE                         | propagated     |
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hipaa_xl.errors import HipaaInputError, InvalidValue, OutOfRange
from hipaa_xl.law.schedules import check_schedule

EXCEL_ERROR_CODES = (
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#PYTHON!",
)
_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31
_WHOLE_TOLERANCE = 1e-9
T = TypeVar("T")


class CellError(Exception):
    """An Excel error that arrived as an argument: the function returns it unchanged."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def is_error_text(value: object) -> bool:
    """True for an Excel error value as text: "#N/A", or "#VALUE! with a reason"."""
    if not isinstance(value, str) or not value.startswith("#"):
        return False
    return any(value == code or value.startswith(code + " ") for code in EXCEL_ERROR_CODES)


def _propagate(value: object) -> None:
    if is_error_text(value):
        raise CellError(str(value))


def _blank(value: object) -> bool:
    """None, empty text and 0 (Lite's empty cell) count as blank."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return not isinstance(value, bool) and isinstance(value, int | float) and value == 0


def serial_to_date(serial: float) -> dt.date:
    """An Excel (1900 system) serial number as a date; 60 is Excel's phantom 1900-02-29."""
    if math.isnan(serial) or math.isinf(serial):
        raise InvalidValue(f"not a date: {serial!r}")
    whole = math.floor(serial)
    if whole < 1 or whole > _MAX_SERIAL:
        raise OutOfRange(f"date serial number out of range (got {serial!r}; 1 to {_MAX_SERIAL})")
    if whole == 60:
        raise InvalidValue("Excel serial 60 is 1900-02-29, a day that did not exist")
    if whole < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=whole)
    return _EPOCH + dt.timedelta(days=whole)


def date_to_serial(day: dt.date) -> int:
    """A date as an Excel serial number (1900 system)."""
    serial = (day - _EPOCH).days
    return serial if serial >= 61 else serial - 1 if serial > 0 else serial


def parse_date(value: object, what: str = "date") -> dt.date | None:
    """A date from a datetime, a date, a serial number or ISO text; blank means missing."""
    _propagate(value)
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise InvalidValue(f"{what} must be a date (got {value!r})")
    if isinstance(value, int | float):
        return serial_to_date(float(value))
    if isinstance(value, str):
        text = value.strip()
        candidates = [text, text[:10]] if len(text) > 10 and text[10] in "T " else [text]
        for candidate in candidates:
            try:
                return dt.date.fromisoformat(candidate)
            except ValueError:
                continue
        raise InvalidValue(
            f"{what} must be an Excel date, a serial number or ISO text YYYY-MM-DD (got {value!r})"
        )
    raise InvalidValue(f"{what} must be a date (got {value!r})")


def parse_required_date(value: object, what: str) -> dt.date:
    """A date that must be there: blank is #VALUE! "<what> required"."""
    day = parse_date(value, what)
    if day is None:
        raise InvalidValue(f"{what} required")
    return day


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{what} must be a number (got {value!r})")
    if isinstance(value, int):
        return value
    if math.isnan(value) or math.isinf(value):
        raise OutOfRange(f"{what} must be a finite number (got {value!r})")
    nearest = round(value)
    if abs(value - nearest) > _WHOLE_TOLERANCE:
        raise OutOfRange(f"{what} must be a whole number (got {value!r})")
    return int(nearest)


def parse_count(value: object, what: str = "violations") -> int:
    """A count of violations: blank is 0; whole, 0 to 10^9 (#NUM! otherwise)."""
    _propagate(value)
    if _blank(value):
        return 0
    n = _whole(value, what)
    if n < 0:
        raise OutOfRange(f"{what} cannot be negative (got {value!r})")
    if n > 1_000_000_000:
        raise OutOfRange(f"{what} is implausibly large (got {value!r}; at most 10^9)")
    return n


def parse_year(value: object) -> int | None:
    """A calendar year 1900-9999, or None when blank."""
    _propagate(value)
    if _blank(value):
        return None
    year = _whole(value, "year")
    if not 1900 <= year <= 9999:
        raise OutOfRange(f"year must be between 1900 and 9999 (got {value!r})")
    return year


def parse_schedule(value: object) -> str:
    """A schedule name; blank is the default (``regulation``)."""
    _propagate(value)
    if _blank(value):
        return check_schedule(None)
    if not isinstance(value, str):
        return check_schedule(str(value))
    return check_schedule(value)


def parse_rate(value: object) -> float | None:
    """AG damages per violation, 0-100; blank is the default ($100)."""
    _propagate(value)
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"per_violation must be a number (got {value!r})")
    rate = float(value)
    if math.isnan(rate) or math.isinf(rate) or not 0 <= rate <= 100:
        raise OutOfRange(f"per_violation must be between 0 and 100 (got {value!r})")
    return rate


_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: object, what: str = "flag") -> bool:
    """TRUE/FALSE, 1/0, yes/no, y/n; blank is FALSE."""
    _propagate(value)
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value == 1:
            return True
        raise InvalidValue(f"{what} must be TRUE or FALSE (got {value!r})")
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InvalidValue(f"{what} must be TRUE or FALSE, yes or no (got {value!r})")


def parse_text(value: object, what: str) -> object:
    """A required name (tier, culpability, offense): blank is #VALUE! "<what> required"."""
    _propagate(value)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise InvalidValue(f"{what} required")
    return value


# ---------------------------------------------------------------- results and arrays

Scalar = int | float | bool | str


def guarded(fn: Callable[..., Scalar], args: Sequence[object]) -> Scalar:
    """Call ``fn``; an argument error comes back as its text, bad input as "#CODE reason"."""
    try:
        return fn(*args)
    except CellError as exc:
        return exc.text
    except HipaaInputError as exc:
        return exc.excel_text()
    except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
        return f"#VALUE! {exc}"


def _as_grid(value: list[Any]) -> list[list[Any]]:
    """A range as rows: a flat list is a column; an empty list is one blank cell."""
    if not value:
        return [[None]]
    if all(isinstance(row, list) for row in value):
        return [row if row else [None] for row in value]
    return [[v] for v in value]


def broadcast(fn: Callable[..., Scalar], *args: object) -> Scalar | list[list[Scalar]]:
    """Apply a scalar function over ranges: any argument may be a column or grid (dynamic arrays).

    Scalars and 1 x 1 ranges repeat; a single row or column repeats across the other dimension;
    a cell outside a shorter range gives #N/A, as Excel's array evaluation does.
    """
    if not any(isinstance(a, list | tuple) for a in args):
        return guarded(fn, args)
    grids = [(_as_grid(list(a)) if isinstance(a, list | tuple) else None) for a in args]
    rows = max(len(g) for g in grids if g is not None)
    cols = max(max(len(r) for r in g) for g in grids if g is not None)
    out: list[list[Scalar]] = []
    for i in range(rows):
        line: list[Scalar] = []
        for j in range(cols):
            cell_args: list[object] = []
            missing = False
            for a, g in zip(args, grids, strict=True):
                if g is None:
                    cell_args.append(a)
                    continue
                gi = 0 if len(g) == 1 else i
                row = g[gi] if gi < len(g) else None
                if row is None:
                    missing = True
                    break
                gj = 0 if len(row) == 1 else j
                if gj >= len(row):
                    missing = True
                    break
                v = row[gj]
                if isinstance(v, list | tuple):  # nested deeper than a grid
                    return [["#VALUE! ranges must be one or two dimensional"]]
                cell_args.append(v)
            line.append("#N/A" if missing else guarded(fn, cell_args))
        out.append(line)
    return out
