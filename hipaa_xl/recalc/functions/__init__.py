"""Excel's built-in functions, registered by name.

Each function declares how its arguments arrive (``kinds``, one letter per argument, the last one
repeating; ``"r|re"`` means one ``r`` then ``r``, ``e`` in turn):

``v``  a scalar; an error in it is the function's result (checked before the call); arrays and
       multi-cell references are "lifted": the function runs element by element and returns an array.
``e``  like ``v`` but errors reach the function (ISERROR, IFERROR...).
``r``  the raw argument: a :class:`~hipaa_xl.recalc.model.Ref`, an array or a scalar (SUM, INDEX...).

Functions that read references receive a :class:`Ctx` first (``needs_ctx=True``). Short-circuit
functions (IF, IFERROR, IFS, CHOOSE, SWITCH...) are compiled as special forms in
:mod:`hipaa_xl.recalc.compiler`, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hipaa_xl.recalc.model import Book, Ref, Sheet
from hipaa_xl.recalc.values import VALUE, ExcelError, to_number


@dataclass(frozen=True)
class FunctionSpec:
    """How to call one Excel function."""

    impl: Callable[..., Any]
    min_args: int
    max_args: int | None
    kinds: str
    needs_ctx: bool = False
    scalar_only: bool = False
    """True for the former Analysis ToolPak functions (EDATE, ISEVEN, WORKDAY...), which give
    #VALUE! for an array or multi-cell range argument instead of working element by element."""

    def kind(self, position: int) -> str:
        """The kind of argument ``position``: ``"r|re"`` is "r" then "r", "e" repeating."""
        prefix, bar, cycle = self.kinds.partition("|")
        if not bar:
            return prefix[min(position, len(prefix) - 1)] if prefix else "r"
        if position < len(prefix):
            return prefix[position]
        return cycle[(position - len(prefix)) % len(cycle)]


class Ctx:
    """Where a function runs: the book, the formula's sheet and cell."""

    __slots__ = ("book", "col", "row", "sheet")

    def __init__(self, book: Book, sheet: Sheet, row: int, col: int) -> None:
        self.book = book
        self.sheet = sheet
        self.row = row
        self.col = col


REGISTRY: dict[str, FunctionSpec] = {}


def excel_function(
    name: str, min_args: int, max_args: int | None, kinds: str, *, needs_ctx: bool = False,
    scalar_only: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``impl`` under the Excel name ``name``."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = FunctionSpec(impl, min_args, max_args, kinds, needs_ctx, scalar_only)
        return impl

    return register


# -- helpers shared by the function modules -----------------------------------------------------


def flat_values(book: Book, value: Any) -> Iterator[tuple[Any, bool]]:
    """Every value of an argument with a flag: True when it came from a reference or array."""
    if type(value) is Ref:
        for row in book.rows(value):
            for v in row:
                yield v, True
    elif type(value) is list:
        for row in value:
            for v in row:
                yield v, True
    else:
        yield value, False


class SharedNumbers(tuple[float | int, ...]):
    """The numbers of one large range, read once and shared by every formula that reads that range.

    2,000 cells ``=SUM(A:A)-A1`` ... ``=SUM(A:A)-A2000`` over 1,000,000 used rows read column A once
    and add it up once (``total``), instead of 2,000 times. Immutable, so no caller can alter it.
    """

    total: float | int | None = None


SHARED_RANGE_CELLS = 64
"""A range argument of at least this many cells has its numbers shared (as materialised ranges are)."""


def range_numbers(book: Book, ref: Ref) -> Any:
    """The numbers in ``ref`` (text, booleans and blanks skipped) as :class:`SharedNumbers`, or its first error.

    Computed once per range: the range's formula cells are all computed before (``book.rows`` raises
    NeedCells otherwise), so its numbers cannot change afterwards.
    """
    key = ("numbers", ref.sheet.index, ref.r1, ref.c1, ref.r2, ref.c2)
    found = book.shared_cache.get(key)
    if found is None:
        out: list[float | int] = []
        append = out.append
        error = None
        for row in book.rows(ref):
            for v in row:
                t = type(v)
                if t is int or t is float:
                    append(v)
                elif t is ExcelError and error is None:
                    error = v
        found = error if error is not None else SharedNumbers(out)
        book.shared_cache[key] = found
    return found


def numbers(book: Book, args: tuple[Any, ...]) -> Any:
    """The numbers SUM/AVERAGE/MIN/MAX use: numbers in ranges (text, booleans, blanks skipped),
    direct arguments coerced; the first error met is returned instead."""
    if len(args) == 1 and type(args[0]) is Ref:
        ref = args[0]
        last_row, last_col = book.bounds(ref)
        if (last_row - ref.r1 + 1) * (last_col - ref.c1 + 1) >= SHARED_RANGE_CELLS:
            return range_numbers(book, ref)
    out: list[float | int] = []
    append = out.append
    for arg in args:
        for v, from_range in flat_values(book, arg):
            t = type(v)
            if t is int or t is float:
                append(v)
            elif t is ExcelError:
                return v
            elif not from_range and v is not None:
                n = to_number(v)
                if type(n) is ExcelError:
                    return n
                append(n)
    return out


def as_int(value: Any) -> Any:
    """An integer argument (truncated), or #VALUE!."""
    n = to_number(value)
    if type(n) is ExcelError:
        return n
    try:
        return int(n)
    except (OverflowError, ValueError):
        return VALUE


def load_builtins() -> dict[str, FunctionSpec]:
    """Import every function module (they register themselves) and return the registry."""
    from hipaa_xl.recalc.functions import (  # noqa: F401
        criteria,
        dates,
        info,
        logic,
        lookup,
        math_functions,
        text,
    )

    return REGISTRY
