"""The cell styles of the generated sheets (Exposure and Summary), in the house palette of ``styles``."""

from __future__ import annotations

from hipaa_xl.workbook import styles
from hipaa_xl.workbook.styles import Dxf, Style

TITLE = Style(bold=True, size=16, color=styles.NAVY, valign=None)
SUBTITLE = Style(italic=True, size=9, color="FF595959", valign=None)
HEADER = Style(bold=True, color=styles.WHITE, fill=styles.NAVY, halign="center", valign="center", wrap=True, border=True)
TEXT = Style(border=True)
TEXT_WRAP = Style(border=True, wrap=True, size=9)
INT = Style(num_fmt=styles.INTEGER, border=True)
MONEY = Style(num_fmt=styles.CURRENCY, border=True)
DATE = Style(num_fmt=styles.DATE, border=True, halign="center")
CENTER = Style(border=True, halign="center")
CHECK = Style(border=True, wrap=True, size=9, color=styles.RED_TEXT)
LABEL = Style(bold=True, valign=None)
VALUE = Style(valign=None, halign="left")
VALUE_DATE = Style(num_fmt=styles.DATE, valign=None, halign="left")
TOTAL_TEXT = Style(bold=True, border=True, fill=styles.GREY_FILL)
TOTAL_TEXT_WRAP = Style(bold=True, border=True, fill=styles.GREY_FILL, wrap=True)
TOTAL_INT = Style(num_fmt=styles.INTEGER, bold=True, border=True, fill=styles.GREY_FILL)
TOTAL_MONEY = Style(num_fmt=styles.CURRENCY, bold=True, border=True, fill=styles.GREY_FILL)
GRAND_TEXT = Style(bold=True, border=True, fill=styles.BAND_FILL)
GRAND_INT = Style(num_fmt=styles.INTEGER, bold=True, border=True, fill=styles.BAND_FILL)
GRAND_MONEY = Style(num_fmt=styles.CURRENCY, bold=True, border=True, fill=styles.BAND_FILL)
CHOSEN = Style(num_fmt=styles.CURRENCY, border=True, fill=styles.INPUT_FILL, locked=False)
SECTION = Style(bold=True, size=12, color=styles.NAVY, valign=None)
NOTE = Style(size=9, wrap=True, valign="top")
STAMP = Style(size=8, italic=True, color="FF7F7F7F", valign=None)
STATUS = Style(bold=True, valign=None)
WARNING = Style(color=styles.RED_TEXT, bold=True, valign=None)
RED = Dxf(color=styles.RED_TEXT, fill=styles.RED_FILL, bold=True)
GREEN = Dxf(color=styles.GREEN_TEXT, fill=styles.GREEN_FILL)
