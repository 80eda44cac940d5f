"""Excel number format codes, as TEXT(value, format_text) applies them.

Sources: "Number format codes" and "Review guidelines for customizing a number format" (Microsoft
support), ECMA-376 Part 1, 18.8.31 with MS-OI29500's notes on it, checked against the values Excel
itself computed for several hundred TEXT calls (tests/recalc/test_number_format.py has a table per
construct).

A format has up to four sections separated by ``;``: positive, negative, zero, text (with one
section every number uses it and a negative number gets a ``-``; with two, zero uses the first;
a section with ``@`` is the text section). ``[Red]``-style colours are ignored; ``[<=1]``-style
conditions choose the section; ``[$€-407]`` shows its currency text.

Number sections: ``0`` shows a digit or 0, ``#`` a digit or nothing, ``?`` a digit or a space; the
integer digits fill the placeholders from the right (extra digits go to the first one) and any
literal between them stays in place (``00-00-00-00``); a ``,`` right after a placeholder groups
thousands, counted by placeholder position, and after the last placeholder divides by 1,000; each
``%`` multiplies by 100; a ``?`` that pads pads the separator beside it too; the first ``.`` is
the decimal point and later ones are literal; ``E+0``/``e-0`` is scientific notation (the letter's
case kept, literals anywhere, ``,`` and ``%`` not scaling; with ``##0.0E+0`` in steps of the number
of integer places, with ``00.0E+0`` that many integer digits); ``# ?/?``, ``?/??``, ``# ?/8`` are
fractions (closest denominator of at most that many digits, or the one written; literal text may
stand round the bar); ``_x`` is a
space, ``*x`` (fill) is dropped, ``"text"`` and ``\\x`` are literal; ``General`` shows at most 11
characters (``0.333333333``, ``1.23457E+11``).

Date and time sections: ``y``/``yy`` two-digit year, ``yyy`` and longer four digits; ``m`` to
``mmmmm`` month (minutes right after an hour or before a second), ``d`` to ``dddd`` day and weekday,
``h``, ``s``, ``.000`` fractions of a second, ``AM/PM``, ``A/P``, and elapsed ``[h]``, ``[m]``,
``[s]`` (after ``[h]`` a later ``h`` shows elapsed hours too, after ``[s]`` a later ``s`` elapsed
seconds; ``m`` after ``h`` or ``s`` or before ``s`` is minutes). The value is rounded to the
precision shown before its parts are taken. In a 1904 workbook a negative date or time is shown
with a minus sign (the 1900 system gives ``#VALUE!``).

What is not implemented raises :class:`~hipaa_xl.recalc.values.Unsupported`: the cell is
reported, not guessed. That is what depends on the reader's locale, which the file does not record
(system date and time formats ``[$-F800]``/``[$-F400]``, ``[DBNum1]``-style numerals, era years
``e``/``g``/``b``), and what Excel does not document: a negative number under conditional sections,
a fraction format for a value whose fraction part rounds to 0, General beside digit placeholders,
more than three decimals of a second.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Final

from hipaa_xl.ooxml import dates
from hipaa_xl.recalc.values import VALUE, ExcelError, Unsupported, serial_parts

_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_DAYS: Final = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_COLOURS: Final = frozenset({"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"})
_CONDITION: Final = re.compile(r"^(<=|>=|<>|<|>|=)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # lit, ph (placeholder), point, comma, percent, exp, general, text, date, elapsed, ampm
    value: str


@dataclass(frozen=True, slots=True)
class _Section:
    tokens: tuple[_Token, ...]
    condition: tuple[str, float] | None
    is_date: bool
    has_text: bool


def format_value(value: Any, code: str) -> Any:
    """``value`` (a number, text or boolean) as TEXT shows it with format ``code``; text or #VALUE!."""
    sections = _sections(code)
    if type(sections) is ExcelError:
        return sections
    assert isinstance(sections, list)
    text_section = None
    if sections and (sections[-1].has_text or len(sections) == 4):
        text_section = sections[-1]
        numeric = sections[:-1]
    else:
        numeric = sections
    if any(s.has_text for s in numeric) or (text_section is not None and text_section.has_text
                                             and any(t.kind == "ph" for t in text_section.tokens)):
        return VALUE
    if type(value) is bool:
        value = "TRUE" if value else "FALSE"
    if type(value) is str:
        if text_section is None:
            return value
        return _render_text(_check(text_section), value)
    x = float(value) if value is not None else 0.0
    if not numeric:
        return _general(x)
    section, x, sign = _choose(numeric, x)
    _check(section)
    if section.is_date:
        return _format_date(section, x, sign)
    return _format_number(section, x, sign)


