"""Arithmetic and aggregation: SUM, COUNT, AVERAGE, MIN, MAX, SUMPRODUCT, ROUND and friends."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from functools import reduce
from typing import Any

from hipaa_xl.recalc.functions import Ctx, SharedNumbers, as_int, excel_function, flat_values, numbers
from hipaa_xl.recalc.model import Ref
from hipaa_xl.recalc.operators import operand
from hipaa_xl.recalc.values import (
    DIV0,
    NUM,
    VALUE,
    ExcelError,
    clean_number,
    excel_round,
    round15,
    to_number,
)


def _total(values: Sequence[float | int]) -> float | int:
    if type(values) is SharedNumbers:  # one range read by many formulas: added up once
        if values.total is None:
            values.total = _sum(values)
        return values.total
    return _sum(values)


def _sum(values: Sequence[float | int]) -> float | int:
    """Added left to right in doubles, as Excel adds (so AVERAGE of 1E10, -1E10 and small values
    keeps the rounding Excel's own sum has, rather than the exact sum ``math.fsum`` gives)."""
    total = reduce(operator.add, values, 0)
    return int(total) if type(total) is float and total.is_integer() and abs(total) < 1e15 else total


@excel_function("SUM", 1, None, "r", needs_ctx=True)
def sum_(ctx: Ctx, *args: Any) -> Any:
    nums = numbers(ctx.book, args)
    return nums if type(nums) is ExcelError else clean_number(_total(nums))


@excel_function("PRODUCT", 1, None, "r", needs_ctx=True)
def product(ctx: Ctx, *args: Any) -> Any:
    nums = numbers(ctx.book, args)
    if type(nums) is ExcelError:
        return nums
    return clean_number(math.prod(nums)) if nums else 0


@excel_function("AVERAGE", 1, None, "r", needs_ctx=True)
def average(ctx: Ctx, *args: Any) -> Any:
    nums = numbers(ctx.book, args)
    if type(nums) is ExcelError:
        return nums
    if not nums:
        return DIV0
    return clean_number(_total(nums) / len(nums))


@excel_function("MIN", 1, None, "r", needs_ctx=True)
def min_(ctx: Ctx, *args: Any) -> Any:
    nums = numbers(ctx.book, args)
    if type(nums) is ExcelError:
        return nums
    return min(nums) if nums else 0


@excel_function("MAX", 1, None, "r", needs_ctx=True)
def max_(ctx: Ctx, *args: Any) -> Any:
    nums = numbers(ctx.book, args)
    if type(nums) is ExcelError:
        return nums
    return max(nums) if nums else 0


@excel_function("MEDIAN", 1, None, "r", needs_ctx=True)
def median(ctx: Ctx, *args: Any) -> Any:
    nums = numbers(ctx.book, args)
    if type(nums) is ExcelError:
        return nums
    if not nums:
        return NUM
    ordered = sorted(nums)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


@excel_function("COUNT", 1, None, "r", needs_ctx=True)
def count(ctx: Ctx, *args: Any) -> int:
    n = 0
    for arg in args:
        for v, from_range in flat_values(ctx.book, arg):
            t = type(v)
            direct = not from_range and (t is bool or (t is str and type(to_number(v)) is not ExcelError))
            if t is int or t is float or direct:
                n += 1
    return n


@excel_function("COUNTA", 1, None, "r", needs_ctx=True)
def counta(ctx: Ctx, *args: Any) -> int:
    n = 0
    for arg in args:
        for v, from_range in flat_values(ctx.book, arg):
            if v is not None or not from_range:
                n += 1
    return n


@excel_function("COUNTBLANK", 1, 1, "r", needs_ctx=True)
def countblank(ctx: Ctx, arg: Any) -> Any:
    if type(arg) is not Ref:
        return VALUE
    height = arg.r2 - arg.r1 + 1
    width = arg.c2 - arg.c1 + 1
    present = sum(1 for row in ctx.book.rows(arg) for v in row if v is not None and v != "")
    return height * width - present


@excel_function("SUMPRODUCT", 1, None, "r", needs_ctx=True)
def sumproduct(ctx: Ctx, *args: Any) -> Any:
    arrays = []
    for arg in args:
        value = operand(ctx.book, arg)
        if type(value) is not list:
            if type(value) is str:  # one value (a cell, a constant) that is text: Excel's #VALUE!
                return VALUE
            value = [[value]]
        arrays.append(value)
    for array in arrays:  # an error in any argument comes before a difference in size
        for row in array:
            for v in row:
                if type(v) is ExcelError:
                    return v
    first = args[0]
    shape = (first.height, first.width) if type(first) is Ref else (len(arrays[0]), len(arrays[0][0]))
    for arg, array in zip(args, arrays, strict=True):
        declared = (arg.height, arg.width) if type(arg) is Ref else (len(array), len(array[0]))
        if declared != shape:
            return VALUE
    total: float | int = 0
    height = max(len(a) for a in arrays)
    for i in range(height):
        for j in range(shape[1]):
            product_ = 1
            for array in arrays:
                v = array[i][j] if i < len(array) and j < len(array[i]) else None
                t = type(v)
                if t is ExcelError:
                    return v
                product_ *= v if (t is int or t is float) else 0  # type: ignore[operator]
            total += product_
    return clean_number(total)


@excel_function("ROUND", 2, 2, "v")
def round_(x: Any, digits: Any) -> Any:
    return _round(x, digits, "half_up")


@excel_function("ROUNDUP", 2, 2, "v")
def roundup(x: Any, digits: Any) -> Any:
    return _round(x, digits, "up")


@excel_function("ROUNDDOWN", 2, 2, "v")
def rounddown(x: Any, digits: Any) -> Any:
    return _round(x, digits, "down")


def _round(x: Any, digits: Any, mode: str) -> Any:
    n = to_number(x)
    if type(n) is ExcelError:
        return n
    d = as_int(digits)
    if type(d) is ExcelError:
        return d
    return excel_round(n, d, mode)


@excel_function("TRUNC", 1, 2, "v")
def trunc(x: Any, digits: Any = 0) -> Any:
    return _round(x, digits, "down")


@excel_function("INT", 1, 1, "v")
def int_(x: Any) -> Any:
    n = to_number(x)
    if type(n) is ExcelError:
        return n
    return math.floor(n)


@excel_function("MOD", 2, 2, "v")
def mod(n: Any, d: Any) -> Any:
    a, b = to_number(n), to_number(d)
    for v in (a, b):
        if type(v) is ExcelError:
            return v
    if b == 0:
        return DIV0
    # the remainder with the sign of the divisor, computed as Excel does (so MOD(5,1E-10) is
    # 9.99998E-11, not the 0 that n - d*INT(n/d) gives in binary floating point)
    result = math.fmod(a, b)
    if result != 0 and (result < 0) != (b < 0):
        result += b
    if type(a) is int and type(b) is int:
        return int(result)
    return int(result) if result.is_integer() and abs(result) < 1e15 else result


@excel_function("ABS", 1, 1, "v")
def abs_(x: Any) -> Any:
    n = to_number(x)
    return n if type(n) is ExcelError else abs(n)


@excel_function("SIGN", 1, 1, "v")
def sign(x: Any) -> Any:
    n = to_number(x)
    return n if type(n) is ExcelError else (n > 0) - (n < 0)


@excel_function("SQRT", 1, 1, "v")
def sqrt(x: Any) -> Any:
    n = to_number(x)
    if type(n) is ExcelError:
        return n
    return NUM if n < 0 else clean_number(math.sqrt(n))


@excel_function("POWER", 2, 2, "v")
def power(x: Any, y: Any) -> Any:
    from hipaa_xl.recalc.operators import SCALAR_BINARY

    return SCALAR_BINARY["^"](x, y)


@excel_function("CEILING", 1, 2, "e")
def ceiling(x: Any, significance: Any = 1) -> Any:
    return _multiple(x, significance, math.ceil)


@excel_function("FLOOR", 1, 2, "e")
def floor(x: Any, significance: Any = 1) -> Any:
    return _multiple(x, significance, math.floor)


def _multiple(x: Any, significance: Any, fn: Any) -> Any:
    """CEILING and FLOOR. A text that is no number is #VALUE! before an error in the significance
    is, as Excel computes FLOOR("eight", NA()); a blank number passes that error on (Excel:
    FLOOR(blank, 1/0) is #DIV/0!)."""
    if type(x) is ExcelError:
        return x
    if type(significance) is ExcelError:
        number = 0 if x is None else to_number(x)
        return number if type(number) is ExcelError else significance
    n, s = to_number(x), to_number(significance)
    if type(n) is ExcelError:
        return n
    if type(s) is ExcelError:
        return s
    if s == 0:
        return DIV0 if fn is math.floor and n != 0 else 0  # FLOOR(x, 0) is #DIV/0!, CEILING(x, 0) is 0
    if n > 0 > s:
        return NUM
    quotient = n / s
    if not math.isfinite(quotient):
        return NUM  # CEILING(-745, -1E-307): a multiple beyond the largest number
    result = round15(fn(round15(quotient)) * s)  # at Excel's 15 digits: FLOOR(0.3, 0.1) is 0.3
    if not math.isfinite(result):
        return NUM
    return int(result) if type(result) is float and result.is_integer() and abs(result) < 1e15 else result
