"""Reading a workbook package into a :class:`~hipaa_xl.recalc.model.Book` (one lxml pass per part).

Keeps, for every formula cell, its ``<c>`` element so the writer can put the computed value beside
the formula. Shared formulas (``<f t="shared" si=..>``) take their master's text and anchor; array
formulas keep their ``ref`` so all the cells they cover are filled.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Final

from lxml import etree

from hipaa_xl.recalc.model import PENDING, Book, DefinedName, Sheet, Table
from hipaa_xl.recalc.refs import column_index, parse_range
from hipaa_xl.recalc.values import date_to_serial, error_from_code
from hipaa_xl.xlsxio import Package, WorkbookFileError, parse_xml

MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS: Final = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_DOC_REL_NS: Final = "http://purl.oclc.org/ooxml/officeDocument/relationships"

NO_CACHE: Final[Any] = type("NoCache", (), {"__repr__": lambda self: "NO_CACHE"})()


@dataclass(eq=False)
class FormulaCell:
    """A formula cell: where it is, its text, its ``<c>`` element and the value cached in the file."""

    sheet: Sheet
    row: int
    col: int
    text: str
    anchor_row: int
    anchor_col: int
    element: Any
    cached: Any = NO_CACHE
    array_ref: tuple[int, int, int, int] | None = None
    covered: list[tuple[int, int, Any, Any]] = field(default_factory=list)  # (row, col, element, cached)
    compiled: Any = None


@dataclass(eq=False)
class SheetPart:
    """One worksheet part: its name in the package, parsed tree and formula cells."""

    part: str
    sheet: Sheet
    root: Any
    declaration: bytes
    formulas: list[FormulaCell] = field(default_factory=list)


@dataclass(eq=False)
class WorkbookPackage:
    """Everything read from a package that the evaluator and writer need."""

    book: Book
    workbook_part: str
    workbook_root: Any
    workbook_declaration: bytes
    sheet_parts: list[SheetPart]
    formula_count: int
    date1904: bool
    warnings: list[str] = field(default_factory=list)


def _rels(package: Package, part: str) -> dict[str, tuple[str, str]]:
    """rId -> (type, absolute part name) for the relationships of ``part``."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in package:
        return {}
    root = parse_xml(package[rels_name], rels_name)
    out: dict[str, tuple[str, str]] = {}
    for rel in root:
        if etree.QName(rel).localname != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), full)
    return out


def _declaration(data: bytes) -> bytes:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith(b"<?xml"):
        end = data.find(b"?>")
        if end > 0:
            return data[: end + 2]
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


