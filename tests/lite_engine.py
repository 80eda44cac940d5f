"""xlwings' own remote engine (the one xlwings Lite runs) driven from a real workbook file, and the
actions it records applied back to the file with openpyxl.

The payload is what the add-in sends when a script starts, built here from an .xlsx the way the
public Office.js client of xlwings Server builds it (``getBookData`` in
github.com/xlwings/xlwings-server, ``xlwings_server/static/js/custom-scripts/index.js``):
``client`` "Office.js", ``version``, ``book`` (name, active sheet, selection), ``names`` (workbook and
sheet names that refer to one range, as ``sheet_index`` + ``address``; constants and print areas are
not sent) and per sheet ``name``, ``values`` (the cells from A1 to the used range's last cell as
Excel shows them: computed values, ``""`` for blanks, date-formatted numbers as ISO text that the
engine turns into datetimes), ``pictures`` and ``tables`` (names and addresses). The engine reads
``used_range_address`` when a client sends it (``Sheet.used_range`` in xlwings 0.37.8's
``xlwings/pro/_xlremote.py``); ``payload(..., used_range=True)`` adds it.

The engine answers with ``book.json()["actions"]``: one dict per write, ``func`` with ``args`` or
``values`` and the target ``sheet_position``, ``start_row``, ``start_column``, ``row_count``,
``column_count`` (``Book.append_json_action`` there), which the add-in applies through Office.js.
:func:`apply_actions` applies the ones our script emits to the workbook with openpyxl, with the
Office.js meaning of each (``setFormula`` = ``range.formulas``, ``setColumnWidth`` = ``columnWidth``
in points, ``sheetClear`` = ``clear("All")``, ``resizeTable``, ``addConditionalFormat``); any other
action fails the test.

This module never imports ``xlwings.pro``: the tests get the engine through ``xw.Book(json=...)``,
which xlwings registers only when its licence key unlocks it (see :func:`engine_unavailable`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import openpyxl
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableStyleInfo

LICENCE_DECISION = "docs/decisions.md, decision 43"


def engine_unavailable() -> str | None:
    """Why xlwings' remote engine may not run here (None when it may), per the licence decision."""
    key = os.environ.get("XLWINGS_LICENSE_KEY", "")
    if not key:
        return ("xlwings' remote engine (xlwings.pro, PolyForm Noncommercial or a paid licence) runs only when "
                f"XLWINGS_LICENSE_KEY states the runner's licence ({LICENCE_DECISION})")
    if key == "noncommercial" and os.environ.get("HIPAA_XL_COMMERCIAL_USE"):
        return ("HIPAA_XL_COMMERCIAL_USE is set: the noncommercial key does not cover this run; set "
                f"XLWINGS_LICENSE_KEY to your xlwings PRO key ({LICENCE_DECISION})")
    import xlwings

    if not getattr(xlwings, "__pro__", False):
        return "XLWINGS_LICENSE_KEY did not unlock xlwings' remote engine"
    return None


def _cell_value(cell: Any) -> Any:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, dt.datetime | dt.date):  # convertDateValues: a date cell's value as ISO text (UTC)
        day = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        return day.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.time):
        return v.isoformat()
    return v


