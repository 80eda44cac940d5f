"""A small, fast writer of worksheet XML for the generated sheets (Exposure, Summary).

Refresh writes these parts itself instead of an openpyxl round trip (decisions 16), so that every
other part of the user's package is copied unchanged. Text is always written as an inline string,
never as a formula: a value typed by a user that begins with "=" stays text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol
from xml.sax.saxutils import escape

from hipaa_xl.excel_dates import date_to_serial
from hipaa_xl.ooxml.a1 import column_letters
from hipaa_xl.ooxml.names import NS_MAIN, NS_R
from hipaa_xl.workbook.styles import Dxf, Style

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = {'"': "&quot;"}


PROTECTION = ('<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" '
              'formatRows="0" sort="0" autoFilter="0"/>')
"""The protection of a generated sheet (no password: it guards against slips, not people)."""


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``text`` without the leading "="."""

    text: str


CellValue = Formula | str | int | float | bool | dt.date | None


def xml_text(text: str) -> str:
    """Text made safe for XML: characters XML cannot hold removed, markup escaped."""
    return escape(_ILLEGAL.sub("", text))


def xml_attr(text: str) -> str:
    """Text made safe for an XML attribute value."""
    return escape(_ILLEGAL.sub("", text), _ATTR)


def excel_string(text: str) -> str:
    """A string literal inside a formula: quoted, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def serial(day: dt.date) -> int:
    """The Excel serial number of a date (1900 date system)."""
    return int(date_to_serial(day))


def column_letter(col: int) -> str:
    """The letters of a 1-based column number: A for 1, AA for 27."""
    return column_letters(col)


class StyleSink(Protocol):
    """Where a sheet's styles go: ``StyleBook`` (styles.xml) or ``StyleList`` (the object model)."""

    def xf(self, s: Style) -> int: ...

    def dxf(self, d: Dxf) -> int: ...


def ref(row: int, col: int, absolute: bool = False) -> str:
    """A1 reference of (row, col), 1-based."""
    letter = column_letter(col)
    return f"${letter}${row}" if absolute else f"{letter}{row}"


@dataclass
class PageSetup:
    """Print settings of a generated sheet."""

    landscape: bool = True
    fit_width: bool = True
    header: str = ""
    footer: str = ""


