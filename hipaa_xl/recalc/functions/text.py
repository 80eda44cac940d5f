"""Text functions: CONCAT, TEXTJOIN, LEFT, RIGHT, MID, LEN, UPPER, LOWER, TRIM, TEXT, VALUE..."""

from __future__ import annotations

import re
from typing import Any

from hipaa_xl.recalc.functions import Ctx, as_int, excel_function, flat_values
from hipaa_xl.recalc.functions.number_format import format_value
from hipaa_xl.recalc.values import (
    VALUE,
    ExcelError,
    text_to_number,
    to_bool,
    to_text,
)


def _text(value: Any) -> Any:
    return to_text(value)


def _joined(ctx: Ctx, args: tuple[Any, ...], skip_empty: bool) -> Any:
    out: list[str] = []
    for arg in args:
        for v, _ in flat_values(ctx.book, arg):
            t = to_text(v)
            if type(t) is ExcelError:
                return t
            if skip_empty and t == "":
                continue
            out.append(t)
    return out


@excel_function("CONCAT", 1, None, "r", needs_ctx=True)
def concat(ctx: Ctx, *args: Any) -> Any:
    parts = _joined(ctx, args, skip_empty=False)
    return parts if type(parts) is ExcelError else "".join(parts)


@excel_function("CONCATENATE", 1, None, "v")
def concatenate(*args: Any) -> Any:
    parts = [to_text(a) for a in args]
    for p in parts:
        if type(p) is ExcelError:
            return p
    return "".join(parts)


@excel_function("TEXTJOIN", 3, None, "vvr", needs_ctx=True)
def textjoin(ctx: Ctx, delimiter: Any, ignore_empty: Any, *args: Any) -> Any:
    sep = to_text(delimiter)
    skip = to_bool(ignore_empty)
    for v in (sep, skip):
        if type(v) is ExcelError:
            return v
    parts = _joined(ctx, args, skip_empty=bool(skip))
    return parts if type(parts) is ExcelError else sep.join(parts)


def _count_arg(value: Any, default: int, omitted: bool = False) -> Any:
    """A character count: ``default`` when the argument is left out, a blank cell counts as 0."""
    if omitted:
        return default
    n = as_int(value)
    if type(n) is ExcelError:
        return n
    return VALUE if n < 0 else n


_OMITTED: Any = object()


@excel_function("LEFT", 1, 2, "v")
def left(value: Any, count: Any = _OMITTED) -> Any:
    s, n = _text(value), _count_arg(count, 1, count is _OMITTED)
    for v in (s, n):
        if type(v) is ExcelError:
            return v
    return s[:n]


@excel_function("RIGHT", 1, 2, "v")
def right(value: Any, count: Any = _OMITTED) -> Any:
    s, n = _text(value), _count_arg(count, 1, count is _OMITTED)
    for v in (s, n):
        if type(v) is ExcelError:
            return v
    return s[max(0, len(s) - n) :] if n else ""


@excel_function("MID", 3, 3, "v")
def mid(value: Any, start: Any, count: Any) -> Any:
    s, a, n = _text(value), as_int(start), _count_arg(count, 0)
    for v in (s, a, n):
        if type(v) is ExcelError:
            return v
    if a < 1:
        return VALUE
    return s[a - 1 : a - 1 + n]


@excel_function("LEN", 1, 1, "v")
def len_(value: Any) -> Any:
    s = _text(value)
    return s if type(s) is ExcelError else len(s)


@excel_function("UPPER", 1, 1, "v")
def upper(value: Any) -> Any:
    s = _text(value)
    return s if type(s) is ExcelError else s.upper()


@excel_function("LOWER", 1, 1, "v")
def lower(value: Any) -> Any:
    s = _text(value)
    return s if type(s) is ExcelError else s.lower()


@excel_function("PROPER", 1, 1, "v")
def proper(value: Any) -> Any:
    s = _text(value)
    return s if type(s) is ExcelError else re.sub(r"[A-Za-z]+", lambda m: m[0].capitalize(), s)


@excel_function("TRIM", 1, 1, "v")
def trim(value: Any) -> Any:
    s = _text(value)
    return s if type(s) is ExcelError else re.sub(" +", " ", s).strip(" ")


@excel_function("VALUE", 1, 1, "v")
def value_(value: Any) -> Any:
    if value is None:
        return 0  # VALUE of a blank cell is 0
    if type(value) in (int, float):
        return value
    if type(value) is bool:
        return VALUE
    n = text_to_number(to_text(value))
    return VALUE if n is None else n


@excel_function("EXACT", 2, 2, "v")
def exact(a: Any, b: Any) -> Any:
    x, y = _text(a), _text(b)
    for v in (x, y):
        if type(v) is ExcelError:
            return v
    return x == y


@excel_function("REPT", 2, 2, "v")
def rept(value: Any, times: Any) -> Any:
    s, n = _text(value), _count_arg(times, 0)
    for v in (s, n):
        if type(v) is ExcelError:
            return v
    return VALUE if len(s) * n > 32767 else s * n


@excel_function("SUBSTITUTE", 3, 4, "v")
def substitute(value: Any, old: Any, new: Any, instance: Any = None) -> Any:
    s, o, n = _text(value), _text(old), _text(new)
    for v in (s, o, n):
        if type(v) is ExcelError:
            return v
    if not o:
        return s
    if instance is None:
        return s.replace(o, n)
    k = as_int(instance)
    if type(k) is ExcelError:
        return k
    if k < 1:
        return VALUE
    pos = -1
    for _ in range(k):
        pos = s.find(o, pos + 1)
        if pos < 0:
            return s
    return s[:pos] + n + s[pos + len(o) :]


def _find(needle: Any, haystack: Any, start: Any, fold: bool) -> Any:
    n, h = _text(needle), _text(haystack)
    for v in (n, h):
        if type(v) is ExcelError:
            return v
    a = 1 if start is _OMITTED else as_int(start)  # a blank start_num is 0: #VALUE!
    if type(a) is ExcelError:
        return a
    if a < 1 or (a > len(h) and a != 1):  # a start past the text is #VALUE!, even for "" (Excel)
        return VALUE
    if fold:
        pattern = _wildcard_regex(n.lower())
        match = re.compile(pattern).search(h.lower(), a - 1)
        return VALUE if match is None else match.start() + 1
    pos = h.find(n, a - 1)
    return VALUE if pos < 0 else pos + 1


def _wildcard_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~":  # escapes the next character; a "~" at the end escapes nothing (Excel:
            # SEARCH("~","Hello") is 1)
            out.append(re.escape(pattern[i + 1]) if i + 1 < len(pattern) else "")
            i += 2
            continue
        out.append(".*?" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


@excel_function("FIND", 2, 3, "v")
def find(needle: Any, haystack: Any, start: Any = _OMITTED) -> Any:
    return _find(needle, haystack, start, fold=False)


@excel_function("SEARCH", 2, 3, "v")
def search(needle: Any, haystack: Any, start: Any = _OMITTED) -> Any:
    return _find(needle, haystack, start, fold=True)


# -- TEXT(value, format_text): see number_format for the format codes ---------------------------


@excel_function("TEXT", 2, 2, "v")
def text(value: Any, format_text: Any) -> Any:
    """TEXT: text that reads as a number or a time ("1", "0:59:99") is converted first."""
    fmt = _text(format_text)
    if type(fmt) is ExcelError:
        return fmt
    if type(value) is str:
        n = text_to_number(value)
        if n is not None:
            value = n
    return format_value(value, fmt)
