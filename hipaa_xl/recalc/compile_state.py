"""What the compiler modules share: a compiled formula, the compile state, the problem type, and what
the reference and special-form compilers need of the compiler (:class:`NodeCompiler`).

A compiled formula is a function ``thunk(row, col)``: the cell it runs for is an argument, and every
relative reference is stored as an offset from the cell the formula was compiled for (see
:mod:`hipaa_xl.recalc.compiler`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from hipaa_xl.recalc import parser as ast
from hipaa_xl.recalc.model import Book, Sheet

Thunk = Callable[[int, int], Any]

Precedent = tuple[Sheet, int, int, int, int] | Callable[[int, int], Any]
"""A reference a formula names, independent of the cell it runs for.

``(sheet, relative_row, row, relative_col, col)`` is one cell: a relative part (flag 1) is an offset
from the cell the formula runs for, an absolute one (flag 0) the index itself. Anything else is a
function of (row, col) returning a :class:`~hipaa_xl.recalc.model.Ref` (ranges, structured
references). References computed while evaluating (results of INDEX or XLOOKUP) are not here: the
evaluator meets them as :class:`~hipaa_xl.recalc.model.NeedCells`.
"""


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


class State:
    """Where a formula is being compiled, and what went wrong so far.

    ``array`` is true inside an array formula and inside the arguments Excel evaluates as arrays
    (SUMPRODUCT's, INDEX's first...); elsewhere a range where one value is expected is implicitly
    intersected with the formula's row or column, as Excel does for a formula that is not an array
    formula.
    """

    def __init__(self, sheet: Sheet, row: int, col: int, array: bool = False) -> None:
        self.sheet = sheet
        self.row = row
        self.col = col
        self.array = array
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[str] = []
        self.precedents: list[Precedent] = []
        self.wrap = False
        """Inside a defined name: relative references are offsets from A1 that wrap round the
        sheet's edges, as Excel stores them (``XFD1048576`` is the cell up and left of the user)."""


def constant(value: Any) -> Thunk:
    """A thunk that always gives ``value``."""

    def thunk(r: int, c: int) -> Any:
        return value

    return thunk


class NodeCompiler(Protocol):
    """What :mod:`~hipaa_xl.recalc.references` and :mod:`~hipaa_xl.recalc.special_forms` need of the
    compiler (:class:`hipaa_xl.recalc.compiler.Compiler`): the book, the defined names compiled so far,
    and the compilation of a sub-expression. Named here, so those modules sit below the compiler that
    calls them instead of importing it back."""

    book: Book
    names: dict[tuple[Any, ...], tuple[Thunk, list[Precedent]]]
    names_in_progress: set[tuple[Any, ...]]

    def node(self, node: ast.Node, state: State, mode: str) -> Thunk: ...
