"""Plain-text tables that read in an 80-column terminal and when piped to a file.

No box drawing and no cell wrapping: each column is as wide as its widest cell, numbers and
amounts are right-aligned, and a table that would run past the width drops its widest text column
onto a line of its own above each row, so no amount or name is ever cut or broken into fragments.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Sequence
from typing import Literal

from hipaa_xl.money import dollars

WIDTH = 80
"""The width every table and note is laid out for: a terminal's default, and what a pipe gets."""


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """A column's heading and alignment (numbers and amounts right, text left)."""

    heading: str
    align: Literal["left", "right"] = "left"


def money(value: object) -> str:
    """Whole dollars with thousands separators (``$2,190,294``); anything else as text."""
    return dollars(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def count(value: object) -> str:
    """A whole number with thousands separators; anything else as text."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _cell(text: str, width: int, align: str) -> str:
    return text.rjust(width) if align == "right" else text.ljust(width)


def table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], indent: int = 0, width: int = WIDTH
) -> list[str]:
    """The lines of a table: a heading line, then one line per row, columns two spaces apart.

    When the table is wider than ``width``, the first column goes on a line of its own above the
    rest of its row (the rest indented two more spaces), so a long name stays whole; a blank first
    cell (the same name as the row above) then takes no line.
    """
    return sectioned_table(columns, [("", rows)], indent, width)[1:]


def sectioned_table(
    columns: Sequence[Column],
    sections: Sequence[tuple[str, Sequence[Sequence[str]]]],
    indent: int = 2,
    width: int = WIDTH,
    total: Sequence[str] | None = None,
) -> list[str]:
    """One table in sections (e.g. one per entity): each section's title on a line of its own, its
    rows below, the columns aligned across every section, then ``total`` (a row with no headings)
    after a blank line; laid out as ``table`` describes."""
    rows = [r for _, section_rows in sections for r in section_rows] + ([list(total)] if total else [])
    widths = [max([len(c.heading), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    pad = " " * indent

    def line(cells: Sequence[str], cols: Sequence[Column], ws: Sequence[int], lead: str) -> str:
        return (lead + "  ".join(_cell(t, w, c.align) for t, c, w in zip(cells, cols, ws, strict=True))).rstrip()

    flat = indent + sum(widths) + 2 * (len(widths) - 1) <= width or len(columns) < 2
    out: list[str] = []
    for title, section_rows in sections:
        out.append(title)
        if flat:
            out.append(line([c.heading for c in columns], columns, widths, pad))
            out += [line(r, columns, widths, pad) for r in section_rows]
            continue
        out += [pad + columns[0].heading, line([c.heading for c in columns[1:]], columns[1:], widths[1:], pad + "  ")]
        for r in section_rows:
            if r[0]:
                out.append(pad + r[0])
            out.append(line(r[1:], columns[1:], widths[1:], pad + "  "))
    if total:
        out.append("")
        if flat:
            out.append(line(total, columns, widths, pad))
        else:
            out += [pad + total[0], line(total[1:], columns[1:], widths[1:], pad + "  ")]
    return out


def paragraph(text: str, indent: str = "", width: int = WIDTH) -> list[str]:
    """Prose wrapped at word boundaries to ``width`` (a word longer than the line stays whole)."""
    return textwrap.wrap(
        " ".join(text.split()), width=width, initial_indent=indent, subsequent_indent=indent,
        break_long_words=False, break_on_hyphens=False,
    )
