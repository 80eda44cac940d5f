"""Syntax trees to Python closures: the dispatcher, operators and function calls.

A compiled formula is a function ``thunk(row, col)``: the cell it runs for is an argument, and every
relative reference is stored as an offset from the cell the formula was compiled for. One closure
therefore serves every cell whose formula has the same relative shape (see
:func:`hipaa_xl.recalc.refs.formula_shape`), shared formulas included.

Thunks return a scalar, an array (list of rows) or a :class:`~hipaa_xl.recalc.model.Ref`. In
"value" mode a one-cell reference is read at once; in "ref" mode (arguments of SUM, INDEX, ROW...)
it stays a reference. References are compiled in :mod:`~hipaa_xl.recalc.references`, IF and the
other short-circuit functions in :mod:`~hipaa_xl.recalc.special_forms`.

Outside an array formula, a range where one value is expected (an operand of ``+``, an argument of
ROUND) is implicitly intersected with the formula's row or column, as Excel does; inside an array
formula and inside the arguments Excel evaluates as arrays (:data:`ARRAY_ARGUMENTS`) it is an array
and operators work element by element.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from hipaa_xl.recalc import parser as ast
from hipaa_xl.recalc.compile_state import Compiled, CompileProblem, Precedent, State, Thunk, constant
from hipaa_xl.recalc.functions import Ctx, FunctionSpec
from hipaa_xl.recalc.model import Book, Ref, Sheet
from hipaa_xl.recalc.operators import (
    SCALAR_BINARY,
    apply_binary,
    apply_unary,
    broadcast,
    negate,
    operand,
    percent,
    scalar_operand,
)
from hipaa_xl.recalc.references import compile_operand
from hipaa_xl.recalc.special_forms import LAZY_FORMS, compile_special_form
from hipaa_xl.recalc.udf_bridge import make_udf_call
from hipaa_xl.recalc.values import NAME, VALUE, ExcelError, error_from_code

__all__ = ["ARRAY_ARGUMENTS", "LAZY_FORMS", "CompileProblem", "Compiled", "Compiler", "Precedent", "Thunk",
           "constant"]

ARRAY_ARGUMENTS: Final[dict[str, frozenset[int] | None]] = {
    "SUMPRODUCT": None,  # every argument
    "INDEX": frozenset({0}),
    "MATCH": frozenset({1}),
    "VLOOKUP": frozenset({1}),
    "HLOOKUP": frozenset({1}),
    "XLOOKUP": frozenset({1, 2}),
    "ROWS": frozenset({0}),
    "COLUMNS": frozenset({0}),
}
"""The arguments Excel evaluates as arrays even outside an array formula (None: all of them)."""

_CHAINS: Final = {"+": "+-", "-": "+-", "*": "*/", "/": "*/", "&": "&"}
_LONG_CHAIN: Final = 8


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
        self.names: dict[tuple[Any, ...], tuple[Thunk, list[Precedent]]] = {}
        self.names_in_progress: set[tuple[Any, ...]] = set()

    def udfs(self) -> dict[str, Callable[..., Any]]:
        if self._udf_cache is None:
            self._udf_cache = self._udfs()
        return self._udf_cache

    # -- entry point ---------------------------------------------------------------------------

    def compile(self, formula: str, sheet: Sheet, row: int, col: int, array: bool = False) -> Compiled:
        """Compile ``formula`` as written in ``sheet`` at (row, col); ``array`` for an array formula."""
        state = State(sheet, row, col, array)
        try:
            tree = ast.parse_formula(formula)
            thunk = self.node(tree, state, "value")
        except ast.FormulaSyntaxError as exc:
            return Compiled(constant(NAME), [("unsupported syntax", str(exc))])
        except CompileProblem as exc:
            return Compiled(constant(NAME), [(exc.kind, exc.detail)])
        except RecursionError:
            return Compiled(constant(NAME), [("unsupported syntax", "formula nested too deeply")])
        except Exception as exc:
            return Compiled(constant(NAME), [("internal error", f"{type(exc).__name__}: {exc}")])
        if state.problems:
            return Compiled(constant(NAME), state.problems, state.warnings)
        return Compiled(thunk, [], state.warnings, tuple(dict.fromkeys(state.precedents)))

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, node: ast.Node, state: State, mode: str) -> Thunk:
        """The thunk of one syntax tree node."""
        match node:
            case ast.Number(value) | ast.Text(value) | ast.Logical(value):
                return constant(value)
            case ast.ErrorLiteral(code):
                return constant(error_from_code(code))
            case ast.Missing():
                return constant(None)
            case ast.Operand(text):
                return compile_operand(self, text, state, mode)
            case ast.Binary(":", _, _):
                return self._range_operator(node, state)
            case ast.Binary():
                return self._binary(node, state)
            case ast.Unary():
                return self._unary(node, state)
            case ast.Call(name, args):
                return self._call(name, args, state, mode)
            case ast.ArrayLiteral(rows):
                return constant([[_array_constant(item) for item in row] for row in rows])
        raise CompileProblem("unsupported syntax", f"cannot evaluate {node!r}")

    def _binary(self, node: ast.Binary, state: State) -> Thunk:
        book = self.book
        op = node.op
        in_array = state.array
        group = _CHAINS.get(op)
        if group is not None:
            chain: list[tuple[str, ast.Node]] = []
            first: ast.Node = node
            while isinstance(first, ast.Binary) and first.op in group:
                chain.append((first.op, first.right))
                first = first.left
            if len(chain) >= _LONG_CHAIN:  # =1+1+...+1: a loop, not a closure per term
                return self._chain(first, chain[::-1], state)
        left = self.node(node.left, state, "value")
        right = self.node(node.right, state, "value")

        def general(a: Any, b: Any, r: int, c: int) -> Any:
            if not in_array:
                a = scalar_operand(book, a, r, c)
                b = scalar_operand(book, b, r, c)
            return apply_binary(book, op, a, b)

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
                    return general(a, b, r, c)
                return scalar(a, b)

            return arithmetic

        def binary(r: int, c: int) -> Any:
            a = left(r, c)
            b = right(r, c)
            ta = type(a)
            tb = type(b)
            if ta is Ref or tb is Ref or ta is list or tb is list:
                return general(a, b, r, c)
            return SCALAR_BINARY[op](a, b)

        return binary

    def _chain(self, first: ast.Node, chain: list[tuple[str, ast.Node]], state: State) -> Thunk:
        """A long left-to-right run of one precedence level (``=A1+A2-A3+...``) evaluated in a loop."""
        book = self.book
        in_array = state.array
        head = self.node(first, state, "value")
        steps = [(SCALAR_BINARY[op], op, self.node(item, state, "value")) for op, item in chain]

        def run(r: int, c: int) -> Any:
            acc = head(r, c)
            for scalar, op, thunk in steps:
                b = thunk(r, c)
                if type(acc) in (Ref, list) or type(b) in (Ref, list):
                    if not in_array:
                        acc = scalar_operand(book, acc, r, c)
                        b = scalar_operand(book, b, r, c)
                    acc = apply_binary(book, op, acc, b)
                else:
                    acc = scalar(acc, b)
            return acc

        return run

    def _range_operator(self, node: ast.Binary, state: State) -> Thunk:
        left = self.node(node.left, state, "ref")
        right = self.node(node.right, state, "ref")

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

    def _unary(self, node: ast.Unary, state: State) -> Thunk:
        book = self.book
        inner = self.node(node.operand, state, "value")
        in_array = state.array
        if node.op == "+":
            return inner
        fn = negate if node.op == "-" else percent

        def unary(r: int, c: int) -> Any:
            v = inner(r, c)
            t = type(v)
            if t is int or t is float:
                return -v if fn is negate else v / 100
            if not in_array:
                v = scalar_operand(book, v, r, c)
            return apply_unary(book, fn, v)

        return unary

    # -- calls -----------------------------------------------------------------------------------

    def _call(self, name: str, nodes: tuple[ast.Node, ...], state: State, mode: str = "value") -> Thunk:
        if name in LAZY_FORMS:
            return compile_special_form(self, name, nodes, state, mode)
        spec = self.functions.get(name)
        if spec is not None:
            count = len(nodes)
            if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
                raise CompileProblem("unsupported syntax", f"{name} with {count} arguments")
            kinds = [spec.kind(i) for i in range(count)]
            in_array = state.array
            arrays = ARRAY_ARGUMENTS.get(name, frozenset())
            args = []
            try:
                for i, (item, kind) in enumerate(zip(nodes, kinds, strict=True)):
                    state.array = in_array or (name in ARRAY_ARGUMENTS and (arrays is None or i in arrays))
                    args.append(self.node(item, state, "ref" if kind == "r" else "value"))
            finally:
                state.array = in_array
            return _make_call(self.book, state.sheet, spec, args, kinds, in_array)
        udf = self.udfs().get(name)
        if udf is not None:
            udf_args = [self.node(a, state, "ref") for a in nodes]
            return make_udf_call(name, udf, udf_args, self.book, self.on_warning)
        state.problems.append(("unknown function", name))
        return constant(NAME)


def _array_constant(node: ast.Node) -> Any:
    match node:
        case ast.Number(value) | ast.Text(value) | ast.Logical(value):
            return value
        case ast.ErrorLiteral(code):
            return error_from_code(code)
        case ast.Unary("-", ast.Number(value)):
            return -value
    raise CompileProblem("unsupported syntax", "array constants hold constants only")


def _make_call(book: Book, sheet: Sheet, spec: FunctionSpec, args: list[Thunk], kinds: list[str],
               in_array: bool) -> Thunk:
    impl = spec.impl
    scalar_only = spec.scalar_only
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
                v = values[i] = operand(book, v) if in_array else scalar_operand(book, v, r, c)
            if type(v) is list:
                arrays = True
        if arrays:
            if scalar_only:
                return VALUE

            def element(*items: Any) -> Any:
                full = list(values)
                for i, item in zip(lifted, items, strict=True):
                    full[i] = item
                return invoke(full, r, c)

            return broadcast([values[i] for i in lifted], element)
        return invoke(values, r, c)

    return call
