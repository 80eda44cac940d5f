"""The Factors sheet of the template: the 45 CFR 160.408 factors a lawyer marks, per incident or group.

One row per marked factor: the incident it bears on (or a group: Entity and Requirement, and a Year or
every year), the factor or sub-point (a dropdown of every label of ``law/data/factors.json``, listed on
the right of the sheet), whether it aggravates, mitigates or is neutral, and the reason. The memo
prints them beside the Chosen point they support; refresh reads the rows (``table``, beside it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.law.factors import EFFECTS, load_factors
from hipaa_xl.workbook import columns, theme, validation
from hipaa_xl.workbook.sheets._common import column_headers, print_setup, title

LIST_COL = len(columns.FACTOR_COLUMNS) + 2
"""The column of the list of factors (the Factor dropdown's source), one blank column after the table."""
_VALIDATION_ROWS = 2000


def add_factors_sheet(ws: Worksheet, matter: str, as_of: dt.date | None, rows: list[dict[str, Any]]) -> None:
    """Fill ``ws`` as the Factors sheet; ``rows`` are dicts keyed by the columns' fields (the example)."""
    law = load_factors()
    title(ws, "Factors",
          "The factors of 45 CFR 160.408 that bear on where each amount falls within the range: one row per "
          "factor, for an incident (its ID) or a group (Entity and Requirement, and a Year or every year). "
          "The memo prints them beside the Chosen point; they change no figure.")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns.FACTOR_COLUMNS))
    ws.row_dimensions[2].height = 30
    h = columns.HEADER_ROW
    column_headers(ws, h, columns.FACTOR_COLUMNS)
    ws.row_dimensions[h - 1].height = 44
    for r, values in enumerate(rows, start=h + 1):
        ws.row_dimensions[r].height = 30  # the wrapped Factor and Reason texts, printed in full
        for i, col in enumerate(columns.FACTOR_COLUMNS, start=1):
            value = values.get(col.field)
            cell = ws.cell(row=r, column=i, value=value if value not in ("", None) else None)
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=col.field in ("reason", "factor"), vertical="top")
    last = get_column_letter(len(columns.FACTOR_COLUMNS))
    table = Table(displayName=columns.FACTORS_TABLE, ref=f"A{h}:{last}{h + max(1, len(rows))}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"A{h + 1}"
    choices = law.choices()
    lc = LIST_COL
    head = ws.cell(row=h, column=lc, value="45 CFR 160.408: the factors and sub-points (the list)")
    head.font = Font(name="Calibri", size=10, bold=True, color=theme.WHITE)
    head.fill = PatternFill("solid", fgColor=theme.NAVY)
    for r, label in enumerate(choices, start=h + 1):  # a factor "(a) ..." in bold, its sub-points "(a)(1) ..." not
        cell = ws.cell(row=r, column=lc, value=label)
        cell.font = Font(size=9, bold=label[3] == " ")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if len(label) > 60 and (ws.row_dimensions[r].height or 0) < 24:
            ws.row_dimensions[r].height = 24  # two lines of the list, printed in full
    note = ws.cell(row=h + len(choices) + 2, column=lc,
                   value=f"{law.citation}. {law.note} Source: {law.url} (read {law.read_on.isoformat()}).")
    note.font = Font(size=8, italic=True, color=theme.GREY_TEXT)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[h + len(choices) + 2].height = 80
    ws.column_dimensions[get_column_letter(lc - 1)].width = 3
    ws.column_dimensions[get_column_letter(lc)].width = 48
    _validations(ws, len(choices))
    print_setup(ws, h, matter, as_of)


def _validations(ws: Worksheet, n_choices: int) -> None:
    first, last_row = columns.HEADER_ROW + 1, columns.HEADER_ROW + _VALIDATION_ROWS
    lc = get_column_letter(LIST_COL)
    for i, col in enumerate(columns.FACTOR_COLUMNS, start=1):
        letter = get_column_letter(i)
        dv: DataValidation | None = None
        if col.kind == "factor":
            first, last = columns.HEADER_ROW + 1, columns.HEADER_ROW + n_choices
            dv = DataValidation(type="list", allow_blank=True,
                                formula1=f"{columns.FACTORS_SHEET}!${lc}${first}:${lc}${last}")
            dv.error = "Choose a factor of 45 CFR 160.408 from the list on the right."
        elif col.kind == "effect":
            dv = DataValidation(type="list", formula1='"' + ",".join(EFFECTS) + '"', allow_blank=True)
            dv.error = "Aggravating, mitigating or neutral."
        elif col.kind == "requirement":
            dv = DataValidation(type="list", allow_blank=True,
                                formula1=columns.REQUIREMENTS_LIST)
            dv.error = "Choose a requirement from the Requirements sheet."
            dv.errorStyle = "warning"
        elif col.kind == "count":
            dv = DataValidation(type="whole", operator="between", formula1="1900", formula2="9999", allow_blank=True)
            dv.error = "A calendar year, e.g. 2024; blank for every year."
        validation.attach(ws, dv, col.header, f"{letter}{first}:{letter}{last_row}")
