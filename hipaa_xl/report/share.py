"""The share copy: a values-only workbook built from what its reader is meant to see (decisions 53, 54).

The copy is not the matter workbook with known secrets deleted: it is a new package into which only
the kept parts are written. Kept: the visible worksheets (hidden and very hidden ones, chart sheets
and macro sheets are left out), and of each only its visible cells' values and formats (a formula
becomes the value the workbook stores for it; hidden rows and columns are left out), its views,
column widths, merged cells, conditional formats that read the same sheet, print setup, tables
(without formulas) and the charts that read kept cells (without their caches, which Excel rebuilds
from the cells). Written new: the shared strings (only those of kept cells), the workbook part
(sheets, print areas and titles, the date system), the relationships and content types, the styles
without names or extensions, and the document properties from Settings. Every sheet's page header
and footer is rebuilt from Settings. Nothing else of the source (document properties, custom XML,
defined names, pivot caches, connections, external links, revision logs, comments, data validations,
hyperlinks, pictures, printer settings, code, the xlwings Lite binding) can reach the copy.

Two audiences. ``external`` (the default: it cannot carry work product by accident) is for a
regulator, opposing counsel or anyone outside the privilege: no Scenarios or Factors sheet, no
scenario or probability-weighted figures, no Chosen points, no Factors reasons on Incidents, no Matter
notes, no privilege legend. ``client`` keeps those (the legend in the headers) for the client.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from xml.sax.saxutils import escape

from lxml import etree

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml.a1 import column_index, column_letters, parse_range, unquote_sheet
from hipaa_xl.ooxml.calc import EXCEL_CALC_ID
from hipaa_xl.ooxml.opc import NS_MAIN, NS_R, Rel, read_rels, rels_name, resolve_target, sheets, to_xml, workbook_part
from hipaa_xl.ooxml.package import Package, package_from_bytes, parse_xml
from hipaa_xl.report.book import BookFigures
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.print_header import FOOTER, make_header_footer, page_header, place
from hipaa_xl.workbook.sheets.scenarios.tables import SCENARIOS_SHEET
from hipaa_xl.workbook.sheets.summary import SUMMARY_HEADER_ROW

Audience = Literal["external", "client"]
AUDIENCES: Final = ("external", "client")
_M = f"{{{NS_MAIN}}}"
_R = f"{{{NS_R}}}"
_C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_DOC_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
GENERATED_SHEETS = (columns.SUMMARY_SHEET, columns.EXPOSURE_SHEET, columns.SCHEDULES_SHEET, columns.OUTCOMES_SHEET)
FACTORS_SHEET: Final = columns.FACTORS_SHEET
WORK_PRODUCT_SHEETS: Final = (SCENARIOS_SHEET, FACTORS_SHEET)
"""Sheets that exist only to hold the lawyer's positions: never in an external copy."""
VALUES_LINE_ROWS = (5, 6)
"""Summary rows that may hold the "Values as of" line: the first one left empty by refresh."""
CODE_LIKE = re.compile(r"vbaProject|vbaData|macrosheet|activeX|webextension|ctrlProp|customUI|"
                       r"\.bin$|\.vba$|\.js$|\.py$|oleObject|embeddings/", re.IGNORECASE)
"""Part names that carry code or embedded programs: none can be in a share copy."""
_KEEP_SHEET_CHILDREN: Final = frozenset({
    "sheetPr", "sheetViews", "sheetFormatPr", "mergeCells", "printOptions", "pageMargins", "pageSetup",
    "rowBreaks", "colBreaks"})
_PERSONAL_CORE = ("{http://purl.org/dc/elements/1.1/}creator",
                  "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy")
_SCENARIO_BLOCK_START = "Scenarios ("
_NOTES_TITLE = "Notes"
_REDACTED_COLUMNS: Final = {columns.INCIDENTS_SHEET: ("Factors",), columns.MATTER_SHEET: ("Notes",)}
_LEGEND_LABEL = "Privilege legend"


@dataclass
class ShareReport:
    """What the share copy kept and left out, for the CLI to print."""

    audience: Audience = "external"
    formulas_replaced: int = 0
    removed: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    """Work product left out of an external copy."""
    protected: list[str] = field(default_factory=list)
    values_line: str = ""

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [f"for {'a reader outside the privilege' if self.audience == 'external' else 'the client'}"
               f" ({self.audience})",
               f"replaced {self.formulas_replaced:,} formula(s) by their stored values"]
        out += [f"left out (work product): {text}" for text in self.left_out]
        out += [f"removed: {text}" for text in self.removed]
        if self.protected:
            out.append("protected: " + ", ".join(self.protected))
        out.append(f"Summary: {self.values_line}")
        return out


