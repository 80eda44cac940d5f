"""Put the generated Exposure and Summary parts into a package, leaving every other part alone.

Decisions 16: refresh rewrites only its own parts (its two sheets, their rels, table, drawing and
chart, the defined names it owns, calcChain) and appends the styles it needs; workbook.xml declares
current Excel's calculation engine without ``fullCalcOnLoad`` (``hipaa_xl.ooxml.calc``). Threaded
comments, x14 extensions, Custom XML, VBA and the Incidents sheet keep their bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml.calc import declare_current_engine
from hipaa_xl.ooxml.opc import (
    CT_CHART,
    CT_DRAWING,
    CT_TABLE,
    CT_WORKSHEET,
    NS_CT,
    NS_MAIN,
    NS_R,
    REL_CHART,
    REL_DRAWING,
    REL_TABLE,
    REL_WORKSHEET,
    Rel,
    read_rels,
    relative_target,
    rels_name,
    resolve_target,
    sheets,
    to_xml,
    workbook_part,
    write_rels,
)
from hipaa_xl.ooxml.package import Package, parse_xml

_M = f"{{{NS_MAIN}}}"


@dataclass
class GeneratedSheet:
    """One generated sheet: its XML, and optionally a table and a chart."""

    name: str
    xml: bytes
    table: bytes | None = None
    drawing: bytes | None = None
    chart: bytes | None = None


def styles_part(pkg: Package) -> str:
    """The styles part of the workbook."""
    wb = workbook_part(pkg)
    for rel in read_rels(pkg, wb):
        if rel.type.endswith("/styles"):
            return resolve_target(wb, rel.target)
    raise WorkbookError("the workbook is damaged: it has no styles part")


def _content_types(pkg: Package) -> etree._Element:
    root: etree._Element = parse_xml(pkg["[Content_Types].xml"], "[Content_Types].xml")
    return root


def _set_override(ct: etree._Element, part: str, content_type: str | None) -> None:
    name = "/" + part
    for el in ct.findall(f"{{{NS_CT}}}Override"):
        if el.get("PartName") == name:
            if content_type is None:
                ct.remove(el)
            else:
                el.set("ContentType", content_type)
            return
    if content_type is not None:
        el = etree.SubElement(ct, f"{{{NS_CT}}}Override")
        el.set("PartName", name)
        el.set("ContentType", content_type)


def _drop_related(pkg: Package, part: str, ct: etree._Element, seen: set[str]) -> None:
    """Delete the parts a generated part owned (tables, drawings, charts, their own rels)."""
    for rel in read_rels(pkg, part):
        if rel.external:
            continue
        target = resolve_target(part, rel.target)
        if target in seen or target not in pkg:
            continue
        if rel.type.endswith(("/table", "/drawing", "/chart", "/chartUserShapes", "/printerSettings",
                              "/comments", "/vmlDrawing", "/image")) or "chart" in rel.type:
            seen.add(target)
            _drop_related(pkg, target, ct, seen)
            pkg.pop(target, None)
            _set_override(ct, target, None)
    pkg.pop(rels_name(part), None)


def _free_name(pkg: Package, pattern: str) -> str:
    n = 1
    while pattern.format(n) in pkg:
        n += 1
    return pattern.format(n)


def _table_ids(pkg: Package) -> set[int]:
    ids = set()
    for name, data in pkg.items():
        if name.startswith("xl/tables/") and name.endswith(".xml"):
            m = re.search(rb'<(?:\w+:)?table\b[^>]*\bid="(\d+)"', data)
            if m:
                ids.add(int(m.group(1)))
    return ids


def _ensure_sheet(pkg: Package, wb_root: etree._Element, name: str, after: str | None) -> str:
    """The part of sheet ``name``, creating an empty sheet (tab after ``after``) when missing."""
    for entry in sheets(pkg):
        if entry.name == name:
            return entry.part
    wb = workbook_part(pkg)
    rels = read_rels(pkg, wb)
    used = {r.rid for r in rels}
    n = 1
    while f"rId{n}" in used:
        n += 1
    rid = f"rId{n}"
    part = _free_name(pkg, "xl/worksheets/sheet{}.xml")
    pkg[part] = b""
    rels.append(Rel(rid, REL_WORKSHEET, relative_target(wb, part)))
    pkg[rels_name(wb)] = write_rels(rels)
    sheets_el = wb_root.find(f"{_M}sheets")
    assert sheets_el is not None
    ids = [int(s.get("sheetId", "0")) for s in sheets_el]
    new = etree.Element(f"{_M}sheet")
    new.set("name", name)
    new.set("sheetId", str(max(ids, default=0) + 1))
    new.set(f"{{{NS_R}}}id", rid)
    position = len(sheets_el)
    for i, s in enumerate(sheets_el):
        if s.get("name") == after:
            position = i + 1
    sheets_el.insert(position, new)
    _renumber_local_names(wb_root, position)
    return part


def _renumber_local_names(wb_root: etree._Element, inserted_at: int) -> None:
    names = wb_root.find(f"{_M}definedNames")
    if names is None:
        return
    for el in names:
        local = el.get("localSheetId")
        if local is not None and int(local) >= inserted_at:
            el.set("localSheetId", str(int(local) + 1))


def set_defined_name(wb_root: etree._Element, name: str, text: str, local: int | None = None) -> None:
    """Add or replace one defined name in workbook.xml."""
    names = wb_root.find(f"{_M}definedNames")
    if names is None:
        names = etree.Element(f"{_M}definedNames")
        anchor = wb_root.find(f"{_M}sheets")
        assert anchor is not None
        anchor.addnext(names)
    for el in names:
        same_local = el.get("localSheetId") == (None if local is None else str(local))
        if el.get("name", "").casefold() == name.casefold() and same_local:
            el.text = text
            return
    el = etree.SubElement(names, f"{_M}definedName")
    el.set("name", name)
    if local is not None:
        el.set("localSheetId", str(local))
    el.text = text


def splice(
    pkg: Package,
    generated: list[GeneratedSheet],
    styles_xml: bytes | None,
    names: dict[tuple[str, str | None], str],
) -> None:
    """Replace the generated sheets' parts in ``pkg`` in place.

    ``names`` maps (defined name, sheet name for a sheet-scoped name or None) to its formula text.
    """
    wb = workbook_part(pkg)
    wb_root = parse_xml(pkg[wb])
    ct = _content_types(pkg)
    previous = "Incidents"
    for gen in generated:
        part = _ensure_sheet(pkg, wb_root, gen.name, previous)
        previous = gen.name
        _drop_related(pkg, part, ct, set())
        pkg[part] = gen.xml
        _set_override(ct, part, CT_WORKSHEET)
        rels: list[Rel] = []
        if gen.table is not None:
            table_part = _free_name(pkg, "xl/tables/table{}.xml")
            ids = _table_ids(pkg)
            table_id = 1
            while table_id in ids:
                table_id += 1
            xml = gen.table.replace(b'id="0"', f'id="{table_id}"'.encode(), 1)
            pkg[table_part] = xml
            _set_override(ct, table_part, CT_TABLE)
            rels.append(Rel("rId1", REL_TABLE, relative_target(part, table_part)))
        if gen.drawing is not None and gen.chart is not None:
            drawing_part = _free_name(pkg, "xl/drawings/drawing{}.xml")
            pkg[drawing_part] = gen.drawing
            chart_part = _free_name(pkg, "xl/charts/chart{}.xml")
            pkg[chart_part] = gen.chart
            chart_rel = Rel("rId1", REL_CHART, relative_target(drawing_part, chart_part))
            pkg[rels_name(drawing_part)] = write_rels([chart_rel])
            _set_override(ct, drawing_part, CT_DRAWING)
            _set_override(ct, chart_part, CT_CHART)
            rels.append(Rel("rId2", REL_DRAWING, relative_target(part, drawing_part)))
        if rels:
            pkg[rels_name(part)] = write_rels(rels)
    if styles_xml is not None:
        pkg[styles_part(pkg)] = styles_xml
    # calcChain: Excel rebuilds it; a stale one makes Excel repair the file
    wb_rels = read_rels(pkg, wb)
    kept = []
    for rel in wb_rels:
        if rel.type.endswith("/calcChain"):
            target = resolve_target(wb, rel.target)
            pkg.pop(target, None)
            _set_override(ct, target, None)
        else:
            kept.append(rel)
    if len(kept) != len(wb_rels):
        pkg[rels_name(wb)] = write_rels(kept)
    sheets_el = wb_root.find(f"{_M}sheets")
    sheet_index = {s.get("name"): i for i, s in enumerate(sheets_el if sheets_el is not None else [])}
    for (name, sheet), text in names.items():
        set_defined_name(wb_root, name, text, None if sheet is None else sheet_index[sheet])
    declare_current_engine(wb_root)
    pkg[wb] = to_xml(wb_root)
    pkg["[Content_Types].xml"] = to_xml(ct)


_OWN_CHART_NAME = "Exposure by year"
_OWN_CHART_TITLE = b"Maximum exposure by calendar year"
_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_ANCHORS = ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor")
_WHAT = {
    "/comments": "a comment (note)",
    "/threadedComment": "a threaded comment",
    "/vmlDrawing": "a comment or form control",
    "/pivotTable": "a pivot table",
    "/image": "a background picture",
    "/oleObject": "an embedded object",
    "/control": "a form control",
    "/ctrlProp": "a form control",
    "/slicer": "a slicer",
    "/timeline": "a timeline",
    "/queryTable": "a query table",
}


def _drawing_objects(pkg: Package, drawing: str) -> list[str]:
    """What a user put in a drawing part; empty when it holds only refresh's own chart."""
    root = parse_xml(pkg[drawing])
    anchors = [el for el in root if etree.QName(el).localname in _ANCHORS]
    # our chart, also after a round trip through a tool that renames it (openpyxl says "Chart 1")
    own_chart = any(
        _OWN_CHART_TITLE in pkg.get(resolve_target(drawing, rel.target), b"")
        for rel in read_rels(pkg, drawing) if rel.type.endswith("/chart")
    )
    found: list[str] = []
    own_seen = False
    for anchor in anchors:
        names = {etree.QName(el).localname for el in anchor.iter() if isinstance(el.tag, str)}
        c_nv = next((el for el in anchor.iter(f"{{{_DRAWING_NS}}}cNvPr")), None)
        own = "graphicFrame" in names and (own_chart or (c_nv is not None and c_nv.get("name") == _OWN_CHART_NAME))
        if own and not own_seen and not names & {"pic", "sp", "grpSp", "cxnSp"}:
            own_seen = True
            continue
        if "pic" in names:
            found.append("a picture")
        elif "graphicFrame" in names:
            found.append("a chart")
        else:
            found.append("a shape or text box")
    for rel in read_rels(pkg, drawing):
        if not rel.type.endswith("/chart") and not rel.type.endswith("/image"):
            found.append("an embedded object")
    return found


