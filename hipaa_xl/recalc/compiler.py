"""Syntax trees to Python closures.

A compiled formula is a function ``thunk(row, col)``: the cell it runs for is an argument, and every
relative reference is stored as an offset from the cell the formula was compiled for. One closure
therefore serves every cell whose formula has the same relative shape (see
:func:`hipaa_xl.recalc.refs.formula_shape`), shared formulas included.

Thunks return a scalar, an array (list of rows) or a :class:`~hipaa_xl.recalc.model.Ref`. In
"value" mode a one-cell reference is read at once; in "ref" mode (arguments of SUM, INDEX, ROW...)
it stays a reference.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from hipaa_xl.recalc import parser as ast
from hipaa_xl.recalc.functions import Ctx, FunctionSpec
from hipaa_xl.recalc.model import PENDING, Book, NeedCells, Ref, Sheet, Table
from hipaa_xl.recalc.operators import (
    SCALAR_BINARY,
    apply_binary,
    apply_unary,
    broadcast,
    negate,
    operand,
    percent,
)
from hipaa_xl.recalc.refs import MAX_COL, MAX_ROW, RefPart, parse_ref_part
from hipaa_xl.recalc.udf_bridge import make_udf_call
from hipaa_xl.recalc.values import (
    NA,
    NAME,
    REF,
    VALUE,
    ExcelError,
    error_from_code,
    to_bool,
    to_number,
)

Thunk = Callable[[int, int], Any]

LAZY_FORMS: Final = frozenset({"IF", "IFERROR", "IFNA", "IFS", "SWITCH", "CHOOSE"})


class CompileProblem(Exception):
    """Something the evaluator cannot compute: unknown function, unsupported syntax."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass
class Compiled:
    """A compiled formula and what could not be compiled in it (kind, detail)."""

    thunk: Thunk
    problems: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    precedents: tuple[Precedent, ...] = ()
    """The references the formula names, for the evaluator's ordering (see :data:`Precedent`)."""


Precedent = tuple[Sheet, int, int, int, int] | Callable[[int, int], Any]
"""A reference a formula names, independent of the cell it runs for.

``(sheet, relative_row, row, relative_col, col)`` is one cell: a relative part (flag 1) is an offset
from the cell the formula runs for, an absolute one (flag 0) the index itself. Anything else is a
function of (row, col) returning a :class:`~hipaa_xl.recalc.model.Ref` (ranges, structured
references). References computed while evaluating (INDEX, OFFSET, INDIRECT results) are not here:
the evaluator meets them as :class:`~hipaa_xl.recalc.model.NeedCells`.
"""


def _constant(value: Any) -> Thunk:
    def thunk(r: int, c: int) -> Any:
        return value

    return thunk