@dataclass
class SheetWriter:
    """Cells, columns and sheet features of one generated worksheet."""

    styles: StyleSink
    rows: dict[int, dict[int, tuple[CellValue, int | None]]] = field(default_factory=dict)
    widths: dict[int, tuple[float, bool]] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    cond_formats: list[tuple[str, str, int]] = field(default_factory=list)
    freeze: tuple[int, int] | None = None
    tab_color: str | None = None
    page: PageSetup = field(default_factory=PageSetup)
    drawing_rid: str | None = None
    table_rids: list[str] = field(default_factory=list)
    autofilter: str | None = None
    row_breaks: list[int] = field(default_factory=list)
    """Manual page breaks: a new printed page starts after each of these rows."""
    protect: bool = True
    """Protect the sheet (not in a workbook bound to xlwings Lite, whose script cannot lift protection)."""

    def set(self, row: int, col: int, value: CellValue, style: Style | None = None) -> None:
        """Put ``value`` at (row, col) with ``style``."""
        self.rows.setdefault(row, {})[col] = (value, self.styles.xf(style) if style else None)

    def width(self, col: int, width: float, hidden: bool = False) -> None:
        """Column width in characters."""
        self.widths[col] = (width, hidden)

    def cond(self, sqref: str, formula: str, dxf: Dxf) -> None:
        """A conditional format: ``dxf`` where ``formula`` (relative to the range's top left) is true."""
        self.cond_formats.append((sqref, formula, self.styles.dxf(dxf)))

    def max_col(self) -> int:
        return max((max(cells) for cells in self.rows.values() if cells), default=1)

    def max_row(self) -> int:
        return max(self.rows, default=1)

    def _cell(self, row: int, col: int, value: CellValue, s: int | None) -> str:
        r = ref(row, col)
        sa = f' s="{s}"' if s else ""
        if value is None:
            return f'<c r="{r}"{sa}/>'
        if isinstance(value, Formula):
            return f'<c r="{r}"{sa}><f>{xml_text(value.text)}</f></c>'
        if isinstance(value, bool):
            return f'<c r="{r}"{sa} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, dt.datetime):
            return f'<c r="{r}"{sa}><v>{serial(value.date())}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{r}"{sa}><v>{serial(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{r}"{sa}><v>{value!r}</v></c>'
        return f'<c r="{r}"{sa} t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}</t></is></c>'

    def to_xml(self, selected: bool = False) -> bytes:
        """The worksheet part."""
        out: list[str] = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        ]
        tab = f'<tabColor rgb="{self.tab_color}"/>' if self.tab_color else ""
        fit = '<pageSetUpPr fitToPage="1"/>' if self.page.fit_width else ""
        out.append(f"<sheetPr>{tab}{fit}</sheetPr>")
        out.append(f'<dimension ref="A1:{ref(self.max_row(), self.max_col())}"/>')
        grid = ' showGridLines="0"'
        sel = ' tabSelected="1"' if selected else ""
        if self.freeze:
            frow, fcol = self.freeze
            top_left = ref(frow, fcol)
            xs = f' xSplit="{fcol - 1}"' if fcol > 1 else ""
            ys = f' ySplit="{frow - 1}"' if frow > 1 else ""
            pane_name = "bottomRight" if fcol > 1 and frow > 1 else ("bottomLeft" if frow > 1 else "topRight")
            pane = (
                f'<pane{xs}{ys} topLeftCell="{top_left}" activePane="{pane_name}" state="frozen"/>'
                f'<selection pane="{pane_name}" activeCell="{top_left}" sqref="{top_left}"/>'
            )
        else:
            pane = '<selection activeCell="A1" sqref="A1"/>'
        out.append(f'<sheetViews><sheetView{grid}{sel} workbookViewId="0">{pane}</sheetView></sheetViews>')
        out.append('<sheetFormatPr defaultRowHeight="15"/>')
        if self.widths:
            out.append("<cols>")
            for col in sorted(self.widths):
                w, hidden = self.widths[col]
                h = ' hidden="1"' if hidden else ""
                out.append(f'<col min="{col}" max="{col}" width="{w:g}" customWidth="1"{h}/>')
            out.append("</cols>")
        out.append("<sheetData>")
        for row in sorted(self.rows):
            cells = self.rows[row]
            ht = self.row_heights.get(row)
            hattr = f' ht="{ht:g}" customHeight="1"' if ht else ""
            out.append(f'<row r="{row}"{hattr}>')
            out.extend(self._cell(row, col, *cells[col]) for col in sorted(cells))
            out.append("</row>")
        out.append("</sheetData>")
        if self.protect:  # the user's own cells are on Incidents and Settings
            out.append(PROTECTION)
        if self.autofilter:
            out.append(f'<autoFilter ref="{self.autofilter}"/>')
        if self.merges:
            out.append(f'<mergeCells count="{len(self.merges)}">')
            out.extend(f'<mergeCell ref="{m}"/>' for m in self.merges)
            out.append("</mergeCells>")
        for prio, (sqref, formula, dxf) in enumerate(self.cond_formats, start=1):
            out.append(
                f'<conditionalFormatting sqref="{sqref}"><cfRule type="expression" dxfId="{dxf}" '
                f'priority="{prio}"><formula>{xml_text(formula)}</formula></cfRule></conditionalFormatting>'
            )
        out.append('<printOptions horizontalCentered="1"/>')
        out.append('<pageMargins left="0.4" right="0.4" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
        orient = "landscape" if self.page.landscape else "portrait"
        fitattrs = ' fitToWidth="1" fitToHeight="0"' if self.page.fit_width else ""
        out.append(f'<pageSetup paperSize="1" orientation="{orient}"{fitattrs}/>')
        if self.page.header or self.page.footer:
            out.append(
                f"<headerFooter><oddHeader>{xml_text(self.page.header)}</oddHeader>"
                f"<oddFooter>{xml_text(self.page.footer)}</oddFooter></headerFooter>"
            )
        if self.row_breaks:
            breaks = sorted(set(self.row_breaks))
            out.append(f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">')
            out.extend(f'<brk id="{b}" max="16383" man="1"/>' for b in breaks)
            out.append("</rowBreaks>")
        if self.drawing_rid:
            out.append(f'<drawing r:id="{self.drawing_rid}"/>')
        if self.table_rids:
            out.append(f'<tableParts count="{len(self.table_rids)}">')
            out.extend(f'<tablePart r:id="{rid}"/>' for rid in self.table_rids)
            out.append("</tableParts>")
        out.append("</worksheet>")
        return "".join(out).encode("utf-8")
