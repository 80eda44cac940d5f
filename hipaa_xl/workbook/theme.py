"""The house style of every sheet hipaa-xl writes: one palette and one set of number formats.

The sheets ``new`` builds with openpyxl (``sheets/``) take the colours as RGB hex; the sheets written
as XML (``styles.py``) take them as ARGB, the same colours made opaque with ``argb``.
"""

from __future__ import annotations

NAVY = "1F3864"
"""Titles and header rows."""
WHITE = "FFFFFF"
GREY_TEXT = "595959"
"""Hints and subtitles."""
GREY_FILL = "F2F2F2"
BAND_FILL = "DDEBF7"
INPUT_FILL = "FFF2CC"
"""Cells the user types in."""
RED_TEXT = "9C0006"
RED_FILL = "FFC7CE"
GREEN_TEXT = "006100"
GREEN_FILL = "C6EFCE"
BORDER = "BFBFBF"
INPUT_TAB = "FFC000"
"""The tabs of the sheets the user fills in (Incidents, Settings, Matter)."""

CURRENCY = '"$"#,##0;[Red]-"$"#,##0;"$"0'
INTEGER = "#,##0"
DATE = "yyyy-mm-dd"


def argb(rgb: str) -> str:
    """An RGB hex colour as opaque ARGB (``1F3864`` -> ``FF1F3864``)."""
    return "FF" + rgb