_ESCAPED: Final = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_text(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes in cell text."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)


def _text_of(element: Any, ns: str) -> str:
    t_tag = f"{{{ns}}}t"
    rph_tag = f"{{{ns}}}rPh"
    parts = []
    for t in element.iter(t_tag):
        parent = t.getparent()
        if parent is not None and parent.tag == rph_tag:
            continue
        parts.append(t.text or "")
    return unescape_text("".join(parts))


def read_workbook(package: Package) -> WorkbookPackage:
    """Parse the workbook, its sheets, shared strings, defined names and tables."""
    root_rels = _rels(package, "")
    workbook_part = next((target for kind, target in root_rels.values() if kind.endswith("/officeDocument")),
                         "xl/workbook.xml")
    if workbook_part not in package:
        raise WorkbookFileError("the file is not an Excel workbook (no workbook part)")
    workbook_root = parse_xml(package[workbook_part], workbook_part)
    ns = etree.QName(workbook_root).namespace or MAIN_NS
    rel_ns = STRICT_DOC_REL_NS if ns == STRICT_NS else DOC_REL_NS
    rels = _rels(package, workbook_part)
    book = Book()
    warnings: list[str] = []

    workbook_pr = workbook_root.find(f"{{{ns}}}workbookPr")
    date1904 = workbook_pr is not None and workbook_pr.get("date1904") in ("1", "true")
    if date1904:
        warnings.append("the workbook uses the 1904 date system; dates are computed in the 1900 system")

    shared: list[str] = []
    for kind, target in rels.values():
        if kind.endswith("/sharedStrings") and target in package:
            sst = parse_xml(package[target], target)
            si_tag = f"{{{ns}}}si"
            shared = [_text_of(si, ns) for si in sst if si.tag == si_tag]

    sheet_specs: list[tuple[Sheet, str | None]] = []
    sheets_el = workbook_root.find(f"{{{ns}}}sheets")
    for sheet_el in sheets_el if sheets_el is not None else []:
        name = sheet_el.get("name", "")
        rid = sheet_el.get(f"{{{rel_ns}}}id", "")
        kind, target = rels.get(rid, ("", ""))
        sheet = book.add_sheet(name)
        sheet_specs.append((sheet, target if kind.endswith("/worksheet") and target in package else None))

    names_el = workbook_root.find(f"{{{ns}}}definedNames")
    for name_el in names_el if names_el is not None else []:
        name = name_el.get("name", "")
        local = name_el.get("localSheetId")
        scope = int(local) if local is not None and local.isdigit() and int(local) < len(book.sheets) else None
        book.names[(scope, name.lower())] = DefinedName(name, name_el.text or "", scope)

    sheet_parts: list[SheetPart] = []
    count = 0
    for sheet, sheet_target in sheet_specs:
        if sheet_target is None:
            continue
        data = package[sheet_target]
        root = parse_xml(data, sheet_target)
        part = SheetPart(sheet_target, sheet, root, _declaration(data))
        _read_cells(part, ns, shared, warnings)
        count += len(part.formulas)
        sheet_parts.append(part)
        for kind, table_target in _rels(package, sheet_target).values():
            if kind.endswith("/table") and table_target in package:
                table = _read_table(package[table_target], table_target, sheet)
                if table is not None:
                    book.tables[table.name.lower()] = table
    return WorkbookPackage(book, workbook_part, workbook_root, _declaration(package[workbook_part]),
                           sheet_parts, count, date1904, warnings)


def _read_table(data: bytes, part: str, sheet: Sheet) -> Table | None:
    root = parse_xml(data, part)
    ns = etree.QName(root).namespace
    name = root.get("displayName") or root.get("name")
    ref = root.get("ref")
    if not name or not ref:
        return None
    try:
        r1, c1, r2, c2 = parse_range(ref)
    except ValueError:
        return None
    columns_el = root.find(f"{{{ns}}}tableColumns")
    columns = tuple(col.get("name", "") for col in columns_el) if columns_el is not None else ()
    header = int(root.get("headerRowCount", "1") or 1)
    totals = int(root.get("totalsRowCount", "0") or 0)
    if root.get("totalsRowShown") == "1" and root.get("totalsRowCount") is None:
        totals = 0
    return Table(name, sheet, r1, c1, r2, c2, header, totals, columns)


_ADDRESS: Final = re.compile(r"([A-Z]+)(\d+)$")


def _read_cells(part: SheetPart, ns: str, shared: list[str], warnings: list[str]) -> None:
    sheet = part.sheet
    values = sheet.values
    formula_rows = sheet.formula_rows
    c_tag, f_tag, v_tag, is_tag, row_tag = (f"{{{ns}}}{t}" for t in ("c", "f", "v", "is", "row"))
    sheet_data = part.root.find(f"{{{ns}}}sheetData")
    if sheet_data is None:
        return
    masters: dict[str, tuple[str, int, int]] = {}
    followers: list[tuple[FormulaCell, str]] = []
    covered: dict[tuple[int, int], FormulaCell] = {}
    max_row = max_col = 0
    row = 0
    address = _ADDRESS.match
    for row_el in sheet_data:
        if row_el.tag != row_tag:
            continue
        r_attr = row_el.get("r")
        row = int(r_attr) if r_attr else row + 1
        col = 0
        for c_el in row_el:
            if c_el.tag != c_tag:
                continue
            ref = c_el.get("r")
            if ref:
                m = address(ref)
                if m is None:
                    m = address(ref.upper().replace("$", ""))
                if m is not None:
                    col = column_index(m[1])
                    row = int(m[2])
                else:
                    col += 1
            else:
                col += 1
            f_el = v_el = is_el = None
            for child in c_el:
                tag = child.tag
                if tag == v_tag:
                    v_el = child
                elif tag == f_tag:
                    f_el = child
                elif tag == is_tag:
                    is_el = child
            kind = c_el.get("t")
            value = _cell_value(kind, v_el, is_el, shared, ns)
            if f_el is not None:
                f_kind = f_el.get("t")
                text = f_el.text or ""
                if f_kind == "dataTable":
                    warnings.append(f"{sheet.address(row, col)}: data tables (what-if) are kept as they are")
                    f_el = None
                elif f_kind == "shared":
                    si = f_el.get("si", "")
                    if text:
                        masters[si] = (text, row, col)
                    fc = FormulaCell(sheet, row, col, text, row, col, c_el,
                                     value if v_el is not None else NO_CACHE)
                    if not text:
                        followers.append((fc, si))
                    _add_formula(part, fc, values, formula_rows)
                elif text.strip():
                    fc = FormulaCell(sheet, row, col, text, row, col, c_el,
                                     value if v_el is not None else NO_CACHE)
                    if f_kind == "array":
                        try:
                            bounds = parse_range(f_el.get("ref") or f"{ref}")
                        except ValueError:
                            bounds = (row, col, row, col)
                        fc.array_ref = bounds  # one cell or many: evaluated as an array formula
                        if bounds != (row, col, row, col):
                            for rr in range(bounds[0], bounds[2] + 1):
                                for cc in range(bounds[1], bounds[3] + 1):
                                    if (rr, cc) != (row, col):
                                        covered[(rr, cc)] = fc
                    _add_formula(part, fc, values, formula_rows)
                else:
                    f_el = None
            if f_el is None:
                anchor = covered.get((row, col)) if covered else None
                if anchor is not None:
                    anchor.covered.append((row, col, c_el, value if v_el is not None else NO_CACHE))
                    values[(row, col)] = PENDING
                    formula_rows.setdefault(col, []).append(row)
                elif value is not None:
                    values[(row, col)] = value
                else:
                    continue
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
    for fc, si in followers:
        master = masters.get(si)
        if master is None:
            warnings.append(f"{sheet.address(fc.row, fc.col)}: shared formula without its master; kept as is")
            values[(fc.row, fc.col)] = None if fc.cached is NO_CACHE else fc.cached
            part.formulas.remove(fc)
            continue
        fc.text, fc.anchor_row, fc.anchor_col = master
    for rows in formula_rows.values():
        rows.sort()
    sheet.max_row = max_row
    sheet.max_col = max_col


def _add_formula(part: SheetPart, fc: FormulaCell, values: dict[tuple[int, int], Any],
                 formula_rows: dict[int, list[int]]) -> None:
    part.formulas.append(fc)
    values[(fc.row, fc.col)] = PENDING
    formula_rows.setdefault(fc.col, []).append(fc.row)


def _cell_value(kind: str | None, v_el: Any, is_el: Any, shared: list[str], ns: str) -> Any:
    if kind == "inlineStr":
        return _text_of(is_el, ns) if is_el is not None else (v_el.text or "" if v_el is not None else None)
    if v_el is None:
        return None
    text = v_el.text
    if kind is None or kind == "n":
        if text is None or not text.strip():
            return None
        text = text.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return text
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "s":
        try:
            return shared[int(text or "")]
        except (ValueError, IndexError):
            return None
    if kind == "str":
        return unescape_text(text or "")
    if kind == "b":
        return (text or "").strip() in ("1", "true")
    if kind == "e":
        return error_from_code((text or "#N/A").strip())
    if kind == "d":
        try:
            moment = dt.datetime.fromisoformat((text or "").strip().rstrip("Z"))
        except ValueError:
            return None
        return date_to_serial(moment if moment.time() != dt.time() else moment.date())
    return text
