"""Writing computed values beside the formulas, and the two allowed edits of workbook.xml.

Each formula cell keeps its ``<f>`` and gets a ``<v>`` with the value: ``t="str"`` for text,
``t="b"`` for booleans, ``t="e"`` for errors (the bare code, e.g. ``#VALUE!``), no ``t`` for numbers.
A sheet part is rewritten only when one of its values changed, and then as a patch of its bytes:
only the ``<c>`` elements whose value changed are touched (their ``t`` attribute, ``<v>``, and an
``<is>`` a formula cell should not have), so every other byte of the part, and every other part of
the package, stays identical, and no XML tree of the sheet is built (memory stays bounded).
In workbook.xml ``calcPr`` declares current Excel's engine and loses ``fullCalcOnLoad``
(``hipaa_xl.ooxml.calc``: Excel would otherwise recalculate on open and show ``#NAME?`` wherever our
functions are missing)
and the defined name ``HXL_AS_OF_USED`` records the as-of date used (an Excel serial number).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any, Final
from xml.sax.saxutils import escape

from lxml import etree

from hipaa_xl.ooxml.a1 import cell_address, column_index
from hipaa_xl.ooxml.calc import declare_current_engine
from hipaa_xl.recalc.reader import NO_CACHE, WorkbookPackage
from hipaa_xl.recalc.values import ExcelError, round15

AS_OF_NAME: Final = "HXL_AS_OF_USED"


@dataclass(frozen=True, slots=True)
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


_CELL_ATTR_T: Final = re.compile(rb"""\s+t\s*=\s*(?:"[^"]*"|'[^']*')""")


class _PartSyntax:
    """The byte patterns of one sheet part, for its namespace prefix (``<c>`` or ``<x:c>``)."""

    def __init__(self, data: bytes) -> None:
        root = re.search(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>/]", data[:65536])
        p = re.escape(root[1]) if root is not None and root[1] else b""
        self.prefix = root[1] if root is not None and root[1] else b""
        self.tokens = re.compile(  # a row start (group 1, its r in 2) or a whole cell (its r in 3 and 4)
            rb"(<" + p + rb"row\b(?:\s+r=\"(\d+)\")?[^>]*>)|<" + p
            + rb"c(?=[\s/>])(?:\s+r=\"([A-Z]{1,3})(\d+)\")?[^>]*?(?:/>|>.*?</" + p + rb"c>)", re.S)
        self.row_r = re.compile(rb"""\sr\s*=\s*["']?(\d+)""")
        self.cell_r = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)["']""")
        self.inline = re.compile(rb"<" + p + rb"is\b(?:[^>]*/>|.*?</" + p + rb"is>)", re.S)
        self.value = re.compile(rb"<" + p + rb"v(?=[\s/>])(?:[^>]*/>|[^>]*>.*?</" + p + rb"v>)", re.S)
        self.formula_end = re.compile(rb"</" + p + rb"f>|<" + p + rb"f\b[^>]*/>")
        self.ext = re.compile(rb"<" + p + rb"extLst\b")
        prefix = self.prefix
        self.close, self.f_close = b"</" + prefix + b"c>", b"</" + prefix + b"f>"
        self.v_start, self.v_open, self.v_close = b"<" + prefix + b"v", b"<" + prefix + b"v>", b"</" + prefix + b"v>"

    def patch(self, cell: bytes, kind: str | None, text: str) -> bytes:
        """``cell`` (one ``<c>`` element) with the value ``text`` of type ``kind``."""
        close = self.close
        head_end = cell.index(b">")
        if cell[head_end - 1] == 47:  # "/": an empty <c .../>
            head, body = cell[: head_end - 1], b""
        else:
            head, body = cell[:head_end], cell[head_end + 1: len(cell) - len(close)]
        if b"t" in head[2:]:
            head = _CELL_ATTR_T.sub(b"", head)
        if kind is not None:
            head += b' t="' + kind.encode() + b'"'
        if b"is" in body:
            body = self.inline.sub(b"", body)
        v = self.v_open + (escape(text).encode() if kind == "str" else text.encode()) + self.v_close
        at = body.find(self.v_start)
        if at >= 0 and (found := self.value.match(body, at)) is not None:
            return head + b">" + body[:at] + v + body[found.end():] + close
        end_f = body.find(self.f_close)
        if end_f >= 0:
            end_f += len(self.f_close)
            return head + b">" + body[:end_f] + v + body[end_f:] + close
        if (after := self.formula_end.search(body)) is not None:
            body = body[: after.end()] + v + body[after.end():]
        elif (ext := self.ext.search(body)) is not None:
            body = body[: ext.start()] + v + body[ext.start():]
        else:
            body += v
        return head + b">" + body + close


def _patch_part(data: bytes, wanted: set[int], values: dict[tuple[int, int], Any]) -> bytes:
    """The part's bytes with each cell of ``wanted`` (``row * 16384 + col``) given its computed value.

    Cells are located exactly as the reader does: by their ``r`` attribute, or without one, as the
    next column of the current row (the row from ``<row r>``, or the next row without one). Every
    byte outside the patched cells is copied as it is.
    """
    syntax = _PartSyntax(data)
    out = io.BytesIO()
    last = 0
    row = col = 0
    letters_to_col: dict[bytes, int] = {}
    for match in syntax.tokens.finditer(data):
        if match.start(1) >= 0:  # <row ...>
            found_row = match[2] or (m[1] if (m := syntax.row_r.search(match[1])) else None)
            row = int(found_row) if found_row else row + 1
            col = 0
            continue
        letters = match[3]
        if letters is not None:
            col = letters_to_col.get(letters) or letters_to_col.setdefault(letters, column_index(letters.decode()))
            row = int(match[4])
        else:
            token = match.group()
            found = syntax.cell_r.search(token, 0, token.index(b">") + 1)
            if found is not None:
                col = column_index(found[1].decode().upper())
                row = int(found[2])
            else:
                col += 1
        if row * _ROW_STRIDE + col not in wanted:
            continue
        out.write(data[last: match.start()])
        out.write(syntax.patch(match.group(), *encode(values.get((row, col)))))
        last = match.end()
    out.write(data[last:])
    return out.getvalue()


_ROW_STRIDE: Final = 16384  # Excel's column count: row * stride + col is one int per cell


def write_values(workbook: WorkbookPackage, package: Any) -> list[CellDifference]:
    """Put every computed value into its sheet; returns the cells whose cached value changed."""
    differences: list[CellDifference] = []
    for part in workbook.sheet_parts:
        values = part.sheet.values
        wanted: set[int] = set()
        for fc in part.formulas:
            cells: list[tuple[int, int, str | None, Any]] = [(fc.row, fc.col, fc.kind, fc.cached), *fc.covered]
            for row, col, had, cached in cells:
                value = values.get((row, col))
                same = same_value(cached, value)
                if same:
                    kind = encode(value)[0]
                    if had == kind or (kind is None and had == "n"):
                        continue
                else:
                    differences.append(CellDifference(part.sheet.name, cell_address(row, col), cached, value))
                wanted.add(row * _ROW_STRIDE + col)
        if wanted:
            package[part.part] = _patch_part(package[part.part], wanted, values)
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
