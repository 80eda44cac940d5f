"""The Scenarios sheet of the template, written once by ``hipaa-xl new``; the user owns it.

Two Excel tables side by side, so that each grows down without meeting the other: ``Scenarios``
(A:E) and ``ScenarioChanges`` (G:K), with dropdowns for Schedule, Scenario, Incident ID and Field.
A conditional format turns a row red when refresh lists it as a row that cannot apply (the defined
names in :mod:`hipaa_xl.workbook.sheets.scenarios.tables`), so refresh marks rows without writing this sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.workbook import columns, theme
from hipaa_xl.workbook.sheets._common import HEADER_FILL, HEADER_FONT, print_setup, title
from hipaa_xl.workbook.sheets.scenarios import tables

_HINT = Font(size=8, italic=True, color=theme.GREY_TEXT)
_RED_FILL = PatternFill("solid", fgColor=theme.RED_FILL, bgColor=theme.RED_FILL)
_RED_FONT = Font(color=theme.RED_TEXT, bold=True)
_ROWS = 2000
"""How far down the dropdowns and the red marking reach."""
CHANGES_FIRST_COL = len(tables.SCENARIO_HEADERS) + 2
"""ScenarioChanges starts one blank column after Scenarios."""

_SCENARIO_HINTS = (
    "A short name, e.g. OCR likely",
    "The position in a sentence",
    "Optional, e.g. 40%: weighted figures need every scenario's, adding up to 100%",
    "Optional: overrides Settings for this scenario",
    "Optional: overrides Settings' as-of date",
)
_CHANGE_HINTS = (
    "A Name from the left table",
    "An ID on the Incidents sheet",
    "The Incidents column it changes, or Excluded (not a violation here)",
    "The new value (a date, a tier, Yes/No, a count; blank clears it)",
    "Why: printed in the memo beside the figure",
)
_WIDTHS = (18, 40, 13, 14, 12, 3, 16, 11, 18, 16, 50)


def add_scenarios_sheet(
    wb: Workbook, ws: Worksheet, matter: str, as_of: dt.date | None, example: dict[str, Any] | None,
) -> None:
    """Fill ``ws`` with the two tables (empty, or the example's scenarios and changes)."""
    title(ws, "Scenarios",
          "Each scenario changes some Incidents inputs (a legal position); Refresh prices every scenario "
          "beside the base (the Incidents as entered) on the Summary.")
    h = columns.HEADER_ROW
    blocks = ((1, tables.SCENARIO_HEADERS, _SCENARIO_HINTS),
              (CHANGES_FIRST_COL, tables.CHANGE_HEADERS, _CHANGE_HINTS))
    for first, headers, hints in blocks:
        for i, (text, hint) in enumerate(zip(headers, hints, strict=True)):
            cell = ws.cell(row=h, column=first + i, value=text)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            note = ws.cell(row=h - 1, column=first + i, value=hint)
            note.font, note.alignment = _HINT, Alignment(wrap_text=True, vertical="bottom")
    ws.row_dimensions[h - 1].height = 58  # the wrapped hints, printed in full
    ws.row_dimensions[h].height = 30
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    scenarios = list(example.get("scenarios", [])) if example else []
    changes = list(example.get("scenario_changes", [])) if example else []
    _fill(ws, 1, h, scenarios, ("name", "description", "probability", "schedule", "as_of"))
    _fill(ws, CHANGES_FIRST_COL, h, changes, ("scenario", "incident_id", "field", "value", "reason"))
    last_s = get_column_letter(len(tables.SCENARIO_HEADERS))
    first_c = get_column_letter(CHANGES_FIRST_COL)
    last_c = get_column_letter(CHANGES_FIRST_COL + len(tables.CHANGE_HEADERS) - 1)
    for name, ref in ((tables.SCENARIOS_TABLE, f"A{h}:{last_s}{h + max(1, len(scenarios))}"),
                      (tables.CHANGES_TABLE, f"{first_c}{h}:{last_c}{h + max(1, len(changes))}")):
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    _validations(ws, h)
    for name, ref in ((tables.NAME_SCENARIO_PROBLEM_ROWS, f"A{h + 1}:{last_s}{h + _ROWS}"),
                      (tables.NAME_CHANGE_PROBLEM_ROWS, f"{first_c}{h + 1}:{last_c}{h + _ROWS}")):
        # refresh points the name at the rows that cannot apply; until then, at a cell that holds none
        wb.defined_names[name] = DefinedName(name, attr_text=f"{columns.SETTINGS_SHEET}!$A$1")
        rule = FormulaRule(formula=[f"COUNTIF({name},ROW())>0"], fill=_RED_FILL, font=_RED_FONT)
        ws.conditional_formatting.add(ref, rule)
    ws.freeze_panes = f"A{h + 1}"
    ws.sheet_properties.tabColor = theme.INPUT_TAB
    print_setup(ws, h, matter, as_of)


def _fill(ws: Worksheet, first: int, h: int, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    for r, item in enumerate(rows, start=h + 1):
        ws.row_dimensions[r].height = 44  # three lines of a wrapped Description or Reason
        for i, key in enumerate(keys):
            value = item.get(key)
            if isinstance(value, str) and key in ("as_of", "value") and _is_iso_date(value):
                value = dt.date.fromisoformat(value)
            cell = ws.cell(row=r, column=first + i, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it begins with "="
            if isinstance(value, dt.date):
                cell.number_format = theme.DATE
            cell.alignment = Alignment(wrap_text=key in ("description", "reason"), vertical="top",
                                       horizontal="left")
        if "probability" in keys:
            ws.cell(row=r, column=first + keys.index("probability")).number_format = "0%"


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _validations(ws: Worksheet, h: int) -> None:
    first, last = h + 1, h + _ROWS
    col = {k: get_column_letter(i) for i, k in enumerate(("name", "description", "probability", "schedule",
                                                            "as_of"), start=1)}
    ccol = {k: get_column_letter(CHANGES_FIRST_COL + i)
            for i, k in enumerate(("scenario", "incident_id", "field", "value", "reason"))}
    id_letter = get_column_letter(next(i for i, c in enumerate(columns.INCIDENT_COLUMNS, start=1) if c.field == "id"))
    specs: list[tuple[DataValidation, str]] = [
        (DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True),
         f"{col['probability']}{first}:{col['probability']}{last}"),
        (DataValidation(type="list", formula1=columns.NAME_SCHEDULE_NAMES, allow_blank=True),
         f"{col['schedule']}{first}:{col['schedule']}{last}"),
        (DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True),
         f"{col['as_of']}{first}:{col['as_of']}{last}"),
        (DataValidation(type="list", formula1=f"${col['name']}${first}:${col['name']}${last}", allow_blank=True),
         f"{ccol['scenario']}{first}:{ccol['scenario']}{last}"),
        (DataValidation(type="list", formula1=f"{columns.INCIDENTS_SHEET}!${id_letter}${first}:${id_letter}$5000",
                        allow_blank=True),
         f"{ccol['incident_id']}{first}:{ccol['incident_id']}{last}"),
        (DataValidation(type="list", formula1='"' + ",".join(tables.field_choices()) + '"', allow_blank=True),
         f"{ccol['field']}{first}:{ccol['field']}{last}"),
    ]
    messages = (
        "A percentage from 0% to 100%.",
        "Choose a schedule from the list (or leave blank for the one on Settings).",
        "A date, e.g. 2026-03-31 (or leave blank for the one on Settings).",
        "Choose a scenario named in the Scenarios table.",
        "Choose an ID from the Incidents sheet.",
        "Choose an Incidents column a scenario can change, or Excluded.",
    )
    for (dv, rng), message in zip(specs, messages, strict=True):
        dv.error, dv.showErrorMessage = message, True
        if dv.type == "list" and "Incidents" in (dv.formula1 or ""):
            dv.errorStyle = "warning"  # an ID typed before its incident is entered is allowed
        dv.add(rng)
        ws.add_data_validation(dv)
