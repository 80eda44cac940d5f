"""Information functions: ISERROR, ISNUMBER, ISBLANK, ISTEXT, ISEVEN, ISREF, ISFORMULA, NA and friends.

ISOMITTED is not here: it only has a meaning inside LAMBDA, which this evaluator does not have.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from hipaa_xl.recalc.functions import Ctx, excel_function
from hipaa_xl.recalc.model import Ref
from hipaa_xl.recalc.values import ERROR_CODES, NA, VALUE, ExcelError, to_number


@excel_function("ISERROR", 1, 1, "e")
def iserror(value: Any) -> bool:
    return type(value) is ExcelError


@excel_function("ISERR", 1, 1, "e")
def iserr(value: Any) -> bool:
    return type(value) is ExcelError and value.code != "#N/A"


@excel_function("ISNA", 1, 1, "e")
def isna(value: Any) -> bool:
    return type(value) is ExcelError and value.code == "#N/A"


@excel_function("ISNUMBER", 1, 1, "e")
def isnumber(value: Any) -> bool:
    return type(value) in (int, float)


@excel_function("ISTEXT", 1, 1, "e")
def istext(value: Any) -> bool:
    return type(value) is str


@excel_function("ISNONTEXT", 1, 1, "e")
def isnontext(value: Any) -> bool:
    return type(value) is not str


@excel_function("ISLOGICAL", 1, 1, "e")
def islogical(value: Any) -> bool:
    return type(value) is bool


@excel_function("ISBLANK", 1, 1, "e")
def isblank(value: Any) -> bool:
    return value is None


@excel_function("NA", 0, 0, "v")
def na() -> ExcelError:
    return NA


@excel_function("N", 1, 1, "e")
def n(value: Any) -> Any:
    t = type(value)
    if t is ExcelError:
        return value
    if t is bool:
        return int(value)
    return value if t in (int, float) else 0


@excel_function("ERROR.TYPE", 1, 1, "e")
def error_type(value: Any) -> Any:
    """ERROR.TYPE: 1 for #NULL! ... 7 for #N/A, 8 #GETTING_DATA, 9 #SPILL! ... 14 #CALC!; #N/A otherwise."""
    if type(value) is ExcelError and value.code in ERROR_CODES:
        return ERROR_CODES.index(value.code) + 1
    return NA


def _parity(value: Any) -> Any:
    """The integer part's parity (blank is 0); text that is not a number and booleans are #VALUE!."""
    if type(value) is bool:
        return VALUE
    n = to_number(value)
    if type(n) is ExcelError:
        return n
    return int(n) % 2


@excel_function("ISEVEN", 1, 1, "v", scalar_only=True)
def iseven(value: Any) -> Any:
    parity = _parity(value)
    return parity if type(parity) is ExcelError else parity == 0


@excel_function("ISODD", 1, 1, "v", scalar_only=True)
def isodd(value: Any) -> Any:
    parity = _parity(value)
    return parity if type(parity) is ExcelError else parity == 1


@excel_function("ISREF", 1, 1, "r")
def isref(value: Any) -> bool:
    return type(value) is Ref


@excel_function("ISFORMULA", 1, 1, "r", needs_ctx=True)
def isformula(ctx: Ctx, value: Any) -> Any:
    """Whether the first cell of a reference holds a formula; anything else is #VALUE!."""
    if type(value) is ExcelError:
        return value
    if type(value) is not Ref:
        return VALUE
    rows = value.sheet.formula_rows.get(value.c1, [])
    at = bisect_left(rows, value.r1)
    return at < len(rows) and rows[at] == value.r1
