"""The share copy: a values-only workbook for readers without Python or the add-in.

Every formula is replaced by the value the workbook stores for it, so Excel, LibreOffice and viewers
show the refreshed figures and nothing recalculates them away. Styles, number formats, tables, the
chart, print setup and the user's sheets stay. What could run or reach outside goes: VBA, the
xlwings Lite binding and any other web extension or ActiveX control, macro assignments, external
links, defined names that are formulas or constants, and the calculation chain. By default the
comments, threaded comments and personal document properties (author, last modified by, company,
manager, custom properties) go too. The generated sheets (Exposure, Summary, Schedules) are
protected, and a line on Summary says as of when the values are and where to recalculate them.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from hipaa_xl.ooxml.calc import declare_current_engine
from hipaa_xl.ooxml.opc import (
    NS_CT,
    NS_MAIN,
    NS_R,
    read_rels,
    rels_name,
    resolve_target,
    sheets,
    to_xml,
    workbook_part,
    write_rels,
)
from hipaa_xl.report.book import BookFigures
from hipaa_xl.workbook import columns
from hipaa_xl.xlsxio import Package, package_from_bytes, parse_xml

_M = f"{{{NS_MAIN}}}"
_R = f"{{{NS_R}}}"
_CT = f"{{{NS_CT}}}"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
GENERATED_SHEETS = (columns.SUMMARY_SHEET, columns.EXPOSURE_SHEET, columns.SCHEDULES_SHEET, columns.OUTCOMES_SHEET)
VALUES_LINE_ROWS = (5, 6)
"""Summary rows that may hold the "Values as of" line: the first one left empty by refresh."""

CODE_LIKE = re.compile(r"vbaProject|vbaData|macrosheet|activeX|webextension|ctrlProp|customUI|"
                       r"(?<!printerSettings\d)(?<!printerSettings\d\d)\.bin$|\.vba$|\.js$|\.py$|oleObject|"
                       r"embeddings/", re.IGNORECASE)
"""Part names and content types that carry code or embedded programs (printer settings are not code)."""
_CODE_RELS = ("/vbaProject", "/activeXControl", "/webextensiontaskpanes", "/webextension", "/ui/extensibility",
              "/ctrlProp", "/oleObject", "/package", "/wsSortMap", "/xlMacrosheet", "/xlIntlMacrosheet",
              "/dialogsheet")
_COMMENT_RELS = ("/comments", "/threadedComment", "/person", "/vmlDrawing")
_PERSONAL_CORE = ("{http://purl.org/dc/elements/1.1/}creator",
                  "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy")
_PERSONAL_APP = ("Company", "Manager", "HyperlinkBase")
_REFERENCE = re.compile(
    r"^\s*(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?(?:[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?|"
    r"[A-Z]{1,3}:\$?[A-Z]{1,3}|\d+:\$?\d+)\s*$"
)
"""A plain cell, range, column or row reference, optionally sheet-qualified."""


@dataclass
class ShareReport:
    """What the share copy changed, for the CLI to print."""

    formulas_replaced: int = 0
    removed: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    values_line: str = ""

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = [f"replaced {self.formulas_replaced:,} formula(s) by their stored values"]
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


def build_share(data: bytes, figures: BookFigures, exported_on: dt.date,
                keep_comments: bool = False) -> tuple[Package, ShareReport]:
    """The values-only copy of ``data`` (never modified) and what was removed."""
    pkg = package_from_bytes(data).copy()
    report = ShareReport(values_line=values_line(figures, exported_on))
    wb = workbook_part(pkg)
    ct = parse_xml(pkg["[Content_Types].xml"])
    types = _content_types(ct)

    doomed: dict[str, str] = {}
    for part in list(pkg):
        kind = types.get(part, "")
        if CODE_LIKE.search(part) or CODE_LIKE.search(kind):
            doomed[part] = "code (VBA, add-in binding, controls or embedded objects)"
        elif "externalLink" in kind or part.startswith("xl/externalLinks/"):
            doomed[part] = "external links"
        elif "calcChain" in kind:
            doomed[part] = "calculation chain"
        elif part == "docProps/custom.xml":
            doomed[part] = "custom document properties"
        elif not keep_comments and (("comments" in kind) or "threadedcomment" in kind.casefold()
                                    or kind.endswith("person+xml") or part.startswith("xl/persons/")):
            doomed[part] = "comments and threaded comments"
    # relationships that point to code or to removed parts, from every rels part
    for rels_part in [p for p in pkg if p.endswith(".rels")]:
        source = _source_of(rels_part)
        rels = read_rels(pkg, source)
        kept = []
        for rel in rels:
            target = "" if rel.external else resolve_target(source, rel.target)
            code = rel.type.endswith(_CODE_RELS)
            comment = not keep_comments and rel.type.endswith(_COMMENT_RELS) and not _is_header_picture(pkg, target)
            if code or comment or target in doomed or rel.type.endswith("/externalLink"):
                if target and target in pkg and target not in doomed:
                    doomed[target] = "code (VBA, add-in binding, controls or embedded objects)" if code \
                        else "comments and threaded comments"
                continue
            kept.append(rel)
        if len(kept) != len(rels):
            pkg[rels_part] = write_rels(kept)

    for entry in sheets(pkg):
        if entry.part in pkg:
            pkg[entry.part] = _values_only_sheet(pkg, entry.name, entry.part, report)
    for part in [p for p in pkg if p.startswith("xl/drawings/") and p.endswith(".xml")]:
        pkg[part] = _no_macros(pkg[part])
    if keep_comments:
        for part in [p for p in pkg if p.endswith(".vml")]:
            pkg[part] = re.sub(rb"<x:FmlaMacro>.*?</x:FmlaMacro>", b"", pkg[part], flags=re.DOTALL)
    for part in [p for p in pkg if p.startswith("xl/tables/")]:
        pkg[part] = _table_without_formulas(pkg[part])

    pkg[wb] = _workbook_values_only(pkg[wb], report)
    for part in doomed:
        pkg.pop(part, None)
        pkg.pop(rels_name(part), None)
    for reason in dict.fromkeys(doomed.values()):
        parts = sorted(p for p, r in doomed.items() if r == reason)
        report.removed.append(f"{reason} ({', '.join(parts)})")
    for override in list(ct):
        name = (override.get("PartName") or "").lstrip("/")
        if override.tag == f"{_CT}Override" and (name in doomed or (name and name not in pkg)):
            ct.remove(override)
        elif override.tag == f"{_CT}Override" and override.get("ContentType") == MACRO_MAIN:
            override.set("ContentType", XLSX_MAIN)
        elif override.tag == f"{_CT}Default" and CODE_LIKE.search(override.get("ContentType", "")):
            ct.remove(override)
    pkg["[Content_Types].xml"] = to_xml(ct)
    if not keep_comments:
        _strip_personal(pkg, report)
    return pkg, report


def _content_types(ct: Any) -> dict[str, str]:
    defaults = {el.get("Extension", "").casefold(): el.get("ContentType", "") for el in ct
                if el.tag == f"{_CT}Default"}
    out: dict[str, str] = {}
    for el in ct:
        if el.tag == f"{_CT}Override":
            out[(el.get("PartName") or "").lstrip("/")] = el.get("ContentType", "")
    return _WithDefaults(out, defaults)


class _WithDefaults(dict[str, str]):
    def __init__(self, overrides: dict[str, str], defaults: dict[str, str]) -> None:
        super().__init__(overrides)
        self.defaults = defaults

    def get(self, key: str, default: Any = "") -> Any:
        if key in self:
            return self[key]
        ext = key.rsplit(".", 1)[-1].casefold() if "." in key else ""
        return self.defaults.get(ext, default)


def _source_of(rels_part: str) -> str:
    folder, base = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")]) if base != ".rels" else ""


def _is_header_picture(pkg: Package, target: str) -> bool:
    """A VML part used for header/footer pictures (legacyDrawingHF), which is not a comment."""
    return target.endswith(".vml") and b"<v:imagedata" in pkg.get(target, b"") and b"x:ClientData" not in pkg.get(
        target, b"")


def _values_only_sheet(pkg: Package, name: str, part: str, report: ShareReport) -> bytes:
    """The sheet with each formula replaced by its stored value (a text as an inline string), the
    elements pointing at removed parts dropped, protected when generated, the values line on Summary."""
    root = parse_xml(pkg[part])
    rel_ids = {r.rid for r in read_rels(pkg, part)}
    for cell in root.iter(f"{_M}c"):
        formula = cell.find(f"{_M}f")
        if formula is None:
            continue
        cell.remove(formula)
        report.formulas_replaced += 1
        cell.attrib.pop("cm", None)
        value = cell.find(f"{_M}v")
        if cell.get("t") == "str":
            text = value.text if value is not None and value.text else ""
            if value is not None:
                cell.remove(value)
            if not text:  # a formula's "" shows as a blank cell: keep it blank (style only)
                cell.attrib.pop("t", None)
                continue
            cell.set("t", "inlineStr")
            inline = etree.SubElement(cell, f"{_M}is")
            etree.SubElement(inline, f"{_M}t").text = text
            if text != text.strip():
                inline[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif value is None:
            cell.attrib.pop("t", None)
    for tag in ("legacyDrawing", "controls", "oleObjects", "legacyDrawingHF", "picture", "drawing"):
        for el in root.findall(f"{_M}{tag}"):
            rid = el.get(f"{_R}id")
            if rid is not None and rid not in rel_ids:
                root.remove(el)
    for sheet_pr in root.findall(f"{_M}sheetPr"):
        sheet_pr.attrib.pop("codeName", None)
    if name in GENERATED_SHEETS and root.find(f"{_M}sheetProtection") is None:
        _protect(root)
    if name in GENERATED_SHEETS:
        report.protected.append(name)
    if name == columns.SUMMARY_SHEET:
        _put_values_line(root, report.values_line)
    return to_xml(root)


def _protect(root: Any) -> None:
    protection = etree.Element(f"{_M}sheetProtection", sheet="1", objects="1", scenarios="1")
    anchor = root.find(f"{_M}sheetCalcPr")
    if anchor is None:
        anchor = root.find(f"{_M}sheetData")
    if anchor is not None:
        anchor.addnext(protection)


def _put_values_line(root: Any, text: str) -> None:
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
    cell = etree.Element(f"{_M}c", r=f"A{target}", t="inlineStr")
    if style is not None:
        cell.set("s", style)
    inline = etree.SubElement(cell, f"{_M}is")
    etree.SubElement(inline, f"{_M}t").text = text
    row.insert(0, cell)
    if "spans" in row.attrib:
        del row.attrib["spans"]


def _no_macros(xml: bytes) -> bytes:
    """Drawing shapes keep their look but lose any macro they were assigned."""
    return re.sub(rb'\smacro="[^"]*[^"\s][^"]*"', b' macro=""', xml)


def _table_without_formulas(xml: bytes) -> bytes:
    root = parse_xml(xml)
    changed = False
    for tag in ("calculatedColumnFormula", "totalsRowFormula"):
        for el in list(root.iter(f"{_M}{tag}")):
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
                changed = True
    return to_xml(root) if changed else xml


def _workbook_values_only(xml: bytes, report: ShareReport) -> bytes:
    root = parse_xml(xml)
    names = root.find(f"{_M}definedNames")
    dropped: list[str] = []
    if names is not None:
        for el in list(names):
            name, text = el.get("name", ""), (el.text or "")
            if name.startswith("_xlnm.Print_") or _is_reference(text):
                continue
            names.remove(el)
            dropped.append(name)
        if not len(names):
            root.remove(names)
    if dropped:
        report.removed.append("defined names that are formulas or constants (" + ", ".join(dropped) + ")")
    external = root.find(f"{_M}externalReferences")
    if external is not None:
        root.remove(external)
    pr = root.find(f"{_M}workbookPr")
    if pr is not None:
        pr.attrib.pop("codeName", None)
    declare_current_engine(root)
    return to_xml(root)


def _is_reference(text: str) -> bool:
    return all(_REFERENCE.match(piece) for piece in _split_union(text))


def _split_union(text: str) -> Iterable[str]:
    """``Sheet!$A$1:$B$2,Sheet!$1:$1`` into its references (commas inside quotes kept)."""
    out, current, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return out


def _strip_personal(pkg: Package, report: ShareReport) -> None:
    removed: list[str] = []
    core = pkg.get("docProps/core.xml")
    if core is not None:
        root = parse_xml(core)
        for tag in _PERSONAL_CORE:
            for el in root.findall(tag):
                root.remove(el)
                removed.append(etree.QName(tag).localname)
        pkg["docProps/core.xml"] = to_xml(root)
    app = pkg.get("docProps/app.xml")
    if app is not None:
        root = parse_xml(app)
        for el in list(root):
            if etree.QName(el).localname in _PERSONAL_APP:
                root.remove(el)
                removed.append(etree.QName(el).localname)
        pkg["docProps/app.xml"] = to_xml(root)
    if removed:
        report.removed.append("personal document properties (" + ", ".join(removed) + ")")