# -- sections and tokens -------------------------------------------------------------------------


def _split(code: str) -> list[str] | ExcelError:
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            if end < 0:
                return VALUE
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch in "\\_*":
            if i + 1 >= len(code):
                return VALUE
            current.append(code[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = code.find("]", i)
            if end < 0:
                return VALUE
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    if len(parts) > 4:
        return VALUE
    return parts


def _sections(code: str) -> list[_Section] | ExcelError:
    parts = _split(code)
    if type(parts) is ExcelError:
        return parts
    assert isinstance(parts, list)
    out = []
    for part in parts:
        section = _parse_section(part)
        if type(section) is ExcelError:
            return section
        assert isinstance(section, _Section)
        out.append(section)
    return out


_DATE_LETTERS: Final = frozenset("ymdhs")


def _parse_section(text: str) -> _Section | ExcelError:
    tokens: list[_Token] = []
    condition: tuple[str, float] | None = None
    i = 0
    lower = text.lower()
    while i < len(text):
        ch = text[i]
        low = ch.lower()
        if ch == '"':
            end = text.index('"', i + 1)
            tokens.append(_Token("lit", text[i + 1 : end]))
            i = end + 1
        elif ch == "\\":
            tokens.append(_Token("lit", text[i + 1]))
            i += 2
        elif ch == "_":
            tokens.append(_Token("lit", " "))
            i += 2
        elif ch == "*":
            i += 2  # a fill character: TEXT leaves it out
        elif ch == "[":
            end = text.index("]", i)
            inner = text[i + 1 : end]
            i = end + 1
            low_inner = inner.lower()
            if low_inner in _COLOURS or re.fullmatch(r"color\s*\d{1,2}", low_inner):
                continue
            if re.fullmatch(r"h+|m+|s+", low_inner):
                tokens.append(_Token("elapsed", low_inner))
                continue
            match = _CONDITION.match(inner.strip())
            if match:
                condition = (match[1], float(match[2]))
                continue
            if inner.startswith("$"):
                currency = inner[1:].split("-", 1)[0]
                if currency.lower().startswith("f") or not inner[1:] or ("-" in inner and not currency
                                                                         and inner[2:].upper().startswith("F")):
                    raise Unsupported(f"TEXT format {text!r}: system date formats are not implemented")
                if currency:
                    tokens.append(_Token("lit", currency))
                continue
            raise Unsupported(f"TEXT format {text!r}: [{inner}] is not implemented")
        elif lower.startswith("general", i):
            tokens.append(_Token("general", "General"))
            i += 7
        elif lower.startswith("am/pm", i):
            tokens.append(_Token("ampm", text[i : i + 5]))
            i += 5
        elif lower.startswith("a/p", i):
            tokens.append(_Token("ampm", text[i : i + 3]))
            i += 3
        elif ch in "0#?":
            tokens.append(_Token("ph", ch))
            i += 1
        elif ch == ".":
            tokens.append(_Token("point", "."))
            i += 1
        elif ch == ",":
            tokens.append(_Token("comma", ","))
            i += 1
        elif ch == "%":
            tokens.append(_Token("percent", "%"))
            i += 1
        elif ch == "@":
            tokens.append(_Token("text", "@"))
            i += 1
        elif low == "e" and i + 1 < len(text) and text[i + 1] in "+-":
            tokens.append(_Token("exp", text[i : i + 2]))  # "E+", "e-": the case is kept
            i += 2
        elif low in _DATE_LETTERS:
            j = i
            while j < len(text) and text[j].lower() == low:
                j += 1
            tokens.append(_Token("date", low * (j - i)))
            i = j
        elif low in "egb":  # era and Buddhist years: only a problem if this section is used
            tokens.append(_Token("unsupported", f"TEXT format {text!r}: the letter {ch!r} is not implemented"))
            i += 1
        elif ch == "/" and any(t.kind == "ph" for t in tokens):
            tokens.append(_Token("bar", "/"))  # a fraction bar if digits follow (see _fraction_parts)
            i += 1
        else:
            tokens.append(_Token("lit", ch))
            i += 1
    is_date = any(t.kind in ("date", "elapsed", "ampm") for t in tokens)
    has_text = any(t.kind == "text" for t in tokens)
    if is_date and any(t.kind == "ph" and t.value in "#?" for t in tokens):
        return VALUE  # digit placeholders other than 0 in a date format: Excel refuses the format
    return _Section(tuple(tokens), condition, is_date, has_text)


def _fraction_parts(tokens: list[_Token]) -> tuple[int, int, int, int, int] | None:
    """Where a fraction's parts are: (numerator start, numerator end, bar, denominator start,
    denominator end), or None when the section has no fraction.

    The bar is a fraction bar when a digit placeholder comes before it and a placeholder or digit
    after it, with only literal text between (MS-OI29500 on Part 1, 18.8.31: "/" is the fraction
    character only between number symbols; Excel keeps literal text round the bar, so
    ``#\\:#=/=#`` shows 23.75 as ``23:3=/=4``). The numerator is the run of placeholders nearest
    before the bar; placeholders before it (after some literal) are the integer part.
    """
    bar = next((i for i, t in enumerate(tokens) if t.kind == "bar"), None)
    if bar is None:
        return None
    j = bar + 1
    while j < len(tokens) and tokens[j].kind == "lit" and not tokens[j].value.isdigit():
        j += 1
    den_start = j
    while j < len(tokens) and (tokens[j].kind == "ph" or (tokens[j].kind == "lit" and tokens[j].value.isdigit())):
        j += 1
    if j == den_start:
        return None
    k = bar - 1
    while k >= 0 and tokens[k].kind != "ph":
        if tokens[k].kind not in ("lit", "comma"):
            return None
        k -= 1
    num_end = k + 1
    while k >= 0 and tokens[k].kind == "ph":
        k -= 1
    return k + 1, num_end, bar, den_start, j


def _check(section: _Section) -> _Section:
    for t in section.tokens:
        if t.kind == "unsupported":
            raise Unsupported(t.value)
    return section


def _choose(sections: list[_Section], x: float) -> tuple[_Section, float, str]:
    """The section for ``x``, the value it shows and the sign to write before it."""
    if any(s.condition is not None for s in sections):
        if x < 0:
            raise Unsupported("TEXT: conditional formats with a negative number are not implemented")
        for s in sections:
            if s.condition is None:
                return s, x, ""
            op, bound = s.condition
            if {"<": x < bound, ">": x > bound, "=": x == bound, "<=": x <= bound, ">=": x >= bound,
                    "<>": x != bound}[op]:
                return s, x, ""
        raise Unsupported("TEXT: no section of the conditional format applies")
    if len(sections) == 1:
        return sections[0], abs(x), "-" if x < 0 else ""
    if x < 0:
        return sections[1], -x, ""
    if x == 0 and len(sections) >= 3:
        return sections[2], x, ""
    return sections[0], x, ""


def _render_text(section: _Section, value: str) -> str:
    out = []
    for t in section.tokens:
        if t.kind == "text":
            out.append(value)
        elif t.kind in ("lit", "point", "comma", "percent", "ph", "date", "bar"):
            out.append(t.value)
        else:
            raise Unsupported(f"TEXT: {t.value!r} in the text section is not implemented")
    return "".join(out)


# -- General -------------------------------------------------------------------------------------


def _general(x: float) -> str:
    """Excel's General format as TEXT shows it: at most 11 characters (sign not counted)."""
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    a = abs(x)
    exponent = math.floor(math.log10(a))
    mantissa = _fixed(a / 10**exponent, 5)
    if float(mantissa) >= 10:
        exponent += 1
        mantissa = _fixed(a / 10**exponent, 5)
    mantissa = mantissa.rstrip("0").rstrip(".")
    scientific = f"{mantissa}E{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    if a < 1e11:
        digits = len(str(int(a))) if a >= 1 else 1
        text = _fixed(a, max(0, 10 - digits))
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        shown = text.replace(".", "").lstrip("0")
        # the decimal form unless it shows fewer significant digits than the scientific one
        if shown and len(shown.rstrip("0") if "." in text else shown) >= len(mantissa.replace(".", "")):
            return sign + text
        if shown and a >= 1e-5:
            return sign + text
    return sign + scientific


def _fixed(x: float, places: int) -> str:
    """``x`` rounded half away from zero at its 15-digit decimal form, with ``places`` decimals."""
    d = Decimal(repr(float(f"{x:.15g}")))
    return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


# -- numbers -------------------------------------------------------------------------------------


def _format_number(section: _Section, x: float, sign: str) -> Any:
    tokens = list(section.tokens)
    fraction = _fraction_parts(tokens)
    if fraction is None:  # a "/" that is no fraction bar is literal text
        tokens = [_Token("lit", "/") if t.kind == "bar" else t for t in tokens]
    placeholders = [i for i, t in enumerate(tokens) if t.kind == "ph"]
    if any(t.kind == "general" for t in tokens):
        if placeholders:
            raise Unsupported("TEXT: General together with digit placeholders is not implemented")
        body = "".join(_general(x) if t.kind == "general" else t.value for t in tokens)
        return sign + body if x != 0 or sign else body
    if not placeholders:
        body = "".join(t.value for t in tokens if t.kind != "elapsed")
        return (sign if x != 0 else "") + body
    exp_at = next((i for i, t in enumerate(tokens) if t.kind == "exp"), None)
    if exp_at is not None:
        return _scientific(tokens, x, sign, exp_at)
    x *= 100 ** sum(1 for t in tokens if t.kind == "percent")
    if fraction is not None:
        return _format_fraction(tokens, x, sign, fraction)
    mantissa_end = exp_at if exp_at is not None else len(tokens)
    point = next((i for i in range(mantissa_end) if tokens[i].kind == "point"), None)
    # commas: after the last placeholder they divide by 1,000; right after another placeholder they
    # group thousands (integer part) or vanish (decimals); anywhere else they are literal
    scale = 0
    grouping = False
    roles: dict[int, str] = {}
    for i, t in enumerate(tokens[:mantissa_end]):
        if t.kind != "comma":
            continue
        prev = tokens[i - 1] if i else None
        after_ph = prev is not None and (prev.kind == "ph" or (prev.kind == "comma" and roles.get(i - 1) != "lit"))
        before_ph = i + 1 < mantissa_end and tokens[i + 1].kind == "ph"
        if not after_ph:
            roles[i] = "lit"
        elif not any(k > i and tokens[k].kind == "ph" for k in range(i, mantissa_end)) or (
                point is not None and i < point and not any(tokens[k].kind == "ph" for k in range(i, point))):
            roles[i] = "scale"
            scale += 1
        elif (point is None or i < point) and before_ph:
            roles[i] = "group"
            grouping = True
        else:
            roles[i] = "drop"
    x /= 1000**scale
    int_end = point if point is not None else mantissa_end
    int_ph = [i for i in placeholders if i < int_end]
    dec_ph = [i for i in placeholders if int_end < i < mantissa_end]
    digits_int, digits_dec = _digits(x, len(dec_ph))
    if not int(digits_int or "0") and not digits_dec.strip("0"):
        sign = ""  # nothing but zeros shows: Excel writes no minus sign
    out = _integer_part(tokens[:int_end], int_ph, digits_int, grouping, roles)
    if point is not None:
        out += "." + _decimal_part(tokens, int_end + 1, mantissa_end, dec_ph, digits_dec, roles)
    return sign + out


def _digits(x: float, places: int) -> tuple[str, str]:
    text = _fixed(x, places)
    whole, _, frac = text.partition(".")
    return ("" if whole == "0" else whole), frac


def _integer_part(tokens: list[_Token], int_ph: list[int], digits: str, grouping: bool,
                  roles: dict[int, str]) -> str:
    slots: dict[int, str] = {}
    remaining = digits
    for i in reversed(int_ph):
        if remaining:
            slots[i] = remaining[-1]
            remaining = remaining[:-1]
        else:
            slots[i] = {"0": "0", "#": "", "?": " "}[tokens[i].value]
    if int_ph and remaining:
        slots[int_ph[0]] = remaining + slots[int_ph[0]]
    # separators go after the 4th, 7th... placeholder position counted from the right (the extra
    # digits of the first placeholder extend it), once something has been written to their left
    # a separator beside padding is padding too: a space after a "?" space (Excel shows 1234567
    # as "    1,234,567" with ?,?????????), nothing after a "#"
    out: list[str] = []
    order = {i: len(int_ph) - n for n, i in enumerate(int_ph)}
    emitted = False
    for i, t in enumerate(tokens):
        if t.kind == "ph":
            text = slots[i]
            if not grouping:
                out.append(text)
                continue
            top = order[i] + max(len(text) - 1, 0)
            for position, ch in zip(range(top, 0, -1), text, strict=False):
                out.append(ch)
                emitted = emitted or ch.strip() != ""
                if position > 1 and (position - 1) % 3 == 0:
                    if emitted:
                        out.append(",")
                    elif ch == " ":
                        out.append(" ")
        elif t.kind == "comma":
            if roles.get(i) == "lit":
                out.append(",")
        elif t.kind in ("lit", "percent", "point", "bar"):
            out.append(t.value)
        elif t.kind == "text":
            out.append("@")
    text = "".join(out)
    if not int_ph and digits:
        text += digits
    return text


def _decimal_part(tokens: list[_Token], start: int, end: int, dec_ph: list[int], digits: str,
                  roles: dict[int, str]) -> str:
    out: list[str] = []
    last_nonzero = max((n for n, d in enumerate(digits) if d != "0"), default=-1)
    n = 0
    for i in range(start, end):
        t = tokens[i]
        if t.kind == "ph":
            d = digits[n] if n < len(digits) else "0"
            if t.value == "0" or n <= last_nonzero:
                out.append(d)
            elif t.value == "?":
                out.append(" ")
            n += 1
        elif t.kind == "comma":
            if roles.get(i) == "lit":
                out.append(",")
        else:
            out.append(t.value)
    return "".join(out)


def _scientific(tokens: list[_Token], x: float, sign: str, exp_at: int) -> Any:
    """Scientific notation: the mantissa's placeholders before ``E+``/``e-`` (the letter's case
    kept), the exponent's after it, literal text kept where it stands on either side.

    With only ``0`` before the point the mantissa has that many integer digits (``00.0E+0``: 12.3E+3);
    with ``#`` or ``?`` among them the exponent is a multiple of their number (``##0.0E+0``,
    engineering notation). The sign replaces ``+`` (``+`` or ``-``) or ``-`` (``-`` or nothing). Beside
    an exponent neither ``,`` nor ``%`` scales the value: commas are dropped, ``%`` is literal.
    """
    mantissa = tokens[:exp_at]
    point = next((i for i, t in enumerate(mantissa) if t.kind == "point"), None)
    int_end = point if point is not None else len(mantissa)
    int_ph = [i for i in range(int_end) if mantissa[i].kind == "ph"]
    dec_ph = [i for i in range(int_end + 1, len(mantissa)) if mantissa[i].kind == "ph"]
    n_int = len(int_ph)
    exponent = 0
    if x != 0:
        magnitude = math.floor(math.log10(x))
        if n_int == 0:
            exponent = magnitude + 1
        elif all(mantissa[i].value == "0" for i in int_ph):
            exponent = magnitude - (n_int - 1)
        else:
            exponent = math.floor(magnitude / n_int) * n_int
        if float(_fixed(x / 10.0**exponent, len(dec_ph))) >= 10 ** max(n_int, 0):
            exponent += n_int if n_int and not all(mantissa[i].value == "0" for i in int_ph) else 1
    whole, frac = _digits(x / 10.0**exponent, len(dec_ph))
    if x == 0 or n_int == 0:
        whole = ""
    roles = {i: "drop" for i, t in enumerate(mantissa) if t.kind == "comma"}
    body = _integer_part(mantissa[:int_end], int_ph, whole, False, roles)
    if point is not None:
        body += "." + _decimal_part(mantissa, int_end + 1, len(mantissa), dec_ph, frac, roles)
    if not int(whole or "0") and not frac.strip("0"):
        sign = ""
    letter, sign_char = tokens[exp_at].value[0], tokens[exp_at].value[1]
    exp_sign = "-" if exponent < 0 else ("+" if sign_char == "+" else "")
    rest = tokens[exp_at + 1 :]
    if any(t.kind == "lit" and t.value.isdigit() for t in rest):
        return VALUE  # a digit written out in the exponent: Excel refuses the format (#VALUE!)
    exp_ph = [i for i, t in enumerate(rest) if t.kind == "ph"]
    digits = _integer_part(rest, exp_ph, str(abs(exponent)) if exponent else "", False,
                           {i: "drop" for i, t in enumerate(rest) if t.kind == "comma"})
    return f"{sign}{body}{letter}{exp_sign}{digits}"


def _format_fraction(tokens: list[_Token], x: float, sign: str, parts: tuple[int, int, int, int, int]) -> str:
    """A fraction: integer part (if the format has one), numerator and denominator.

    The denominator is the one written (``# ?/8``, ``# ??/100``) or the one of at most as many digits
    as its placeholders that comes closest (``# ??/??``); numerator digits are right-aligned and
    denominator digits left-aligned in their placeholders (``?`` pads with a space). Literal text
    anywhere stays where it is. A value whose fraction part rounds to 0 is reported, not guessed.
    """
    num_start, num_end, _bar, den_start, den_end = parts
    int_ph = [i for i in range(num_start) if tokens[i].kind == "ph"]
    den_tokens = tokens[den_start:den_end]
    fixed = "".join(t.value for t in den_tokens)
    whole = math.floor(x) if int_ph else 0
    rest = x - whole
    if den_tokens[0].kind == "lit":  # a denominator written out
        denominator = int(fixed)
        if denominator == 0:
            raise Unsupported("TEXT: a fraction over 0")
        numerator = int(Decimal(repr(rest * denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        best = Fraction(repr(rest)).limit_denominator(10 ** len(den_tokens) - 1)
        numerator, denominator = best.numerator, best.denominator
    if int_ph and numerator == denominator:
        whole, numerator = whole + 1, 0
    if numerator == 0:
        raise Unsupported("TEXT: a fraction format for a value with no fraction part is not implemented")
    out: list[str] = []
    if int_ph:
        out.append(_integer_part(tokens[:num_start], int_ph, str(whole) if whole else "", False,
                                 {i: "drop" for i in range(num_start) if tokens[i].kind == "comma"}))
    num_ph = list(range(num_start, num_end))
    out.append(_integer_part(tokens[num_start:num_end], [i - num_start for i in num_ph], str(numerator), False, {}))
    out.append("".join(t.value for t in tokens[num_end:den_start] if t.kind != "comma"))
    if den_tokens[0].kind == "lit":
        out.append(fixed)
    else:
        text = str(denominator)
        pads = {"0": "0", "#": "", "?": " "}
        out.append(text + "".join(pads[t.value] for t in den_tokens[len(text):]))
    out.append("".join(t.value for t in tokens[den_end:] if t.kind not in ("comma", "ph")))
    return sign + "".join(out)


# -- dates and times -----------------------------------------------------------------------------


def _format_date(section: _Section, x: float, sign: str) -> Any:
    tokens = list(section.tokens)
    elapsed = any(t.kind == "elapsed" for t in tokens)
    places = 0
    for i, t in enumerate(tokens):
        if t.kind == "point" and i + 1 < len(tokens) and tokens[i + 1].kind == "ph":
            places = sum(1 for u in tokens[i + 1 :] if u.kind == "ph" and u.value == "0")
            if places > 3:
                raise Unsupported("TEXT: more than three decimals of a second")
            break
    if any(t.kind == "ph" for t in tokens) and not places:
        raise Unsupported("TEXT: digit placeholders in a date format are not implemented")
    if sign and not dates.uses_1904() and (
            not elapsed or places or any(t.kind in ("date", "ampm") for t in tokens)):
        return VALUE  # the 1900 system shows no negative date or time; the 1904 system writes a minus
    if not elapsed and x >= dates.max_serial() + 1:
        return VALUE
    unit = 86400 * 10**places
    total = int(Decimal(repr(x)) * unit + Decimal("0.5"))
    days, rest = divmod(total, unit)
    seconds_total, fraction = divmod(rest, 10**places)
    hour, rem = divmod(seconds_total, 3600)
    minute, second = divmod(rem, 60)
    parts = serial_parts(days) if any(t.kind == "date" and t.value[0] in "ymd" for t in tokens) else (1900, 1, 0)
    if parts is None:
        return VALUE
    year, month, day = parts
    twelve = any(t.kind == "ampm" for t in tokens)
    out: list[str] = []
    date_positions = [i for i, t in enumerate(tokens) if t.kind in ("date", "elapsed")]
    skip_point = False
    elapsed_seen: set[str] = set()  # after [h] a later h shows elapsed hours too; after [s], s seconds
    all_seconds = total // 10**places
    for i, t in enumerate(tokens):
        v = t.value
        if t.kind == "date" and v[0] in elapsed_seen and v[0] in "hs":
            count = all_seconds // 3600 if v[0] == "h" else all_seconds
            out.append(str(count).rjust(min(len(v), 2), "0"))
        elif t.kind == "date":
            letter = v[0]
            if letter == "y":
                out.append(f"{year % 100:02d}" if len(v) <= 2 else f"{year:04d}")
            elif letter == "m":
                if len(v) <= 2 and _is_minute(tokens, date_positions, i):
                    out.append(f"{minute:02d}" if len(v) == 2 else str(minute))
                elif len(v) <= 2:
                    out.append(f"{month:02d}" if len(v) == 2 else str(month))
                elif len(v) == 3:
                    out.append(_MONTHS[month - 1][:3])
                elif len(v) == 5:
                    out.append(_MONTHS[month - 1][0])
                else:
                    out.append(_MONTHS[month - 1])
            elif letter == "d":
                weekday = dates.weekday_from_sunday(days)
                if len(v) <= 2:
                    out.append(f"{day:02d}" if len(v) == 2 else str(day))
                elif len(v) == 3:
                    out.append(_DAYS[weekday][:3])
                else:
                    out.append(_DAYS[weekday])
            elif letter == "h":
                shown = hour % 12 or 12 if twelve else hour
                out.append(f"{shown:02d}" if len(v) >= 2 else str(shown))
            else:
                out.append(f"{second:02d}" if len(v) >= 2 else str(second))
        elif t.kind == "elapsed":
            value = {"h": all_seconds // 3600, "m": all_seconds // 60, "s": all_seconds}[v[0]]
            out.append(str(value).rjust(len(v), "0"))
            elapsed_seen.add(v[0])
        elif t.kind == "ampm":
            pm = hour >= 12
            if v.lower() == "am/pm":
                out.append("PM" if pm else "AM")
            else:
                letter = "P" if pm else "A"
                out.append(letter if v[0].isupper() else letter.lower())
        elif t.kind == "point" and places and not skip_point:
            out.append("." + str(fraction).rjust(places, "0"))
            skip_point = True
        elif t.kind == "ph":
            continue
        elif t.kind == "comma":
            out.append(",")
        else:
            out.append(v)
    return sign + "".join(out)


def _is_minute(tokens: list[_Token], positions: list[int], i: int) -> bool:
    """Whether an ``m``/``mm`` means minutes: right after an hour or a second, or right before a
    second (Excel: ``s:m`` shows seconds and minutes)."""
    at = positions.index(i)
    before = tokens[positions[at - 1]] if at > 0 else None
    after = tokens[positions[at + 1]] if at + 1 < len(positions) else None
    return bool((before is not None and before.value[0] in "hs")
                or (after is not None and after.value[0] == "s"))
