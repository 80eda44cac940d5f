"""The project's own Excel functions (``hipaa_xl.udfs``) inside the evaluator.

Every name in ``hipaa_xl.udfs.__all__`` is callable from a formula under that (upper-case) name.
Arguments arrive as the functions expect them from any adapter: ``None`` for an empty cell or an
omitted argument, numbers (dates as serial numbers), text, booleans, and lists of rows for ranges.
An Excel error given as an argument is passed as its bare code text (``"#N/A"``); the functions
propagate it. A returned text starting with ``#`` is an Excel error inside the calculation (IFERROR
sees it), its reason kept for the report.

A plug-in seam: the module is loaded by its name (:data:`UDF_MODULE`), so recalculation imports
nothing of the functions it calls and sits beside ``hipaa_xl.udfs`` in the layers, not above it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

from hipaa_xl.recalc.model import Book, Ref
from hipaa_xl.recalc.values import NUM, VALUE, ExcelError, date_to_serial, error_from_text

UDF_MODULE = "hipaa_xl.udfs"


def load_udfs(module_name: str = UDF_MODULE) -> dict[str, Callable[..., Any]]:
    """Excel name -> function for every name the module exports; empty when it is absent."""
    try:
        module: ModuleType = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            return {}
        raise
    names = getattr(module, "__all__", None) or [n for n in vars(module) if n.isupper()]
    out: dict[str, Callable[..., Any]] = {}
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            out[name.upper()] = fn
    return out


def _argument(book: Book, value: Any) -> Any:
    if type(value) is Ref:
        if value.r1 == value.r2 and value.c1 == value.c2:
            value = book.cell(value.sheet, value.r1, value.c1)
        else:
            return [[_scalar_argument(v) for v in row] for row in book.rows(value)]
    if type(value) is list:
        return [[_scalar_argument(v) for v in row] for row in value]
    return _scalar_argument(value)


def _scalar_argument(value: Any) -> Any:
    if type(value) is ExcelError:
        return value.code
    return value


def from_python(value: Any) -> Any:
    """A function's result as an evaluator value (errors from ``#`` texts, dates as serials)."""
    t = type(value)
    if t is str:
        return error_from_text(value) if value.startswith("#") else value
    if t is int or t is bool:
        return value
    if t is float:
        return value if math.isfinite(value) else NUM
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return date_to_serial(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        if not value:
            return 0
        rows = [list(r) if isinstance(r, list | tuple) else [r] for r in value]
        if all(len(r) == 1 for r in rows) and not isinstance(value[0], list | tuple):
            rows = [[r[0] for r in rows]]  # a flat list is one row, as xlwings returns it
        width = max(len(r) for r in rows)
        return [[from_python(r[j]) if j < len(r) else 0 for j in range(width)] for r in rows]
    return ExcelError("#VALUE!", f"unexpected result type {t.__name__}")


def make_udf_call(
    name: str,
    fn: Callable[..., Any],
    args: list[Callable[[int, int], Any]],
    book: Book,
    on_crash: Callable[[str], None],
) -> Callable[[int, int], Any]:
    """A compiled call of one of our functions."""

    def call(r: int, c: int) -> Any:
        values = [_argument(book, a(r, c)) for a in args]
        try:
            result = fn(*values)
        except Exception as exc:  # the functions promise not to raise; never let one stop a recalc
            message = f"{name} raised {type(exc).__name__}: {exc}"
            on_crash(message)
            return ExcelError(VALUE.code, message)
        return from_python(result)

    return call
