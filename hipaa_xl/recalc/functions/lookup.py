"""Lookup and reference functions: INDEX, MATCH, VLOOKUP, HLOOKUP, XLOOKUP, ROW(S), COLUMN(S).

Exact-match lookups over a range build a value -> first position index once per range, so a
VLOOKUP on every row of a 10,000-row table costs a dictionary look-up, not a scan.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from hipaa_xl.recalc.functions import Ctx, as_int, excel_function
from hipaa_xl.recalc.functions.text import _wildcard_regex
from hipaa_xl.recalc.model import Book, Ref
from hipaa_xl.recalc.operators import operand
from hipaa_xl.recalc.values import NA, REF, VALUE, ExcelError, Unsupported, compare, round15, to_bool

_MISSING = object()


def lookup_key(value: Any) -> Any:
    """The key under which exact matching finds a value (text case-insensitive); None = never."""
    t = type(value)
    if t is int or t is float:
        return (0, round15(value))
    if t is str:
        return (1, value.lower())
    if t is bool:
        return (2, value)
    return None


def _vector(book: Book, source: Any) -> tuple[list[Any], Any] | ExcelError:
    """The values of a one-row or one-column range/array and a cache key (None for arrays)."""
    if type(source) is Ref:
        if source.height != 1 and source.width != 1:
            return NA
        values = book.column(source)
        r2, c2 = book.bounds(source)
        return values, ("vector", source.sheet.index, source.r1, source.c1, r2, c2)
    if type(source) is list:
        if len(source) == 1:
            return list(source[0]), None
        if source and len(source[0]) == 1:
            return [row[0] for row in source], None
        return NA
    return [source], None


def _exact_position(book: Book, values: list[Any], cache_key: Any, wanted: Any, wildcards: bool,
                    last: bool = False) -> int | None:
    """0-based position of the first (or last) exact match, or None."""
    if wildcards and type(wanted) is str and any(ch in wanted for ch in "*?~"):
        pattern = re.compile(_wildcard_regex(wanted.lower()) + r"\Z", re.S)
        order = range(len(values) - 1, -1, -1) if last else range(len(values))
        for i in order:
            v = values[i]
            if type(v) is str and pattern.match(v.lower()):
                return i
        return None
    key = lookup_key(wanted)
    if key is None:
        return None
    if cache_key is None:
        order = range(len(values) - 1, -1, -1) if last else range(len(values))
        for i in order:
            if lookup_key(values[i]) == key:
                return i
        return None
    full_key = (*cache_key, "last" if last else "first")
    index = book.shared_cache.get(full_key)
    if index is None:
        index = {}
        order = range(len(values) - 1, -1, -1) if last else range(len(values))
        for i in order:
            k = lookup_key(values[i])
            if k is not None and k not in index:
                index[k] = i
        book.shared_cache[full_key] = index
    return index.get(key)


def _kind(value: Any) -> int | None:
    """0 number, 1 text, 2 boolean; None for blanks and errors (never matched approximately)."""
    t = type(value)
    if t is int or t is float:
        return 0
    if t is str:
        return 1
    if t is bool:
        return 2
    return None


def _binary_position(values: list[Any], wanted: Any) -> int | None:
    """Excel's approximate search (MATCH 1, VLOOKUP TRUE): the largest value <= ``wanted``, found by
    a binary search, so unsorted or mixed data give what Excel gives.

    The search stops at an equal value (taking the last of a run of equal values); a probe that
    lands on a value of another type (or a blank or an error) moves right to the next value of the
    same type, and when there is none the search goes on to the left: MATCH(TRUE,
    {TRUE,4.1,FALSE,1.1}) is 3, MATCH(4.1, {"a",2.1,"c",4.1}) 4.
    """
    kind = _kind(wanted)
    lo, hi = 0, len(values) - 1
    found = None
    while lo <= hi:
        mid = (lo + hi) // 2
        j = mid
        while j <= hi and _kind(values[j]) != kind:
            j += 1
        if j > hi:
            hi = mid - 1
            continue
        c = compare(values[j], wanted)
        if c == 0:  # an equal value: the last of the equal values that follow it
            while j + 1 < len(values) and _kind(values[j + 1]) == kind and compare(values[j + 1], wanted) == 0:
                j += 1
            return j
        if c < 0:
            found = j
            lo = j + 1
        else:
            hi = mid - 1
    return found


def _descending_position(values: list[Any], wanted: Any) -> int | None:
    """MATCH -1: the smallest value >= ``wanted`` in descending data, scanned from the top.

    Values of another type are stepped over; the scan stops at an equal value or at the first
    smaller one.
    """
    kind = _kind(wanted)
    found = None
    for i, v in enumerate(values):
        if _kind(v) != kind:
            continue
        c = compare(v, wanted)
        if c == 0:
            return i
        if c > 0:
            found = i
        else:
            break
    return found


@excel_function("MATCH", 2, 3, "vrv", needs_ctx=True)
def match(ctx: Ctx, wanted: Any, source: Any, match_type: Any = 1) -> Any:
    vector = _vector(ctx.book, source)
    if isinstance(vector, ExcelError):
        return vector
    values, key = vector
    kind = as_int(1 if match_type is None else match_type)
    if type(kind) is ExcelError:
        return kind
    if wanted is None:
        wanted = 0  # a blank lookup value is looked up as 0
    if kind == 0:
        pos = _exact_position(ctx.book, values, key, wanted, wildcards=True)
    elif kind > 0:
        pos = _binary_position(values, wanted)
    else:
        pos = _descending_position(values, wanted)
    return NA if pos is None else pos + 1


@excel_function("VLOOKUP", 3, 4, "vrvv", needs_ctx=True)
def vlookup(ctx: Ctx, wanted: Any, table: Any, col: Any, approximate: Any = True) -> Any:
    return _table_lookup(ctx, wanted, table, col, approximate, vertical=True)


@excel_function("HLOOKUP", 3, 4, "vrvv", needs_ctx=True)
def hlookup(ctx: Ctx, wanted: Any, table: Any, row: Any, approximate: Any = True) -> Any:
    return _table_lookup(ctx, wanted, table, row, approximate, vertical=False)


def _table_lookup(ctx: Ctx, wanted: Any, table: Any, index: Any, approximate: Any, vertical: bool) -> Any:
    n = as_int(index)
    if type(n) is ExcelError:
        return n
    approx = to_bool(True if approximate is None else approximate)
    if type(approx) is ExcelError:
        return approx
    # a column index below 1 is #VALUE! only once the value is found: a lookup that finds nothing
    # is #N/A first (Excel: VLOOKUP of a blank with a blank column index is #N/A)
    low_index = n < 1
    if type(table) is Ref:
        size = table.width if vertical else table.height
        if n > size:
            return REF
        if vertical:
            keys = Ref(table.sheet, table.r1, table.c1, table.r2, table.c1)
        else:
            keys = Ref(table.sheet, table.r1, table.c1, table.r1, table.c2)
        vector = _vector(ctx.book, keys)
    elif type(table) is list:
        size = len(table[0]) if vertical else len(table)
        if n > size:
            return REF
        vector = ([row[0] for row in table] if vertical else list(table[0]), None)
    elif type(table) is str:
        return VALUE  # a table that is text ("Nothing")
    else:
        return NA  # a single number or boolean as the table: nothing to find in it
    if isinstance(vector, ExcelError):
        return vector
    values, key = vector
    if wanted is None:
        wanted = 0  # a blank lookup value is looked up as 0
    pos = (_binary_position(values, wanted) if approx
           else _exact_position(ctx.book, values, key, wanted, wildcards=True))
    if pos is None:
        return NA
    if low_index:
        return VALUE
    if type(table) is Ref:
        if vertical:
            return ctx.book.cell(table.sheet, table.r1 + pos, table.c1 + n - 1)
        return ctx.book.cell(table.sheet, table.r1 + n - 1, table.c1 + pos)
    return table[pos][n - 1] if vertical else table[n - 1][pos]


@excel_function("XLOOKUP", 3, 6, "vrrrvv", needs_ctx=True)
def xlookup(ctx: Ctx, wanted: Any, source: Any, result: Any, if_not_found: Any = _MISSING,
            match_mode: Any = 0, search_mode: Any = 1) -> Any:
    """XLOOKUP: exact (0), exact or next smaller (-1) or larger (1), wildcard (2); search first to
    last (1), last to first (-1) or binary (2 ascending, -2 descending). An omitted or empty
    ``if_not_found`` gives #N/A. Next smaller/larger follow Excel's order of all values: numbers,
    then text, then booleans."""
    vector = _vector(ctx.book, source)
    if isinstance(vector, ExcelError):
        return VALUE
    values, key = vector
    mode = as_int(0 if match_mode is None else match_mode)
    search = as_int(1 if search_mode is None else search_mode)
    for v in (mode, search):
        if type(v) is ExcelError:
            return v
    if mode not in (-1, 0, 1, 2) or search not in (-2, -1, 1, 2):
        return VALUE
    vertical = (type(source) is Ref and source.width == 1) or (type(source) is list and len(source[0]) == 1)
    length = len(values) if type(source) is not Ref else (source.height if vertical else source.width)
    if type(result) is Ref:
        along = result.height if vertical else result.width
    elif type(result) is list:
        along = len(result) if vertical else len(result[0])
    else:
        along = 1
    if along != length:
        return VALUE
    pos = _xlookup_position(ctx, values, key, wanted, mode, search)
    if type(pos) is ExcelError:
        return pos
    if pos is None:
        return NA if if_not_found is _MISSING or if_not_found is None else if_not_found
    if type(result) is Ref:
        if vertical:
            return Ref(result.sheet, result.r1 + pos, result.c1, result.r1 + pos, result.c2)
        return Ref(result.sheet, result.r1, result.c1 + pos, result.r2, result.c1 + pos)
    if type(result) is list:
        if vertical:
            return [result[pos]] if pos < len(result) else NA
        return [[row[pos]] for row in result] if pos < len(result[0]) else NA
    return result


def _xlookup_position(ctx: Ctx, values: list[Any], key: Any, wanted: Any, mode: int, search: int) -> Any:
    if wanted is None:  # an empty lookup value finds an empty cell
        order = range(len(values) - 1, -1, -1) if search == -1 else range(len(values))
        return next((i for i in order if values[i] is None), None)
    if search in (2, -2):
        if mode == 2:
            return VALUE  # wildcards cannot be searched in binary
        return _sorted_position(values, wanted, mode, descending=search == -2)
    last = search == -1
    pos = _exact_position(ctx.book, values, key, wanted, wildcards=mode == 2, last=last)
    if pos is not None or mode in (0, 2):
        return pos
    return _neighbour(values, wanted, mode, last)


def _sorted_position(values: list[Any], wanted: Any, mode: int, descending: bool) -> int | None:
    """XLOOKUP's binary search (search mode 2 or -2) over data sorted in Excel's order.

    Exact matches give the first of equal values; next smaller/larger the neighbour of where the
    value would go. On data that is not sorted Excel's answer depends on the steps of its search:
    reported, not guessed.
    """
    end = len(values)
    while end and values[end - 1] is None:  # blank cells below the data of a whole column
        end -= 1
    # descending data is searched as the same data read from the end (so an exact match is the
    # last of equal values, as in Excel)
    data = values[:end][::-1] if descending else values[:end]
    for a, b in itertools.pairwise(data):
        c = compare(a, b)
        if a is None or b is None or type(c) is ExcelError or c > 0:
            raise Unsupported("XLOOKUP binary search over data that is not sorted")
    lo, hi = 0, len(data)
    while lo < hi:  # the first position whose value is not below ``wanted``
        mid = (lo + hi) // 2
        if compare(data[mid], wanted) < 0:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(data) and compare(data[lo], wanted) == 0:
        pos = lo
    elif mode == 0:
        return None
    else:
        pos = lo - 1 if mode == -1 else lo
        if not 0 <= pos < len(data):
            return None
    return end - 1 - pos if descending else pos


def _neighbour(values: list[Any], wanted: Any, mode: int, last: bool) -> int | None:
    """Position of the next larger (mode 1) or next smaller (-1) value, in Excel's order of values."""
    best = None
    order = range(len(values) - 1, -1, -1) if last else range(len(values))
    for i in order:
        v = values[i]
        if _kind(v) is None:
            continue
        c = compare(v, wanted)
        if (mode == -1 and c < 0) or (mode == 1 and c > 0):
            if best is None:
                best = i
                continue
            d = compare(v, values[best])
            if (mode == -1 and d > 0) or (mode == 1 and d < 0):
                best = i
    return best


