"""The Incidents sheet: the user's table of incidents, one row each, with a dropdown in every column
that takes a choice; refresh prices every row (the example fills it, ``new --example``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.engine.tiers import CULPABILITY_CHOICES
from hipaa_xl.workbook import columns, theme, validation
from hipaa_xl.workbook.sheets._common import VALIDATION_ROWS, WRAP_TOP, column_headers, print_setup, title


def add_incidents_sheet(ws: Worksheet, matter: str, as_of: dt.date | None) -> None:
    """Fill ``ws`` as the empty Incidents table: title, hints, headers, dropdowns, print setup."""
    title(
        ws,
        "Incidents",
        "One row per incident. Violations given: that many violations dated Start. Violations blank: "
        "a continuing violation, one a day from Start to End (45 CFR 160.406). Then run Refresh.",
    )
    h = columns.HEADER_ROW
    column_headers(ws, h, columns.INCIDENT_COLUMNS)
    for i, col in enumerate(columns.INCIDENT_COLUMNS, start=1):
        if col.kind == "date":
            ws.cell(row=h + 1, column=i).number_format = theme.DATE
        if col.kind == "count":
            ws.cell(row=h + 1, column=i).number_format = theme.INTEGER
    ws.row_dimensions[h - 1].height = 68  # the wrapped hints of narrow columns, printed in full
    ws.row_dimensions[h].height = 44  # three-line headers such as "Criminal penalty imposed"
    last = get_column_letter(len(columns.INCIDENT_COLUMNS))
    table = Table(displayName=columns.INCIDENTS_TABLE, ref=f"A{h}:{last}{h + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"B{h + 1}"
    _validations(ws)
    print_setup(ws, h, matter, as_of)


def _validations(ws: Worksheet) -> None:
    """Dropdowns for Tier, Culpability, Requirement and the yes/no columns."""
    first, last_row = columns.HEADER_ROW + 1, columns.HEADER_ROW + VALIDATION_ROWS
    for i, col in enumerate(columns.INCIDENT_COLUMNS, start=1):
        letter = get_column_letter(i)
        rng = f"{letter}{first}:{letter}{last_row}"
        dv: DataValidation | None = None
        if col.kind == "tier":
            dv = DataValidation(type="list", formula1='"A,B,C,D"', allow_blank=True)
            dv.error, dv.prompt = "Tier must be A, B, C or D (or blank to derive it).", "Blank: derived"
        elif col.kind == "culpability":
            dv = DataValidation(type="list", formula1='"' + ",".join(CULPABILITY_CHOICES) + '"', allow_blank=True)
            dv.error = "Choose a culpability from the list (45 CFR 160.401, 160.404(b)(2))."
        elif col.kind == "requirement":
            dv = DataValidation(
                type="list", formula1=columns.REQUIREMENTS_LIST, allow_blank=True
            )
            dv.error = "Choose a requirement from the Requirements sheet (add it there first)."
            dv.errorStyle = "warning"
        elif col.kind == "yesno":
            dv = DataValidation(type="list", formula1='"' + ",".join(columns.YES_NO) + '"', allow_blank=True)
            dv.error = "Yes or No."
        elif col.kind == "criminal":
            dv = DataValidation(type="list", formula1='"' + ",".join(columns.CRIMINAL_CHOICES) + '"', allow_blank=True)
            dv.error = (
                "Yes (a 1320d-6 penalty imposed, 160.410(a)(2)), No, or Punishable (an offense punishable "
                "under 1320d-6: bars a CMP assessed before 2011-02-18, 160.410(a)(1))."
            )
        elif col.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = "A date, e.g. 2024-03-01."
        elif col.kind == "count":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000000",
                                allow_blank=True)
            dv.error = "A whole number of violations, 0 or more; blank for a continuing violation."
        validation.attach(ws, dv, col.header, rng)


def fill_incidents(ws: Worksheet, incidents: list[dict[str, Any]]) -> None:
    """The incidents (dicts with the engine's field names) written into the table, which grows to hold them."""
    h = columns.HEADER_ROW
    for r, inc in enumerate(incidents, start=h + 1):
        ws.row_dimensions[r].height = 42  # the wrapped Description and Factors texts, printed
        for i, col in enumerate(columns.INCIDENT_COLUMNS, start=1):
            value = inc.get(col.field)
            if col.kind == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if col.kind == "yesno":
                value = "Yes" if value else None
            if col.kind == "criminal":
                value = "Yes" if value else columns.PUNISHABLE if inc.get("criminal_offense_punishable") else None
            cell = ws.cell(row=r, column=i, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it begins with "="
            if col.kind == "date":
                cell.number_format = theme.DATE
            if col.kind == "count":
                cell.number_format = "#,##0"
            if col.field in ("description", "factors"):
                cell.alignment = WRAP_TOP
            else:
                cell.alignment = Alignment(vertical="top")
    last = get_column_letter(len(columns.INCIDENT_COLUMNS))
    ws.tables[columns.INCIDENTS_TABLE].ref = f"A{h}:{last}{h + max(1, len(incidents))}"


def add_cover(ws: Worksheet, lines: list[str]) -> None:
    """Lines in red above the Incidents table (row 1's title keeps its place; the notice follows it)."""
    text = " ".join(lines)
    ws["A2"] = text + " " + str(ws["A2"].value or "")
    ws["A2"].font = Font(name="Calibri", size=10, bold=True, color=theme.RED_TEXT)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
    ws.row_dimensions[2].height = 54
