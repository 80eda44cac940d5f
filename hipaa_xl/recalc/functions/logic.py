"""Logical functions that evaluate every argument: AND, OR, XOR, NOT, TRUE, FALSE.

IF, IFERROR, IFNA, IFS, SWITCH and CHOOSE evaluate lazily and live in the compiler.
"""

from __future__ import annotations

from typing import Any

from hipaa_xl.recalc.functions import Ctx, excel_function, flat_values
from hipaa_xl.recalc.values import VALUE, ExcelError, to_bool


def _truths(ctx: Ctx, args: tuple[Any, ...]) -> Any:
    """The truth values AND, OR and XOR combine, or the first error among the arguments.

    Blanks and text are skipped, in ranges and as direct arguments alike (``AND("", TRUE)`` and
    ``AND(TRUE,"0")`` are TRUE in Excel), except the texts "TRUE" and "FALSE" given directly; nothing
    left is #VALUE!. A direct text beside a direct number is #VALUE! (Excel: ``AND("1",1)``,
    ``OR(1,"text")``).
    """
    out: list[bool] = []
    skipped_text = number = False
    for arg in args:
        for v, from_range in flat_values(ctx.book, arg):
            t = type(v)
            if t is ExcelError:
                return v
            if v is None or (t is str and (from_range or v.strip().upper() not in ("TRUE", "FALSE"))):
                skipped_text = skipped_text or (t is str and not from_range and v != "")
                continue
            number = number or (not from_range and (t is int or t is float))
            b = to_bool(v)
            if type(b) is ExcelError:
                return b
            out.append(b)
    if skipped_text and number:
        return VALUE
    return out


@excel_function("AND", 1, None, "r", needs_ctx=True)
def and_(ctx: Ctx, *args: Any) -> Any:
    truths = _truths(ctx, args)
    if type(truths) is ExcelError:
        return truths
    return all(truths) if truths else VALUE


@excel_function("OR", 1, None, "r", needs_ctx=True)
def or_(ctx: Ctx, *args: Any) -> Any:
    truths = _truths(ctx, args)
    if type(truths) is ExcelError:
        return truths
    return any(truths) if truths else VALUE


@excel_function("XOR", 1, None, "r", needs_ctx=True)
def xor(ctx: Ctx, *args: Any) -> Any:
    truths = _truths(ctx, args)
    if type(truths) is ExcelError:
        return truths
    return sum(truths) % 2 == 1 if truths else VALUE


@excel_function("NOT", 1, 1, "v")
def not_(value: Any) -> Any:
    b = to_bool(value)
    return b if type(b) is ExcelError else not b


@excel_function("TRUE", 0, 0, "v")
def true_() -> bool:
    return True


@excel_function("FALSE", 0, 0, "v")
def false_() -> bool:
    return False
