"""The Excel functions as xlwings Lite registers them: results with bare Excel error codes.

Lite turns a returned text into a real error cell only when it is exactly ``#VALUE!``, ``#NUM!``,
``#N/A``, ``#DIV/0!``, ``#NAME?``, ``#NULL!`` or ``#REF!``; the desktop texts ("#VALUE! tier must be
A, B, C or D (got 'E')") would stay text there. Each function here calls the desktop function of the
same name and keeps only the code, per cell, spilled arrays included. The reason is not lost:
``ERROR_REASON("CMP_MAX", A2, B2)`` returns it for the same arguments (desktop xlwings and headless
recalculation keep the full texts). Lite registers the functions it finds among ``main.py``'s
members, so ``main.py`` imports exactly ``__all__`` from here.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from hipaa_xl import udfs
from hipaa_xl.excel import cells
from hipaa_xl.excel.declare import ARGUMENT_DOCS, declare_for_excel

LITE_ERROR_CODES = ("#VALUE!", "#NUM!", "#N/A", "#DIV/0!", "#NAME?", "#NULL!", "#REF!")
"""The error texts Lite writes as real error cells (a deliberate subset of
``errors.EXCEL_ERROR_CODES``); any other error code is shown as #VALUE!."""
NO_ERROR = ""


def bare_code(value: object) -> object:
    """A result cell as Lite must return it: an error text cut to its bare code, anything else unchanged."""
    if not cells.is_error_text(value):
        return value
    code = str(value).split(" ", 1)[0]
    return code if code in LITE_ERROR_CODES else "#VALUE!"


def to_lite(result: Any) -> Any:
    """Every cell of a result (a value or a grid) with :func:`bare_code` applied."""
    if isinstance(result, list):
        return [to_lite(row) for row in result]
    return bare_code(result)


def _lite_version(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` under the same name, signature and argument docs, returning bare error codes."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return to_lite(fn(*args, **kwargs))

    call.__name__ = call.__qualname__ = fn.__name__
    call.__doc__ = fn.__doc__
    call.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    call.__annotations__ = typing.get_type_hints(fn)
    docs = ARGUMENT_DOCS.get(fn.__name__) or {p: p.replace("_", " ") for p in inspect.signature(fn).parameters}
    return declare_for_excel(**docs)(call)


def _reason(value: object) -> str:
    if not cells.is_error_text(value):
        return NO_ERROR
    text = str(value)
    code, _, why = text.partition(" ")
    return cells.fit_cell(text if why else f"{code}: an argument is already this error")


def _error_reason(function: Any, *args: Any) -> Any:
    name = udfs_name(function)
    if name is None:
        return f"#VALUE! no hipaa-xl function named {cells.fit_cell(str(function))!r}"
    fn = getattr(udfs, name)
    params = list(inspect.signature(fn).parameters)
    given = list(args)
    while given and given[-1] is None:
        given.pop()
    if len(given) > len(params):
        return f"#VALUE! {name} takes at most {len(params)} argument(s)"
    result = fn(*given)
    if isinstance(result, list):
        return [[_reason(v) for v in row] for row in result]
    return _reason(result)


def udfs_name(function: object) -> str | None:
    """The function's name as in ``udfs.__all__`` (case-insensitive, a leading "=" allowed), or None."""
    while isinstance(function, list | tuple) and len(function) == 1:
        function = function[0]
    if not isinstance(function, str):
        return None
    wanted = function.strip().lstrip("=").split("(")[0].strip().upper()
    return wanted if wanted in udfs.__all__ else None


@declare_for_excel(
    function="Name of a hipaa-xl function, e.g. \"CMP_MAX\"",
    arg1="Its first argument (the same cells as in the formula)",
    arg2="Its second argument",
    arg3="Its third argument",
    arg4="Its fourth argument",
    arg5="Its fifth argument",
)
def ERROR_REASON(
    function: Any, arg1: Any = None, arg2: Any = None, arg3: Any = None, arg4: Any = None, arg5: Any = None
) -> Any:
    """Why a function shows an error in xlwings Lite: the reason for the same arguments ("" when none)."""
    return _error_reason(function, arg1, arg2, arg3, arg4, arg5)


_lite = {name: _lite_version(getattr(udfs, name)) for name in udfs.__all__}
globals().update(_lite)
__all__ = [*udfs.__all__, "ERROR_REASON"]
