"""The few OPC lookups refresh needs (relationships, sheets, defined names) on an xlsxio Package.

The package itself is :class:`hipaa_xl.xlsxio.Package` (decisions 16: refresh replaces only its own
parts; every other part keeps its bytes and zip entry metadata; parts written by hipaa-xl get a fixed
timestamp so ``new`` is deterministic). It is re-exported here for older imports.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from hipaa_xl.workbook.sheetxml import xml_attr
from hipaa_xl.xlsxio import Package, WorkbookFileError, lost_sheet_part, parse_xml

__all__ = ["Package", "Rel", "SheetEntry", "defined_names", "parse_xml", "read_rels", "relative_target", "rels_name",
           "resolve_target", "sheets", "to_xml", "workbook_part", "write_rels"]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = NS_R + "/worksheet"
REL_TABLE = NS_R + "/table"
REL_DRAWING = NS_R + "/drawing"
REL_CHART = NS_R + "/chart"
REL_CALC_CHAIN = NS_R + "/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
def to_xml(root: etree._Element) -> bytes:
    """Serialise a part with the standard declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_name(part: str) -> str:
    """The relationships part of ``part``: ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    """A relationship target made absolute (package-relative, no leading slash)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


@dataclass(frozen=True)
class Rel:
    rid: str
    type: str
    target: str
    external: bool = False


def read_rels(pkg: Package, part: str) -> list[Rel]:
    """The relationships of ``part`` (empty when it has none)."""
    data = pkg.get(rels_name(part))
    if data is None:
        return []
    out = []
    for el in parse_xml(data):
        out.append(
            Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""), el.get("TargetMode") == "External")
        )
    return out


def write_rels(rels: list[Rel]) -> bytes:
    """A relationships part."""
    items = "".join(
        f'<Relationship Id="{xml_attr(r.rid)}" Type="{xml_attr(r.type)}" Target="{xml_attr(r.target)}"'
        + (' TargetMode="External"' if r.external else "")
        + "/>"
        for r in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS_PKG_REL}">{items}</Relationships>'
    ).encode()


def relative_target(source_part: str, target_part: str) -> str:
    """``target_part`` written relative to ``source_part``'s folder."""
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    part: str
    index: int


def workbook_part(pkg: Package) -> str:
    """The main workbook part named by the package relationships."""
    for rel in read_rels(pkg, ""):
        if rel.type.endswith("/officeDocument"):
            return resolve_target("", rel.target)
    raise ValueError("no workbook part in the package")


def sheets(pkg: Package) -> list[SheetEntry]:
    """The worksheets in tab order, with their parts."""
    wb_part = workbook_part(pkg)
    root = parse_xml(pkg[wb_part])
    rels = {r.rid: r for r in read_rels(pkg, wb_part)}
    out: list[SheetEntry] = []
    sheets_el = root.find(f"{{{NS_MAIN}}}sheets")
    if sheets_el is None:
        return out
    for i, el in enumerate(sheets_el):
        rid = el.get(f"{{{NS_R}}}id", "")
        rel = rels.get(rid)
        part = resolve_target(wb_part, rel.target) if rel else ""
        if not part or part not in pkg:
            raise WorkbookFileError(lost_sheet_part(el.get("name", ""), rid, part))
        out.append(SheetEntry(el.get("name", ""), int(el.get("sheetId", "0")), rid, part, i))
    return out


def defined_names(pkg: Package) -> dict[tuple[str, int | None], str]:
    """Defined names as {(name, localSheetId or None): formula text}."""
    root = parse_xml(pkg[workbook_part(pkg)])
    out: dict[tuple[str, int | None], str] = {}
    names = root.find(f"{{{NS_MAIN}}}definedNames")
    if names is None:
        return out
    for el in names:
        local = el.get("localSheetId")
        out[(el.get("name", ""), int(local) if local is not None else None)] = el.text or ""
    return out
