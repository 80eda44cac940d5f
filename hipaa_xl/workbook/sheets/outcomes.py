"""The Outcomes sheet: every published OCR outcome in the law data, with its sources (for reading only).

Written once by ``new``, like the Schedules sheet, from ``law/data/outcomes.json``: one row per
outcome, oldest first, the amount announced and the final amount, the sections HHS named and every
source with where it states the amount (marked HHS or independent). The Summary's block "Published
OCR outcomes for these requirements" and ``OCR_OUTCOMES`` read the same records.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.law import outcomes as ocr
from hipaa_xl.money import dollars
from hipaa_xl.workbook import theme
from hipaa_xl.workbook.outcomes_block import ABOUT
from hipaa_xl.workbook.sheets._common import print_setup, title

HEADER_ROW = 5
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Announced", 11), ("Entity", 30), ("Type", 14), ("State", 6), ("Kind", 12), ("Amount announced", 13),
    ("Final amount", 13), ("Final, today's dollars*", 13), ("CAP years", 7), ("Sections named (45 CFR)", 22),
    ("Individuals", 11), ("Initiative", 10), ("Circumstances", 28), ("Sources", 70), ("Changes and remarks", 40),
)


def _sources(o: ocr.Outcome) -> str:
    return "\n".join(f"{'independent' if s.independent else 'HHS'}: {s.url} ({s.note})" for s in o.sources)


def _changes(o: ocr.Outcome) -> str:
    lines = [f"{h.date.isoformat()}: {dollars(h.amount)}, {h.event} ({'; '.join(s.url for s in h.sources)})"
             for h in o.history]
    if o.remarks:
        lines.append(o.remarks)
    return "\n".join(lines)


def _lines(text: str, per_line: int) -> int:
    """About how many lines a wrapped text takes in a column of ``per_line`` characters."""
    return sum(max(1, -(-len(line) // per_line)) for line in text.splitlines()) if text else 0


def add_outcomes_sheet(ws: Worksheet, matter: str, as_of: dt.date | None) -> None:
    """Fill ``ws`` with every record of the outcomes data and its coverage statement."""
    found = ocr.all_outcomes()
    head = ocr.header()
    title(ws, "Published OCR outcomes", f"Compiled {head['compiled']}: {head['coverage']} For reading only.")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=10)
    ws.row_dimensions[2].height = 28
    ws["A3"] = ABOUT
    ws["A3"].font = Font(size=9)
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=10)
    ws.row_dimensions[3].height = 40
    ws["A4"] = f"* {ocr.TODAYS_DOLLARS_NOTE}; carried to table {ocr.todays_table()}."
    ws["A4"].font = Font(size=8, italic=True, color=theme.GREY_TEXT)
    header_font = Font(name="Calibri", size=10, bold=True, color=theme.WHITE)
    fill = PatternFill("solid", fgColor=theme.NAVY)
    for i, (text, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=text)
        cell.font, cell.fill = header_font, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[HEADER_ROW].height = 28
    top = Alignment(vertical="top", wrap_text=True)
    for r, o in enumerate(found, start=HEADER_ROW + 1):
        values: list[object] = [
            o.date, o.entity, o.entity_type, o.state, o.kind, o.amount, o.final_amount, ocr.todays_amount(o),
            o.cap_years, ", ".join(o.sections), o.individuals, o.initiative, o.circumstances, _sources(o),
            _changes(o) or None,
        ]
        for i, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=i, value=value)
            cell.alignment = top
            cell.font = Font(size=9)
            if isinstance(value, dt.date):
                cell.number_format = theme.DATE
            elif i in (6, 7, 8):
                cell.number_format = theme.CURRENCY
            elif i == 11:
                cell.number_format = "#,##0"
        lines = max(_lines(_sources(o), 100), _lines(_changes(o), 56), _lines(o.circumstances, 38), 2)
        ws.row_dimensions[r].height = 11 * lines
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    print_setup(ws, HEADER_ROW, matter, as_of)
