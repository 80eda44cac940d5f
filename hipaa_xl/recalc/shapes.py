"""The relative "shape" of a formula (column letters, addresses and ranges are :mod:`hipaa_xl.ooxml.a1`'s).

Many rows carry the same formula shifted by one row (``=CMP_MAX(E2,F2)``, ``=CMP_MAX(E3,F3)``...).
:func:`formula_shape` rewrites every relative reference as an offset from the formula's own cell
(R1C1 style), so those rows share one key and the evaluator compiles the formula once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from hipaa_xl.ooxml.a1 import MAX_COL, MAX_ROW, column_index

__all__ = ["RefPart", "RowTemplate", "formula_shape", "parse_ref_part", "render_rows", "shape_parts"]


@dataclass(frozen=True, slots=True)
class RefPart:
    """One end of an A1 reference: index and whether it is absolute ($). ``index`` 0 = not given."""

    index: int
    absolute: bool


_REF_PART: Final = re.compile(r"^(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?$")


def parse_ref_part(text: str) -> tuple[RefPart, RefPart] | None:
    """(row, col) parts of ``$B7``, ``B`` (whole column) or ``7`` (whole row); None if not a ref."""
    match = _REF_PART.match(text)
    if not match or (match[2] is None and match[4] is None):
        return None
    if match[2] is not None and match[4] is not None:
        col = RefPart(column_index(match[2].upper()), bool(match[1]))
        row = RefPart(int(match[4]), bool(match[3]))
    elif match[2] is not None:
        col = RefPart(column_index(match[2].upper()), bool(match[1]))
        row = RefPart(0, True)
    else:
        col = RefPart(0, True)
        row = RefPart(int(match[4] or 0), bool(match[1]))
    if col.index > MAX_COL or row.index > MAX_ROW:
        return None
    return row, col


# Parts a reference cannot be inside: strings, quoted sheet names, bracketed table specifiers.
_SHAPE: Final = re.compile(
    r'"(?:[^"]|"")*"'
    r"|'(?:[^']|'')*'"
    r"|\[(?:[^\[\]]|\[[^\]]*\])*\]"
    r"|(?<![A-Za-z0-9_.$\\])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_.(\[!])"
    r"|(?<![A-Za-z0-9_.$\\])(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})(?![A-Za-z0-9_.(\[!])"
    r"|(?<![A-Za-z0-9_.$\\])(\$?)(\d+):(\$?)(\d+)(?![A-Za-z0-9_.(\[!])"
)


def formula_shape(formula: str, row: int, col: int) -> str:
    """The formula with relative references written as offsets from (row, col).

    Two cells whose formulas differ only by where they were copied to get the same shape.
    Absolute parts (``$B$2``) stay as they are.
    """
    return shape_parts(formula, row, col)[0]


RowTemplate = tuple[str | int, ...]
"""A formula as text pieces and relative row numbers (offsets from its row); see :func:`render_rows`."""


def shape_parts(formula: str, row: int, col: int) -> tuple[str, RowTemplate]:
    """:func:`formula_shape`, and the formula as a :data:`RowTemplate` for (row, col).

    The template turns the same formula copied down its column back into text
    (:func:`render_rows`) far faster than computing its shape again.
    """
    shape: list[str] = []
    parts: list[str | int] = []
    pos = 0
    for match in _SHAPE.finditer(formula):
        if match[2] is not None:
            c = column_index(match[2].upper())
            r = int(match[4])
            cp = f"C{c}" if match[1] else f"C[{c - col}]"
            rp = f"R{r}" if match[3] else f"R[{r - row}]"
            rewritten = f"\x00{rp}{cp}\x00"
            pieces: list[str | int] = [formula[pos : match.start()]]
            pieces += [match[0]] if match[3] else [formula[match.start() : match.start(4)], r - row]
        elif match[6] is not None:
            a = column_index(match[6].upper())
            b = column_index(match[8].upper())
            pa = f"C{a}" if match[5] else f"C[{a - col}]"
            pb = f"C{b}" if match[7] else f"C[{b - col}]"
            rewritten = f"\x00{pa}:{pb}\x00"
            pieces = [formula[pos : match.end()]]
        elif match[10] is not None:
            a = int(match[10])
            b = int(match[12])
            pa = f"R{a}" if match[9] else f"R[{a - row}]"
            pb = f"R{b}" if match[11] else f"R[{b - row}]"
            rewritten = f"\x00{pa}:{pb}\x00"
            pieces = [formula[pos : match.start(10)]]
            pieces += [match[10]] if match[9] else [a - row]
            pieces += [formula[match.end(10) : match.start(12)]]
            pieces += [match[12]] if match[11] else [b - row]
        else:
            continue
        shape.append(formula[pos : match.start()])
        shape.append(rewritten)
        for piece in pieces:
            if type(piece) is str and parts and type(parts[-1]) is str:
                parts[-1] += piece
            else:
                parts.append(piece)
        pos = match.end()
    shape.append(formula[pos:])
    tail = formula[pos:]
    if parts and type(parts[-1]) is str:
        parts[-1] += tail
    else:
        parts.append(tail)
    return "".join(shape), tuple(parts)


def render_rows(template: RowTemplate, row: int) -> str:
    """The formula a :data:`RowTemplate` gives in ``row`` (same column)."""
    return "".join([piece if isinstance(piece, str) else str(piece + row) for piece in template])
