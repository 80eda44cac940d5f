"""What every sheet ``new`` lays out with openpyxl shares: its fonts and fills, the title in rows 1-2,
a user table's header row, and the print setup with the page header and footer (decisions 24)."""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hipaa_xl.workbook import columns, theme

TITLE = Font(name="Calibri", size=16, bold=True, color=theme.NAVY)
SUBTITLE = Font(name="Calibri", size=10, italic=True, color=theme.GREY_TEXT)
HEADER_FONT = Font(name="Calibri", size=10, bold=True, color=theme.WHITE)
HEADER_FILL = PatternFill("solid", fgColor=theme.NAVY)
INPUT_FILL = PatternFill("solid", fgColor=theme.INPUT_FILL)
LABEL = Font(name="Calibri", size=10, bold=True)
BODY = Font(name="Calibri", size=10)
_THIN = Side(style="thin", color=theme.BORDER)
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
VALIDATION_ROWS = 5000
"""How far down the Incidents and Matter dropdowns reach."""


def header_text(text: str) -> str:
    """Text for a page header or footer: "&" starts a code there, so a literal one is written "&&"."""
    return text.replace("&", "&&")


def print_setup(ws: Worksheet, header_row: int, matter: str, as_of: dt.date | None) -> None:
    """Landscape, one page wide, the header row repeated, and the legend in the header and footer."""
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    header_footer(ws, matter, as_of)


def header_footer(ws: Worksheet, matter: str = "", as_of: dt.date | None = None) -> None:
    """Decisions 24: confidentiality legend, matter, sheet and as-of date, page X of Y on every page.

    The user sheets are not rewritten by refresh (decisions 16), so their header carries the matter
    and the as-of date known when ``new`` wrote them (the blank template's as-of follows TODAY()).
    """
    ws.oddHeader.left.text = header_text(columns.CONFIDENTIAL)
    ws.oddHeader.left.size = 8
    if matter:
        ws.oddHeader.center.text = header_text(matter)
        ws.oddHeader.center.size = 8
    ws.oddHeader.right.text = "&A" + (f" - as of {as_of.isoformat()}" if as_of else "")
    ws.oddHeader.right.size = 8
    ws.oddFooter.left.text = "hipaa-xl"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8


def title(ws: Worksheet, text: str, subtitle: str) -> None:
    """The sheet's title in A1 and the line that says what it is for in A2."""
    ws["A1"] = text
    ws["A1"].font = TITLE
    ws["A2"] = subtitle
    ws["A2"].font = SUBTITLE
    ws.row_dimensions[1].height = 24


def column_headers(ws: Worksheet, h: int, headers: tuple[columns.IncidentColumn, ...]) -> None:
    """A user table's header row ``h``: navy headings, each column's hint above it, its width."""
    for i, col in enumerate(headers, start=1):
        cell = ws.cell(row=h, column=i, value=col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.cell(row=h - 1, column=i, value=col.help).font = Font(size=8, italic=True, color=theme.GREY_TEXT)
        ws.cell(row=h - 1, column=i).alignment = Alignment(wrap_text=True, vertical="bottom")
        ws.column_dimensions[get_column_letter(i)].width = col.width
