"""The scenario table on the Summary: every scenario beside the base, and when it is stale.

The figures are computed by the engine at refresh (:func:`hipaa_xl.engine.scenarios.run_scenarios`)
and written as values; a scenario that cannot be computed shows ``#N/A``. They are not live
formulas, so they must never go stale silently: refresh keeps, in hidden columns of the Summary, a
copy of everything they were computed from (the rows of both Scenarios tables, the Incidents rows the
changes name, the base's column sums, the schedule and the as-of date), and one formula compares the
live cells with that copy. Any difference turns the Summary's "Layout out of date" cell red.

The rows that cannot apply are listed here with their reasons, and their sheet rows are written to
hidden columns that two defined names point at: the Scenarios sheet's own conditional format reads
them, so those rows turn red there although refresh never writes the user's sheet (decisions 16).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hipaa_xl.engine.scenario_records import WEIGHTED_LABEL, Figures, ScenarioResult, ScenarioSet
from hipaa_xl.ooxml.a1 import quote_sheet
from hipaa_xl.ooxml.numbers import number_to_text
from hipaa_xl.workbook import columns, styles
from hipaa_xl.workbook.cell_styles import GREEN, HEADER, MONEY, NOTE, RED, SECTION, STATUS, TEXT, TEXT_WRAP
from hipaa_xl.workbook.scenario_tables import (
    NAME_CHANGE_PROBLEM_ROWS,
    NAME_SCENARIO_PROBLEM_ROWS,
    SCENARIOS_SHEET,
    ScenarioTables,
)
from hipaa_xl.workbook.sheetxml import Formula, SheetWriter, ref
from hipaa_xl.workbook.styles import Style

OUT_OF_DATE = "Scenarios out of date - run Refresh"
UP_TO_DATE = "Scenario figures match the Scenarios sheet and the Incidents"
PROBLEM_COL = 38
"""Hidden: the Scenarios rows that cannot apply (col AL), then the ScenarioChanges rows (col AM)."""
SNAP_COL = 40
"""Hidden: the copy the staleness formula compares with: flag (AN), label (AO), values (AP...)."""
NAME_STALE = "HXL_SCENARIOS_STALE"
"""The cell that is 1 when a scenario input changed since refresh (the "Layout out of date" cell
reads it). The hidden block sits below everything the Summary prints, so that no block a reader
takes by its rows (the memo's) runs into it."""
_SNAP_WIDTH = 10
_BOLD_TEXT = Style(bold=True, border=True, fill=styles.GREY_FILL)
_BOLD_MONEY = Style(num_fmt=styles.CURRENCY, bold=True, border=True, fill=styles.GREY_FILL)
_INDENT_TEXT = Style(border=True, halign="left", indent=2)
_DIFF = Style(num_fmt='+"$"#,##0;[Red]-"$"#,##0;"$"0', border=True)
_BOLD_DIFF = Style(num_fmt='+"$"#,##0;[Red]-"$"#,##0;"$"0', bold=True, border=True, fill=styles.GREY_FILL)
_PERCENT = Style(num_fmt="0%", border=True, halign="center", bold=True, fill=styles.GREY_FILL)
_CENTER_BOLD = Style(border=True, halign="center", bold=True, fill=styles.GREY_FILL, wrap=True, size=9)
_WRAP_BOLD = Style(border=True, bold=True, fill=styles.GREY_FILL, wrap=True, size=9)
_NA_MONEY = Style(num_fmt=styles.CURRENCY, bold=True, border=True, fill=styles.GREY_FILL, color=styles.RED_TEXT)
_SNAP = Style()
_FIGURE_COLS = (6, 7, 8, 9)
"""Minimum, maximum, time-barred maximum, AG damages: the columns of the ExposureByYear table."""
_DIFF_COLS = (10, 12, 13)
"""Minimum, maximum, AG damages against the base (J:K merged, L, M)."""


@dataclass
class Snapshot:
    """What the scenario figures were computed from, for the staleness formula."""

    incidents_sheet: str
    incident_cells: list[tuple[int, list[tuple[int, Any]]]] = field(default_factory=list)
    """(Incidents row, [(column, cached value)]) of every incident a change names."""
    sums: list[tuple[str, int | float]] = field(default_factory=list)
    """(Summary range, its sum at refresh, -1 when it held an error) of the base's figure columns."""
    schedule: str = ""
    as_of: dt.date | None = None


def _text(value: Any) -> str:
    """A cached cell value as Excel's ``value&""`` gives it (dates as their serial numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        from hipaa_xl.ooxml.dates import date_to_serial

        return number_to_text(date_to_serial(value))
    if isinstance(value, int | float):
        return number_to_text(value)
    return str(value)


class _Snap:
    """Writes the hidden copy, one compared line per row of the Summary, from row 2 down."""

    def __init__(self, ws: SheetWriter, top: int) -> None:
        self.ws = ws
        self.top = top
        self.row = top
        self.flags: list[str] = []

    def line(self, label: str, pairs: list[tuple[str, str]], extra: Sequence[str] = ()) -> None:
        """Compare each live cell (``value&""``) with its stored text; ``extra``: more conditions."""
        self.row += 1
        r = self.row
        terms = list(extra)
        for i, (live, stored) in enumerate(pairs):
            col = SNAP_COL + 2 + i
            self.ws.set(r, col, stored, _SNAP)
            terms.append(f'{live}&""<>{ref(r, col)}&""')
        self.ws.set(r, SNAP_COL + 1, label, _SNAP)
        condition = f"OR({','.join(terms)})" if terms else "FALSE"
        self.ws.set(r, SNAP_COL, Formula(f"IF(IFERROR({condition},TRUE),1,0)"), _SNAP)
        self.flags.append(ref(r, SNAP_COL))


def _stale_block(ws: SheetWriter, top: int, tables: ScenarioTables | None, snap: Snapshot) -> str:
    """The copy and its comparisons from row ``top`` down; the address of the flag cell."""
    w = _Snap(ws, top)
    sheet = quote_sheet(SCENARIOS_SHEET)
    if tables is not None:
        for block, rows, what in ((tables.scenario_block, tables.scenario_rows, "Scenarios"),
                                  (tables.change_block, tables.change_rows, "ScenarioChanges")):
            if block is None:
                continue
            top, bottom = block.header_row + 1, max([block.header_row + 2000, *rows])
            area = f"{sheet}!{ref(top, block.first_col, True)}:{ref(bottom, block.last_col, True)}"
            count = sum(1 for values in rows.values() for v in values if v is not None)
            w.line(f"{what}: cells filled", [], [f"COUNTA({area})<>{count}"])
            for r, values in rows.items():
                pairs = [(f"{sheet}!{ref(r, block.first_col + i, True)}", _text(v)) for i, v in enumerate(values)]
                w.line(f"{what} row {r}", pairs)
    inc = quote_sheet(snap.incidents_sheet)
    for r, cells in snap.incident_cells:
        w.line(f"Incidents row {r}", [(f"{inc}!{ref(r, c, True)}", _text(v)) for c, v in cells])
    for rng, total in snap.sums:
        w.line(f"base {rng}", [], [f"IFERROR(SUM({rng}),-1)<>{number_to_text(total)}"])
    if snap.as_of is not None:  # only a workbook with scenarios: a blank template stays green tomorrow
        sched = f"TRIM({columns.NAME_SCHEDULE}&\"\")"
        live = f'IF({sched}="","{columns.DEFAULT_WORKBOOK_SCHEDULE}",LOWER({sched}))'
        w.line("Settings", [(live, snap.schedule), (columns.NAME_AS_OF, _text(snap.as_of))])
    flags = Formula(f"IF(SUM({ref(top + 1, SNAP_COL)}:{ref(w.row, SNAP_COL)})>0,1,0)") if w.flags else 0
    ws.set(top, SNAP_COL, flags, _SNAP)  # no line to compare (no Scenarios sheet): never out of date
    ws.set(top, SNAP_COL + 1, "scenario inputs changed since refresh (1)", _SNAP)
    for col in range(PROBLEM_COL, SNAP_COL + 2 + _SNAP_WIDTH + 16):
        ws.width(col, 10, hidden=True)
    return f"{columns.SUMMARY_SHEET}!{ref(top, SNAP_COL, True)}"


def _problem_rows(ws: SheetWriter, top: int, result: ScenarioSet | None) -> dict[tuple[str, str | None], str]:
    """The sheet rows that cannot apply, in two hidden columns, and the names that point at them."""
    names: dict[tuple[str, str | None], str] = {}
    for col, table, name in ((PROBLEM_COL, "Scenarios", NAME_SCENARIO_PROBLEM_ROWS),
                             (PROBLEM_COL + 1, "ScenarioChanges", NAME_CHANGE_PROBLEM_ROWS)):
        rows = sorted({p.row for p in (result.problems if result else ()) if p.table == table and p.row})
        for i, row in enumerate(rows or [0], start=top):
            ws.set(i, col, row, _SNAP)
        names[(name, None)] = f"{columns.SUMMARY_SHEET}!{ref(top, col, True)}:{ref(top + max(1, len(rows)) - 1, col, True)}"
    return names


def _figures_row(ws: SheetWriter, r: int, f: Figures | None, d: Figures | None, bold: bool) -> None:
    money, diff = (_BOLD_MONEY, _BOLD_DIFF) if bold else (MONEY, _DIFF)
    values = (f.minimum, f.maximum, f.time_barred_maximum, f.ag_damages) if f else (None,) * 4
    for col, v in zip(_FIGURE_COLS, values, strict=True):
        ws.set(r, col, v if f is not None else Formula("NA()"), money if f is not None else _NA_MONEY)
    dvalues = (d.minimum, d.maximum, d.ag_damages) if d else (None,) * 3
    for col, v in zip(_DIFF_COLS, dvalues, strict=True):
        ws.set(r, col, v if d is not None else (Formula("NA()") if f is None else None), diff)
    ws.set(r, 11, None, diff)
    ws.merges.append(f"{ref(r, 10)}:{ref(r, 11)}")


def changes_text(s: ScenarioResult, base: ScenarioResult) -> str:
    """What a scenario changes, in words: "2 change(s)", "schedule: statute", "as of 2026-06-30" or
    several of these; never "0 change(s)" for a scenario that changes the schedule or the date."""
    parts = [f"{len(s.changes)} change(s)"] if s.changes else []
    if s.schedule != base.schedule:
        parts.append(f"schedule: {s.schedule}")
    if s.as_of != base.as_of:
        parts.append(f"as of {s.as_of.isoformat()}")
    return "; ".join(parts) or "no change"


def _scenario_rows(ws: SheetWriter, r: int, s: ScenarioResult, base: bool,
                   base_result: ScenarioResult | None = None) -> int:
    r += 1
    label = f"{s.name} (the Incidents as entered)" if base else s.name
    ws.set(r, 1, label, _BOLD_TEXT)
    ws.set(r, 2, f"{s.schedule}, as of {s.as_of.isoformat()}", _WRAP_BOLD)
    ws.set(r, 3, s.probability if s.probability is not None else None, _PERCENT)
    if base:
        what = "-"
    elif s.computed:
        what = changes_text(s, base_result) if base_result is not None else f"{len(s.changes)} change(s)"
    else:
        what = "cannot be computed: see below"
    ws.set(r, 4, what, _CENTER_BOLD)
    ws.set(r, 5, None, _CENTER_BOLD)
    ws.merges.append(f"{ref(r, 4)}:{ref(r, 5)}")
    _figures_row(ws, r, s.total, s.difference, bold=True)
    ws.row_heights[r] = 24
    if s.computed and len(s.entities) > 1:
        for name, f in s.entities.items():
            r += 1
            ws.set(r, 1, name, _INDENT_TEXT)
            for col in (2, 3, 4, 5):
                ws.set(r, col, None, TEXT)
            ws.merges.append(f"{ref(r, 4)}:{ref(r, 5)}")
            _figures_row(ws, r, f, s.entity_differences.get(name), bold=False)
    return r


def hidden_block(
    ws: SheetWriter, top: int, result: ScenarioSet | None, tables: ScenarioTables | None, snap: Snapshot
) -> dict[tuple[str, str | None], str]:
    """The hidden rows that cannot apply and the staleness copy, from row ``top`` down (below all the
    Summary prints); the defined names that point at them."""
    names = _problem_rows(ws, top, result) if tables is not None else {}
    names[(NAME_STALE, None)] = _stale_block(ws, top, tables, snap)
    return names


def scenario_section(ws: SheetWriter, r: int, result: ScenarioSet | None, tables: ScenarioTables | None) -> int:
    """Write the visible scenario section from row ``r``; its last row."""
    ws.set(r, 1, "Scenarios (computed by hipaa-xl at refresh from the Scenarios sheet; values, not live formulas)",
           SECTION)
    r += 1
    status = ref(r, 1)
    ws.set(r, 1, Formula(f'IF({NAME_STALE}=1,"{OUT_OF_DATE}","{UP_TO_DATE}")'), STATUS)
    ws.merges.append(f"A{r}:F{r}")
    ws.cond(status, f'${status[0]}${r}="{OUT_OF_DATE}"', RED)
    ws.cond(status, f'${status[0]}${r}="{UP_TO_DATE}"', GREEN)
    if tables is None:
        r += 1
        ws.set(r, 1, "This workbook has no Scenarios sheet: 'hipaa-xl new' writes one to copy from.", NOTE)
        ws.merges.append(f"A{r}:M{r}")
        return r
    r += 1
    headers = {1: "Scenario / entity", 2: "Schedule, as of", 3: "Probability", 4: "Changes",
               6: "Statutory minimum (if a CMP is imposed)", 7: "Maximum", 8: "Time-barred maximum",
               9: "AG damages (maximum)", 10: "Minimum vs base", 12: "Maximum vs base", 13: "AG damages vs base"}
    for col in range(1, 14):
        ws.set(r, col, headers.get(col), HEADER)
    ws.merges += [f"D{r}:E{r}", f"J{r}:K{r}"]
    ws.row_heights[r] = 45
    assert result is not None
    r = _scenario_rows(ws, r, result.base, base=True)
    for s in result.scenarios:
        r = _scenario_rows(ws, r, s, base=False, base_result=result.base)
    r += 1
    if result.weighted is not None:
        ws.set(r, 1, WEIGHTED_LABEL, _WRAP_BOLD)
        for col in (2, 3, 4, 5):
            ws.set(r, col, None, _WRAP_BOLD)
        ws.merges.append(f"A{r}:E{r}")
        ws.set(r, 6, result.weighted.minimum, _BOLD_MONEY)
        ws.set(r, 7, result.weighted.maximum, _BOLD_MONEY)
        ws.row_heights[r] = 27
    else:
        ws.set(r, 1, result.weighted_message, NOTE)
        ws.merges.append(f"A{r}:M{r}")
    r = _movers(ws, r + 2, result)
    r = _problems(ws, r, result)
    return r + 1


def _movers(ws: SheetWriter, r: int, result: ScenarioSet) -> int:
    ws.set(r, 1, "What moves the number: the groups that move most against the base (by maximum)", SECTION)
    r += 1
    heads = {1: "Scenario", 2: "Entity, requirement, year", 6: "Base maximum", 7: "Scenario maximum",
             8: "Maximum vs base", 9: "Minimum vs base", 10: "AG damages vs base"}
    for col in range(1, 12):
        ws.set(r, col, heads.get(col), HEADER)
    ws.merges += [f"B{r}:E{r}", f"J{r}:K{r}"]
    ws.row_heights[r] = 30
    any_row = False
    for s in result.scenarios:
        for i, m in enumerate(s.movers):
            r += 1
            any_row = True
            ws.set(r, 1, s.name if i == 0 else None, TEXT)
            ws.set(r, 2, f"{m.entity}, {m.requirement}, {m.year}", TEXT_WRAP)
            for col in (3, 4, 5):
                ws.set(r, col, None, TEXT_WRAP)
            ws.merges.append(f"B{r}:E{r}")
            ws.set(r, 6, m.base.maximum, MONEY)
            ws.set(r, 7, m.scenario.maximum, MONEY)
            ws.set(r, 8, m.difference.maximum, _DIFF)
            ws.set(r, 9, m.difference.minimum, _DIFF)
            ws.set(r, 10, m.difference.ag_damages, _DIFF)
            ws.set(r, 11, None, _DIFF)
            ws.merges.append(f"J{r}:K{r}")
    if not any_row:
        r += 1
        ws.set(r, 1, "No scenario moves a group against the base.", NOTE)
        ws.merges.append(f"A{r}:K{r}")
    return r


def _problems(ws: SheetWriter, r: int, result: ScenarioSet) -> int:
    lines: list[tuple[str, str]] = []
    for p in result.problems:
        where = f"{p.table} row {p.row}" if p.row is not None else p.table
        lines.append((where, (f"{p.scenario}: " if p.scenario else "") + p.reason))
    for s in result.all:
        for problem in s.problems:
            if not problem.startswith(("ScenarioChanges row", "Scenarios row")):  # listed above
                lines.append((s.name, problem))
    notes = [(s.name, n) for s in result.scenarios for n in s.notes]
    if lines:
        r += 2
        ws.set(r, 1, "Rows that cannot apply (marked red on the Scenarios sheet): their scenario shows #N/A",
               SECTION)
        for where, text in lines:
            r += 1
            ws.set(r, 1, where, TEXT)
            ws.set(r, 2, text, TEXT_WRAP)
            for col in range(3, 14):
                ws.set(r, col, None, TEXT_WRAP)
            ws.merges.append(f"B{r}:M{r}")
    if notes:
        r += 2
        ws.set(r, 1, "Scenario notes", SECTION)
        for name, text in notes:
            r += 1
            ws.set(r, 1, f"{name}: {text}", NOTE)
            ws.merges.append(f"A{r}:M{r}")
            ws.row_heights[r] = 27
    return r
