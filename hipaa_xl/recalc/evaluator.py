"""Evaluating every formula in dependency order, with circular references reported.

The order is found while evaluating: each formula runs against the values computed so far; when it
reads a formula cell that is not computed yet it raises
:class:`~hipaa_xl.recalc.model.NeedCells`, the evaluator pushes those cells on an explicit stack
(no Python recursion, so 100,000-cell chains are fine), computes them and runs the formula again.
Short-circuit functions (IF, IFERROR...) only ask for the cells on the branch taken, as in Excel.

The cells being waited on always form a chain (each one asked for the next). A cell asking for a
cell already in that chain closes a circular reference: every cell of the cycle gets ``#REF!``
and the cycle is reported, e.g. ``Sheet1!A1 -> Sheet1!B1 -> Sheet1!A1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hipaa_xl.recalc.compiler import Compiled, Compiler
from hipaa_xl.recalc.model import PENDING, Book, CellKey, NeedCells, Ref
from hipaa_xl.recalc.operators import element, operand
from hipaa_xl.recalc.reader import FormulaCell
from hipaa_xl.recalc.refs import formula_shape
from hipaa_xl.recalc.values import NA, NAME, NUM, ExcelError

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CellProblem:
    """A formula cell that could not be evaluated: where, what kind, and the detail (e.g. function name)."""

    sheet: str
    cell: str
    kind: str  # "unknown function", "unsupported syntax", "circular reference"
    detail: str

    def line(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.kind}: {self.detail}"


class Evaluator:
    """Computes every formula cell of a book."""

    def __init__(self, book: Book, formulas: list[FormulaCell], compiler: Compiler,
                 progress: Progress | None = None) -> None:
        self.book = book
        self.formulas = formulas
        self.compiler = compiler
        self.progress = progress
        self.problems: list[CellProblem] = []
        self.warnings: list[str] = []
        self.evaluated = 0
        self.unevaluated = 0  # cells among ``evaluated`` that hold #NAME?/#REF! for a problem
        self._compiled: dict[tuple[int, str], Compiled] = {}
        self._warned_shapes: set[tuple[int, str]] = set()
        self.formula_at: dict[CellKey, FormulaCell] = {}
        for fc in formulas:
            index = fc.sheet.index
            self.formula_at[(index, fc.row, fc.col)] = fc
            for row, col, _, _ in fc.covered:
                self.formula_at[(index, row, col)] = fc

    def run(self) -> None:
        """Evaluate all formula cells."""
        total = len(self.formulas)
        step = max(1, total // 100)
        for position, fc in enumerate(self.formulas):
            if fc.sheet.values.get((fc.row, fc.col)) is PENDING:
                self._run_from(fc)
            if self.progress is not None and position % step == 0:
                self.progress(self.evaluated, total)
        if self.progress is not None:
            self.progress(self.evaluated, total)

    # -- the loop ------------------------------------------------------------------------------

    def _run_from(self, root: FormulaCell) -> None:
        stack = [root]
        active: dict[FormulaCell, int] = {}
        chain: list[FormulaCell] = []
        while stack:
            fc = stack[-1]
            if fc.sheet.values.get((fc.row, fc.col)) is not PENDING:
                stack.pop()
                continue
            try:
                value, fill = self._evaluate(fc)
            except NeedCells as need:
                if fc not in active:
                    active[fc] = len(chain)
                    chain.append(fc)
                for key in need.cells:
                    dep = self.formula_at.get(key)
                    if dep is None:  # not a formula cell after all: nothing to wait for
                        continue
                    if dep.sheet.values.get((dep.row, dep.col)) is not PENDING:
                        continue
                    if dep in active:
                        start = active[dep]
                        cycle = chain[start:]
                        for member in cycle:
                            del active[member]
                        del chain[start:]
                        self._break_cycle(cycle)
                        if fc not in active:
                            break
                    else:
                        stack.append(dep)
                continue
            self._store(fc, value, fill)
            if fc in active:
                del active[fc]
                chain.pop()
            stack.pop()

    def _compiled_for(self, fc: FormulaCell) -> Compiled:
        compiled: Compiled | None = fc.compiled
        if compiled is None:
            key = (fc.sheet.index, formula_shape(fc.text, fc.anchor_row, fc.anchor_col))
            compiled = self._compiled.get(key)
            if compiled is None:
                compiled = self.compiler.compile(fc.text, fc.sheet, fc.anchor_row, fc.anchor_col)
                self._compiled[key] = compiled
            if compiled.warnings and key not in self._warned_shapes:
                self._warned_shapes.add(key)
                for warning in compiled.warnings:
                    self.warnings.append(f"{fc.sheet.address(fc.row, fc.col)}: {warning}")
            fc.compiled = compiled
        return compiled

    def _evaluate(self, fc: FormulaCell) -> tuple[Any, list[list[Any]] | None]:
        compiled = self._compiled_for(fc)
        if compiled.problems:
            for kind, detail in compiled.problems:
                self.problems.append(CellProblem(fc.sheet.name, _address(fc.row, fc.col), kind, detail))
            self.unevaluated += 1
            return NAME, None
        try:
            raw = compiled.thunk(fc.row, fc.col)
        except RecursionError:
            self.problems.append(CellProblem(fc.sheet.name, _address(fc.row, fc.col), "unsupported syntax",
                                             "formula nested too deeply"))
            self.unevaluated += 1
            return NAME, None
        fill = None
        if type(raw) is Ref:
            if fc.array_ref is not None or not raw.is_cell():
                raw = operand(self.book, raw)
            else:
                raw = self.book.cell(raw.sheet, raw.r1, raw.c1)
        if type(raw) is list:
            fill = raw if fc.array_ref is not None else None
            raw = raw[0][0] if raw and raw[0] else NA
        return _finish(raw), fill

    def _store(self, fc: FormulaCell, value: Any, fill: list[list[Any]] | None) -> None:
        values = fc.sheet.values
        values[(fc.row, fc.col)] = value
        self.evaluated += 1
        if fc.covered:
            r1, c1 = fc.row, fc.col
            for row, col, _, _ in fc.covered:
                if fill is None:
                    values[(row, col)] = NA if fc.array_ref is not None and value is not None else value
                else:
                    values[(row, col)] = _finish(element(fill, row - r1, col - c1))

    def _break_cycle(self, cycle: list[FormulaCell]) -> None:
        path = " -> ".join(fc.sheet.address(fc.row, fc.col) for fc in [*cycle, cycle[0]])
        error = ExcelError("#REF!", f"circular reference: {path}")
        first = cycle[0]
        self.problems.append(CellProblem(first.sheet.name, _address(first.row, first.col),
                                         "circular reference", path))
        for fc in cycle:
            if fc.sheet.values.get((fc.row, fc.col)) is PENDING:
                self._store(fc, error, None)
                self.unevaluated += 1


def _finish(value: Any) -> Any:
    """A cell's final value: blank is 0, NaN/infinity #NUM!."""
    if value is None:
        return 0
    if type(value) is float and (value != value or value in (float("inf"), float("-inf"))):
        return NUM
    return value


def _address(row: int, col: int) -> str:
    from hipaa_xl.recalc.refs import cell_address

    return cell_address(row, col)
