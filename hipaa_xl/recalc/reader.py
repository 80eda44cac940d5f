"""Reading a workbook package into a :class:`~hipaa_xl.recalc.model.Book` (one lxml pass per part).

Sheets are read as a stream, row by row (``lxml.etree.iterparse``, each row dropped once read), so
memory holds the values and formulas, not the XML tree: a 76 MB Exposure sheet would take about
700 MB as a tree. For every formula cell the reader keeps where it is, its text, its ``t`` attribute
and its cached value; :mod:`~hipaa_xl.recalc.writer` patches the part's bytes from those. Shared
formulas (``<f t="shared" si=..>``) take their master's text and anchor; array formulas keep their
``ref`` so the cells they cover are filled: a ``ref`` is kept as bounds, never expanded cell by cell
(one formula may cover the whole grid, 17 billion cells), and only the cells present in the file
are filled.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any, Final

from lxml import etree

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml import opc
from hipaa_xl.ooxml.a1 import column_index, parse_range
from hipaa_xl.ooxml.dates import date_system
from hipaa_xl.ooxml.package import Package, parse_xml
from hipaa_xl.recalc.model import PENDING, Book, DefinedName, Sheet, Table
from hipaa_xl.recalc.values import ERROR_CODES, ExcelError, date_to_serial, error_from_code

NO_CACHE: Final[Any] = type("NoCache", (), {"__repr__": lambda self: "NO_CACHE"})()


@dataclass(eq=False, slots=True)
class FormulaCell:
    """A formula cell: where it is, its text, its ``t`` attribute and the value cached in the file."""

    sheet: Sheet
    row: int
    col: int
    text: str
    anchor_row: int
    anchor_col: int
    kind: str | None
    cached: Any = NO_CACHE
    array_ref: tuple[int, int, int, int] | None = None
    covered: list[tuple[int, int, str | None, Any]] = field(default_factory=list)  # (row, col, t, cached)
    compiled: Any = None


@dataclass(eq=False)
class SheetPart:
    """One worksheet part: its name in the package, its namespace and its formula cells."""

    part: str
    sheet: Sheet
    namespace: str
    formulas: list[FormulaCell] = field(default_factory=list)


@dataclass(eq=False)
class WorkbookPackage:
    """Everything read from a package that the evaluator and writer need."""

    book: Book
    workbook_part: str
    workbook_root: Any
    workbook_declaration: bytes
    sheet_parts: list[SheetPart]
    date1904: bool
    warnings: list[str] = field(default_factory=list)


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
    workbook_part = opc.workbook_part(package)
    if workbook_part not in package:
        raise WorkbookError("the file is not an Excel workbook (no workbook part)")
    workbook_root = parse_xml(package[workbook_part], workbook_part)
    ns = opc.spreadsheet_namespace(workbook_root)
    rels = opc.read_rels(package, workbook_part)
    book = Book()
    warnings: list[str] = []

    workbook_pr = workbook_root.find(f"{{{ns}}}workbookPr")
    date1904 = workbook_pr is not None and workbook_pr.get("date1904") in ("1", "true")

    shared: list[str] = []
    for rel in rels:
        target = rel.part(workbook_part)
        if opc.is_type(rel.type, "sharedStrings") and target in package:
            si_tag = f"{{{ns}}}si"
            for si in _stream(package[target], target, si_tag):
                shared.append(_text_of(si, ns))

    rich_errors = _rich_errors(package, workbook_part, rels)

    sheet_specs: list[tuple[Sheet, str | None]] = []
    partless: list[opc.SheetEntry] = []  # r:id="": a very hidden macro sheet saved without a part
    entries = opc.sheets(package, partless)  # any other sheet without its part: refused as damaged
    for entry in sorted([*entries, *partless], key=lambda e: e.index):  # tab order: localSheetId counts them
        sheet_specs.append((book.add_sheet(entry.name), entry.part if entry.is_worksheet else None))
    for entry in partless:
        warnings.append(f"the sheet entry {entry.name!r} has an empty relationship id and no part; "
                        "it is skipped and kept as it is")

    names_el = workbook_root.find(f"{{{ns}}}definedNames")
    for name_el in names_el if names_el is not None else []:
        name = name_el.get("name", "")
        local = name_el.get("localSheetId")
        scope = int(local) if local is not None and local.isdigit() and int(local) < len(book.sheets) else None
        book.names[(scope, name.lower())] = DefinedName(name, name_el.text or "", scope)

    sheet_parts: list[SheetPart] = []
    for sheet, sheet_target in sheet_specs:
        if sheet_target is None:
            continue
        part = SheetPart(sheet_target, sheet, ns)
        with date_system(date1904):  # t="d" cells become serials of the workbook's own system
            _read_cells(part, package[sheet_target], shared, warnings, rich_errors)
        sheet_parts.append(part)
        for rel in opc.read_rels(package, sheet_target):
            table_target = rel.part(sheet_target)
            if opc.is_type(rel.type, "table") and table_target in package:
                table = _read_table(package[table_target], table_target, sheet)
                if table is not None:
                    book.tables[table.name.lower()] = table
    return WorkbookPackage(book, workbook_part, workbook_root, _declaration(package[workbook_part]),
                           sheet_parts, date1904, warnings)


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


_STREAM_OPTIONS: Final = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": True}
ARRAY_EXPANDED_CELLS: Final = 4096
"""An array formula covering at most this many cells is looked up cell by cell; a bigger one by its bounds."""


def _stream(data: bytes, part: str, tag: str) -> Any:
    """Each ``tag`` element of a part, parsed safely and dropped after use (bounded memory)."""
    from hipaa_xl.ooxml.package import has_dtd

    if has_dtd(data):
        raise WorkbookError(f"the workbook part {part} carries a DTD; refusing to read it")
    try:
        for _, element in etree.iterparse(io.BytesIO(data), events=("end",), tag=tag, **_STREAM_OPTIONS):
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            while element.getprevious() is not None and parent is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"the workbook part {part} is damaged ({exc})") from exc


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _rich_errors(package: Package, workbook_part: str, rels: list[opc.Rel]) -> dict[int, ExcelError]:
    """The errors of cells written ``t="e" vm="N"``: Excel stores its newer errors (``#SPILL!``,
    ``#CALC!``...) as ``#VALUE!`` with value metadata pointing to a rich value of type ``_error``
    whose ``errorType`` is the error's number (0 ``#NULL!`` ... 13 ``#CALC!``, the order ERROR.TYPE
    counts from 1). Returns {vm: error}; anything unexpected gives no entry (the cell keeps ``<v>``)."""
    parts: dict[str, str] = {}
    for rel in rels:
        for kind in ("sheetMetadata", "rdRichValue", "rdRichValueStructure"):
            if opc.is_type(rel.type, kind) and rel.part(workbook_part) in package:
                parts[kind] = rel.part(workbook_part)
    if len(parts) < 3:
        return {}
    try:
        structures = []
        for s_el in parse_xml(package[parts["rdRichValueStructure"]], parts["rdRichValueStructure"]):
            keys = [k.get("n", "") for k in s_el if _local(k) == "k"]
            structures.append((s_el.get("t"), keys))
        values: list[ExcelError | None] = []
        for rv in parse_xml(package[parts["rdRichValue"]], parts["rdRichValue"]):
            structure = structures[int(rv.get("s", "-1"))]
            found: ExcelError | None = None
            if structure[0] == "_error" and "errorType" in structure[1]:
                items = [v.text for v in rv if _local(v) == "v"]
                number = int(items[structure[1].index("errorType")] or "-1")
                if 0 <= number < len(ERROR_CODES):
                    found = error_from_code(ERROR_CODES[number])
            values.append(found)
        metadata = parse_xml(package[parts["sheetMetadata"]], parts["sheetMetadata"])
        blocks: list[int | None] = []  # futureMetadata XLRICHVALUE blocks: rich value index
        types: list[str] = []
        out: dict[int, ExcelError] = {}
        for child in metadata:
            name = _local(child)
            if name == "metadataTypes":
                types = [t.get("name", "") for t in child]
            elif name == "futureMetadata" and child.get("name") == "XLRICHVALUE":
                for bk in child:
                    rvb = next((e for e in bk.iter() if _local(e) == "rvb"), None)
                    blocks.append(int(rvb.get("i", "-1")) if rvb is not None else None)
            elif name == "valueMetadata":
                for vm, bk in enumerate(child, start=1):
                    rc = next((e for e in bk if _local(e) == "rc"), None)
                    if rc is None or types[int(rc.get("t", "0")) - 1] != "XLRICHVALUE":
                        continue
                    index = blocks[int(rc.get("v", "-1"))]
                    error = values[index] if index is not None and 0 <= index < len(values) else None
                    if error is not None:
                        out[vm] = error
        return out
    except (ValueError, IndexError, WorkbookError):
        return {}


def _read_cells(part: SheetPart, data: bytes, shared: list[str], warnings: list[str],
                rich_errors: dict[int, ExcelError] | None = None) -> None:
    sheet = part.sheet
    ns = part.namespace
    values = sheet.values
    formula_rows = sheet.formula_rows
    c_tag, f_tag, v_tag, is_tag, row_tag = (f"{{{ns}}}{t}" for t in ("c", "f", "v", "is", "row"))
    masters: dict[str, tuple[str, int, int]] = {}
    followers: list[tuple[FormulaCell, str]] = []
    covered: dict[tuple[int, int], FormulaCell] = {}
    big_arrays: list[FormulaCell] = []  # array formulas too large to expand, found by their bounds
    max_row = max_col = 0
    row = 0
    address = _ADDRESS.match
    for row_el in _stream(data, part.part, row_tag):
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
            if kind == "e" and rich_errors and c_el.get("vm"):
                vm = c_el.get("vm", "")
                value = rich_errors.get(int(vm) if vm.isdigit() else 0, value)
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
                    fc = FormulaCell(sheet, row, col, text, row, col, kind,
                                     value if v_el is not None else NO_CACHE)
                    if not text:
                        followers.append((fc, si))
                    _add_formula(part, fc, values, formula_rows)
                elif text.strip():
                    fc = FormulaCell(sheet, row, col, text, row, col, kind,
                                     value if v_el is not None else NO_CACHE)
                    if f_kind == "array":
                        try:
                            bounds = parse_range(f_el.get("ref") or f"{ref}")
                        except ValueError:
                            bounds = (row, col, row, col)
                        fc.array_ref = bounds  # one cell or many: evaluated as an array formula
                        if bounds != (row, col, row, col):
                            area = (bounds[2] - bounds[0] + 1) * (bounds[3] - bounds[1] + 1)
                            if area > ARRAY_EXPANDED_CELLS:
                                big_arrays.append(fc)
                            else:
                                for rr in range(bounds[0], bounds[2] + 1):
                                    for cc in range(bounds[1], bounds[3] + 1):
                                        if (rr, cc) != (row, col):
                                            covered[(rr, cc)] = fc
                    _add_formula(part, fc, values, formula_rows)
                else:
                    f_el = None
            if f_el is None:
                anchor = covered.get((row, col)) if covered else None
                if anchor is None and big_arrays:
                    anchor = next((a for a in big_arrays if a.array_ref is not None and a.array_ref[0] <= row
                                   <= a.array_ref[2] and a.array_ref[1] <= col <= a.array_ref[3]), None)
                if anchor is not None:
                    anchor.covered.append((row, col, kind, value if v_el is not None else NO_CACHE))
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