@excel_function("INDEX", 2, 4, "rvvv", needs_ctx=True)
def index(ctx: Ctx, source: Any, row: Any, col: Any = None, area: Any = None) -> Any:
    """INDEX(array, row, [column], [area]): the evaluator has no multi-area references (unions), so
    area 1 is the reference itself and any other area is #REF!, as Excel gives for a missing area."""
    r = as_int(0 if row is None else row)
    c = None if col is None else as_int(col)
    a = 1 if area is None else as_int(area)
    for v in (r, c, a):
        if type(v) is ExcelError:
            return v
    if a != 1:
        return VALUE if a < 1 else REF
    if type(source) is Ref:
        height, width = source.height, source.width
    elif type(source) is list:
        height, width = len(source), len(source[0])
    else:
        source, height, width = [[source]], 1, 1
    if r < 0 or (c is not None and c < 0):
        return VALUE  # Excel: a negative row or column is #VALUE!, one past the end #REF!
    if c is None:
        if height == 1 and width > 1:  # INDEX(A1:E1, 3): the one index counts along the row
            r, c = 1, r
        elif width > 1 and type(source) is Ref:
            return REF  # one index into a range of several rows and columns
        else:
            c = 1 if width == 1 else 0
    if r > height or c > width:
        return REF
    if type(source) is Ref:
        top = source.r1 + r - 1 if r else source.r1
        bottom = source.r1 + r - 1 if r else source.r2
        first = source.c1 + c - 1 if c else source.c1
        last = source.c1 + c - 1 if c else source.c2
        return Ref(source.sheet, top, first, bottom, last)
    rows = source if r == 0 else [source[r - 1]]
    picked = [row if c == 0 else [row[c - 1]] for row in rows]
    return picked[0][0] if len(picked) == 1 and len(picked[0]) == 1 else picked


