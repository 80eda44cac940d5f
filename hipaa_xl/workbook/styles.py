"""Cell styles of the generated sheets, appended to a workbook's ``styles.xml`` without disturbing it.

Decisions 16: refresh rewrites only its own parts. The generated sheets need their own fonts, fills,
borders and number formats; they are appended to ``styles.xml`` (an identical entry already there is
reused, so refreshing twice appends nothing) and every existing index keeps its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lxml is imported where styles.xml is edited, so that Style and StyleList need no lxml
    from lxml import etree

from hipaa_xl.ooxml.names import NS_MAIN

NS = NS_MAIN
_N = f"{{{NS}}}"

# Colours of the house style (ARGB).
NAVY = "FF1F3864"
WHITE = "FFFFFFFF"
GREY_FILL = "FFF2F2F2"
BAND_FILL = "FFDDEBF7"
INPUT_FILL = "FFFFF2CC"
RED_TEXT = "FF9C0006"
RED_FILL = "FFFFC7CE"
GREEN_TEXT = "FF006100"
GREEN_FILL = "FFC6EFCE"
BORDER = "FFBFBFBF"

CURRENCY = '"$"#,##0;[Red]-"$"#,##0;"$"0'
INTEGER = "#,##0"
DATE = "yyyy-mm-dd"

_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}
_SECTION_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)


@dataclass(frozen=True)
class Style:
    """One cell format: number format, font, fill, border, alignment and protection."""

    num_fmt: str = "General"
    bold: bool = False
    italic: bool = False
    size: float = 10
    color: str | None = None
    fill: str | None = None
    border: bool = False
    halign: str | None = None
    valign: str | None = "top"
    wrap: bool = False
    locked: bool = True
    indent: int = 0


@dataclass(frozen=True)
class Dxf:
    """A differential format for conditional formatting: font colour, fill, bold."""

    color: str | None = None
    fill: str | None = None
    bold: bool = False


def _font_xml(s: Style) -> str:
    parts = ["<font>"]
    if s.bold:
        parts.append("<b/>")
    if s.italic:
        parts.append("<i/>")
    parts.append(f'<sz val="{s.size:g}"/>')
    parts.append(f'<color rgb="{s.color}"/>' if s.color else '<color theme="1"/>')
    parts.append('<name val="Calibri"/><family val="2"/><scheme val="minor"/></font>')
    return "".join(parts)


def _fill_xml(rgb: str | None) -> str:
    if rgb is None:
        return '<fill><patternFill patternType="none"/></fill>'
    return f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor indexed="64"/></patternFill></fill>'


def _border_xml(on: bool) -> str:
    if not on:
        return "<border><left/><right/><top/><bottom/><diagonal/></border>"
    side = f'style="thin"><color rgb="{BORDER}"/>'
    return (
        f"<border><left {side}</left><right {side}</right><top {side}</top>"
        f"<bottom {side}</bottom><diagonal/></border>"
    )


def _dxf_xml(d: Dxf) -> str:
    font = ""
    if d.color or d.bold:
        font = "<font>" + ("<b/>" if d.bold else "") + (f'<color rgb="{d.color}"/>' if d.color else "") + "</font>"
    fill = f'<fill><patternFill><bgColor rgb="{d.fill}"/></patternFill></fill>' if d.fill else ""
    return f"<dxf>{font}{fill}</dxf>"


def _parse(fragment: str) -> etree._Element:
    from lxml import etree

    return etree.fromstring(f'<x xmlns="{NS}">{fragment}</x>')[0]


def _canon(el: etree._Element) -> bytes:
    from lxml import etree

    return etree.tostring(el, method="c14n")


class StyleBook:
    """``styles.xml`` opened for appending: ``xf(style)`` and ``dxf(d)`` return indices to use."""

    def __init__(self, styles_xml: bytes) -> None:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
        self.root = etree.fromstring(styles_xml, parser)
        self.changed = False
        self._cache: dict[Style, int] = {}
        self._dxf_cache: dict[Dxf, int] = {}

    def _section(self, name: str) -> etree._Element:
        from lxml import etree

        found = self.root.find(_N + name)
        if found is not None:
            return found
        el = etree.Element(_N + name)
        later = _SECTION_ORDER[_SECTION_ORDER.index(name) + 1 :]
        for i, child in enumerate(self.root):
            if etree.QName(child).localname in later:
                self.root.insert(i, el)
                break
        else:
            self.root.append(el)
        self.changed = True
        return el

    def _find_or_append(self, section: str, fragment: str) -> int:
        sec = self._section(section)
        new = _parse(fragment)
        key = _canon(new)
        for i, child in enumerate(sec):
            if _canon(child) == key:
                return i
        sec.append(new)
        sec.set("count", str(len(sec)))
        self.changed = True
        return len(sec) - 1

    def _num_fmt(self, code: str) -> int:
        from lxml import etree

        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        sec = self._section("numFmts")
        used = [163]
        for child in sec:
            used.append(int(child.get("numFmtId", "0")))
            if child.get("formatCode") == code:
                return int(child.get("numFmtId", "0"))
        new_id = max(used) + 1
        el = etree.SubElement(sec, _N + "numFmt")
        el.set("numFmtId", str(new_id))
        el.set("formatCode", code)
        sec.set("count", str(len(sec)))
        self.changed = True
        return new_id

    def xf(self, s: Style) -> int:
        """The cellXfs index of ``s``, appended when no identical entry exists."""
        if s in self._cache:
            return self._cache[s]
        num = self._num_fmt(s.num_fmt)
        font = self._find_or_append("fonts", _font_xml(s))
        fill = self._find_or_append("fills", _fill_xml(s.fill))
        border = self._find_or_append("borders", _border_xml(s.border))
        align_attrs = []
        if s.halign:
            align_attrs.append(f'horizontal="{s.halign}"')
        if s.valign:
            align_attrs.append(f'vertical="{s.valign}"')
        if s.wrap:
            align_attrs.append('wrapText="1"')
        if s.indent:
            align_attrs.append(f'indent="{s.indent}"')
        align = f"<alignment {' '.join(align_attrs)}/>" if align_attrs else ""
        protection = "" if s.locked else '<protection locked="0"/>'
        frag = (
            f'<xf numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
            f'applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"'
            f'{" applyProtection=" + chr(34) + "1" + chr(34) if protection else ""}>{align}{protection}</xf>'
        )
        index = self._find_or_append("cellXfs", frag)
        self._cache[s] = index
        return index

    def dxf(self, d: Dxf) -> int:
        """The dxfs index of ``d`` (for conditional formatting)."""
        if d not in self._dxf_cache:
            self._dxf_cache[d] = self._find_or_append("dxfs", _dxf_xml(d))
        return self._dxf_cache[d]

    def to_bytes(self) -> bytes:
        """The styles part, serialised."""
        from lxml import etree

        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class StyleList:
    """The styles of generated cells kept as :class:`Style` objects (no styles.xml): what a writer
    through Excel's object model needs (the refresh of an open workbook, in xlwings or xlwings Lite)."""

    styles: list[Style] = field(default_factory=list)
    dxfs: list[Dxf] = field(default_factory=list)

    def xf(self, s: Style) -> int:
        """The index of ``s`` in :attr:`styles`."""
        if s not in self.styles:
            self.styles.append(s)
        return self.styles.index(s)

    def dxf(self, d: Dxf) -> int:
        """The index of ``d`` in :attr:`dxfs`."""
        if d not in self.dxfs:
            self.dxfs.append(d)
        return self.dxfs.index(d)
