"""The Excel Refresh button: RunPython calls ``refresh_book(xw.Book.caller())`` (decisions 18).

The open book is saved, refreshed by the same code as ``hipaa-xl refresh`` (``build_refreshed``), and
the generated Exposure and Summary cells (formulas, values, number formats, column widths) are written
back into the open book through xlwings, since Excel holds the file open. Works with any object that
quacks like an ``xw.Book`` (``fullname``, ``save()``, ``sheets[name]`` with ``clear()``, ``range()``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hipaa_xl.ooxml.a1 import parse_cell
from hipaa_xl.ooxml.opc import NS_MAIN, sheets
from hipaa_xl.workbook import columns as C
from hipaa_xl.workbook.refresh import RefreshError, build_refreshed
from hipaa_xl.workbook.splice import styles_part
from hipaa_xl.xlsxio import Package, WorkbookFileError, package_from_bytes, parse_xml, read_checked_bytes

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
    """Refresh the open workbook in Excel; returns the report lines (also shown in the status bar)."""
    path = Path(book.fullname)
    book.save()
    try:
        data = read_checked_bytes(path)
        new, report = build_refreshed(data)
    except (WorkbookFileError, RefreshError) as exc:  # one line in the status bar, no traceback
        line = f"error: {path.name}: {exc}"
        _status(book, "hipaa-xl " + line)
        return [line]
    except Exception as exc:
        line = f"error: {path.name}: cannot be refreshed ({type(exc).__name__}: {exc})"
        _status(book, "hipaa-xl " + line)
        return [line]
    lines = report.lines()
    if report.changed:
        pkg = package_from_bytes(new)
        book_package = pkg
        names = [s.name for s in sheets(book_package)]
        for name in (C.EXPOSURE_SHEET, C.SUMMARY_SHEET):
            if name not in names:
                continue
            grid, fmt = sheet_grid(book_package, name)
            sht = book.sheets[name]
            api = getattr(sht, "api", None)
            if api is not None and hasattr(api, "Unprotect"):
                api.Unprotect()
            sht.clear()
            sht.range((1, 1)).formula = grid
            for (r, c), code in fmt.items():
                sht.range((r, c)).number_format = code
            if api is not None and hasattr(api, "Protect"):
                api.Protect()
        book.save()
    _status(book, "hipaa-xl: " + lines[0])
    return lines


def _status(book: Any, text: str) -> None:
    app = getattr(book, "app", None)
    if app is not None and hasattr(app, "status_bar"):
        app.status_bar = text
