"""The Settings sheet: the schedule, the assessment (as-of) date, the date the action commenced, and the
matter block, each a named cell every formula and the memo read (decisions 14, 24)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.workbook import columns, theme
from hipaa_xl.workbook.sheets._common import BODY, BOX, INPUT_FILL, LABEL, SUBTITLE, header_footer, title


def add_settings_sheet(
    ws: Worksheet, schedule: str, as_of: dt.date | None, matter: dict[str, str], commenced: dt.date | None = None
) -> None:
    """Fill ``ws``: the Assessment block, then the Matter block, each value a defined name."""
    title(ws, "Settings", "Every formula in the workbook uses the schedule and the dates below.")
    rows: list[tuple[str, Any, str, str]] = [
        ("Schedule", schedule, columns.NAME_SCHEDULE,
         "Which reading of the law prices the violations: see the Schedules sheet."),
        ("Assessment (as-of) date", as_of if as_of is not None else "=TODAY()", columns.NAME_AS_OF,
         "The date the penalty is assessed: picks the 45 CFR 102.3 table; violations run at the latest "
         "to it. =TODAY() follows the calendar; type a date to freeze it."),
        ("Action commenced on", commenced, columns.NAME_COMMENCED,
         "The six-year limitation (45 CFR 160.414) runs to the commencement of the action: the notice of "
         "proposed determination (45 CFR 160.420), or a State AG's filing (1320d-5(d)(8)). Blank: the "
         "assessment date, which bars more days."),
    ]
    matter_rows: list[tuple[str, Any, str, str]] = [
        ("Client", matter.get("client", ""), columns.NAME_CLIENT, ""),
        ("Matter name", matter.get("matter_name", ""), columns.NAME_MATTER, "Printed in the page headers"),
        ("Matter number", matter.get("matter_number", ""), columns.NAME_MATTER_NUMBER, ""),
        ("Prepared by", matter.get("prepared_by", ""), columns.NAME_PREPARED_BY, ""),
        ("Privilege legend", matter.get("privilege_legend", columns.MEMO_LEGEND), columns.NAME_PRIVILEGE_LEGEND,
         "Printed at the top and bottom of every page of the memo (hipaa-xl report)"),
    ]
    ws["A3"] = "Assessment"
    ws["A3"].font = Font(size=12, bold=True, color=theme.NAVY)
    r = 4
    wb = ws.parent
    for label, value, name, note in rows:
        _setting_row(ws, r, label, value, note)
        if len(note) > 90:  # the wrapped note (column C, about 90 characters a line) printed in full
            ws.row_dimensions[r].height = 12.5 * -(-len(note) // 90)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{columns.SETTINGS_SHEET}!$B${r}")
        r += 1
    ws["B5"].number_format = theme.DATE
    ws["B6"].number_format = theme.DATE
    r += 1
    ws.cell(row=r, column=1, value="Matter").font = Font(size=12, bold=True, color=theme.NAVY)
    r += 1
    for label, value, name, note in matter_rows:
        _setting_row(ws, r, label, value or None, note)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{columns.SETTINGS_SHEET}!$B${r}")
        r += 1
    dv = DataValidation(type="list", formula1=columns.NAME_SCHEDULE_NAMES, allow_blank=False)
    dv.error, dv.errorTitle, dv.showErrorMessage = "Choose a schedule from the list.", "Schedule", True
    dv.add("B4")
    ws.add_data_validation(dv)
    dv_date = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=False)
    dv_date.error, dv_date.showErrorMessage = "A date, e.g. 2026-03-31, or =TODAY().", True
    dv_date.add("B5")
    ws.add_data_validation(dv_date)
    dv_commenced = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dv_commenced.error, dv_commenced.showErrorMessage = "A date, e.g. 2026-01-15, or blank.", True
    dv_commenced.add("B6")
    ws.add_data_validation(dv_commenced)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 80
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    header_footer(ws, matter.get("matter_name", ""), as_of)


def _setting_row(ws: Worksheet, r: int, label: str, value: Any, note: str) -> None:
    ws.cell(row=r, column=1, value=label).font = LABEL
    cell = ws.cell(row=r, column=2, value=value)
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.font = BODY
    cell.alignment = Alignment(horizontal="left")
    cell.protection = Protection(locked=False)
    n = ws.cell(row=r, column=3, value=note or None)
    n.font = SUBTITLE
    n.alignment = Alignment(wrap_text=True, vertical="top")