class Compiler:
    """Compiles formulas of one book; caches defined names."""

    def __init__(
        self,
        book: Book,
        functions: dict[str, FunctionSpec],
        udfs: Callable[[], dict[str, Callable[..., Any]]],
        on_warning: Callable[[str], None],
    ) -> None:
        self.book = book
        self.functions = functions
        self._udfs = udfs
        self._udf_cache: dict[str, Callable[..., Any]] | None = None
        self.on_warning = on_warning
        self._names: dict[tuple[Any, ...], tuple[Thunk, list[Precedent]]] = {}
        self._names_in_progress: set[tuple[Any, ...]] = set()

    def udfs(self) -> dict[str, Callable[..., Any]]:
        if self._udf_cache is None:
            self._udf_cache = self._udfs()
        return self._udf_cache

    # -- entry point ---------------------------------------------------------------------------

    def compile(self, formula: str, sheet: Sheet, row: int, col: int) -> Compiled:
        """Compile ``formula`` as written in ``sheet`` at (row, col)."""
        state = _State(sheet, row, col)
        try:
            tree = ast.parse_formula(formula)
            thunk = self._node(tree, state, "value")
        except ast.FormulaSyntaxError as exc:
            return Compiled(_constant(NAME), [("unsupported syntax", str(exc))])
        except CompileProblem as exc:
            return Compiled(_constant(NAME), [(exc.kind, exc.detail)])
        except RecursionError:
            return Compiled(_constant(NAME), [("unsupported syntax", "formula nested too deeply")])
        if state.problems:
            return Compiled(_constant(NAME), state.problems, state.warnings)
        return Compiled(thunk, [], state.warnings, tuple(dict.fromkeys(state.precedents)))

    # -- nodes ---------------------------------------------------------------------------------

    def _node(self, node: ast.Node, state: _State, mode: str) -> Thunk:
        t = type(node)
        if t is ast.Number or t is ast.Text or t is ast.Logical:
            return _constant(node.value)  # type: ignore[union-attr]
        if t is ast.ErrorLiteral:
            return _constant(error_from_code(node.code))  # type: ignore[union-attr]
        if t is ast.Missing:
            return _constant(None)
        if t is ast.Operand:
            return self._operand(node.text, state, mode)  # type: ignore[union-attr]
        if t is ast.Binary:
            return self._binary(node, state)  # type: ignore[arg-type]
        if t is ast.Unary:
            return self._unary(node, state)  # type: ignore[arg-type]
        if t is ast.Call:
            return self._call(node, state)  # type: ignore[arg-type]
        if t is ast.ArrayLiteral:
            rows = [[self._array_constant(item) for item in row] for row in node.rows]  # type: ignore[union-attr]
            return _constant(rows)
        raise CompileProblem("unsupported syntax", f"cannot evaluate {node!r}")

    def _array_constant(self, node: ast.Node) -> Any:
        if isinstance(node, ast.Number | ast.Text | ast.Logical):
            return node.value
        if isinstance(node, ast.ErrorLiteral):
            return error_from_code(node.code)
        if isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, ast.Number):
            return -node.operand.value
        raise CompileProblem("unsupported syntax", "array constants hold constants only")

    def _binary(self, node: ast.Binary, state: _State) -> Thunk:
        book = self.book
        op = node.op
        if op == ":":
            return self._range_operator(node, state)
        left = self._node(node.left, state, "value")
        right = self._node(node.right, state, "value")
        if op in ("+", "-", "*"):
            scalar = SCALAR_BINARY[op]
            fast: Callable[[Any, Any], Any] = {
                "+": lambda a, b: a + b,
                "-": lambda a, b: a - b,
                "*": lambda a, b: a * b,
            }[op]

            def arithmetic(r: int, c: int) -> Any:
                a = left(r, c)
                b = right(r, c)
                ta = type(a)
                tb = type(b)
                if (ta is int or ta is float) and (tb is int or tb is float):
                    return fast(a, b)
                if ta is Ref or tb is Ref or ta is list or tb is list:
                    return apply_binary(book, op, a, b)
                return scalar(a, b)

            return arithmetic

        def binary(r: int, c: int) -> Any:
            a = left(r, c)
            b = right(r, c)
            ta = type(a)
            tb = type(b)
            if ta is Ref or tb is Ref or ta is list or tb is list:
                return apply_binary(book, op, a, b)
            return SCALAR_BINARY[op](a, b)

        return binary

    def _range_operator(self, node: ast.Binary, state: _State) -> Thunk:
        left = self._node(node.left, state, "ref")
        right = self._node(node.right, state, "ref")

        def span(r: int, c: int) -> Any:
            a = left(r, c)
            b = right(r, c)
            if type(a) is ExcelError:
                return a
            if type(b) is ExcelError:
                return b
            if type(a) is not Ref or type(b) is not Ref or a.sheet is not b.sheet:
                return VALUE
            return Ref(a.sheet, min(a.r1, b.r1), min(a.c1, b.c1), max(a.r2, b.r2), max(a.c2, b.c2))

        return span

    def _unary(self, node: ast.Unary, state: _State) -> Thunk:
        book = self.book
        inner = self._node(node.operand, state, "value")
        if node.op == "+":
            return inner
        fn = negate if node.op == "-" else percent

        def unary(r: int, c: int) -> Any:
            v = inner(r, c)
            t = type(v)
            if t is int or t is float:
                return -v if fn is negate else v / 100
            return apply_unary(book, fn, v)

        return unary

    # -- references ----------------------------------------------------------------------------

    def _operand(self, text: str, state: _State, mode: str) -> Thunk:
        if text.startswith("[") or ("[" in text and "!" in text and text.index("[") < text.index("!")):
            if text.startswith("[@") or text.startswith("[#") or text.startswith("[["):
                return self._structured(None, text, state, mode)
            raise CompileProblem("unsupported syntax", f"references to other workbooks are not supported ({text})")
        if "[" in text and text.endswith("]"):
            name, _, rest = text.partition("[")
            return self._structured(name, "[" + rest, state, mode)
        sheet_text, ref_text = _split_sheet(text)
        if sheet_text is not None and ":" in sheet_text and not sheet_text.startswith("'"):
            raise CompileProblem("unsupported syntax", f"3-D references are not supported ({text})")
        if (sheet_text is not None and sheet_text.startswith("'") and ":" in sheet_text[1:-1]
                and self.book.sheet_named(sheet_text[1:-1].replace("''", "'")) is None):
            raise CompileProblem("unsupported syntax", f"3-D references are not supported ({text})")
        sheet = state.sheet
        if sheet_text is not None:
            found = self.book.sheet_named(sheet_text[1:-1].replace("''", "'") if sheet_text.startswith("'")
                                          else sheet_text)
            if found is None:
                return _constant(REF)
            sheet = found
        if ref_text.upper() == "#REF!":
            return _constant(REF)
        parts = ref_text.split(":")
        parsed = [parse_ref_part(p) for p in parts] if len(parts) <= 2 else [None]
        if all(p is not None for p in parsed):
            return self._reference(sheet, parsed, state, mode)  # type: ignore[arg-type]
        if sheet_text is None and self.book.tables.get(text.lower()) is not None:
            return self._structured(text, "[#Data]", state, mode)
        return self._name(ref_text, sheet if sheet_text is not None else state.sheet, sheet_text is not None,
                          state, mode)

    def _reference(self, sheet: Sheet, parts: list[tuple[RefPart, RefPart]], state: _State, mode: str) -> Thunk:
        book = self.book
        if len(parts) == 1:
            row, col = parts[0]
            if row.index == 0 or col.index == 0:
                raise CompileProblem("unsupported syntax", "incomplete reference")
            state.precedents.append((
                sheet,
                0 if row.absolute else 1, row.index if row.absolute else row.index - state.row,
                0 if col.absolute else 1, col.index if col.absolute else col.index - state.col,
            ))
            return _cell_thunk(book, sheet, row, col, state.row, state.col, mode)
        (ra, ca), (rb, cb) = parts
        if (ra.index == 0) != (rb.index == 0) or (ca.index == 0) != (cb.index == 0):
            raise CompileProblem("unsupported syntax", "mixed whole-column and cell reference")
        if ra.index == 0:  # whole columns
            ra = rb = None  # type: ignore[assignment]
        if ca.index == 0:  # whole rows
            ca = cb = None  # type: ignore[assignment]
        r1 = _axis(ra, state.row, 1)
        r2 = _axis(rb, state.row, MAX_ROW)
        c1 = _axis(ca, state.col, 1)
        c2 = _axis(cb, state.col, MAX_COL)

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

    def _name(self, name: str, sheet: Sheet, qualified: bool, state: _State, mode: str) -> Thunk:
        defined = self.book.names.get((sheet.index, name.lower())) if qualified else None
        if defined is None:
            defined = self.book.lookup_name(name, sheet)
        if defined is None:
            if name.upper() in ("TRUE", "FALSE"):
                return _constant(name.upper() == "TRUE")
            state.warnings.append(f"unknown name {name}")
            return _constant(NAME)
        key = (defined.scope, defined.name.lower(), state.sheet.index, mode)
        cached = self._names.get(key)
        if cached is not None:
            state.precedents.extend(cached[1])
            return cached[0]
        if key in self._names_in_progress:
            raise CompileProblem("circular reference", f"the name {name} refers to itself")
        self._names_in_progress.add(key)
        try:
            scope_sheet = self.book.sheets[defined.scope] if defined.scope is not None else state.sheet
            inner = _State(scope_sheet, 1, 1)
            tree = ast.parse_formula(defined.text)
            thunk = self._node(tree, inner, mode)
            state.problems.extend(inner.problems)
            state.warnings.extend(inner.warnings)
            state.precedents.extend(inner.precedents)
        except ast.FormulaSyntaxError as exc:
            raise CompileProblem("unsupported syntax", f"name {name}: {exc}") from exc
        finally:
            self._names_in_progress.discard(key)
        self._names[key] = (thunk, inner.precedents)
        return thunk

    def _structured(self, table_name: str | None, spec: str, state: _State, mode: str) -> Thunk:
        book = self.book
        try:
            specials, columns = _parse_structured(spec)
        except ValueError as exc:
            raise CompileProblem("unsupported syntax", f"structured reference {spec}: {exc}") from exc
        table: Table | None = None
        if table_name:
            table = book.tables.get(table_name.lower())
            if table is None:
                state.warnings.append(f"unknown table {table_name}")
                return _constant(REF)
            if table.sheet is not state.sheet and "#this row" in specials:
                return _constant(VALUE)
        fixed_table = table
        this_sheet = state.sheet

        def resolve(r: int, c: int) -> Any:
            t = fixed_table
            if t is None:
                t = next((x for x in book.tables.values()
                          if x.sheet is this_sheet and x.r1 <= r <= x.r2 and x.c1 <= c <= x.c2), None)
                if t is None:
                    return REF
            if columns:
                found = [t.column_index(name) for name in columns]
                if any(f is None for f in found):
                    return REF
                first, last = min(found), max(found)  # type: ignore[type-var]
            else:
                first, last = t.c1, t.c2
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
            return Ref(t.sheet, top, first, bottom, last)  # type: ignore[arg-type]

        state.precedents.append(resolve)
        if mode == "ref":
            return resolve

        def value(r: int, c: int) -> Any:
            ref = resolve(r, c)
            if type(ref) is Ref and ref.r1 == ref.r2 and ref.c1 == ref.c2:
                return book.cell(ref.sheet, ref.r1, ref.c1)
            return ref

        return value

    # -- calls -----------------------------------------------------------------------------------

    def _call(self, node: ast.Call, state: _State) -> Thunk:
        name = node.name
        if name in LAZY_FORMS:
            return self._lazy_form(name, node.args, state)
        spec = self.functions.get(name)
        if spec is not None:
            count = len(node.args)
            if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
                raise CompileProblem("unsupported syntax", f"{name} with {count} arguments")
            kinds = [spec.kind(i) for i in range(count)]
            args = [self._node(a, state, "ref" if k == "r" else "value") for a, k in zip(node.args, kinds,
                                                                                        strict=True)]
            return _make_call(self.book, state.sheet, spec, args, kinds)
        udf = self.udfs().get(name)
        if udf is not None:
            args = [self._node(a, state, "ref") for a in node.args]
            return make_udf_call(name, udf, args, self.book, self.on_warning)
        state.problems.append(("unknown function", name))
        return _constant(NAME)

    def _lazy_form(self, name: str, nodes: tuple[ast.Node, ...], state: _State) -> Thunk:
        book = self.book
        args = [self._node(a, state, "value") for a in nodes]
        missing = [isinstance(a, ast.Missing) for a in nodes]
        count = len(args)
        limits = {"IF": (1, 3), "IFERROR": (2, 2), "IFNA": (2, 2), "IFS": (2, 254), "SWITCH": (3, 254),
                  "CHOOSE": (2, 255)}[name]
        if not limits[0] <= count <= limits[1] or (name == "IFS" and count % 2):
            raise CompileProblem("unsupported syntax", f"{name} with {count} arguments")

        def arg(i: int, r: int, c: int) -> Any:
            if missing[i]:
                return 0
            return args[i](r, c)

        if name == "IF":
            cond = args[0]

            def if_(r: int, c: int) -> Any:
                v = cond(r, c)
                if type(v) is Ref:
                    v = operand(book, v)
                if type(v) is list:
                    yes = operand(book, arg(1, r, c)) if count > 1 else True
                    no = operand(book, arg(2, r, c)) if count > 2 else False
                    return broadcast([v, yes, no], _pick)
                b = to_bool(v)
                if type(b) is ExcelError:
                    return b
                if b:
                    return arg(1, r, c) if count > 1 else True
                return arg(2, r, c) if count > 2 else False

            return if_

        if name in ("IFERROR", "IFNA"):
            only_na = name == "IFNA"

            def caught(v: Any) -> bool:
                return type(v) is ExcelError and (not only_na or v.code == "#N/A")

            def iferror(r: int, c: int) -> Any:
                v = arg(0, r, c)
                if type(v) is Ref:
                    v = operand(book, v)
                if type(v) is list:
                    if any(caught(x) for row in v for x in row):
                        fallback = operand(book, arg(1, r, c))
                        return broadcast([v, fallback], lambda x, f: f if caught(x) else x)
                    return v
                if caught(v):
                    return arg(1, r, c)
                return v

            return iferror

        if name == "IFS":

            def ifs(r: int, c: int) -> Any:
                for i in range(0, count, 2):
                    v = operand(book, arg(i, r, c))
                    b = to_bool(v)
                    if type(b) is ExcelError:
                        return b
                    if b:
                        return arg(i + 1, r, c)
                return NA

            return ifs

        if name == "SWITCH":

            def switch(r: int, c: int) -> Any:
                subject = operand(book, arg(0, r, c))
                if type(subject) is ExcelError:
                    return subject
                pairs_end = count if count % 2 == 1 else count - 1
                for i in range(1, pairs_end, 2):
                    candidate = operand(book, arg(i, r, c))
                    if SCALAR_BINARY["="](subject, candidate) is True:
                        return arg(i + 1, r, c)
                return arg(count - 1, r, c) if count % 2 == 0 else NA

            return switch

        def choose(r: int, c: int) -> Any:
            index = to_number(operand(book, arg(0, r, c)))
            if type(index) is ExcelError:
                return index
            i = int(index)
            if not 1 <= i < count:
                return VALUE
            return arg(i, r, c)

        return choose


