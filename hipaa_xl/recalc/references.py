"""Compiling references: cells, ranges, defined names and structured (table) references.

A cell reference compiles to the hot path of the evaluator (:func:`cell_thunk`: one dictionary
look-up); a range to a function of the formula's cell returning a
:class:`~hipaa_xl.recalc.model.Ref`; a defined name to its own compiled formula, cached per name,
sheet and context. Every reference a formula names is recorded as a
:data:`~hipaa_xl.recalc.compile_state.Precedent` for the evaluator's ordering.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from hipaa_xl.ooxml.a1 import MAX_COL, MAX_ROW, unquote_sheet
from hipaa_xl.recalc import parser as ast
from hipaa_xl.recalc.compile_state import CompileProblem, NodeCompiler, State, Thunk, constant
from hipaa_xl.recalc.model import PENDING, Book, NeedCells, Ref, Sheet, Table
from hipaa_xl.recalc.shapes import RefPart, parse_ref_part
from hipaa_xl.recalc.values import NAME, REF, VALUE


def compile_operand(compiler: NodeCompiler, text: str, state: State, mode: str) -> Thunk:
    """A reference-like operand as written: ``B7``, ``Sheet2!A:A``, ``Rates``, ``Table1[Amount]``."""
    book = compiler.book
    if text.startswith("[") or ("[" in text and "!" in text and text.index("[") < text.index("!")):
        if text.startswith("[@") or text.startswith("[#") or text.startswith("[["):
            return structured(book, None, text, state, mode)
        raise CompileProblem("unsupported syntax", f"references to other workbooks are not supported ({text})")
    if "[" in text and text.endswith("]"):
        name, _, rest = text.partition("[")
        return structured(book, name, "[" + rest, state, mode)
    sheet_text, ref_text = split_sheet(text)
    if sheet_text is not None and ":" in sheet_text and not sheet_text.startswith("'"):
        raise CompileProblem("unsupported syntax", f"3-D references are not supported ({text})")
    if (sheet_text is not None and sheet_text.startswith("'") and ":" in unquote_sheet(sheet_text)
            and book.sheet_named(unquote_sheet(sheet_text)) is None):
        raise CompileProblem("unsupported syntax", f"3-D references are not supported ({text})")
    sheet = state.sheet
    if sheet_text is not None:
        found = book.sheet_named(unquote_sheet(sheet_text))
        if found is None:
            return constant(REF)
        sheet = found
    if ref_text.upper() == "#REF!":
        return constant(REF)
    parts = ref_text.split(":")
    parsed = [parse_ref_part(p) for p in parts] if len(parts) <= 2 else [None]
    complete = [p for p in parsed if p is not None]
    # a lone column or row ("a", "xfd") is not a reference: it can only be a defined name
    if len(complete) == len(parsed) and (len(complete) == 2 or (complete[0][0].index and complete[0][1].index)):
        return reference(book, sheet, complete, state, mode)
    if sheet_text is None and book.tables.get(text.lower()) is not None:
        return structured(book, text, "[#Data]", state, mode)
    return defined_name(compiler, ref_text, sheet if sheet_text is not None else state.sheet,
                        sheet_text is not None, state, mode)


def reference(book: Book, sheet: Sheet, parts: list[tuple[RefPart, RefPart]], state: State, mode: str) -> Thunk:
    """A cell (read at once in "value" mode) or a range (always a :class:`Ref`)."""
    if len(parts) == 1:
        row, col = parts[0]
        if state.wrap and not (row.absolute and col.absolute):
            return _wrapped_cell(book, sheet, row, col, mode, state)
        state.precedents.append((
            sheet,
            0 if row.absolute else 1, row.index if row.absolute else row.index - state.row,
            0 if col.absolute else 1, col.index if col.absolute else col.index - state.col,
        ))
        return cell_thunk(sheet, row, col, state.row, state.col, mode)
    (ra, ca), (rb, cb) = parts
    if (ra.index == 0) != (rb.index == 0) or (ca.index == 0) != (cb.index == 0):
        raise CompileProblem("unsupported syntax", "mixed whole-column and cell reference")
    whole_columns = ra.index == 0
    whole_rows = ca.index == 0
    wrap = state.wrap
    r1 = _axis(None if whole_columns else ra, state.row, 1, MAX_ROW if wrap else 0)
    r2 = _axis(None if whole_columns else rb, state.row, MAX_ROW, MAX_ROW if wrap else 0)
    c1 = _axis(None if whole_rows else ca, state.col, 1, MAX_COL if wrap else 0)
    c2 = _axis(None if whole_rows else cb, state.col, MAX_COL, MAX_COL if wrap else 0)

    def rectangle(r: int, c: int) -> Any:
        a = r1(r)
        b = r2(r)
        x = c1(c)
        y = c2(c)
        if a < 1 or b < 1 or x < 1 or y < 1:
            return REF
        if a > b:
            a, b = b, a
        if x > y:
            x, y = y, x
        return Ref(sheet, a, x, b, y)

    state.precedents.append(rectangle)
    return rectangle


def defined_name(compiler: NodeCompiler, name: str, sheet: Sheet, qualified: bool, state: State, mode: str) -> Thunk:
    """A defined name: its formula compiled once per scope, sheet, mode and context."""
    book = compiler.book
    defined = book.names.get((sheet.index, name.lower())) if qualified else None
    if defined is None:
        defined = book.lookup_name(name, sheet)
    if defined is None:
        if name.upper() in ("TRUE", "FALSE"):
            return constant(name.upper() == "TRUE")
        state.warnings.append(f"unknown name {name}")
        return constant(NAME)
    key = (defined.scope, defined.name.lower(), state.sheet.index, mode, state.array)
    cached = compiler.names.get(key)
    if cached is not None:
        state.precedents.extend(cached[1])
        return cached[0]
    if key in compiler.names_in_progress:
        raise CompileProblem("circular reference", f"the name {name} refers to itself")
    compiler.names_in_progress.add(key)
    try:
        scope_sheet = book.sheets[defined.scope] if defined.scope is not None else state.sheet
        inner = State(scope_sheet, 1, 1, state.array)
        inner.wrap = True  # relative parts are taken from the cell that uses the name
        tree = ast.parse_formula(defined.text)
        thunk = compiler.node(tree, inner, mode)
        state.problems.extend(inner.problems)
        state.warnings.extend(inner.warnings)
        state.precedents.extend(inner.precedents)
    except ast.FormulaSyntaxError as exc:
        raise CompileProblem("unsupported syntax", f"name {name}: {exc}") from exc
    finally:
        compiler.names_in_progress.discard(key)
    compiler.names[key] = (thunk, inner.precedents)
    return thunk


def structured(book: Book, table_name: str | None, spec: str, state: State, mode: str) -> Thunk:
    """``Table1[Amount]``, ``[@Tier]``, ``Table1[[#Totals],[Amount]]``: the table's cells as a Ref."""
    try:
        specials, columns = parse_structured(spec)
    except ValueError as exc:
        raise CompileProblem("unsupported syntax", f"structured reference {spec}: {exc}") from exc
    table: Table | None = None
    if table_name:
        table = book.tables.get(table_name.lower())
        if table is None:
            state.warnings.append(f"unknown table {table_name}")
            return constant(REF)
        if table.sheet is not state.sheet and "#this row" in specials:
            return constant(VALUE)
    fixed_table = table
    this_sheet = state.sheet

    def resolve(r: int, c: int) -> Any:
        t = fixed_table
        if t is None:
            t = next((x for x in book.tables.values()
                      if x.sheet is this_sheet and x.r1 <= r <= x.r2 and x.c1 <= c <= x.c2), None)
            if t is None:
                return REF
        first, last = t.c1, t.c2
        if columns:
            found = [t.column_index(name) for name in columns]
            indexes = [f for f in found if f is not None]
            if len(indexes) != len(found):
                return REF
            first, last = min(indexes), max(indexes)
        data_top = t.r1 + t.header_rows
        data_bottom = t.r2 - t.totals_rows
        if "#this row" in specials:
            if not data_top <= r <= data_bottom:
                return VALUE
            top = bottom = r
        else:
            wanted = specials or {"#data"}
            top, bottom = MAX_ROW, 0
            if "#all" in wanted:
                top, bottom = t.r1, t.r2
            if "#headers" in wanted and t.header_rows:
                top, bottom = min(top, t.r1), max(bottom, t.r1 + t.header_rows - 1)
            if "#data" in wanted:
                top, bottom = min(top, data_top), max(bottom, data_bottom)
            if "#totals" in wanted and t.totals_rows:
                top, bottom = min(top, data_bottom + 1), max(bottom, t.r2)
            if bottom < top:
                return REF
        return Ref(t.sheet, top, first, bottom, last)

    state.precedents.append(resolve)
    if mode == "ref":
        return resolve

    def value(r: int, c: int) -> Any:
        ref = resolve(r, c)
        if type(ref) is Ref and ref.r1 == ref.r2 and ref.c1 == ref.c2:
            return book.cell(ref.sheet, ref.r1, ref.c1)
        return ref

    return value


def _axis(part: RefPart | None, anchor: int, default: int, wrap: int = 0) -> Callable[[int], int]:
    """One bound of a range as a function of the formula's row (or column); ``wrap`` is the sheet's
    size when a relative part wraps round its edge (inside a defined name)."""
    if part is None:
        return lambda _: default
    if part.absolute:
        fixed = part.index
        return lambda _: fixed
    offset = part.index - anchor
    if wrap:
        return lambda here: (here - 1 + offset) % wrap + 1
    return lambda here: here + offset


def _wrapped_cell(book: Book, sheet: Sheet, row: RefPart, col: RefPart, mode: str, state: State) -> Thunk:
    """A cell with a relative part inside a defined name: the offset from A1 applied to the cell
    using the name, wrapping round the sheet's edges."""
    rows = _axis(row, 1, 1, MAX_ROW)
    cols = _axis(col, 1, 1, MAX_COL)

    def ref(r: int, c: int) -> Any:
        rr = rows(r)
        cc = cols(c)
        return Ref(sheet, rr, cc, rr, cc)

    state.precedents.append(ref)
    if mode == "ref":
        return ref

    def value(r: int, c: int) -> Any:
        return book.cell(sheet, rows(r), cols(c))

    return value


def cell_thunk(sheet: Sheet, row: RefPart, col: RefPart, anchor_row: int, anchor_col: int, mode: str) -> Thunk:
    """The hot path: reading one cell, relative or absolute."""
    values = sheet.values
    index = sheet.index
    dr = 0 if row.absolute else row.index - anchor_row
    dc = 0 if col.absolute else col.index - anchor_col
    fixed_r = row.index if row.absolute else 0
    fixed_c = col.index if col.absolute else 0
    rel_r = 0 if row.absolute else 1
    rel_c = 0 if col.absolute else 1
    if mode == "ref":

        def ref(r: int, c: int) -> Any:
            rr = fixed_r + rel_r * r + dr
            cc = fixed_c + rel_c * c + dc
            if rr < 1 or cc < 1:
                return REF
            return Ref(sheet, rr, cc, rr, cc)

        return ref
    if rel_r and rel_c:

        def relative(r: int, c: int) -> Any:
            rr = r + dr
            cc = c + dc
            v = values.get((rr, cc))
            if v is PENDING:
                raise NeedCells([(index, rr, cc)])
            if v is None and (rr < 1 or cc < 1):
                return REF
            return v

        return relative
    if not rel_r and not rel_c:
        key = (fixed_r, fixed_c)

        def absolute(r: int, c: int) -> Any:
            v = values.get(key)
            if v is PENDING:
                raise NeedCells([(index, fixed_r, fixed_c)])
            return v

        return absolute

    def mixed(r: int, c: int) -> Any:
        rr = fixed_r + rel_r * r + dr
        cc = fixed_c + rel_c * c + dc
        v = values.get((rr, cc))
        if v is PENDING:
            raise NeedCells([(index, rr, cc)])
        if v is None and (rr < 1 or cc < 1):
            return REF
        return v

    return mixed


_SHEET_SPLIT: Final = re.compile(r"^('(?:[^']|'')+'|[^'!]+)!(.+)$")


def split_sheet(text: str) -> tuple[str | None, str]:
    """(``'My Sheet'`` as written or None, the rest) of ``'My Sheet'!A1``."""
    match = _SHEET_SPLIT.match(text)
    if match is None:
        return None, text
    return match[1], match[2]


_ITEM: Final = re.compile(r"\[((?:[^\[\]']|'.)*)\]")
_SPECIALS: Final = {"#all", "#data", "#headers", "#totals", "#this row"}


def parse_structured(spec: str) -> tuple[set[str], list[str]]:
    """Specials (#All, #This Row...) and column names of ``[...]`` after a table name."""
    if not (spec.startswith("[") and spec.endswith("]")):
        raise ValueError("expected [ ... ]")
    inner = spec[1:-1].strip()
    specials: set[str] = set()
    if inner.startswith("@"):
        specials.add("#this row")
        inner = inner[1:].strip()
        if not inner:
            return specials, []
        if not inner.startswith("["):
            inner = "[" + inner + "]"
    items = _ITEM.findall(inner) if inner.startswith("[") else ([inner] if inner else [])
    columns: list[str] = []
    for raw in items:
        item = re.sub(r"'(.)", r"\1", raw).strip()
        if item.lower() in _SPECIALS:
            specials.add(item.lower())
        elif item:
            columns.append(item)
    if len(columns) > 2:
        raise ValueError("too many columns")
    return specials, columns
