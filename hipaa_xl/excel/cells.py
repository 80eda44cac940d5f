"""What arrives from a cell, turned into what the engine takes: one parsing table for every adapter.

Desktop xlwings sends blank cells as None, numbers as floats and dates as datetimes; xlwings Lite
(Office.js) sends blank cells as 0 and dates as serial numbers; headless recalculation sends None
and serials; a user may type ISO text. The rules (decisions 11-12):

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
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from hipaa_xl.engine.days import check_year
from hipaa_xl.engine.deadlines import OPTION_LABELS
from hipaa_xl.engine.penalties import check_count
from hipaa_xl.errors import EXCEL_ERROR_CODES, HipaaInputError, InvalidValue, OutOfRange
from hipaa_xl.errors import shown as shown  # re-exported: the words a message quotes a cell's value with
from hipaa_xl.law.deadline_rules import load_deadline_law
from hipaa_xl.law.schedules import check_schedule
from hipaa_xl.ooxml import dates

_WHOLE_TOLERANCE = 1e-9
T = TypeVar("T")
MAX_CELL_TEXT = 255
"""Longest text a function returns in one cell: desktop Excel turns a longer UDF string into #VALUE!
(xlwings issue 456), so every result is kept to this length, a longer one cut with an ellipsis."""


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


def cell_text(value: object) -> str:
    """A cell's value as the text a table column holds: blank is "", a whole float drops ".0", a date
    is its ISO day, anything else its text trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def count_from_cell(value: object, what: str) -> int:
    """A count typed into a cell. A number typed into a date-formatted cell comes back from the file
    as a date (5 as 1900-01-05): for a count it is read back as the number typed (its 1900-system
    serial), never as a date; a value that is still not a whole count is refused in plain words."""
    if isinstance(value, dt.date):
        number = dates.date_to_serial(value)
        try:
            return parse_count(number, what)
        except HipaaInputError:
            raise OutOfRange(f"{what} must be a whole number (got {shown(value)}, which is the number "
                             f"{shown(float(number))}; format the cell as a number)") from None
    return parse_count(value, what)


def is_blank(value: object) -> bool:
    """None, empty text and 0 (Lite's empty cell) count as blank."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return not isinstance(value, bool) and isinstance(value, int | float) and value == 0


def parse_serial(serial: float) -> dt.date:
    """An Excel (1900 system) serial number as a date; 60 is Excel's phantom 1900-02-29."""
    day = dates.serial_to_date(serial)
    if day is not None:
        return day
    if math.isnan(serial) or math.isinf(serial):
        raise InvalidValue(f"not a date: {shown(serial)}")
    if math.floor(serial) == 60:
        raise InvalidValue("Excel serial 60 is 1900-02-29, a day that did not exist")
    raise OutOfRange(f"date serial number out of range (got {shown(serial)}; 1 to {dates.MAX_SERIAL})")


date_to_serial = dates.date_to_serial


def parse_date(value: object, what: str = "date") -> dt.date | None:
    """A date from a datetime, a date, a serial number or ISO text; blank means missing."""
    if value.__class__ in _CACHEABLE:
        return _parse_date_cached(value, what)
    return _parse_date(value, what)


_CACHEABLE = {str, int, float, dt.datetime, dt.date}


@functools.lru_cache(maxsize=8192, typed=True)
def _parse_date_cached(value: object, what: str) -> dt.date | None:
    return _parse_date(value, what)


FIRST_DATE: Final = dt.date(1900, 1, 1)
"""Excel's first date (serial 1): a date before it is refused like a serial below 1 (#NUM!)."""


def in_excel_range(day: dt.date, what: str = "date") -> dt.date:
    """``day`` when Excel has it (1900-01-01 to 9999-12-31), else :class:`OutOfRange`: a date cell
    formatted over a negative serial (1899-12-25) or the text 0001-01-01 are refused the same way."""
    if day < FIRST_DATE:
        raise OutOfRange(f"{what} {day.isoformat()} is before Excel's first date 1900-01-01 (years 1900-9999)")
    return day


