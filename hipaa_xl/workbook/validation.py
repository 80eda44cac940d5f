"""Attaching a cell's list or range check (Excel's data validation) to a column of a template sheet."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet


def attach(ws: Worksheet, dv: DataValidation | None, title: str, cells: str) -> None:
    """Show ``dv``'s error message under ``title`` (the column's header) for ``cells``; nothing when None."""
    if dv is None:
        return
    dv.showErrorMessage = True
    dv.errorTitle = title
    dv.add(cells)
    ws.add_data_validation(dv)
