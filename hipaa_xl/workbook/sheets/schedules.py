"""The Schedules sheet: every shipped schedule's amounts per tier with their citations, for reading only
(the tiered caps marked as estimates); it also holds the list the Schedule dropdowns offer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.law.loader import load_rules, load_series
from hipaa_xl.law.models import TIERS
from hipaa_xl.law.schedules import REGULATION, STATUTE, resolve_amounts, schedule_names, schedules, tiered_cap_estimates
from hipaa_xl.workbook import columns, theme
from hipaa_xl.workbook.sheets._common import (
    BODY,
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    LABEL,
    SUBTITLE,
    WRAP_TOP,
    header_footer,
    title,
)

_SCHEDULE_LIST_ROW = 5


def add_schedules_sheet(ws: Worksheet, matter: str, as_of: dt.date | None) -> None:
    """Every shipped schedule with its amounts and citations; tiered caps marked as estimates."""
    title(ws, "Schedules", "The amounts of every shipped schedule, with their citations. For reading only.")
    names = schedule_names()
    r = _SCHEDULE_LIST_ROW - 1
    for i, text in enumerate(("Schedule", "What it applies"), start=1):
        c = ws.cell(row=r, column=i, value=text)
        c.font, c.fill = HEADER_FONT, HEADER_FILL
    for name in names:
        r += 1
        ws.cell(row=r, column=1, value=name).font = LABEL
        description = schedules()[name].description
        d = ws.cell(row=r, column=2, value=description)
        d.font, d.alignment = BODY, WRAP_TOP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        ws.row_dimensions[r].height = 28 if len(description) > 110 else 15
    wb = ws.parent
    wb.defined_names[columns.NAME_SCHEDULE_NAMES] = DefinedName(
        columns.NAME_SCHEDULE_NAMES,
        attr_text=f"{columns.SCHEDULES_SHEET}!$A${_SCHEDULE_LIST_ROW}:$A${_SCHEDULE_LIST_ROW + len(names) - 1}",
    )
    r += 2
    hitech = load_rules().hitech_violations_from.value
    blocks: list[tuple[str, str | None, Any]] = [
        (REGULATION, REGULATION, None),
        (STATUTE, STATUTE, None),
        (f"pre-2009 (every schedule, violations before {hitech.isoformat()})", REGULATION,
         hitech - dt.timedelta(days=1)),
    ]
    blocks += [(n, n, None) for n in names if n.startswith("cfr102-")]
    for heading, sched, vdate in blocks:
        r = _amount_block(ws, r, heading, sched or REGULATION, vdate)
    r = _tiered_estimates(ws, r)
    for letter, width in zip("ABCDEF", (30, 16, 16, 16, 16, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    header_footer(ws, matter, as_of)


def schedules_sheet_rows() -> list[tuple[Any, ...]]:
    """The values of the Schedules sheet this version writes (the law data's amounts), row by row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    add_schedules_sheet(ws, "", None)
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def _amount_block(ws: Worksheet, r: int, heading: str, schedule: str, vdate: dt.date | None) -> int:
    first = resolve_amounts("A", vdate, schedule, dt.date(2099, 1, 1) if vdate is None else None)
    ws.cell(row=r, column=1, value=heading).font = Font(size=11, bold=True, color=theme.NAVY)
    src = ws.cell(row=r, column=2, value=first.source)
    src.font = SUBTITLE
    r += 1
    for i, text in enumerate(("Tier", "Minimum per violation", "Maximum per violation",
                              "Calendar-year cap", "", "Citations"), start=1):
        c = ws.cell(row=r, column=i, value=text or None)
        c.font, c.fill = HEADER_FONT, HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for tier in TIERS:
        r += 1
        a = resolve_amounts(tier, vdate, schedule, dt.date(2099, 1, 1) if vdate is None else None)
        ws.cell(row=r, column=1, value=f"{tier}").font = LABEL
        values: list[Any] = [a.minimum, a.maximum if a.maximum is not None else "none (cap)", a.cap]
        for i, v in enumerate(values, start=2):
            c = ws.cell(row=r, column=i, value=v)
            c.number_format = theme.CURRENCY
            c.font = BODY
            c.border = BOX
        cites = f"min: {a.minimum_citation}; max: {a.maximum_citation}; cap: {a.cap_citation}"
        c = ws.cell(row=r, column=6, value=cites)
        c.font = Font(size=8, color=theme.GREY_TEXT)
        c.alignment = WRAP_TOP
        ws.row_dimensions[r].height = 34
    return r + 2


def _tiered_estimates(ws: Worksheet, r: int) -> int:
    ws.cell(row=r, column=1, value="current-tiered: calendar-year caps (ESTIMATES)").font = Font(
        size=11, bold=True, color=theme.RED_TEXT
    )
    method = load_series().tiered_caps_estimate
    note = ws.cell(row=r, column=2, value=f"{method.method}. {method.citation}. {method.source_quality}")
    note.font = SUBTITLE
    r += 1
    for i, text in enumerate(("102.3 table", "Tier A cap (estimate)", "Tier B cap (estimate)",
                              "Tier C cap (estimate)", "Tier D cap"), start=1):
        c = ws.cell(row=r, column=i, value=text)
        c.font, c.fill = HEADER_FONT, HEADER_FILL
        c.alignment = Alignment(wrap_text=True)
    for label, caps in tiered_cap_estimates().items():
        r += 1
        ws.cell(row=r, column=1, value=f"cfr102-{label}").font = LABEL
        for i, tier in enumerate(TIERS, start=2):
            c = ws.cell(row=r, column=i, value=caps[tier])
            c.number_format = theme.CURRENCY
            c.border = BOX
    return r + 2
