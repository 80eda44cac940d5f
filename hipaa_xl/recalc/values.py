"""Excel values and the conversions between them.

A cell value inside the evaluator is one of: ``None`` (blank), ``int``/``float`` (numbers; dates are
1900-system serial numbers), ``str``, ``bool`` or :class:`ExcelError`. Arrays are lists of rows
(``list[list[value]]``). Every conversion here follows Excel: blanks are 0 or "" as the context asks,
booleans count as 1/0 in arithmetic, text is compared case-insensitively, and numbers sort before
text, text before booleans.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any, Final

from hipaa_xl import excel_dates
from hipaa_xl.excel_numbers import number_to_text

ERROR_CODES: Final = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                      "#SPILL!", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!", "#CALC!")
"""Excel's error values in the order ERROR.TYPE numbers them (1 to 14)."""


class ExcelError:
    """An Excel error value such as ``#DIV/0!``; ``reason`` keeps a human explanation when known."""

    __slots__ = ("code", "reason")

    def __init__(self, code: str, reason: str = "") -> None:
        self.code = code
        self.reason = reason

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExcelError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"ExcelError({self.code!r}{', ' + repr(self.reason) if self.reason else ''})"

    def __str__(self) -> str:
        return self.code

    def text(self) -> str:
        """The code followed by the reason, the way our functions write an error as text."""
        return f"{self.code} {self.reason}" if self.reason else self.code


DIV0: Final = ExcelError("#DIV/0!")
VALUE: Final = ExcelError("#VALUE!")
NAME: Final = ExcelError("#NAME?")
REF: Final = ExcelError("#REF!")
NA: Final = ExcelError("#N/A")
NUM: Final = ExcelError("#NUM!")
NULL: Final = ExcelError("#NULL!")

_BY_CODE: Final = {e.code: e for e in (DIV0, VALUE, NAME, REF, NA, NUM, NULL)} | {
    code: ExcelError(code) for code in ERROR_CODES[7:]}


def error_from_code(code: str) -> ExcelError:
    """The shared error object for a bare code (``#N/A``); unknown codes become ``#VALUE!``."""
    return _BY_CODE.get(code.upper(), VALUE)


def error_from_text(text: str) -> ExcelError:
    """An error from our functions' error text: the code first, then the reason.

    ``"#VALUE! tier must be A, B, C or D"`` gives ``#VALUE!`` with that reason. Text starting with an
    unknown ``#`` word becomes ``#VALUE!`` with the whole text as reason.
    """
    head, _, rest = text.partition(" ")
    upper = head.upper()
    for code in ERROR_CODES:
        if upper == code:
            return ExcelError(code, rest.strip())
    for code in ERROR_CODES:  # "#N/A:" or "#NUM!," glued to punctuation
        if upper.startswith(code):
            return ExcelError(code, text[len(code) :].strip(" :,-"))
    return ExcelError("#VALUE!", text)


class Unsupported(Exception):
    """Raised while evaluating a cell whose input is outside what this evaluator implements.

    The cell is reported (``Sheet!Cell: unsupported: detail``) and holds ``#NAME?``, never a guess:
    for example a TEXT format code with a construct not implemented (fractions, DBNum).
    """


def is_number(value: object) -> bool:
    """True for int and float, never for bool."""
    t = type(value)
    return t is int or t is float


# ---------------------------------------------------------------------------------------------
# Dates: the workbook's date system (hipaa_xl.excel_dates); 1900 with Excel's fictitious 1900-02-29.

date_to_serial = excel_dates.date_to_serial
serial_to_date = excel_dates.serial_to_date


def serial_parts(serial: float) -> tuple[int, int, int] | None:
    """(year, month, day) as Excel shows a serial, including 1900-02-29 and 1900-01-00 (1900 system)."""
    whole = math.floor(serial)
    if not excel_dates.uses_1904():
        if whole == 60:
            return (1900, 2, 29)
        if whole == 0:
            return (1900, 1, 0)
    day = serial_to_date(whole)
    return None if day is None else (day.year, day.month, day.day)


# ---------------------------------------------------------------------------------------------
# Coercion

_NUMBER_TEXT: Final = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")