def values_line(figures: BookFigures, exported_on: dt.date) -> str:
    """The line on the share copy's Summary: as of when, under which schedule and table, from where."""
    matter = figures.matter.get("matter_name") or figures.file_name
    as_of = figures.as_of.isoformat() if figures.as_of else "(unknown)"
    table = figures.table_source or "no table recorded"
    return (f"Values as of {as_of} ({figures.schedule}, {table}), exported from {matter} on "
            f"{exported_on.isoformat()}; recalculate in the matter workbook, not here")


@dataclass
class _Strings:
    """The new shared-string table: only the strings of kept cells, each once."""

    items: list[bytes] = field(default_factory=list)
    index: dict[bytes, int] = field(default_factory=dict)
    uses: int = 0

    def add_text(self, text: str) -> int:
        keep = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        return self.add_xml(f"<si><t{keep}>{escape(_xml_safe(text))}</t></si>".encode())

    def add_element(self, si: Any) -> int:
        """A rich-text string (runs kept, phonetic hints dropped)."""
        clone = etree.fromstring(etree.tostring(si))
        for tag in ("rPh", "phoneticPr"):
            for el in clone.findall(f"{_M}{tag}"):
                clone.remove(el)
        clone.tag = f"{_M}si"
        text = etree.tostring(clone).replace(f' xmlns="{NS_MAIN}"'.encode(), b"")
        return self.add_xml(text)

    def add_xml(self, si: bytes) -> int:
        self.uses += 1
        if si not in self.index:
            self.index[si] = len(self.items)
            self.items.append(si)
        return self.index[si]

    def to_xml(self) -> bytes:
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS_MAIN}" '
                f'count="{self.uses}" uniqueCount="{len(self.items)}">').encode() + b"".join(self.items) + b"</sst>"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(text: str) -> str:
    return _CONTROL.sub("", text)


@dataclass
class _Kept:
    """One sheet of the copy: its source, its new part and what it needs."""

    name: str
    source_part: str
    part: str
    index: int
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    redacted_cols: set[int] = field(default_factory=set)
    """Columns whose values an external copy leaves out (a table over them goes: its names would say)."""


@dataclass
class _Build:
    """The copy being written."""

    src: Package
    out: Package
    audience: Audience
    keep_comments: bool
    report: ShareReport
    strings: _Strings = field(default_factory=_Strings)
    source_strings: list[Any] = field(default_factory=list)
    kept: dict[str, _Kept] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def new_part(self, folder: str, stem: str, ext: str, content_type: str) -> str:
        n = self.counters.get(stem, 0) + 1
        self.counters[stem] = n
        part = f"{folder}/{stem}{n}.{ext}"
        self.overrides[part] = content_type
        return part


def build_share(data: bytes, figures: BookFigures, exported_on: dt.date, keep_comments: bool = False,
                audience: Audience = "external") -> tuple[Package, ShareReport]:
    """The copy of ``data`` (never modified) for ``audience``, and what it left out."""
    src = package_from_bytes(data)
    report = ShareReport(audience=audience, values_line=values_line(figures, exported_on))
    b = _Build(src, Package(), audience, keep_comments, report)
    wb_part = workbook_part(src)
    wb_root = parse_xml(src[wb_part], wb_part)
    if etree.QName(wb_root).namespace != NS_MAIN:
        raise WorkbookError("the workbook is saved as Strict Open XML; save it as an ordinary .xlsx workbook "
                                "to make a share copy")
    b.source_strings = _source_strings(src, wb_part)
    states = {el.get(f"{_R}id"): el.get("state", "visible") for el in wb_root.iter(f"{_M}sheet")}
    left: list[str] = []
    for entry in sheets(src):
        state = states.get(entry.rid, "visible")
        if not entry.is_worksheet:
            left.append(f"{entry.name} (not a worksheet)")
        elif state != "visible":
            left.append(f"{entry.name} ({'very hidden' if state == 'veryHidden' else 'hidden'})")
        elif audience == "external" and entry.name in WORK_PRODUCT_SHEETS:
            report.left_out.append(f"the {entry.name} sheet")
        else:
            k = _Kept(entry.name, entry.part, f"xl/worksheets/sheet{len(b.kept) + 1}.xml", len(b.kept))
            b.kept[entry.name] = k
    if not b.kept:
        raise WorkbookError("the workbook has no visible worksheet to share")
    if left:
        report.removed.append("sheets the reader does not see: " + ", ".join(left))
    header = page_header(figures.matter.get("matter_name", ""), figures.as_of,
                         legend=columns.CONFIDENTIAL if audience == "client" else None)
    if audience == "external":
        report.left_out.append("the privilege legend (page headers and Settings)")
    for k in b.kept.values():
        _hidden(src[k.source_part], k)
    dropped: dict[str, int] = {}
    for k in b.kept.values():
        b.out[k.part] = _sheet(b, k, header, dropped)
        b.overrides[k.part] = f"{_CT_MAIN}.worksheet+xml"
    for what, n in dropped.items():
        report.removed.append(f"{what} ({n:,})")
    _workbook(b, wb_root, wb_part)
    _styles_and_theme(b, wb_part)
    b.out["xl/sharedStrings.xml"] = b.strings.to_xml()
    b.overrides["xl/sharedStrings.xml"] = f"{_CT_MAIN}.sharedStrings+xml"
    _properties(b, figures, exported_on)
    _content_types(b)
    report.removed.append("everything else of the source: document properties, custom XML, defined names, "
                          "pivot caches, connections, external links, revision history, data validations, "
                          "hyperlinks, pictures, printer settings, code and add-in bindings"
                          + ("" if keep_comments else ", comments"))
    return _ordered(b.out), report