def foreign_objects(pkg: Package, generated: tuple[str, ...], own_tables: dict[str, str]) -> list[str]:
    """User objects on the generated sheets that a refresh would delete, as "Summary: a picture".

    Refresh rebuilds the generated sheets from scratch; only its own table (``own_tables``: sheet ->
    table name) and its own chart may be there. Cells typed on those sheets (other than Chosen) are
    not objects and are documented as replaced.
    """
    out: list[str] = []
    for entry in sheets(pkg):
        if entry.name not in generated or entry.part not in pkg:
            continue
        what: list[str] = []
        for rel in read_rels(pkg, entry.part):
            target = resolve_target(entry.part, rel.target)
            if rel.external:
                what.append("a link to an outside object")
            elif rel.type.endswith("/drawing"):
                if target in pkg:
                    what.extend(_drawing_objects(pkg, target))
            elif rel.type.endswith("/table"):
                data = pkg.get(target, b"")
                m = re.search(rb'\bdisplayName="([^"]*)"', data)
                if m is None or m.group(1).decode("utf-8", "replace") != own_tables.get(entry.name):
                    what.append("a table")
            elif rel.type.endswith("/printerSettings"):
                continue
            else:
                kind = next((text for suffix, text in _WHAT.items() if rel.type.endswith(suffix)), None)
                what.append(kind or f"an object ({rel.type.rsplit('/', 1)[-1]})")
        for item in dict.fromkeys(what):
            out.append(f"{entry.name}: {item}")
    return out
