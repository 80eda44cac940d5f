"""Writing computed values beside the formulas, and the two allowed edits of workbook.xml.

Each formula cell keeps its ``<f>`` and gets a ``<v>`` with the value: ``t="str"`` for text,
``t="b"`` for booleans, ``t="e"`` for errors (the bare code, e.g. ``#VALUE!``), no ``t`` for numbers.
A sheet part is re-serialised only when one of its values changed; every other part of the package
is left byte-identical. In workbook.xml ``calcPr`` declares current Excel's engine and loses
``fullCalcOnLoad`` (``hipaa_xl.excel_calc``: Excel would otherwise recalculate on open and show
``#NAME?`` wherever our functions are missing)
and the defined name ``HXL_AS_OF_USED`` records the as-of date used (an Excel serial number).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Final

from lxml import etree

from hipaa_xl.excel_calc import declare_current_engine
from hipaa_xl.recalc.reader import NO_CACHE, WorkbookPackage
from hipaa_xl.recalc.refs import cell_address
from hipaa_xl.recalc.values import ExcelError, round15

AS_OF_NAME: Final = "HXL_AS_OF_USED"


@dataclass(frozen=True)
class CellDifference:
    """A formula cell whose value in the file differs from the recalculated one."""

    sheet: str
    cell: str
    cached: Any
    computed: Any

    def line(self) -> str:
        return f"{self.sheet}!{self.cell}: file has {show_value(self.cached)}, recalculated {show_value(self.computed)}"


def show_value(value: Any) -> str:
    """A value the way a report line shows it."""
    if value is NO_CACHE:
        return "no value"
    if type(value) is ExcelError:
        return value.code
    if type(value) is str:
        return repr(value)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    return str(value)


def same_value(cached: Any, computed: Any) -> bool:
    """Whether a cached value shows the same as the computed one (numbers to 15 digits)."""
    if cached is NO_CACHE:
        return False
    tc, tv = type(cached), type(computed)
    if tc in (int, float) and tv in (int, float):
        return bool(round15(cached) == round15(computed)) or math.isclose(cached, computed, rel_tol=1e-12,
                                                                         abs_tol=1e-12)
    if tc is ExcelError or tv is ExcelError:
        return tc is tv and cached.code == computed.code
    if cached is None:
        return computed == "" and tv is str
    return tc is tv and bool(cached == computed)


_ILLEGAL_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text made safe for XML; control characters use OOXML's ``_xHHHH_`` escape."""
    text = re.sub(r"_(x[0-9A-Fa-f]{4})_", r"_x005F_\1_", text) if "_x" in text else text
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def number_text(value: Any) -> str:
    """A number as a ``<v>`` holds it (shortest text that reads back to the same double)."""
    if type(value) is int:
        return str(value) if abs(value) < 2**53 else repr(float(value))
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def encode(value: Any) -> tuple[str | None, str]:
    """(t attribute or None for numbers, ``<v>`` text) for a computed value."""
    t = type(value)
    if t is bool:
        return "b", "1" if value else "0"
    if t is int or t is float:
        return None, number_text(value)
    if t is ExcelError:
        return "e", value.code
    if t is str:
        return "str", _xml_text(value)
    return "str", _xml_text(str(value))


def _set_value(element: Any, tags: tuple[str, str, str, str], kind: str | None, text: str) -> None:
    """Give a ``<c>`` element the value (``tags``: the ``v``, ``is``, ``f`` and ``extLst`` tags of its part)."""
    v_tag, is_tag, f_tag, ext_tag = tags
    if kind is None:
        element.attrib.pop("t", None)
    else:
        element.set("t", kind)
    v_el = f_el = ext_el = None
    for child in element:
        tag = child.tag
        if tag == v_tag:
            v_el = child
        elif tag == f_tag:
            f_el = child
        elif tag == ext_tag:
            ext_el = child
        elif tag == is_tag:
            element.remove(child)
    if v_el is None:
        v_el = etree.Element(v_tag)
        if f_el is not None:
            f_el.addnext(v_el)
        elif ext_el is not None:
            ext_el.addprevious(v_el)
        else:
            element.append(v_el)
    v_el.text = text


def write_values(workbook: WorkbookPackage, package: Any) -> list[CellDifference]:
    """Put every computed value into its sheet; returns the cells whose cached value changed."""
    differences: list[CellDifference] = []
    for part in workbook.sheet_parts:
        ns = etree.QName(part.root).namespace or ""
        tags = (f"{{{ns}}}v", f"{{{ns}}}is", f"{{{ns}}}f", f"{{{ns}}}extLst")
        values = part.sheet.values
        changed = False
        for fc in part.formulas:
            cells: list[tuple[int, int, Any, Any]] = [(fc.row, fc.col, fc.element, fc.cached), *fc.covered]
            for row, col, element, cached in cells:
                value = values.get((row, col))
                kind, text = encode(value)
                same = same_value(cached, value)
                if same and (element.get("t") == kind or (kind is None and element.get("t") == "n")):
                    continue
                if not same:
                    differences.append(CellDifference(part.sheet.name, cell_address(row, col), cached, value))
                _set_value(element, tags, kind, text)
                changed = True
        if changed:
            package[part.part] = part.declaration + b"\n" + etree.tostring(part.root, encoding="UTF-8")
    return differences


def update_workbook_xml(workbook: WorkbookPackage, package: Any, as_of_serial: int) -> bool:
    """Declare current Excel's engine (no ``fullCalcOnLoad``), record ``HXL_AS_OF_USED``; True if changed."""
    root = workbook.workbook_root
    ns = etree.QName(root).namespace or ""
    changed = False
    if declare_current_engine(root):
        changed = True
    names = root.find(f"{{{ns}}}definedNames")
    if names is None:
        names = etree.Element(f"{{{ns}}}definedNames")
        anchor = None
        for tag in ("sheets", "functionGroups", "externalReferences"):
            found = root.find(f"{{{ns}}}{tag}")
            if found is not None:
                anchor = found
        if anchor is not None:
            anchor.addnext(names)
        else:
            root.append(names)
    text = str(as_of_serial)
    existing = [n for n in names if n.get("name", "").upper() == AS_OF_NAME and n.get("localSheetId") is None]
    if existing:
        if existing[0].text != text:
            existing[0].text = text
            changed = True
    else:
        entry = etree.SubElement(names, f"{{{ns}}}definedName")
        entry.set("name", AS_OF_NAME)
        entry.text = text
        changed = True
    if changed:
        package[workbook.workbook_part] = (workbook.workbook_declaration + b"\n"
                                           + etree.tostring(root, encoding="UTF-8"))
    return changed
