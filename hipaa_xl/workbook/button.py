"""The Excel Refresh button: RunPython calls ``refresh_book(xw.Book.caller())`` (decisions 18).

Excel holds the file open, so the button refreshes the open book through the object model, on the
same path as xlwings Lite's script (:mod:`hipaa_xl.workbook.objectmodel`): the values of Incidents
and Settings in, the cells laid out by the same code as ``hipaa-xl refresh`` and written back
(formulas, values, number formats, column widths); then the book is saved. Before that, the saved
file is checked for a user's objects on those two sheets: the refresh would clear them, so it
refuses. :func:`sheet_grid` reads the same grid out of a package refreshed by ``hipaa-xl refresh``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hipaa_xl.ooxml.a1 import parse_cell
from hipaa_xl.ooxml.admission import read_checked_bytes
from hipaa_xl.ooxml.opc import NS_MAIN, sheets
from hipaa_xl.ooxml.package import Package, package_from_bytes, parse_xml
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.objectmodel import refresh_open_book
from hipaa_xl.workbook.splice import foreign_objects, styles_part

_M = f"{{{NS_MAIN}}}"
_BUILTIN = {0: "General", 1: "0", 3: "#,##0", 14: "yyyy-mm-dd"}
_FORMULA_LEADS = ("=", "+", "-", "@")


def _number_formats(pkg: Package) -> list[str]:
    root = parse_xml(pkg[styles_part(pkg)])
    custom = {int(el.get("numFmtId", "0")): el.get("formatCode", "General")
              for el in root.iter(f"{_M}numFmt")}
    xfs = root.find(f"{_M}cellXfs")
    out = []
    for xf in xfs if xfs is not None else []:
        fid = int(xf.get("numFmtId", "0"))
        out.append(custom.get(fid, _BUILTIN.get(fid, "General")))
    return out


def sheet_grid(pkg: Package, name: str) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """A generated sheet as a grid for ``range.formula`` and the number format of each cell."""
    part = next(s.part for s in sheets(pkg) if s.name == name)
    root = parse_xml(pkg[part])
    formats = _number_formats(pkg)
    cells: dict[tuple[int, int], Any] = {}
    fmt: dict[tuple[int, int], str] = {}
    for c in root.iter(f"{_M}c"):
        r, col = parse_cell(c.get("r", "A1"))
        f = c.find(f"{_M}f")
        if f is not None:
            value: Any = "=" + (f.text or "")
        elif c.get("t") == "inlineStr":
            value = "".join(str(t) for t in c.itertext())
            if value.startswith(_FORMULA_LEADS):
                value = "'" + value  # typed text stays text
        else:
            v = c.find(f"{_M}v")
            value = None if v is None else float(v.text or 0)
            if value is not None and value.is_integer():
                value = int(value)
        cells[(r, col)] = value
        s = int(c.get("s", "0"))
        if s < len(formats) and formats[s] != "General":
            fmt[(r, col)] = formats[s]
    if not cells:
        return [[None]], fmt
    rows = max(r for r, _ in cells)
    cols = max(c for _, c in cells)
    grid = [[cells.get((r, c), "") for c in range(1, cols + 1)] for r in range(1, rows + 1)]
    return grid, fmt


def refresh_book(book: Any) -> list[str]:
    """Refresh the open workbook in Excel; returns the report lines (also shown in the status bar).

    The same path as xlwings Lite's "Refresh exposure" (:func:`refresh_open_book`): the open book's
    values in, the cells written through the object model; then the book is saved.
    """
    try:
        foreign = _foreign_objects_on_disk(book)
        if foreign:
            lines = [f"error: refresh rebuilds the Exposure, Summary and Deadlines sheets and would delete what a user put "
                     f"there ({'; '.join(foreign)}); move it to another sheet, then run Refresh again"]
        else:
            lines = refresh_open_book(book)
    except Exception as exc:  # one line in the status bar, no traceback
        lines = [f"error: cannot be refreshed ({type(exc).__name__}: {exc})"]
    if lines[0].startswith("error: "):
        _status(book, "hipaa-xl " + lines[0])
        return lines[:1]
    book.save()
    _status(book, "hipaa-xl: " + lines[0])
    return lines


def _foreign_objects_on_disk(book: Any) -> list[str]:
    """What a user put on the generated sheets (pictures, charts, comments, ...), read from the saved
    file: the object model cannot list all of them, and the refresh would clear them with the sheet."""
    path = Path(str(getattr(book, "fullname", "")))
    if not path.is_file():
        return []
    book.save()
    pkg = package_from_bytes(read_checked_bytes(path))
    return foreign_objects(pkg, (columns.SUMMARY_SHEET, columns.EXPOSURE_SHEET, columns.DEADLINES_SHEET),
                           {columns.SUMMARY_SHEET: columns.SUMMARY_TABLE, columns.DEADLINES_SHEET: columns.DEADLINES_TABLE})


def _status(book: Any, text: str) -> None:
    app = getattr(book, "app", None)
    if app is not None and hasattr(app, "status_bar"):
        app.status_bar = text
