"""Excel's operators on scalars and arrays (arrays broadcast the way dynamic-array Excel does)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, Final

from hipaa_xl.recalc.model import Book, Ref
from hipaa_xl.recalc.values import (
    DIV0,
    NA,
    NUM,
    VALUE,
    ExcelError,
    clean_number,
    compare,
    to_number,
    to_text,
)

Array = list[list[Any]]


def operand(book: Book, value: Any) -> Any:
    """A scalar or an array: one-cell references become their value, larger ones an array."""
    if type(value) is Ref:
        if value.r1 == value.r2 and value.c1 == value.c2:
            return book.cell(value.sheet, value.r1, value.c1)
        return book.rows(value)
    return value


def intersect(book: Book, ref: Ref, row: int, col: int) -> Any:
    """Excel's implicit intersection: the one value a range gives where a single value is expected.

    A one-cell range is its cell; a one-column range gives its cell in the formula's row, a one-row
    range its cell in the formula's column; anything else (or a row/column outside the range) is
    ``#VALUE!`` ("Implicit intersection operator: @", Microsoft support).
    """
    if ref.r1 == ref.r2 and ref.c1 == ref.c2:
        return book.cell(ref.sheet, ref.r1, ref.c1)
    if ref.c1 == ref.c2 and ref.r1 <= row <= ref.r2:
        return book.cell(ref.sheet, row, ref.c1)
    if ref.r1 == ref.r2 and ref.c1 <= col <= ref.c2:
        return book.cell(ref.sheet, ref.r1, col)
    return VALUE


def scalar_operand(book: Book, value: Any, row: int, col: int) -> Any:
    """A value where a formula outside an array context expects one: ranges implicitly intersected."""
    if type(value) is Ref:
        return intersect(book, value, row, col)
    return value


def element(array: Array, i: int, j: int) -> Any:
    """Element (i, j) with Excel's broadcasting of single rows/columns; #N/A outside."""
    rows = len(array)
    cols = len(array[0]) if rows else 0
    if rows == 1:
        i = 0
    if cols == 1:
        j = 0
    if i < rows and j < cols:
        return array[i][j]
    return NA


def broadcast(values: list[Any], fn: Callable[..., Any]) -> Array:
    """Apply ``fn`` element by element over scalars and arrays of any compatible shapes."""
    arrays = [v for v in values if type(v) is list]
    height = max(len(a) for a in arrays)
    width = max((len(a[0]) if a else 0) for a in arrays)
    out: Array = []
    for i in range(height):
        row = []
        for j in range(width):
            row.append(fn(*[element(v, i, j) if type(v) is list else v for v in values]))
        out.append(row)
    return out


def _arith(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def scalar(a: Any, b: Any) -> Any:
        a = to_number(a)
        if type(a) is ExcelError:
            return a
        b = to_number(b)
        if type(b) is ExcelError:
            return b
        return op(a, b)

    return scalar


def _div(a: Any, b: Any) -> Any:
    if b == 0:
        return DIV0
    return a / b


def _pow(a: Any, b: Any) -> Any:
    if a == 0 and b == 0:
        return NUM
    if a == 0 and b < 0:
        return DIV0
    try:
        result = math.pow(a, b)
    except (OverflowError, ValueError):
        return NUM
    return clean_number(int(result) if result.is_integer() and abs(result) < 1e15 else result)


def _mul(a: Any, b: Any) -> Any:
    return clean_number(a * b)


def _add(a: Any, b: Any) -> Any:
    return clean_number(a + b)


def _sub(a: Any, b: Any) -> Any:
    return clean_number(a - b)


def _concat(a: Any, b: Any) -> Any:
    a = to_text(a)
    if type(a) is ExcelError:
        return a
    b = to_text(b)
    if type(b) is ExcelError:
        return b
    return a + b


def _comparison(test: Callable[[int, int], bool]) -> Callable[[Any, Any], Any]:
    def scalar(a: Any, b: Any) -> Any:
        result = compare(a, b)
        if type(result) is ExcelError:
            return result
        return test(result, 0)

    return scalar


SCALAR_BINARY: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+": _arith(_add),
    "-": _arith(_sub),
    "*": _arith(_mul),
    "/": _arith(_div),
    "^": _arith(_pow),
    "&": _concat,
    "=": _comparison(operator.eq),
    "<>": _comparison(operator.ne),
    "<": _comparison(operator.lt),
    ">": _comparison(operator.gt),
    "<=": _comparison(operator.le),
    ">=": _comparison(operator.ge),
}


def negate(a: Any) -> Any:
    """Unary minus."""
    a = to_number(a)
    if type(a) is ExcelError:
        return a
    return -a


def percent(a: Any) -> Any:
    """Postfix %."""
    a = to_number(a)
    if type(a) is ExcelError:
        return a
    return a / 100


def apply_binary(book: Book, op: str, a: Any, b: Any) -> Any:
    """The general (slow) path of a binary operator: references, arrays, coercions."""
    a = operand(book, a)
    b = operand(book, b)
    fn = SCALAR_BINARY[op]
    if type(a) is list or type(b) is list:
        return broadcast([a, b], fn)
    return fn(a, b)


def apply_unary(book: Book, fn: Callable[[Any], Any], a: Any) -> Any:
    """A unary operator over a scalar or an array."""
    a = operand(book, a)
    if type(a) is list:
        return [[fn(v) for v in row] for row in a]
    return fn(a)
