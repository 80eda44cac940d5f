"""How our functions are declared to Excel through xlwings, in one place.

On Windows ``xw.func`` and ``xw.arg`` record the metadata that xlwings' Import Functions turns into
VBA; on Linux and macOS they are no-ops and the function stays plain Python. Every argument gets a
doc for Excel's function wizard, arrives as an error's text when its cell holds an error (so it can be
passed on, decisions 11), and arrives as a 2-D list when it is a range.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw

CATEGORY = "HIPAA penalties"
F = TypeVar("F", bound=Callable[..., Any])
ARGUMENT_DOCS: dict[str, dict[str, str]] = {}
"""Each declared function's argument docs by function name, so that another adapter (xlwings Lite's
error-code wrappers in ``hipaa_xl.lite.functions``) can declare the same function with the same docs."""


def declare_for_excel(**docs: str) -> Callable[[F], F]:
    """Declare ``fn`` as an Excel function, with a doc for each argument (every argument needs one)."""

    def declare(fn: F) -> F:
        ARGUMENT_DOCS[fn.__name__] = dict(docs)
        for name, doc in docs.items():
            fn = xw.arg(name, doc=doc, err_to_str=True, ndim=2)(fn)
        declared: F = xw.func(category=CATEGORY)(fn)
        return declared

    return declare