def text_to_number(text: str) -> float | int | None:
    """A number read from text the way Excel coerces it ("1,000", "$5", "50%", "2024-01-31"); else None."""
    s = text.strip()
    if not s:
        return None
    if _NUMBER_TEXT.match(s):
        return _int_if_whole(float(s)) if any(ch in s for ch in ".eE") else int(s)
    percent = s.endswith("%")
    core = s[:-1].strip() if percent else s
    negative = core.startswith("(") and core.endswith(")")
    if negative:
        core = core[1:-1]
    core = core.strip()
    for symbol in _CURRENCIES:  # "$5", "23€", " €100 ": a currency symbol before or after
        if core.startswith(symbol) or core.endswith(symbol):
            core = core.replace(symbol, "", 1).strip()
            break
    if core.startswith("-"):
        negative, core = not negative, core[1:].strip()
    if "," in core:  # thousands separators only where they group three digits ("12,34" is no number)
        core = core.replace(",", "") if _GROUPED.match(core) else ""
    if core and _NUMBER_TEXT.match(core) and core[0] not in "+-":
        number = float(core) / (100 if percent else 1)
        return _int_if_whole(-number if negative else number)
    if s != text:
        return None  # " 2024-01-10 ": Excel reads no date or time with spaces around it
    return _date_time_text(s)


_CURRENCIES: Final = ("$", "€", "£", "¥")
_GROUPED: Final = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$")
_MONTH_NAMES: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DASH_DATE: Final = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2,4})$")
_NAMED_DATE: Final = re.compile(
    r"^(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]+(\d{2,4})$|^([A-Za-z]{3,9})[- ](\d{1,2}),?[- ](\d{2,4})$")
_TIME: Final = re.compile(r"^(\d{1,5}):(\d{1,5})(?::(\d{1,5}(?:\.\d*)?)|\.?)?\s*(am|pm|a|p)?$", re.I)
_MINUTE_SECOND: Final = re.compile(r"^(\d{1,5}):(\d{1,5}\.\d+)$")
_DAY_MONTH: Final = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def _date_time_text(s: str) -> float | int | None:
    """Dates and times written as text, the forms Excel reads in an English locale.

    ``2024-01-31``, ``1/31/2024`` (``31/1/2024`` when the first number cannot be a month),
    ``26/08`` (this year), times ``13:30``, ``1:30 PM``, ``0:59:99`` (parts may overflow) and
    ``23:59.5`` (minutes and seconds), and a date followed by a time.
    """
    date_text, _, time_text = s.partition(" ")
    date: float | int | None = None
    for candidate in (s, date_text):
        date = _date_text(candidate)
        if date is not None:
            if candidate == s:
                return date
            break
    if date is None:
        return _time_text(s)
    time = _time_text(time_text.strip())
    return None if time is None else date + time


def _month_number(name: str) -> int | None:
    low = name.lower()
    for i, short in enumerate(_MONTH_NAMES, start=1):
        full = dt.date(2000, i, 1).strftime("%B").lower()
        if low in (short, full):
            return i
    return None


def _date_text(s: str) -> int | None:
    match = _ISO_DATE.match(s)
    if match:
        return _date_serial_or_none(int(match[1]), int(match[2]), int(match[3]))
    match = _NAMED_DATE.match(s)
    if match:  # "2-Feb-2026", "2 February 2026", "Feb 2, 2026"
        day, name, year_text = (match[1], match[2], match[3]) if match[1] else (match[5], match[4], match[6])
        month = _month_number(name)
        if month is None:
            return None
        named_year = int(year_text)
        named_year += 2000 if named_year < 30 else (1900 if named_year < 100 else 0)
        return _date_serial_or_none(named_year, month, int(day))
    match = _DASH_DATE.match(s) or _US_DATE.match(s)
    if match and int(match[1]) <= 12 and int(match[2]) <= 12 and int(match[1]) != int(match[2]) and not (
            len(match[3]) == 4 and int(match[3]) < 1900):  # before 1900 it is no date either way
        # "10-12-1999", "2/3/2023": Excel reads them by the computer's regional settings (day or
        # month first), so the value is not known here
        raise Unsupported(f"the date {s!r} reads differently by regional settings")
    year: int | None = None
    if match:
        year = int(match[3])
        year += 2000 if year < 30 else (1900 if year < 100 else 0)
        first, second = int(match[1]), int(match[2])
    else:
        match = _DAY_MONTH.match(s)
        if match is None:
            return None
        first, second = int(match[1]), int(match[2])
    if year is None:
        from hipaa_xl import clock

        year = clock.today().year
    if first > 12 and second <= 12:
        first, second = second, first
    return _date_serial_or_none(year, first, second)