# ---------------------------------------------------------------------------------------------
# Reading the source


def _source_strings(src: Package, wb_part: str) -> list[Any]:
    for rel in read_rels(src, wb_part):
        if rel.type.endswith("/sharedStrings") and not rel.external:
            part = rel.part(wb_part)
            if part in src:
                return list(parse_xml(src[part], part).iter(f"{_M}si"))
    return []


def _hidden(xml: bytes, k: _Kept) -> None:
    root = parse_xml(xml, k.source_part)
    cols = root.find(f"{_M}cols")
    for col in cols if cols is not None else []:
        if col.get("hidden") in ("1", "true") or col.get("width") in ("0", "0.0"):
            lo, hi = int(col.get("min", "0")), int(col.get("max", "0"))
            k.hidden_cols.update(range(lo, min(hi, 16384) + 1))
    data = root.find(f"{_M}sheetData")
    r = 0
    for row in data if data is not None else []:
        r = int(row.get("r") or r + 1)
        if row.get("hidden") in ("1", "true") or (row.get("customHeight") in ("1", "true")
                                                  and row.get("ht") in ("0", "0.0")):
            k.hidden_rows.add(r)


def _cell_text(cell: Any, strings: list[Any]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        inline = cell.find(f"{_M}is")
        return "".join(inline.itertext()) if inline is not None else ""
    v = cell.find(f"{_M}v")
    if v is None or v.text is None:
        return ""
    if kind == "s":
        i = int(v.text) if v.text.strip().isdigit() else -1
        return "".join(strings[i].itertext()) if 0 <= i < len(strings) else ""
    return str(v.text)


def _grid_texts(root: Any, strings: list[Any]) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    data = root.find(f"{_M}sheetData")
    r = 0
    for row in data if data is not None else []:
        r = int(row.get("r") or r + 1)
        c = 0
        for cell in row.iter(f"{_M}c"):
            c = _col_of(cell.get("r"), c + 1)
            text = _cell_text(cell, strings).strip()
            if text:
                out[(r, c)] = text
    return out


def _col_of(ref: str | None, default: int) -> int:
    if not ref:
        return default
    letters = ref.rstrip("0123456789").lstrip("$").upper()
    return column_index(letters) if letters.isalpha() else default


# ---------------------------------------------------------------------------------------------
# What an external copy leaves out


def _redaction(b: _Build, k: _Kept, root: Any) -> Callable[[int, int], bool]:
    """Cells of the work product on this sheet (external copy only): True means leave the value out."""
    if b.audience != "external":
        return lambda r, c: False
    texts = _grid_texts(root, b.source_strings)
    rows: set[int] = set()
    cols: set[int] = set()
    below: dict[int, int] = {}  # column -> header row: the cells below it are left out
    if k.name == columns.SUMMARY_SHEET:
        cols |= {c for (r, c), t in texts.items() if r == SUMMARY_HEADER_ROW and t.startswith("Chosen")}
        start = min((r for (r, c), t in texts.items() if c == 1 and t.startswith(_SCENARIO_BLOCK_START)),
                    default=None)
        if start is not None:
            end = min((r for (r, c), t in texts.items() if c == 1 and r > start and t == _NOTES_TITLE),
                      default=max(r for r, _ in texts) + 1)
            rows |= set(range(start, end))
            b.report.left_out.append(f"Summary: the scenario and probability-weighted figures (rows {start}-"
                                     f"{end - 1})")
        if cols:
            b.report.left_out.append("Summary: the Chosen points (column(s) "
                                     + ", ".join(column_letters(c) for c in sorted(cols)) + ")")
    for name in _REDACTED_COLUMNS.get(k.name, ()):
        found = [(r, c) for (r, c), t in texts.items() if t == name and texts.get((r, 1)) == "ID"]
        for r, c in found:
            below[c] = r
        if found:
            b.report.left_out.append(f"{k.name}: the {name} column")
    if k.name == columns.SETTINGS_SHEET:
        legend_rows = [r for (r, c), t in texts.items() if c == 1 and t == _LEGEND_LABEL]
        cells = {(r, 2) for r in legend_rows}
    else:
        cells = set()
    k.redacted_cols = cols
    return lambda r, c: r in rows or c in cols or (c in below and r > below[c]) or (r, c) in cells


# ---------------------------------------------------------------------------------------------
# Worksheets


def _sheet(b: _Build, k: _Kept, header: str, dropped: dict[str, int]) -> bytes:
    source = parse_xml(b.src[k.source_part], k.source_part)
    redact = _redaction(b, k, source)
    namespaces: Any = {None: NS_MAIN, "r": NS_R}
    root = etree.Element(f"{_M}worksheet", nsmap=namespaces)
    rels: list[Rel] = []
    for child in source:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if etree.QName(child).namespace != NS_MAIN:
            continue
        if name in _KEEP_SHEET_CHILDREN:
            root.append(_clean_element(child))
        elif name == "cols":
            cols = etree.SubElement(root, f"{_M}cols")
            for col in child:
                if col.get("hidden") not in ("1", "true") and col.get("width") not in ("0", "0.0"):
                    cols.append(_clean_element(col))
            if not len(cols):
                root.remove(cols)
        elif name == "sheetData":
            root.append(_sheet_data(b, k, child, redact))
        elif name == "sheetProtection":
            root.append(_clean_protection(child))
        elif name == "autoFilter" and child.get("ref"):
            etree.SubElement(root, f"{_M}autoFilter", ref=child.get("ref"))
        elif name == "conditionalFormatting":
            if "!" not in "".join(t for t in child.itertext()) and child.find(f".//{_M}extLst") is None:
                root.append(_clean_element(child))
        elif name in ("dataValidations", "hyperlinks", "legacyDrawingHF", "picture", "oleObjects", "controls",
                      "scenarios", "protectedRanges", "customSheetViews", "dataConsolidate", "smartTags",
                      "cellWatches", "webPublishItems"):
            dropped[_DROPPED_NAMES.get(name, name)] = dropped.get(_DROPPED_NAMES.get(name, name), 0) + 1
    for el in root.findall(f"{_M}pageSetup"):
        if f"{_R}id" in el.attrib:
            del el.attrib[f"{_R}id"]
    for el in root.findall(f"{_M}sheetPr"):
        if "codeName" in el.attrib:
            del el.attrib["codeName"]
        for sub in list(el):
            if etree.QName(sub).localname not in ("tabColor", "outlinePr", "pageSetUpPr"):
                el.remove(sub)
    if k.name in GENERATED_SHEETS:
        if root.find(f"{_M}sheetProtection") is None:
            place(root, etree.Element(f"{_M}sheetProtection", sheet="1", objects="1", scenarios="1"))
        b.report.protected.append(k.name)
    if k.name == columns.SUMMARY_SHEET:
        _put_values_line(root, b.report.values_line, b)
    place(root, make_header_footer(root, header, FOOTER))
    for rel in read_rels(b.src, k.source_part):
        if rel.external:
            continue
        target = rel.part(k.source_part)
        if target not in b.src:
            continue
        if rel.type.endswith("/table"):
            table = _table(b, k, target)
            if table is not None:
                rels.append(Rel(f"rId{len(rels) + 1}", rel.type, "../tables/" + posixpath.basename(table)))
        elif rel.type.endswith("/drawing"):
            drawing = _drawing(b, target)
            if drawing is not None:
                rels.append(Rel(f"rId{len(rels) + 1}", rel.type, "../drawings/" + posixpath.basename(drawing)))
        elif b.keep_comments and rel.type.endswith(("/comments", "/vmlDrawing", "/threadedComment")):
            copied = _copy_comment_part(b, rel, target)
            rels.append(Rel(f"rId{len(rels) + 1}", rel.type, copied))
    for rel in rels:
        if rel.type.endswith("/drawing"):
            place(root, etree.Element(f"{_M}drawing", {f"{_R}id": rel.rid}))
        elif rel.type.endswith("/vmlDrawing"):
            place(root, etree.Element(f"{_M}legacyDrawing", {f"{_R}id": rel.rid}))
    tables = [rel for rel in rels if rel.type.endswith("/table")]
    if tables:
        parts = etree.Element(f"{_M}tableParts", count=str(len(tables)))
        for rel in tables:
            etree.SubElement(parts, f"{_M}tablePart", {f"{_R}id": rel.rid})
        place(root, parts)
    if rels:
        b.out[rels_name(k.part)] = _write_rels(rels)
    return to_xml(root)


_DROPPED_NAMES: Final = {
    "dataValidations": "data validation lists and prompts", "hyperlinks": "hyperlinks",
    "legacyDrawingHF": "header pictures", "picture": "sheet backgrounds", "oleObjects": "embedded objects",
    "controls": "controls", "scenarios": "what-if scenarios", "protectedRanges": "protected ranges",
    "customSheetViews": "custom views", "dataConsolidate": "consolidation settings", "smartTags": "smart tags",
    "cellWatches": "cell watches", "webPublishItems": "web publishing items",
}


def _clean_element(el: Any) -> Any:
    """A copy of a formatting element without extension lists (which other programs fill freely)."""
    clone = etree.fromstring(etree.tostring(el))
    for ext in clone.findall(f".//{_M}extLst"):
        parent = ext.getparent()
        if parent is not None:
            parent.remove(ext)
    return clone


def _clean_protection(el: Any) -> Any:
    """Sheet protection without the password's hash (a hash can be cracked; the copy is read-only anyway)."""
    clone = _clean_element(el)
    for attr in ("password", "algorithmName", "hashValue", "saltValue", "spinCount"):
        clone.attrib.pop(attr, None)
    return clone


def _sheet_data(b: _Build, k: _Kept, data: Any, redact: Callable[[int, int], bool]) -> Any:
    out = etree.Element(f"{_M}sheetData")
    r = 0
    for row in data:
        if etree.QName(row).localname != "row":
            continue
        r = int(row.get("r") or r + 1)
        if r in k.hidden_rows:
            continue
        new_row = etree.SubElement(out, f"{_M}row", r=str(r))
        for attr in ("s", "customFormat", "ht", "customHeight", "thickTop", "thickBot", "outlineLevel"):
            if row.get(attr) is not None:
                new_row.set(attr, row.get(attr))
        c = 0
        for cell in row:
            if etree.QName(cell).localname != "c":
                continue
            c = _col_of(cell.get("r"), c + 1)
            if c in k.hidden_cols:
                continue
            _copy_cell(b, cell, new_row, f"{column_letters(c)}{r}", redact(r, c))
    return out


def _copy_cell(b: _Build, cell: Any, row: Any, ref: str, redacted: bool) -> None:
    new = etree.SubElement(row, f"{_M}c", r=ref)
    if cell.get("s"):
        new.set("s", cell.get("s"))
    formula = cell.find(f"{_M}f")
    if formula is not None:
        b.report.formulas_replaced += 1
    if redacted:
        return
    kind = cell.get("t")
    v = cell.find(f"{_M}v")
    text = v.text if v is not None and v.text is not None else None
    if kind == "inlineStr":
        inline = cell.find(f"{_M}is")
        if inline is not None:
            new.set("t", "s")
            etree.SubElement(new, f"{_M}v").text = str(b.strings.add_element(inline))
        return
    if text is None:
        return
    if kind == "s":
        i = int(text) if text.strip().isdigit() else -1
        if 0 <= i < len(b.source_strings):
            new.set("t", "s")
            etree.SubElement(new, f"{_M}v").text = str(b.strings.add_element(b.source_strings[i]))
        return
    if kind == "str":  # a formula's text ("" shows as a blank cell: keep it blank, style only)
        if text:
            new.set("t", "s")
            etree.SubElement(new, f"{_M}v").text = str(b.strings.add_text(text))
        return
    if kind in ("b", "e", "d"):
        new.set("t", kind)
    etree.SubElement(new, f"{_M}v").text = text


def _put_values_line(root: Any, text: str, b: _Build) -> None:
    data = root.find(f"{_M}sheetData")
    if data is None:
        return
    rows = {int(r.get("r", "0")): r for r in data.findall(f"{_M}row")}
    style = None
    two = rows.get(2)
    if two is not None:
        first = two.find(f"{_M}c")
        style = first.get("s") if first is not None else None
    target = next((n for n in VALUES_LINE_ROWS if n not in rows or not len(rows[n])), VALUES_LINE_ROWS[-1])
    row = rows.get(target)
    if row is None:
        row = etree.Element(f"{_M}row", r=str(target))
        later = [r for n, r in sorted(rows.items()) if n > target]
        if later:
            later[0].addprevious(row)
        else:
            data.append(row)
    for old in row.findall(f"{_M}c"):
        if old.get("r") == f"A{target}":
            row.remove(old)
    cell = etree.Element(f"{_M}c", r=f"A{target}", t="s")
    if style is not None:
        cell.set("s", style)
    etree.SubElement(cell, f"{_M}v").text = str(b.strings.add_text(text))
    row.insert(0, cell)


# ---------------------------------------------------------------------------------------------
# Tables, drawings, charts, comments


def _table(b: _Build, k: _Kept, part: str) -> str | None:
    """The table without formulas, filters or extensions; None when it spans hidden rows or columns
    (its column names could name what is hidden)."""
    root = parse_xml(b.src[part], part)
    try:
        r1, c1, _r2, c2 = parse_range(root.get("ref", ""))
    except ValueError:
        return None
    if any(c in k.hidden_cols or c in k.redacted_cols for c in range(c1, c2 + 1)) or r1 in k.hidden_rows:
        return None
    for tag in ("calculatedColumnFormula", "totalsRowFormula", "extLst", "sortState", "filterColumn"):
        for el in list(root.iter(f"{_M}{tag}")):
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
    new = b.new_part("xl/tables", "table", "xml", f"{_CT_MAIN}.table+xml")
    b.out[new] = to_xml(root)
    return new


def _drawing(b: _Build, part: str) -> str | None:
    """Only the charts of a drawing (pictures, shapes and their alternative texts are left out)."""
    root = parse_xml(b.src[part], part)
    rels = {r.rid: r for r in read_rels(b.src, part)}
    new_rels: list[Rel] = []
    kept = 0
    for anchor in list(root):
        frame = anchor.find(f"{{{_XDR}}}graphicFrame")
        chart_ref = anchor.find(f".//{{{_C_NS}}}chart")
        rid = chart_ref.get(f"{{{_DOC_R}}}id") if chart_ref is not None else None
        rel = rels.get(rid or "")
        chart = None
        if frame is not None and rel is not None and not rel.external:
            chart = _chart(b, rel.part(part))
        if chart is None:
            root.remove(anchor)
            continue
        kept += 1
        new_rid = f"rId{len(new_rels) + 1}"
        new_rels.append(Rel(new_rid, rel.type if rel else "", "../charts/" + posixpath.basename(chart)))
        assert chart_ref is not None
        chart_ref.set(f"{{{_DOC_R}}}id", new_rid)
        frame.attrib.pop("macro", None)
        for pr in anchor.iter(f"{{{_XDR}}}cNvPr"):
            for attr in ("descr", "title"):
                pr.attrib.pop(attr, None)
            pr.set("name", f"Chart {kept}")
            for sub in list(pr):
                pr.remove(sub)
    if not kept:
        return None
    for ext in root.findall(f".//{{{_A_NS}}}extLst"):
        parent = ext.getparent()
        if parent is not None:
            parent.remove(ext)
    new = b.new_part("xl/drawings", "drawing", "xml", "application/vnd.openxmlformats-officedocument.drawing+xml")
    b.out[new] = to_xml(root)
    b.out[rels_name(new)] = _write_rels(new_rels)
    return new


_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")


def _chart(b: _Build, part: str) -> str | None:
    """The chart without its cached values (Excel and LibreOffice read the kept cells), when every range
    it reads is on a kept sheet and none of its cells is hidden; else None."""
    if part not in b.src:
        return None
    root = parse_xml(b.src[part], part)
    for f in root.iter(f"{{{_C_NS}}}f"):
        for piece in (f.text or "").strip("()").split(","):
            match = _SHEET_REF.match(piece.strip())
            if not match:
                return None
            sheet = match[1].replace("''", "'") if match[1] else unquote_sheet(match[2])
            kept = b.kept.get(sheet)
            if kept is None:
                return None
            try:
                r1, c1, r2, c2 = parse_range(match[3].replace("$", ""))
            except ValueError:
                return None
            if any(r in kept.hidden_rows for r in range(r1, r2 + 1)) or any(
                    c in kept.hidden_cols for c in range(c1, c2 + 1)):
                return None
    for tag in ("numCache", "strCache", "multiLvlStrCache", "externalData", "userShapes", "extLst"):
        for el in list(root.iter(f"{{{_C_NS}}}{tag}")):
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
    for el in list(root.iter(f"{{{_A_NS}}}extLst")):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    new = b.new_part("xl/charts", "chart", "xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
    b.out[new] = to_xml(root)
    return new


def _copy_comment_part(b: _Build, rel: Rel, target: str) -> str:
    """A comment part copied as it is (``--keep-comments``): the user asked for it."""
    if rel.type.endswith("/vmlDrawing"):
        new = b.new_part("xl/drawings", "vmlDrawing", "vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
        b.out[new] = re.sub(rb"<x:FmlaMacro>.*?</x:FmlaMacro>", b"", b.src[target], flags=re.DOTALL)
        return "../drawings/" + posixpath.basename(new)
    if rel.type.endswith("/threadedComment"):
        new = b.new_part("xl/threadedComments", "threadedComment", "xml", "application/vnd.ms-excel.threadedcomments+xml")
        b.out[new] = b.src[target]
        return "../threadedComments/" + posixpath.basename(new)
    new = b.new_part("xl", "comments", "xml", f"{_CT_MAIN}.comments+xml")
    b.out[new] = b.src[target]
    return "../" + posixpath.basename(new)


# ---------------------------------------------------------------------------------------------
# The workbook, styles, properties, content types


def _workbook(b: _Build, source: Any, wb_part: str) -> None:
    """A new workbook part: the kept sheets, their print areas and titles, the date system."""
    old_pr = source.find(f"{_M}workbookPr")
    date1904 = old_pr is not None and old_pr.get("date1904") in ("1", "true")
    old_index = {entry.index: entry.name for entry in sheets(b.src)}
    views = source.find(f"{_M}bookViews")
    active_name = None
    if views is not None and len(views):
        active = views[0].get("activeTab", "0")
        active_name = old_index.get(int(active) if active.isdigit() else 0)
    active_tab = b.kept[active_name].index if active_name in b.kept else 0
    pr = ' date1904="1"' if date1904 else ""
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS_MAIN}" '
           f'xmlns:r="{NS_R}"><workbookPr{pr}/><bookViews><workbookView '
           f'activeTab="{active_tab}"/></bookViews><sheets>']
    rels = [Rel(f"rId{k.index + 1}", f"{_DOC_R}/worksheet", f"worksheets/{posixpath.basename(k.part)}")
            for k in b.kept.values()]
    for k in b.kept.values():
        out.append(f'<sheet name="{escape(k.name, {chr(34): "&quot;"})}" sheetId="{k.index + 1}" '
                   f'r:id="rId{k.index + 1}"/>')
    out.append("</sheets>")
    names = []
    keep_names = ("_xlnm.Print_Area", "_xlnm.Print_Titles")
    nodes = source.find(f"{_M}definedNames")
    for el in nodes if nodes is not None else []:
        name, local = el.get("name", ""), el.get("localSheetId")
        if name not in keep_names or local is None or not local.isdigit():
            continue
        owner = b.kept.get(old_index.get(int(local)) or "")
        if owner is None or not _reads_only(el.text or "", owner):
            continue
        names.append(f'<definedName name="{name}" localSheetId="{owner.index}">{escape(el.text or "")}</definedName>')
    if names:
        out.append("<definedNames>" + "".join(names) + "</definedNames>")
    out.append(f'<calcPr calcId="{EXCEL_CALC_ID}"/></workbook>')
    b.out["xl/workbook.xml"] = "".join(out).encode()
    b.overrides["xl/workbook.xml"] = f"{_CT_MAIN}.sheet.main+xml"
    rels += [Rel(f"rId{len(b.kept) + 1}", f"{_DOC_R}/styles", "styles.xml"),
             Rel(f"rId{len(b.kept) + 2}", f"{_DOC_R}/sharedStrings", "sharedStrings.xml")]
    theme = next((r for r in read_rels(b.src, wb_part) if r.type.endswith("/theme") and not r.external), None)
    if theme is not None and theme.part(wb_part) in b.src:
        rels.append(Rel(f"rId{len(b.kept) + 3}", f"{_DOC_R}/theme", "theme/theme1.xml"))
    if b.keep_comments:
        person = next((r for r in read_rels(b.src, wb_part) if r.type.endswith("/person") and not r.external), None)
        if person is not None and person.part(wb_part) in b.src:
            b.out["xl/persons/person.xml"] = b.src[person.part(wb_part)]
            b.overrides["xl/persons/person.xml"] = "application/vnd.ms-excel.person+xml"
            rels.append(Rel(f"rId{len(rels) + 1}", person.type, "persons/person.xml"))
    b.out["xl/_rels/workbook.xml.rels"] = _write_rels(rels)


def _reads_only(text: str, k: _Kept) -> bool:
    """A print area or title that is a reference to its own sheet, and to nothing else."""
    for piece in text.split(","):
        match = _SHEET_REF.match(piece.strip())
        if not match:
            return False
        sheet = match[1].replace("''", "'") if match[1] else unquote_sheet(match[2])
        if sheet != k.name or not re.fullmatch(r"\$?[A-Z]{0,3}\$?\d*(?::\$?[A-Z]{0,3}\$?\d*)?", match[3]):
            return False
    return True


def _styles_and_theme(b: _Build, wb_part: str) -> None:
    """The styles (formats of the kept cells) without style names or extensions, and the theme."""
    for rel in read_rels(b.src, wb_part):
        if rel.external:
            continue
        target = rel.part(wb_part)
        if rel.type.endswith("/styles") and target in b.src:
            root = parse_xml(b.src[target], target)
            for el in list(root.iter(f"{_M}extLst")):
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)
            styles = root.find(f"{_M}cellStyles")
            for i, el in enumerate(styles if styles is not None else []):
                el.set("name", _BUILTIN_STYLES.get(el.get("builtinId") or "", f"Style {i + 1}"))
                el.attrib.pop("{http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac}uid", None)
            b.out["xl/styles.xml"] = to_xml(root)
            b.overrides["xl/styles.xml"] = f"{_CT_MAIN}.styles+xml"
        elif rel.type.endswith("/theme") and target in b.src:
            root = parse_xml(b.src[target], target)
            root.set("name", "Office Theme")
            for el in list(root.iter(f"{{{_A_NS}}}extLst")):
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)
            b.out["xl/theme/theme1.xml"] = to_xml(root)
            b.overrides["xl/theme/theme1.xml"] = "application/vnd.openxmlformats-officedocument.theme+xml"
    if "xl/styles.xml" not in b.out:
        b.out["xl/styles.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet '
                                  f'xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
                                  '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
                                  '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
                                  '<border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs '
                                  'count="1"><xf xfId="0"/></cellXfs></styleSheet>').encode()
        b.overrides["xl/styles.xml"] = f"{_CT_MAIN}.styles+xml"