def _parse_date(value: object, what: str) -> dt.date | None:
    _propagate(value)
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return in_excel_range(value.date(), what)
    if isinstance(value, dt.date):
        return in_excel_range(value, what)
    if isinstance(value, dt.time):  # a date cell over serial 0 (or a time of day): no date at all
        raise OutOfRange(f"{what} is a time or serial 0, before Excel's first date 1900-01-01 (years 1900-9999)")
    if isinstance(value, bool):
        raise InvalidValue(f"{what} must be a date (got {shown(value)})")
    if isinstance(value, int | float):
        return parse_serial(float(value))
    if isinstance(value, str):
        text = value.strip()
        candidates = [text, text[:10]] if len(text) > 10 and text[10] in "T " else [text]
        for candidate in candidates:
            try:
                day = dt.date.fromisoformat(candidate)
            except ValueError:
                continue
            return in_excel_range(day, what)
        raise InvalidValue(
            f"{what} must be an Excel date, a serial number or ISO text YYYY-MM-DD (got {shown(value)})"
        )
    raise InvalidValue(f"{what} must be a date (got {shown(value)})")


def parse_required_date(value: object, what: str) -> dt.date:
    """A date that must be there: blank is #VALUE! "<what> required"."""
    day = parse_date(value, what)
    if day is None:
        raise InvalidValue(f"{what} required")
    return day


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{what} must be a number (got {shown(value)})")
    if isinstance(value, int):
        return value
    if math.isnan(value) or math.isinf(value):
        raise OutOfRange(f"{what} must be a finite number (got {shown(value)})")
    nearest = round(value)
    if abs(value - nearest) > _WHOLE_TOLERANCE:
        raise OutOfRange(f"{what} must be a whole number (got {shown(value)})")
    return int(nearest)


def parse_count(value: object, what: str = "violations") -> int:
    """A count of violations: blank is 0; whole, 0 to 10^9 (#NUM! otherwise)."""
    _propagate(value)
    if is_blank(value):
        return 0
    return check_count(_whole(value, what), what)


def parse_year(value: object) -> int | None:
    """A calendar year 1900-9999, or None when blank."""
    _propagate(value)
    if is_blank(value):
        return None
    return check_year(_whole(value, "year"))


@functools.lru_cache(maxsize=256, typed=True)
def parse_schedule(value: object) -> str:
    """A schedule name; blank is the default (``regulation``). Cached: a column repeats one name."""
    _propagate(value)
    if is_blank(value):
        return check_schedule(None)
    if not isinstance(value, str):
        return check_schedule(str(value))
    return check_schedule(value)


def parse_rate(value: object) -> float | None:
    """AG damages per violation; blank is the default (the statutory $100)."""
    _propagate(value)
    if is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"per_violation must be a number (got {shown(value)})")
    return float(value)  # the engine checks it against the legal limit (1320d-5(d)(2)(A))


_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: object, what: str = "flag") -> bool:
    """TRUE/FALSE, 1/0, yes/no, y/n; blank is FALSE."""
    _propagate(value)
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value == 1:
            return True
        raise InvalidValue(f"{what} must be TRUE or FALSE (got {shown(value)})")
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InvalidValue(f"{what} must be TRUE or FALSE, yes or no (got {shown(value)})")


def parse_text(value: object, what: str) -> object:
    """A required name (tier, culpability, offense): blank is #VALUE! "<what> required"."""
    _propagate(value)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise InvalidValue(f"{what} required")
    return value


def _shown(value: object) -> str:
    """A value for an error text, cut to 40 characters so the text fits one cell."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_rule(value: object) -> str:
    """A deadline rule name, trimmed and case-insensitive ("Hearing_Request" is hearing-request);
    unknown names are #VALUE!."""
    text = str(parse_text(value, "rule")).strip().casefold().replace("_", "-").replace(" ", "-")
    if text not in load_deadline_law().rules:
        raise InvalidValue(f"unknown deadline rule {_shown(value)}; DEADLINE_RULES() lists the rules")
    return text


def parse_deadline_option(rule: str, value: object) -> int | bool | dt.date | None:
    """A deadline rule's option cell read for the rule's kind (``law/data/deadlines.json``): a count
    (blank and 0 are "not given"), "served by mail" (blank is FALSE) or a date; a rule without an
    option takes only a blank. The engine checks the typed value (``engine.deadlines.compute``)."""
    _propagate(value)
    kind = load_deadline_law().rules[rule].option
    if kind == "none":
        if not is_blank(value):
            raise InvalidValue(f"{rule} takes no option (got {_shown(value)})")
        return None
    label = OPTION_LABELS[kind]
    if kind in ("delay-days", "residents", "individuals"):
        return parse_count(value, label) or None
    if kind == "mailed":
        return parse_bool(value, label)
    return parse_date(value, label)


# ---------------------------------------------------------------- results and arrays