@excel_function("ROW", 0, 1, "r", needs_ctx=True)
def row_(ctx: Ctx, ref: Any = _MISSING) -> Any:
    if ref is _MISSING or ref is None:
        return ctx.row
    if type(ref) is not Ref:
        return VALUE
    if ref.height == 1:
        return ref.r1
    return [[r] for r in range(ref.r1, ctx.book.bounds(ref)[0] + 1)]


@excel_function("COLUMN", 0, 1, "r", needs_ctx=True)
def column_(ctx: Ctx, ref: Any = _MISSING) -> Any:
    if ref is _MISSING or ref is None:
        return ctx.col
    if type(ref) is not Ref:
        return VALUE
    if ref.width == 1:
        return ref.c1
    return [list(range(ref.c1, ctx.book.bounds(ref)[1] + 1))]


@excel_function("ROWS", 1, 1, "r", needs_ctx=True)
def rows_(ctx: Ctx, ref: Any) -> Any:
    if type(ref) is Ref:
        return ref.height
    value = operand(ctx.book, ref)
    return len(value) if type(value) is list else 1


@excel_function("COLUMNS", 1, 1, "r", needs_ctx=True)
def columns_(ctx: Ctx, ref: Any) -> Any:
    if type(ref) is Ref:
        return ref.width
    value = operand(ctx.book, ref)
    return len(value[0]) if type(value) is list else 1