def payload(data: bytes, used_range: bool = False, charts: bool = False) -> dict[str, Any]:
    """The JSON the add-in sends for the workbook ``data`` (an .xlsx as bytes). ``charts`` adds each
    sheet's charts as the engine reads them (``name``, ``chart_type``, position and size): the public
    xlwings Server client does not send them, the engine expects them from xlwings Lite's client."""
    import xlwings

    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    plain = openpyxl.load_workbook(io.BytesIO(data))
    titles = [ws.title for ws in plain.worksheets]
    names: list[dict[str, Any]] = []

    def add_name(name: str, text: str, scope: int | None) -> None:
        if name.startswith("_xlnm.") or "!" not in text or "," in text:
            return  # constants, formulas and print areas are not "Range" names
        sheet, _, address = text.lstrip("=").rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        if sheet not in titles:
            return
        names.append({"name": name, "sheet_index": titles.index(sheet), "address": address.replace("$", ""),
                      "scope_sheet_name": None if scope is None else titles[scope],
                      "scope_sheet_index": scope, "book_scope": scope is None})

    for name, dn in plain.defined_names.items():
        add_name(name, dn.attr_text, None)
    for i, ws in enumerate(plain.worksheets):
        for name, dn in ws.defined_names.items():
            add_name(name, dn.attr_text, i)
    sheets = []
    for ws in values.worksheets:
        rows = [[_cell_value(c) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]
        tables = []
        for t in plain[ws.title].tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(t.ref)
            header = t.headerRowCount != 0
            totals = bool(t.totalsRowCount)
            first, last = get_column_letter(min_col), get_column_letter(max_col)
            tables.append({
                "name": t.displayName, "range_address": t.ref,
                "header_row_range_address": f"{first}{min_row}:{last}{min_row}" if header else None,
                "data_body_range_address": f"{first}{min_row + header}:{last}{max_row - totals}",
                "total_row_range_address": f"{first}{max_row}:{last}{max_row}" if totals else None,
                "show_headers": header, "show_totals": totals,
                "table_style": t.tableStyleInfo.name if t.tableStyleInfo is not None else None,
                "show_autofilter": t.autoFilter is not None,
            })
        sheet: dict[str, Any] = {"name": ws.title, "values": rows or [[]], "pictures": [], "tables": tables}
        if charts:
            sheet["charts"] = [{"name": f"Chart {i}", "chart_type": "ColumnClustered", "left": 0, "top": 0,
                                "width": 480, "height": 288} for i, _ in enumerate(plain[ws.title]._charts, start=1)]
        if used_range:
            sheet["used_range_address"] = ws.dimensions if rows else None
        sheets.append(sheet)
    return {
        "client": "Office.js", "version": xlwings.__version__,
        "book": {"name": "matter.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": names, "sheets": sheets,
    }


def points_to_characters(points: float) -> float:
    """Office.js column width (points) as the sheet XML's width in characters (Calibri 11)."""
    pixels = round(points / 0.75)
    return round(max(pixels - 5, 0) / 7 + 5 / 7, 8) if pixels else 0.0


class Applied:
    """A workbook after the actions, with what openpyxl cannot hold exactly (widths in points)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.points: dict[tuple[str, int], float] = {}
        self.funcs: list[str] = []
        self.rules: dict[str, list[tuple[str, str, str | None, str | None, bool]]] = {}
        """Sheet -> conditional formats, first rule first: (range, formula, fill, font colour, bold)."""


def _target(wb: Any, action: dict[str, Any]) -> tuple[Any, int, int, int, int]:
    ws = wb.worksheets[action["sheet_position"]]
    top, left = action["start_row"] + 1, action["start_column"] + 1
    return ws, top, left, top + action["row_count"] - 1, left + action["column_count"] - 1


def _color(hex_rgb: str | None) -> str | None:
    return None if hex_rgb is None else "FF" + hex_rgb.lstrip("#").upper()


def apply_actions(data: bytes, actions: list[dict[str, Any]]) -> Applied:
    """The workbook ``data`` after the engine's ``actions``, applied as Office.js applies them."""
    out = Applied(openpyxl.load_workbook(io.BytesIO(data)))
    wb = out.wb
    for action in actions:
        func = action["func"]
        out.funcs.append(func)
        if func == "addSheet":
            position, name = action["args"]
            wb.create_sheet(name, position)
        elif func == "sheetClear":  # clear("All"): contents, formats, merges, conditional formats; widths stay
            ws = wb.worksheets[action["sheet_position"]]
            ws._cells.clear()
            for merged in list(ws.merged_cells.ranges):
                ws.merged_cells.remove(merged)
            ws.conditional_formatting = type(ws.conditional_formatting)()
            out.rules[ws.title] = []
        elif func == "setFormula":
            ws, top, left, _, _ = _target(wb, action)
            for i, row in enumerate(action["values"]):
                for j, v in enumerate(row):
                    cell = ws.cell(top + i, left + j)
                    if isinstance(v, str) and v.startswith("'"):  # Excel's text prefix: the rest is text
                        cell.value = v[1:]
                        cell.data_type = "s"
                    else:
                        cell.value = None if v == "" else v
        elif func == "setNumberFormat":
            ws, top, left, bottom, right = _target(wb, action)
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    ws.cell(r, c).number_format = action["args"][0]
        elif func == "setColumnWidth":
            ws, _, left, _, right = _target(wb, action)
            for c in range(left, right + 1):
                points = float(action["args"][0])
                out.points[(ws.title, c)] = points
                dim = ws.column_dimensions[get_column_letter(c)]
                dim.width, dim.hidden = points_to_characters(points), points == 0
        elif func == "addConditionalFormat":
            ws, top, left, bottom, right = _target(wb, action)
            entry = action["args"][0]
            assert entry["type"] == "Custom", entry
            fill = _color(entry.get("fill_color"))
            rule = FormulaRule(
                formula=[entry["formula"].lstrip("=")],
                fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid") if fill else None,
                font=Font(color=_color(entry.get("font_color")), bold=entry.get("font_bold")),
            )
            ref = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"
            ws.conditional_formatting.add(ref, rule)
            out.rules.setdefault(ws.title, []).insert(0, (  # Office.js puts a new rule first
                ref, entry["formula"], fill, _color(entry.get("font_color")), bool(entry.get("font_bold"))))
        elif func == "addTable":
            address, headers, style, name = action["args"]
            assert headers is True
            ws = wb.worksheets[action["sheet_position"]]
            ref = address.replace("$", "")
            ws.add_table(Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref),
                               tableStyleInfo=TableStyleInfo(name=style, showRowStripes=True)))
        elif func in ("setChartSourceData", "setChartXAxisValues"):
            index, sheet_name, address = action["args"][:3]
            if func == "setChartSourceData":
                assert action["args"][3:] == ["Rows"], action
            chart = wb.worksheets[action["sheet_position"]]._charts[index]
            assert len(chart.series) == 1
            ref = f"{sheet_name}!{address}"
            if func == "setChartSourceData":
                chart.series[0].val.numRef.f = ref
            else:
                chart.series[0].cat.numRef.f = ref
        elif func == "resizeTable":
            index, address = action["args"]
            ws = wb.worksheets[action["sheet_position"]]
            table = list(ws.tables.values())[index]
            table.ref = address.replace("$", "")
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
        else:
            raise AssertionError(f"the applier does not know the action {func!r}: {action}")
    return out
