"""The Requirements sheet: the catalogue of requirements an incident names, each with its rule, citation
and more general form, so that identical requirements share one cap (45 CFR 160.404(b)(3))."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.workbook import columns
from hipaa_xl.workbook.sheets._common import BODY, HEADER_FILL, HEADER_FONT, print_setup, title


def add_requirements_sheet(ws: Worksheet, matter: str, as_of: dt.date | None, data: dict[str, Any]) -> None:
    """Fill ``ws`` with the catalogue ``data`` (``requirements.json``'s shape: ``about`` and ``requirements``)."""
    title(ws, "Requirements", data["about"])
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = 54
    headers = ("Requirement", "Rule", "Title", "Citation", columns.MORE_GENERAL_HEADER)
    h = columns.HEADER_ROW
    for i, text in enumerate(headers, start=1):
        cell = ws.cell(row=h, column=i, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[h].height = 30  # the two-line "More general form" header
    for r, req in enumerate(data["requirements"], start=h + 1):
        for i, key in enumerate(("requirement", "rule", "title", "citation", "more_general"), start=1):
            cell = ws.cell(row=r, column=i, value=req[key] or None)
            cell.font = BODY
    last = h + len(data["requirements"])
    table = Table(displayName="Requirements", ref=f"A{h}:E{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    for letter, width in zip("ABCDE", (22, 20, 44, 26, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{h + 1}"
    print_setup(ws, h, matter, as_of)
