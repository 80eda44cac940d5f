"""The parts of a workbook package: namespaces, relationships, the workbook part, sheets, defined names.

One reading for the workbook code (refresh, the button, the inputs) and the recalc reader alike,
Transitional and Strict OOXML included (ECMA-376 Part 1, 18.2 and Part 2, 9: a relationship's
``Target`` is relative to its source part's folder unless it starts with ``/``; Strict uses the
``purl.oclc.org`` namespaces). Parts are read from a :class:`hipaa_xl.ooxml.package.Package`; the zip
itself is :mod:`hipaa_xl.ooxml.package`'s, the safety checks :mod:`hipaa_xl.ooxml.admission`'s.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from hipaa_xl.errors import WorkbookError
from hipaa_xl.ooxml.names import (  # re-exported
    CT_CHART as CT_CHART,
)
from hipaa_xl.ooxml.names import (
    CT_DRAWING as CT_DRAWING,
)
from hipaa_xl.ooxml.names import (
    CT_TABLE as CT_TABLE,
)
from hipaa_xl.ooxml.names import (
    CT_WORKSHEET as CT_WORKSHEET,
)
from hipaa_xl.ooxml.names import (
    NS_CT as NS_CT,
)
from hipaa_xl.ooxml.names import (
    NS_MAIN as NS_MAIN,
)
from hipaa_xl.ooxml.names import (
    NS_PKG_REL as NS_PKG_REL,
)
from hipaa_xl.ooxml.names import (
    NS_R as NS_R,
)
from hipaa_xl.ooxml.names import (
    NS_STRICT_MAIN as NS_STRICT_MAIN,
)
from hipaa_xl.ooxml.names import (
    NS_STRICT_R as NS_STRICT_R,
)
from hipaa_xl.ooxml.names import (
    REL_CHART as REL_CHART,
)
from hipaa_xl.ooxml.names import (
    REL_DRAWING as REL_DRAWING,
)
from hipaa_xl.ooxml.names import (
    REL_TABLE as REL_TABLE,
)
from hipaa_xl.ooxml.names import (
    REL_WORKSHEET as REL_WORKSHEET,
)
from hipaa_xl.ooxml.package import Package, lost_sheet_part, parse_xml


def spreadsheet_namespace(root: Any) -> str:
    """The SpreadsheetML namespace a part uses (Transitional or Strict)."""
    return etree.QName(root).namespace or NS_MAIN


def relationship_namespace(spreadsheet_ns: str) -> str:
    """The namespace of ``r:id`` attributes that goes with a SpreadsheetML namespace."""
    return NS_STRICT_R if spreadsheet_ns == NS_STRICT_MAIN else NS_R


def is_type(rel_type: str, kind: str) -> bool:
    """Whether a relationship type is ``kind`` (``worksheet``, ``table``...) in either namespace."""
    return rel_type.endswith("/" + kind)


def to_xml(root: etree._Element) -> bytes:
    """Serialise a part with the standard declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_name(part: str) -> str:
    """The relationships part of ``part``: ``xl/worksheets/_rels/sheet1.xml.rels`` ("" is the package)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    """A relationship target made absolute (package-relative, no leading slash)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative_target(source_part: str, target_part: str) -> str:
    """``target_part`` written relative to ``source_part``'s folder."""
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


@dataclass(frozen=True)
class Rel:
    """One relationship: its id, type, target as written, and whether it points outside the package."""

    rid: str
    type: str
    target: str
    external: bool = False

    def part(self, source_part: str) -> str:
        """The part this relationship points to ("" for an external target)."""
        return "" if self.external else resolve_target(source_part, self.target)


def read_rels(pkg: Package, part: str) -> list[Rel]:
    """The relationships of ``part`` (empty when it has none)."""
    name = rels_name(part)
    data = pkg.get(name)
    if data is None:
        return []
    out = []
    for el in parse_xml(data, name):
        if etree.QName(el).localname != "Relationship":
            continue
        out.append(Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""), el.get("TargetMode") == "External"))
    return out


def write_rels(rels: list[Rel]) -> bytes:
    """A relationships part."""
    items = "".join(
        f"<Relationship Id={quoteattr(r.rid)} Type={quoteattr(r.type)} Target={quoteattr(r.target)}"
        + (' TargetMode="External"' if r.external else "")
        + "/>"
        for r in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS_PKG_REL}">{items}</Relationships>'
    ).encode()


def workbook_part(pkg: Package) -> str:
    """The main workbook part named by the package relationships (``xl/workbook.xml`` as a fallback)."""
    for rel in read_rels(pkg, ""):
        if is_type(rel.type, "officeDocument") and not rel.external:
            return rel.part("")
    if "xl/workbook.xml" in pkg:
        return "xl/workbook.xml"
    raise WorkbookError("the file is not an Excel workbook (no workbook part)")


@dataclass(frozen=True)
class SheetEntry:
    """One sheet of the workbook: its tab name, id, relationship, part and tab position."""

    name: str
    sheet_id: int
    rid: str
    part: str
    index: int
    rel_type: str = ""
    """The relationship type: a worksheet, or a chartsheet, dialog or macro sheet."""

    @property
    def is_worksheet(self) -> bool:
        return is_type(self.rel_type, "worksheet")


def sheets(pkg: Package, partless: list[SheetEntry] | None = None) -> list[SheetEntry]:
    """The sheets in tab order, with their parts; a sheet whose part cannot be reached is refused
    (:class:`~hipaa_xl.errors.WorkbookError`), as Excel reports such a file as damaged.

    With ``partless`` given, an entry whose relationship id is empty (``r:id=""``, as Excel saves a
    very hidden macro sheet that has no part) is not refused: it is appended there, with no part and
    no relationship type, and left out of the result."""
    wb_part = workbook_part(pkg)
    root = parse_xml(pkg[wb_part], wb_part)
    ns = spreadsheet_namespace(root)
    rel_ns = relationship_namespace(ns)
    rels = {r.rid: r for r in read_rels(pkg, wb_part)}
    out: list[SheetEntry] = []
    sheets_el = root.find(f"{{{ns}}}sheets")
    for i, el in enumerate(sheets_el if sheets_el is not None else []):
        rid = el.get(f"{{{rel_ns}}}id", "")
        if partless is not None and rid == "" and f"{{{rel_ns}}}id" in el.attrib:
            sheet_id = el.get("sheetId", "0")
            partless.append(SheetEntry(el.get("name", ""), int(sheet_id) if sheet_id.isdigit() else 0, "", "", i))
            continue
        rel = rels.get(rid)
        part = rel.part(wb_part) if rel else ""
        if not part or part not in pkg:
            raise WorkbookError(lost_sheet_part(el.get("name", ""), rid, part))
        sheet_id = el.get("sheetId", "0")
        out.append(SheetEntry(el.get("name", ""), int(sheet_id) if sheet_id.isdigit() else 0, rid, part, i,
                              rel.type if rel else ""))
    return out


def defined_names(pkg: Package) -> dict[tuple[str, int | None], str]:
    """Defined names as {(name, localSheetId or None): formula text}."""
    part = workbook_part(pkg)
    root = parse_xml(pkg[part], part)
    ns = spreadsheet_namespace(root)
    out: dict[tuple[str, int | None], str] = {}
    names = root.find(f"{{{ns}}}definedNames")
    for el in names if names is not None else []:
        local = el.get("localSheetId")
        out[(el.get("name", ""), int(local) if local is not None and local.isdigit() else None)] = el.text or ""
    return out
