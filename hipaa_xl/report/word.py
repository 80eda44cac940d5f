"""The Word toolkit the memo is written with: amounts and counts as a lawyer reads them, headings,
paragraphs, tables with repeated header rows and fixed widths, page fields, page orientation.

python-docx (a well-kept library for .docx) writes the document; the few things it has no call for
(cell shading, repeated header rows, PAGE/NUMPAGES fields) are written as their OOXML elements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from hipaa_xl.money import dollars

NAVY = RGBColor(0x1F, 0x38, 0x64)
RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x59, 0x59, 0x59)
BODY_FONT = "Times New Roman"
TABLE_FONT_PT = 8.5


def money(value: Any) -> str:
    """$1,234 (-$1,234) for a number; an error text (``#N/A``) or a blank as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return dollars(value)
    return str(value)


def count(value: Any) -> str:
    """1,234 for a number; anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.0f}"
    return "" if value is None else str(value)


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else "(not recorded)"


def add_heading(doc: DocumentObject, text: str, level: int = 1) -> Paragraph:
    p: Paragraph = doc.add_heading(text, level=level)
    for run in p.runs:
        run.font.color.rgb = NAVY
        run.font.name = BODY_FONT
    return p


def add_para(doc: DocumentObject, text: str = "", bold: bool = False, size: float | None = None,
          italic: bool = False, tight: bool = False) -> Paragraph:
    p = doc.add_paragraph()
    if tight:
        p.paragraph_format.space_after = Pt(1)
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    return p


def add_table(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float] | None = None, right: Sequence[int] = (), bold_rows: Sequence[int] = (),
              font_pt: float = TABLE_FONT_PT, space_after: bool = True) -> Table:
    """A table with a navy header row repeated on each page; ``right`` columns right-aligned."""
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(font_pt)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shade(cell, "1F3864")
    repeat_header(table.rows[0])
    for r_index, row in enumerate(rows):
        cells = table.rows[r_index + 1].cells
        for i, text in enumerate(row):
            cells[i].text = ""
            cell_para = cells[i].paragraphs[0]
            run = cell_para.add_run(text)
            run.font.size = Pt(font_pt)
            run.bold = r_index in bold_rows
            if i in right:
                cell_para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r_index in bold_rows:
                shade(cells[i], "E7E6E6")
    if widths:
        set_widths(table, widths)
    if space_after:
        doc.add_paragraph()
    return table


def set_widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for i, width in enumerate(widths):
        table.columns[i].width = Inches(width)
        for cell in table.columns[i].cells:
            cell.width = Inches(width)


def shade(cell: Any, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def repeat_header(row: Any) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def add_field(paragraph: Paragraph, code: str, size: float) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) in ``paragraph``."""
    run = paragraph.add_run()
    run.font.size = Pt(size)
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    text = OxmlElement("w:t")
    text.text = "1"
    run._r.append(text)
    run._r.append(end)




def orient(section: Any, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = Inches(11), Inches(8.5)
    section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)


def fitted_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total: float = 6.5) -> list[float]:
    """Column widths (inches): wide enough for each column's longest word (a date stays on one line),
    the rest shared in proportion to the longest text of each column."""
    floors, weights = [], []
    for i, header in enumerate(headers):
        texts = [header] + [r[i] for r in rows if i < len(r)]
        word = max(len(w) for t in texts for w in (t.split() or [""]))
        floors.append(max(0.4, 0.06 * min(word, 14) + 0.12))
        weights.append(min(max(len(t) for t in texts), 150))
    spare = total - sum(floors)
    if spare <= 0:
        return [total * f / sum(floors) for f in floors]
    return [f + spare * w / sum(weights) for f, w in zip(floors, weights, strict=True)]


def cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return "" if value is None else str(value)
