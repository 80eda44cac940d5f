"""Refresh an open workbook through Excel's object model: one path for the Windows Refresh button
(xlwings, ``RunPython``) and the xlwings Lite script "Refresh exposure" (Excel on Mac, web, Windows).

Lite has no access to the workbook file, and desktop Excel holds it open, so both read the values of
Incidents and Settings from the open book (:func:`read_open_book`), lay out the cells with the same
code as ``hipaa-xl refresh`` (:func:`hipaa_xl.workbook.plan.plan_refresh`), turn them into what the
object model takes (:func:`sheet_cells`: a grid of formulas and values, number formats, column
widths) and write them (:func:`write_sheet`). Excel then computes the formulas itself; writing them
through the object model also binds them to the functions Lite registers. What the object model
cannot do here: the Summary chart is pointed at the new rows only where the host reports it (else the
report says how to move it), and print areas and the defined names (``HXL_AS_OF_USED``, the scenario problem rows) are
left as they are. The ExposureByYear and Deadlines tables are resized and the conditional formats
written again.

Only the xlwings API that both desktop xlwings and the engine xlwings Lite runs (``xlwings.pro``'s
remote engine, which queues every write as an action for the add-in) offer is used, and nothing
that engine cannot do synchronously: values are read (``sheet.used_range.options(ndim=2).value``,
``book.names`` with ``name`` and ``refers_to``), never formulas, widths or formats; writes are
``sheet.clear()``, ``range.formula``, ``range.number_format``, ``range.column_width`` (points in
Lite, characters on the desktop), ``range.conditional_formats.add_custom`` and ``table.resize``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hipaa_xl.errors import WorkbookError
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import Inputs, inputs_from_values
from hipaa_xl.workbook.plan import STAMP_TOKEN, plan_refresh
from hipaa_xl.workbook.sheets.scenarios.tables import SCENARIOS_SHEET, scenarios_from_values
from hipaa_xl.workbook.sheetxml import Formula, SheetWriter, serial
from hipaa_xl.workbook.styles import Dxf, StyleList

_FORMULA_LEADS = ("=", "+", "-", "@")


@dataclass
class SheetCells:
    """One generated sheet as the object model takes it."""

    grid: list[list[Any]]
    """Row by row from A1: "=formula", a number, a text (a leading "'" keeps "=text" text), "" blank."""
    number_formats: dict[tuple[int, int], str]
    """(row, column) -> number format, for every cell whose format is not General."""
    widths: dict[int, float]
    """Column -> width in characters; 0 for a hidden column."""
    conditional: list[tuple[str, str, Dxf]] = field(default_factory=list)
    """(range, formula relative to its top left cell, format) of each conditional format, in order."""
    table: tuple[str, str] | None = None
    """(Excel table name, its range) when the sheet holds one of the generated tables."""


def cell_value(value: Any) -> Any:
    """A generated cell's content as written through ``range.formula``."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return "=" + value.text
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return serial(value.date())
    if isinstance(value, dt.date):
        return serial(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith(_FORMULA_LEADS):
        return "'" + value  # typed text stays text
    return value


def sheet_cells(ws: SheetWriter, styles: StyleList) -> SheetCells:
    """The cells of a generated sheet (laid out with ``styles``) as grid, number formats and widths."""
    rows = ws.max_row()
    cols = max(ws.max_col(), max(ws.widths, default=1))
    grid: list[list[Any]] = [["" for _ in range(cols)] for _ in range(rows)]
    formats: dict[tuple[int, int], str] = {}
    for r, cells in ws.rows.items():
        for c, (value, style) in cells.items():
            grid[r - 1][c - 1] = cell_value(value)
            if style is not None and styles.styles[style].num_fmt != "General":
                formats[(r, c)] = styles.styles[style].num_fmt
    widths = {c: 0.0 if hidden else width for c, (width, hidden) in sorted(ws.widths.items())}
    conditional = [(sqref, "=" + formula, styles.dxfs[dxf]) for sqref, formula, dxf in ws.cond_formats]
    return SheetCells(grid, formats, widths, conditional)


def width_points(characters: float) -> float:
    """A column width in characters (as the sheet XML stores it) in points, as Excel on Mac and the web
    measure it (Office.js ``columnWidth``): Excel's pixel rule for the workbook's Calibri 11 (7-pixel
    digits, ECMA-376 Part 1, 18.3.1.13), at 96 pixels per inch (0.75 point per pixel)."""
    if characters <= 0:
        return 0.0
    pixels = math.trunc((256 * characters + math.trunc(128 / 7)) / 256 * 7)
    return pixels * 0.75


def measures_points(book: Any) -> bool:
    """True when the host takes column widths in points: the engine xlwings Lite runs ("remote")."""
    engine = getattr(getattr(book, "app", None), "engine", None)
    return getattr(engine, "name", None) == "remote"


def _hex(argb: str | None) -> str | None:
    return None if argb is None else "#" + argb[-6:]


def _runs(formats: dict[tuple[int, int], str]) -> list[tuple[int, int, int, str]]:
    """Number formats as (column, first row, last row, format) runs: one object-model call per run."""
    out: list[tuple[int, int, int, str]] = []
    for (r, c), code in sorted(formats.items(), key=lambda item: (item[0][1], item[0][0])):
        if out and out[-1][0] == c and out[-1][2] == r - 1 and out[-1][3] == code:
            out[-1] = (c, out[-1][1], r, code)
        else:
            out.append((c, r, r, code))
    return out


def write_sheet(sheet: Any, cells: SheetCells, points: bool = False) -> None:
    """Clear ``sheet`` and write the cells, number formats, column widths (in points when ``points``),
    conditional formats and the table's range."""
    api: Any = getattr(sheet, "api", None)
    # Desktop Excel (COM): lift the protection for the writes and put it back; a sheet left unprotected
    # (a workbook bound to xlwings Lite, whose engine has no unprotect) stays so.
    protected = bool(getattr(api, "ProtectContents", False)) and hasattr(api, "Unprotect")
    if protected:
        api.Unprotect()
    sheet.clear()
    rows, cols = len(cells.grid), len(cells.grid[0]) if cells.grid else 0
    if rows and cols:
        sheet.range((1, 1), (rows, cols)).formula = cells.grid
    for c, first, last, code in _runs(cells.number_formats):
        sheet.range((first, c), (last, c)).number_format = code
    for c, width in cells.widths.items():
        sheet.range((1, c), (1, c)).column_width = width_points(width) if points else width
    for sqref, formula, dxf in reversed(cells.conditional):  # each new rule goes first in Excel's order
        sheet.range(sqref).conditional_formats.add_custom(
            formula, fill_color=_hex(dxf.fill), font_color=_hex(dxf.color), font_bold=dxf.bold or None)
    if cells.table is not None:
        name, where = cells.table
        table = next((t for t in sheet.tables if t.name == name), None)
        if table is not None:
            table.resize(sheet.range(where))
        else:  # before the first hipaa-xl refresh: no table yet
            sheet.tables.add(source=sheet.range(where), name=name, table_style_name=columns.TABLE_STYLE, has_headers=True)
    if protected:
        api.Protect()


def _grid(sheet: Any) -> list[list[Any]]:
    """A sheet's values from A1 to the end of its used range, as rows."""
    used = sheet.used_range
    values = used.options(ndim=2).value or [[None]]
    top, left = int(used.row), int(used.column)
    width = left - 1 + max((len(r) for r in values), default=0)
    pad = [None] * (left - 1)
    return [[None] * width for _ in range(top - 1)] + [pad + list(r) for r in values]


def read_open_book(book: Any) -> Inputs:
    """Incidents, Settings and the Chosen cells read from an open workbook (desktop xlwings or Lite)."""
    sheet_names = [s.name for s in book.sheets]
    names: dict[str, str] = {}
    for n in book.names:
        name = str(n.name)
        if "!" not in name:  # workbook-level names only, as the package reader
            names[name] = str(n.refers_to).lstrip("=")
    grids: dict[str, list[list[Any]]] = {}

    def grid(sheet: str) -> list[list[Any]]:
        if sheet not in grids:
            grids[sheet] = _grid(book.sheets[sheet])
        return grids[sheet]

    def rows_of(sheet: str, max_col: int | None) -> Iterable[Sequence[Any]]:
        return [row[:max_col] if max_col else row for row in grid(sheet)]

    def cell_at(sheet: str, r: int, c: int) -> Any:
        rows = grid(sheet)
        return rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None

    # The as-of cell is read as the value Excel shows (a typed date, or what =TODAY() or another formula
    # gives): xlwings Lite's engine cannot read a formula synchronously, and the value is the same date.
    return inputs_from_values(rows_of, cell_at, sheet_names, names, None)


def refresh_open_book(book: Any, cli_as_of: dt.date | None = None, stamp_time: str | None = None) -> list[str]:
    """Re-lay out Exposure, Summary and Deadlines of an open workbook; the report lines (one "error: ..." line when
    it cannot). ``stamp_time`` replaces the Summary stamp's time (default: now, UTC)."""
    try:
        inputs = read_open_book(book)
        names = [sh.name for sh in book.sheets]
        tables = scenarios_from_values(_grid(book.sheets[SCENARIOS_SHEET])) if SCENARIOS_SHEET in names else None
        styles = StyleList()
        plan = plan_refresh(inputs, styles, cli_as_of, tables)
    except WorkbookError as exc:
        return [f"error: {exc}"]
    when = stamp_time or dt.datetime.now(dt.UTC).strftime("generated %Y-%m-%d %H:%M UTC")
    summary = sheet_cells(plan.summary.sheet, styles)
    summary.grid = [[v.replace(STAMP_TOKEN, when) if isinstance(v, str) else v for v in row] for row in summary.grid]
    summary.table = (columns.SUMMARY_TABLE, plan.summary.table_ref)
    deadlines = sheet_cells(plan.deadlines.sheet, styles)
    deadlines.table = (columns.DEADLINES_TABLE, plan.deadlines.table_ref)
    sheet_names = [s.name for s in book.sheets]
    points = measures_points(book)
    for name, cells in ((columns.SUMMARY_SHEET, summary), (columns.EXPOSURE_SHEET, sheet_cells(plan.exposure, styles)),
                        (columns.DEADLINES_SHEET, deadlines)):
        if name not in sheet_names:
            book.sheets.add(name, after=book.sheets[len(sheet_names) - 1])
            sheet_names.append(name)
        write_sheet(book.sheets[name], cells, points)
    cats, vals = plan.summary.chart_categories, plan.summary.chart_values
    if point_chart(book.sheets[columns.SUMMARY_SHEET], cats, vals):
        return plan.report.lines()
    return [*plan.report.lines(), f"to do: the Summary chart keeps its earlier rows; in Excel, right-click it > "
            f"Select Data and set the series to ={vals} with the years ={cats} (or run hipaa-xl refresh)"]


def point_chart(sheet: Any, categories: str, values: str) -> bool:
    """Point the Summary's chart at the rows of the new layout (``Summary!$B$9:$K$9``-style references):
    its one series' values and its years. False when the host shows no single chart there (xlwings'
    remote engine knows only the charts the add-in sent; the script then says what to do by hand)."""
    charts = list(sheet.charts)
    if len(charts) != 1:
        return False
    chart = charts[0]
    chart.set_source_data(sheet.range(values.rsplit("!", 1)[-1]), plot_by="rows")
    chart.set_x_axis_values(sheet.range(categories.rsplit("!", 1)[-1]))
    return True
