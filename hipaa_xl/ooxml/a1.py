"""A1 references, defined once: column letters, cell addresses, ranges and quoted sheet names.

Excel's grid is 1,048,576 rows by 16,384 columns (A to XFD). A sheet name in a formula is quoted
with apostrophes unless it is a plain name (letters, digits and underscores, not starting with a
digit, not readable as a reference such as ``A1`` or ``R2C3``), and an apostrophe inside it is
doubled: ``'Bob''s notes'!A1``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

MAX_ROW: Final = 1_048_576
MAX_COL: Final = 16_384


@lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    """1 for A, 27 for AA (letters are upper-case)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


@lru_cache(maxsize=4096)
def column_letters(index: int) -> str:
    """A for 1, AA for 27."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_address(row: int, col: int, absolute: bool = False) -> str:
    """``B7`` for row 7, column 2 (``$B$7`` when ``absolute``)."""
    if absolute:
        return f"${column_letters(col)}${row}"
    return f"{column_letters(col)}{row}"


_CELL: Final = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_cell(address: str) -> tuple[int, int]:
    """(row, col) of an address such as ``B7`` or ``$B$7``; ValueError otherwise."""
    match = _CELL.match(address)
    if not match:
        raise ValueError(f"not a cell address: {address!r}")
    return int(match[2]), column_index(match[1].upper())


def parse_range(text: str) -> tuple[int, int, int, int]:
    """(r1, c1, r2, c2) of ``A1:C3`` or of a single cell."""
    first, _, last = text.partition(":")
    r1, c1 = parse_cell(first)
    r2, c2 = parse_cell(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


_LOOKS_LIKE_A_REFERENCE: Final = re.compile(r"^(?:[A-Za-z]{1,3}\d+|[Rr]\d*(?:[Cc]\d*)?|[Cc]\d*)$")


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: ``Incidents``, ``'My notes'``, ``'Bob''s'``, ``'A1'``."""
    plain = name.replace("_", "").isalnum() and not name[0].isdigit() if name else False
    if plain and not _LOOKS_LIKE_A_REFERENCE.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def unquote_sheet(text: str) -> str:
    """The sheet name in a formula's ``'Bob''s notes'`` (or a plain name) as the tab shows it."""
    text = text.strip()
    if len(text) >= 2 and text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def split_sheet_ref(text: str) -> tuple[str, int, int]:
    """``'My notes'!$B$5`` -> ("My notes", 5, 2); ValueError when it is not a sheet and one cell."""
    sheet, bang, cell = text.strip().lstrip("=").rpartition("!")
    if not bang:
        raise ValueError(f"{text!r} names no sheet")
    row, col = parse_cell(cell.strip())
    return unquote_sheet(sheet), row, col
