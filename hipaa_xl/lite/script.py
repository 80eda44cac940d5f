"""The xlwings Lite script "Refresh exposure": re-lay out Exposure and Summary inside Excel.

Runs from Lite's task pane on Windows, Mac and the web. Lite has no access to the workbook file, so
the refresh goes through the object model, on the same path as the Windows Refresh button
(:func:`hipaa_xl.workbook.objectmodel.refresh_open_book`): the same formulas, values, number formats
and messages as ``hipaa-xl refresh``; Excel then computes the formulas with the functions Lite has
registered. The report lines are printed (Lite shows them in its pane).
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from hipaa_xl.workbook.objectmodel import refresh_open_book


def _script(fn: Any) -> Any:
    """``xw.script`` where xlwings has it (Lite registers the script; elsewhere it stays a function)."""
    decorate = getattr(xw, "script", None)
    return fn if decorate is None else decorate(fn)


@_script
def refresh_exposure(book: xw.Book) -> None:
    """Refresh exposure: lay out Exposure and Summary again from the Incidents sheet."""
    try:
        lines = refresh_open_book(book)
    except Exception as exc:  # one line, no traceback in the pane
        lines = [f"error: cannot be refreshed ({type(exc).__name__}: {exc})"]
    for line in lines:
        print(line)