Scalar = int | float | bool | str
Parser = Callable[[object], Any]


def fit_cell(value: T) -> T:
    """A text result cut to :data:`MAX_CELL_TEXT` characters (the last one an ellipsis); others unchanged."""
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[: MAX_CELL_TEXT - 1] + "\u2026"  # type: ignore[return-value]
    return value


def _error_text(exc: Exception) -> str:
    if isinstance(exc, CellError):
        return fit_cell(exc.text)
    if isinstance(exc, HipaaInputError):
        return fit_cell(exc.excel_text())
    return fit_cell(f"#VALUE! {exc}")


_EXPECTED = (CellError, HipaaInputError, ValueError, TypeError, OverflowError, ArithmeticError)


def guarded(core: Callable[..., Scalar], parsers: Sequence[Parser], args: Sequence[object]) -> Scalar:
    """Parse the arguments and call ``core``; bad input comes back as "#CODE reason", never raised."""
    try:
        return fit_cell(core(*[parse(a) for parse, a in zip(parsers, args, strict=True)]))
    except _EXPECTED as exc:
        return _error_text(exc)


def _as_grid(value: list[Any]) -> list[list[Any]]:
    """A range as rows: a flat list is a column; an empty list is one blank cell."""
    if not value:
        return [[None]]
    if all(isinstance(row, list) and row for row in value):
        return value
    if all(isinstance(row, list | tuple) for row in value):
        return [list(row) if row else [None] for row in value]
    return [[v] for v in value]


class _Failed:
    """A cell argument that could not be parsed: the cell's result is this error text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_NOT_AVAILABLE = _Failed("#N/A")


def _parse_all(parse: Parser, values: list[object]) -> list[Any]:
    """Each value parsed once (a column repeats values); failures become ``_Failed`` markers."""
    seen: dict[tuple[type, object], Any] = {}
    out: list[Any] = []
    for value in values:
        if value is _NOT_AVAILABLE:
            out.append(value)
            continue
        try:
            key = (value.__class__, value)
            found = seen.get(key, seen)
        except TypeError:  # unhashable
            key, found = None, seen
        if found is seen:
            try:
                found = parse(value)
            except _EXPECTED as exc:
                found = _Failed(_error_text(exc))
            if key is not None:
                seen[key] = found
        out.append(found)
    return out


def _spread(value: object, rows: int, cols: int) -> list[object]:
    """One argument as a row-major list of rows x cols cells, repeated or cut as Excel does."""
    if not isinstance(value, list | tuple):
        return [value] * (rows * cols)
    grid = _as_grid(list(value))
    if cols == 1 and len(grid) == rows:  # the usual case: a column
        return [r[0] for r in grid]
    out: list[object] = []
    for i in range(rows):
        row = grid[0] if len(grid) == 1 else grid[i] if i < len(grid) else None
        for j in range(cols):
            if row is None or (len(row) != 1 and j >= len(row)):
                out.append(_NOT_AVAILABLE)
            else:
                out.append(row[0] if len(row) == 1 else row[j])
    return out


def broadcast(core: Callable[..., Scalar], parsers: Sequence[Parser], *args: object) -> Scalar | list[list[Scalar]]:
    """Apply a function over ranges: any argument may be a column or grid (dynamic arrays).

    Scalars and 1 x 1 ranges repeat; a single row or column repeats across the other dimension;
    a cell outside a shorter range gives #N/A, as Excel's array evaluation does. Each distinct
    argument value is parsed once per call.
    """
    if not any(isinstance(a, list | tuple) for a in args):
        return guarded(core, parsers, args)
    grids = [_as_grid(list(a)) for a in args if isinstance(a, list | tuple)]
    rows = max(len(g) for g in grids)
    cols = max(len(r) for g in grids for r in g)
    columns = [
        _parse_all(parse, _spread(a, rows, cols)) if isinstance(a, list | tuple) else
        _parse_all(parse, [a]) * (rows * cols)
        for parse, a in zip(parsers, args, strict=True)
    ]
    flat: list[Scalar] = []
    for cell in zip(*columns, strict=True):
        failed = next((a for a in cell if a.__class__ is _Failed), None)
        if failed is not None:
            flat.append(failed.text)
            continue
        try:
            flat.append(fit_cell(core(*cell)))
        except _EXPECTED as exc:
            flat.append(_error_text(exc))
    return [flat[i * cols : (i + 1) * cols] for i in range(rows)]