_BUILTIN_STYLES: Final = {"0": "Normal", "3": "Comma", "4": "Currency", "5": "Percent", "6": "Comma [0]",
                          "7": "Currency [0]", "8": "Hyperlink", "9": "Followed Hyperlink"}
"""Excel's names of its built-in cell styles (ECMA-376 Part 1, 18.8.7): a style keeps no name a user typed."""


def _properties(b: _Build, figures: BookFigures, exported_on: dt.date) -> None:
    """Document properties written new from Settings; author and last editor only with --keep-comments."""
    matter = figures.matter.get("matter_name") or ""
    as_of = figures.as_of.isoformat() if figures.as_of else "(unknown)"
    personal = ""
    if b.keep_comments and "docProps/core.xml" in b.src:
        try:
            core = parse_xml(b.src["docProps/core.xml"], "docProps/core.xml")
        except WorkbookError:
            core = None
        for tag in _PERSONAL_CORE if core is not None else ():
            el = core.find(tag)
            if el is not None and el.text:
                prefix = "dc" if "purl.org" in tag else "cp"
                local = etree.QName(tag).localname
                personal += f"<{prefix}:{local}>{escape(el.text)}</{prefix}:{local}>"
    when = dt.datetime.combine(exported_on, dt.time()).strftime("%Y-%m-%dT%H:%M:%SZ")
    b.out["docProps/core.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(_xml_safe(matter))}</dc:title>"
        f"<dc:subject>HIPAA civil money penalty exposure, values as of {as_of}</dc:subject>{personal}"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>').encode()
    b.out["docProps/app.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/extended-properties"><Application>hipaa-xl</Application>'
        b"</Properties>")
    b.overrides["docProps/core.xml"] = "application/vnd.openxmlformats-package.core-properties+xml"
    b.overrides["docProps/app.xml"] = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    b.out["_rels/.rels"] = _write_rels([
        Rel("rId1", f"{_DOC_R}/officeDocument", "xl/workbook.xml"),
        Rel("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml"),
        Rel("rId3", f"{_DOC_R}/extended-properties", "docProps/app.xml"),
    ])


def _content_types(b: _Build) -> None:
    items = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
             '<Default Extension="xml" ContentType="application/xml"/>']
    items += [f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in b.overrides.items()
              if part in b.out]
    b.out["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types">' + "".join(items) + "</Types>").encode()


def _write_rels(rels: list[Rel]) -> bytes:
    from hipaa_xl.ooxml.opc import write_rels

    return write_rels(rels)


def _ordered(pkg: Package) -> Package:
    """The parts in the order Excel writes them: content types and package relationships first."""
    first = ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml", "xl/workbook.xml",
             "xl/_rels/workbook.xml.rels"]
    out = Package()
    for name in first + sorted(p for p in pkg if p not in first):
        if name in pkg:
            out[name] = pkg[name]
    return out


__all__ = ["AUDIENCES", "CODE_LIKE", "Audience", "ShareReport", "build_share", "resolve_target", "values_line"]
