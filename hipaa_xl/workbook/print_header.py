"""The printed page header and footer of every sheet: one definition for refresh, the share copy and
the template's generated sheets (decisions 24, 53). Imports no lxml at module level: the layout code
that uses :func:`page_header` also runs inside xlwings Lite.

The header carries the confidentiality legend (left), the matter name from Settings (centre), and the
sheet and the as-of date (right); the footer "hipaa-xl" and "Page X of Y". A share copy for readers
outside the privilege carries no legend. Excel codes start with ``&``, so a literal one is doubled;
a section longer than Excel's 255-character limit for the whole header is shortened.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from hipaa_xl.workbook import columns

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
MAX_HEADER_CHARS: Final = 255
"""Excel refuses a header or footer longer than this (it reports the file as damaged)."""
SHEET_NAME_CODE: Final = "&A"
FOOTER: Final = "&L&8hipaa-xl&R&8Page &P of &N"
_ORDER: Final = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
)
"""The children of a worksheet in schema order (ECMA-376 Part 1, 18.3.1.99)."""
WORKSHEET_ORDER: Final = {name: i for i, name in enumerate(_ORDER)}


def literal(text: str) -> str:
    """Text for a header section: one line, "&" doubled (Excel reads "&" as the start of a code)."""
    return " ".join(_CONTROL.sub(" ", text).split()).replace("&", "&&")


def page_header(matter_name: str, as_of: dt.date | None, title: str = SHEET_NAME_CODE,
                legend: str | None = columns.CONFIDENTIAL) -> str:
    """The header: legend (none for a copy outside the privilege), matter, sheet title and as-of date.

    ``title`` is a literal sheet name, or ``&A`` (Excel prints the sheet's own name).
    """
    right = (title if title == SHEET_NAME_CODE else literal(title)) + (
        f" - as of {as_of.isoformat()}" if as_of else "")
    left = literal(legend) if legend else ""
    budget = MAX_HEADER_CHARS - len(left) - len(right) - 15
    centre = literal(matter_name)
    if len(centre) > budget:
        centre = centre[: max(0, budget - 3)].rstrip("&") + "..."
    return (f"&L&8{left}" if left else "") + (f"&C&8{centre}" if centre else "") + f"&R&8{right}"


_SIZE_SPACE = re.compile(r"(&\d+) ")


def _normal(text: str | None) -> str:
    """A header as Excel reads it: openpyxl writes a space after a font-size code, Excel does not need one."""
    return _SIZE_SPACE.sub(r"\1", text or "")


def with_header_footer(xml: bytes, header: str, footer: str = FOOTER) -> bytes | None:
    """``xml`` (a worksheet part) with this header and footer on every page; None when it has them already.

    Only the bytes of ``headerFooter`` change (or a new one is inserted at its schema place): every
    other byte of the user's sheet stays as it was (decisions 16).
    """
    from xml.sax.saxutils import escape

    from lxml import etree

    from hipaa_xl.ooxml.package import parse_xml

    root = parse_xml(xml)
    ns = etree.QName(root).namespace or ""
    q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)
    current = root.find(q("headerFooter"))
    if current is not None and _same(current, header, footer):
        return None
    prefix = (root.prefix + ":") if root.prefix else ""
    new = (f"<{prefix}headerFooter><{prefix}oddHeader>{escape(header)}</{prefix}oddHeader><{prefix}oddFooter>"
           f"{escape(footer)}</{prefix}oddFooter></{prefix}headerFooter>").encode()
    tail = xml.find(f"</{prefix}sheetData>".encode())
    tail = 0 if tail < 0 else tail
    if current is not None:
        found = re.compile(rf"<{re.escape(prefix)}headerFooter\b(?:[^>]*/>|.*?</{re.escape(prefix)}headerFooter>)"
                           .encode(), re.DOTALL).search(xml, tail)
        if found is None:
            return None
        return xml[: found.start()] + new + xml[found.end():]
    rank = WORKSHEET_ORDER["headerFooter"]
    follower = next((el for el in root if isinstance(el.tag, str)
                     and WORKSHEET_ORDER.get(etree.QName(el).localname, len(_ORDER)) > rank), None)
    if follower is None:
        at = xml.rfind(f"</{prefix}worksheet>".encode())
    else:
        match = re.compile(rf"<{re.escape(prefix)}{etree.QName(follower).localname}[\s/>]".encode()).search(xml, tail)
        at = match.start() if match else -1
    if at < 0:
        return None
    return xml[:at] + new + xml[at:]


def make_header_footer(root: Any, header: str, footer: str) -> Any:
    """A ``headerFooter`` element in ``root``'s namespace with an odd (every-page) header and footer."""
    from lxml import etree

    ns = etree.QName(root).namespace or ""
    q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)
    new = root.makeelement(q("headerFooter"), {})
    etree.SubElement(new, q("oddHeader")).text = header
    etree.SubElement(new, q("oddFooter")).text = footer
    return new


def _same(current: Any, header: str, footer: str) -> bool:
    from lxml import etree

    if any(current.get(a) not in (None, "0", "false") for a in ("differentOddEven", "differentFirst")):
        return False
    texts = {etree.QName(el).localname: el.text or "" for el in current}
    if any(texts.get(k) for k in ("evenHeader", "evenFooter", "firstHeader", "firstFooter")):
        return False
    return _normal(texts.get("oddHeader")) == _normal(header) and _normal(texts.get("oddFooter")) == _normal(footer)


def place(root: Any, element: Any) -> None:
    """Insert ``element`` among a worksheet's children at its schema position."""
    from lxml import etree

    rank = WORKSHEET_ORDER[etree.QName(element).localname]
    follower = next((el for el in root if isinstance(el.tag, str)
                     and WORKSHEET_ORDER.get(etree.QName(el).localname, len(_ORDER)) > rank), None)
    if follower is not None:
        follower.addprevious(element)
    else:
        root.append(element)