def _time_text(s: str) -> float | None:
    match = _MINUTE_SECOND.match(s)
    if match:
        if int(match[1]) > 59 or float(match[2]) >= 10000:
            return None
        return (int(match[1]) * 60 + float(match[2])) / 86400
    match = _TIME.match(s)
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    seconds = float(match[3]) if match[3] else 0.0
    # the largest parts Excel accepts: 23 hours; 9999 minutes (59 before seconds); 9999 seconds
    if hours > 23 or minutes > (59 if match[3] else 9999) or seconds >= 10000:
        return None
    suffix = (match[4] or "").lower()
    if suffix:
        if hours > 12:
            return None
        hours = hours % 12 + (12 if suffix.startswith("p") else 0)
    return (hours * 3600 + minutes * 60 + seconds) / 86400


def _date_serial_or_none(year: int, month: int, day: int) -> int | None:
    if (year, month, day) == (1900, 2, 29) and not excel_dates.uses_1904():
        return 60  # Excel's fictitious day
    if year < excel_dates.first_year():
        return None  # before Excel's calendar: not a date ("7/5/1800" is #VALUE!)
    try:
        return int(date_to_serial(dt.date(year, month, day)))
    except ValueError:
        return None


def _int_if_whole(x: float) -> float | int:
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def to_number(value: Any) -> Any:
    """A number, or an :class:`ExcelError` (``#VALUE!`` for text that is not a number)."""
    t = type(value)
    if t is int or t is float:
        return value
    if value is None:
        return 0
    if t is bool:
        return int(value)
    if t is str:
        number = text_to_number(value)
        return VALUE if number is None else number
    if t is ExcelError:
        return value
    return VALUE


def to_text(value: Any) -> Any:
    """Text as Excel's ``&`` makes it, or an :class:`ExcelError` passed through."""
    t = type(value)
    if t is str:
        return value
    if value is None:
        return ""
    if t is bool:
        return "TRUE" if value else "FALSE"
    if t is int or t is float:
        return number_to_text(value)
    if t is ExcelError:
        return value
    return str(value)


def to_bool(value: Any) -> Any:
    """A boolean as IF/AND see it, or an :class:`ExcelError` (``#VALUE!`` for other text)."""
    t = type(value)
    if t is bool:
        return value
    if value is None:
        return False
    if t is int or t is float:
        return value != 0
    if t is str:
        upper = value.strip().upper()
        if upper == "TRUE":
            return True
        if upper == "FALSE":
            return False
        return VALUE
    if t is ExcelError:
        return value
    return VALUE


def round15(x: float | int) -> float | int:
    """A number rounded to 15 significant digits, the precision Excel compares with."""
    if type(x) is int or x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.15g}")


# ---------------------------------------------------------------------------------------------
# Comparison

_TYPE_RANK: Final = {int: 0, float: 0, str: 1, bool: 2}


def compare(a: Any, b: Any) -> Any:
    """-1, 0 or 1 as Excel orders two scalars; an :class:`ExcelError` when either side is one.

    Blank against a number is 0, against text "", against a boolean FALSE. Numbers sort before
    text, text before booleans; text compares case-insensitively.
    """
    if type(a) is ExcelError:
        return a
    if type(b) is ExcelError:
        return b
    if a is None:
        a = _blank_like(b)
    if b is None:
        b = _blank_like(a)
    ra = _TYPE_RANK.get(type(a), 3)
    rb = _TYPE_RANK.get(type(b), 3)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        a, b = round15(a), round15(b)
    elif ra == 1:
        a, b = a.lower(), b.lower()
    return 0 if a == b else (-1 if a < b else 1)


def _blank_like(other: Any) -> Any:
    t = type(other)
    if t is str:
        return ""
    if t is bool:
        return False
    return 0


# ---------------------------------------------------------------------------------------------
# Rounding with Excel's decimal behaviour (ROUND(2.675, 2) is 2.68)


def excel_round(x: float, digits: int, mode: str = "half_up") -> float | int:
    """ROUND / ROUNDUP / ROUNDDOWN on the value as Excel holds it: its 15 significant digits.

    ``ROUND(1.05*(0.0284+0.0046)-0.0284, 4)`` is 0.0063 because the product is 0.00625 to 15
    digits, although the binary double is just below the half.
    """
    rounding = {"half_up": ROUND_HALF_UP, "up": ROUND_UP, "down": ROUND_DOWN}[mode]
    if not math.isfinite(x):
        return x
    try:
        quantum = Decimal(1).scaleb(-digits)
        result = Decimal(f"{float(x):.15g}").quantize(quantum, rounding=rounding)
    except InvalidOperation:
        return x
    value = float(result)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def clean_number(x: float | int) -> Any:
    """A finished arithmetic result: NaN and infinities are ``#NUM!``."""
    if type(x) is float and not math.isfinite(x):
        return NUM
    return x
