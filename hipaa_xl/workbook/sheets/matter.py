"""The Matter sheet: the user's table of the matter's events (a breach discovered, a request received),
beside the list of events and the deadlines each starts; refresh lists those deadlines on Deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.engine.matter_deadlines import EVENT_KINDS
from hipaa_xl.workbook import columns, theme, validation
from hipaa_xl.workbook.sheets._common import (
    BODY,
    HEADER_FILL,
    HEADER_FONT,
    VALIDATION_ROWS,
    WRAP_TOP,
    column_headers,
    print_setup,
    title,
)

MATTER_LEGEND_COL = 12
"""Column L of the Matter sheet: the list of events (the Event dropdown) and the rules each starts."""


def add_matter_sheet(ws: Worksheet, matter: str, as_of: dt.date | None, events: list[dict[str, Any]]) -> None:
    """The user's table of the matter's events; refresh lists the deadlines they start."""
    title(
        ws,
        "Matter",
        "The matter's events, one per row: each starts the deadlines listed on the right. Then run Refresh: "
        "the Deadlines sheet shows each due date, the days left and the citation.",
    )
    h = columns.HEADER_ROW
    column_headers(ws, h, columns.MATTER_COLUMNS)
    ws.row_dimensions[h - 1].height = 56
    ws.row_dimensions[h].height = 30
    for r, ev in enumerate(events, start=h + 1):
        for i, col in enumerate(columns.MATTER_COLUMNS, start=1):
            value = ev.get(col.field)
            if col.kind == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if col.kind == "yesno":
                value = "Yes" if value else None
            cell = ws.cell(row=r, column=i, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = WRAP_TOP if col.field == "notes" else Alignment(vertical="top")
    for r in range(h + 1, h + 1 + max(1, len(events))):
        for i, col in enumerate(columns.MATTER_COLUMNS, start=1):
            if col.kind == "date":
                ws.cell(row=r, column=i).number_format = theme.DATE
            elif col.kind == "count":
                ws.cell(row=r, column=i).number_format = "#,##0"
    last = get_column_letter(len(columns.MATTER_COLUMNS))
    table = Table(displayName=columns.MATTER_TABLE, ref=f"A{h}:{last}{h + max(1, len(events))}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"C{h + 1}"
    lc = MATTER_LEGEND_COL
    for i, text in enumerate(("Event (the list)", "Deadlines it starts"), start=lc):
        cell = ws.cell(row=h, column=i, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for r, kind in enumerate(EVENT_KINDS, start=h + 1):
        ws.cell(row=r, column=lc, value=kind.label).font = BODY
        rules = ", ".join(rule for rule, _ in kind.rules)
        if kind.label == "Breach discovered":
            rules += " (fewer than 500 individuals: breach-hhs-log)"
        if kind.label == "Access request received":
            rules += " (Other date given: access-extended)"
        notes = "; ".join(x for x in (kind.count_means and "Count: " + kind.count_means,
                                       kind.other_date_means and "Other date: " + kind.other_date_means) if x)
        cell = ws.cell(row=r, column=lc + 1, value=rules + (f". {notes}" if notes else ""))
        cell.font = Font(size=9)
        cell.alignment = WRAP_TOP
        ws.row_dimensions[r].height = 26
    ws.column_dimensions[get_column_letter(lc - 1)].width = 3
    ws.column_dimensions[get_column_letter(lc)].width = 34
    ws.column_dimensions[get_column_letter(lc + 1)].width = 60
    _validations(ws)
    print_setup(ws, h, matter, as_of)


def _validations(ws: Worksheet) -> None:
    first, last_row = columns.HEADER_ROW + 1, columns.HEADER_ROW + VALIDATION_ROWS
    legend = get_column_letter(MATTER_LEGEND_COL)
    kinds = f"{columns.MATTER_SHEET}!${legend}${columns.HEADER_ROW + 1}:${legend}${columns.HEADER_ROW + len(EVENT_KINDS)}"
    for i, col in enumerate(columns.MATTER_COLUMNS, start=1):
        letter = get_column_letter(i)
        dv: DataValidation | None = None
        if col.kind == "event":
            dv = DataValidation(type="list", formula1=kinds, allow_blank=True)
            dv.error = "Choose an event from the list on the right."
        elif col.kind == "yesno":
            dv = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
            dv.error = "Yes or No."
        elif col.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = "A date, e.g. 2026-03-01."
        elif col.kind == "count":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000000",
                                allow_blank=True)
            dv.error = "A whole number, 0 or more."
        validation.attach(ws, dv, col.header, f"{letter}{first}:{letter}{last_row}")
