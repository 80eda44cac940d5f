"""Text functions: CONCAT, TEXTJOIN, LEFT, RIGHT, MID, LEN, UPPER, LOWER, TRIM, TEXT, VALUE..."""

from __future__ import annotations

import re
from typing import Any

from hipaa_xl.recalc.functions import Ctx, as_int, excel_function, flat_values
from hipaa_xl.recalc.values import (
    VALUE,
    ExcelError,
    excel_round,
    serial_parts,
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


def _count_arg(value: Any, default: int) -> Any:
    if value is None:
        return default
    n = as_int(value)
    if type(n) is ExcelError:
        return n
    return VALUE if n < 0 else n


@excel_function("LEFT", 1, 2, "v")
def left(value: Any, count: Any = 1) -> Any:
    s, n = _text(value), _count_arg(count, 1)
    for v in (s, n):
        if type(v) is ExcelError:
            return v
    return s[:n]


@excel_function("RIGHT", 1, 2, "v")
def right(value: Any, count: Any = 1) -> Any:
    s, n = _text(value), _count_arg(count, 1)
    for v in (s, n):
        if type(v) is ExcelError:
            return v
    return s[len(s) - n :] if n else ""


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
    a = 1 if start is None else as_int(start)
    if type(a) is ExcelError:
        return a
    if a < 1 or a > len(h) + 1:
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
        if ch == "~" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*?" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


@excel_function("FIND", 2, 3, "v")
def find(needle: Any, haystack: Any, start: Any = None) -> Any:
    return _find(needle, haystack, start, fold=False)


@excel_function("SEARCH", 2, 3, "v")
def search(needle: Any, haystack: Any, start: Any = None) -> Any:
    return _find(needle, haystack, start, fold=True)


# -- TEXT(value, format): the common number and date formats -----------------------------------

_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|\"[^\"]*\"|\\.|.", re.I)


@excel_function("TEXT", 2, 2, "v")
def text(value: Any, format_text: Any) -> Any:
    fmt = _text(format_text)
    if type(fmt) is ExcelError:
        return fmt
    if type(value) is str:
        n = text_to_number(value)
        if n is None:
            return value
        value = n
    if value is None:
        value = 0
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    section = fmt.split(";")
    if len(section) > 1 and value < 0:
        fmt, value = section[1], -value
    elif len(section) > 2 and value == 0:
        fmt = section[2]
    else:
        fmt = section[0]
    if fmt.lower() in ("general", ""):
        return to_text(value)
    if fmt == "@":
        return to_text(value)
    if re.search(r"[yd]|m(?!.*[0#])", re.sub(r'"[^"]*"', "", fmt), re.I):
        return _format_date(value, fmt)
    return _format_number(value, fmt)


def _format_date(value: float, fmt: str) -> Any:
    parts = serial_parts(value)
    if parts is None:
        return VALUE
    y, m, d = parts
    weekday = (int(value) - 1) % 7
    tokens = _DATE_TOKEN.findall(fmt)
    out = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if low == "yyyy":
            out.append(f"{y:04d}")
        elif low == "yy":
            out.append(f"{y % 100:02d}")
        elif low == "mmmm":
            out.append(_MONTHS[m - 1])
        elif low == "mmm":
            out.append(_MONTHS[m - 1][:3])
        elif low in ("mm", "m"):
            minute = any(t.lower().startswith("h") for t in tokens[:i]) or any(
                t.lower().startswith("s") for t in tokens[i + 1 :]
            )
            number = round((value % 1) * 1440) % 60 if minute else m
            out.append(f"{number:02d}" if low == "mm" else str(number))
        elif low == "dddd":
            out.append(_DAYS[weekday])
        elif low == "ddd":
            out.append(_DAYS[weekday][:3])
        elif low == "dd":
            out.append(f"{d:02d}")
        elif low == "d":
            out.append(str(d))
        elif low in ("hh", "h"):
            hour = int((value % 1) * 24 + 1e-9)
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            sec = round((value % 1) * 86400) % 60
            out.append(f"{sec:02d}" if low == "ss" else str(sec))
        elif token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        else:
            out.append(token)
    return "".join(out)


def _format_number(value: float, fmt: str) -> Any:
    match = re.search(r"[0#?][0#?,]*(\.[0#?]*)?", fmt)
    if match is None:
        return re.sub(r'"([^"]*)"', r"\1", fmt).replace("\\", "")
    prefix = re.sub(r'"([^"]*)"', r"\1", fmt[: match.start()]).replace("\\", "")
    suffix = re.sub(r'"([^"]*)"', r"\1", fmt[match.end() :]).replace("\\", "")
    core = match[0]
    scaled = value * (100 ** fmt.count("%"))
    decimals = len(match[1]) - 1 if match[1] else 0
    thousands = "," in core.split(".")[0]
    rounded = excel_round(abs(scaled), decimals)
    body = f"{rounded:,.{decimals}f}" if thousands else f"{rounded:.{decimals}f}"
    integer_part = core.split(".")[0].replace(",", "")
    if integer_part and set(integer_part) == {"#"} and body.startswith("0"):
        body = body[1:]
    sign = "-" if scaled < 0 and rounded != 0 else ""
    return f"{sign}{prefix}{body}{suffix}"