class _State:
    """Where a formula is being compiled, and what went wrong so far."""

    def __init__(self, sheet: Sheet, row: int, col: int) -> None:
        self.sheet = sheet
        self.row = row
        self.col = col
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[str] = []
        self.precedents: list[Precedent] = []


def _pick(condition: Any, yes: Any, no: Any) -> Any:
    if type(condition) is ExcelError:
        return condition
    b = to_bool(condition)
    if type(b) is ExcelError:
        return b
    return yes if b else no


def _axis(part: RefPart | None, anchor: int, default: int) -> Callable[[int], int]:
    if part is None:
        return lambda _: default
    if part.absolute:
        fixed = part.index
        return lambda _: fixed
    offset = part.index - anchor
    return lambda here: here + offset


def _cell_thunk(book: Book, sheet: Sheet, row: RefPart, col: RefPart, anchor_row: int, anchor_col: int,
                mode: str) -> Thunk:
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


def _make_call(book: Book, sheet: Sheet, spec: FunctionSpec, args: list[Thunk], kinds: list[str]) -> Thunk:
    impl = spec.impl
    lifted = [i for i, k in enumerate(kinds) if k in "ve"]
    checked = [i for i, k in enumerate(kinds) if k == "v"]
    needs_ctx = spec.needs_ctx

    def invoke(values: list[Any], r: int, c: int) -> Any:
        for i in checked:
            v = values[i]
            if type(v) is ExcelError:
                return v
        if needs_ctx:
            return impl(Ctx(book, sheet, r, c), *values)
        return impl(*values)

    if not args:
        if needs_ctx:
            return lambda r, c: impl(Ctx(book, sheet, r, c))
        return lambda r, c: impl()

    def call(r: int, c: int) -> Any:
        values = [a(r, c) for a in args]
        arrays = False
        for i in lifted:
            v = values[i]
            if type(v) is Ref:
                v = values[i] = operand(book, v)
            if type(v) is list:
                arrays = True
        if arrays:
            def element(*items: Any) -> Any:
                full = list(values)
                for i, item in zip(lifted, items, strict=True):
                    full[i] = item
                return invoke(full, r, c)

            return broadcast([values[i] for i in lifted], element)
        return invoke(values, r, c)

    return call


_SHEET_SPLIT: Final = re.compile(r"^('(?:[^']|'')+'|[^'!]+)!(.+)$")


def _split_sheet(text: str) -> tuple[str | None, str]:
    match = _SHEET_SPLIT.match(text)
    if match is None:
        return None, text
    return match[1], match[2]


_ITEM: Final = re.compile(r"\[((?:[^\[\]']|'.)*)\]")
_SPECIALS: Final = {"#all", "#data", "#headers", "#totals", "#this row"}


def _parse_structured(spec: str) -> tuple[set[str], list[str]]:
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
