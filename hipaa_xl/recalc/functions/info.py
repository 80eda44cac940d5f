"""Information functions: ISERROR, ISNUMBER, ISBLANK, ISTEXT, NA and friends."""

from __future__ import annotations

from typing import Any

from hipaa_xl.recalc.functions import excel_function
from hipaa_xl.recalc.values import NA, ExcelError


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
    codes = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"]
    if type(value) is ExcelError and value.code in codes:
        return codes.index(value.code) + 1
    return NA
