"""Evaluating every formula in dependency order, with circular references reported.

The order comes from each compiled formula's static precedents (the cells and ranges it names, see
:data:`~hipaa_xl.recalc.compiler.Precedent`): a depth-first walk on an explicit stack (no Python
recursion, so 100,000-cell chains are fine) computes a formula's precedents before the formula, so
each formula normally runs once. References computed while evaluating (results of INDEX and
XLOOKUP, ranges such as ``A1:INDEX(...)``) are not known in advance: a formula that meets a cell not computed yet raises
:class:`~hipaa_xl.recalc.model.NeedCells`, those cells are computed first and the formula runs again.

Circular references are found and reported exactly as by evaluating on demand, which is what the
walk falls back to for a formula whose precedents loop (statically, e.g. through an IF branch never
taken, or for real): each formula runs against the values computed so far and the cells being
waited on form a chain (each one asked for the next). Short-circuit functions (IF, IFERROR...) only
ask for the cells on the branch taken, as in Excel. A cell asking for a cell already in that chain
closes a circular reference: the cycle is reported, e.g. ``Sheet1!A1 -> Sheet1!B1 -> Sheet1!A1``, and
every cell of it keeps what Excel shows with iterative calculation off: the value the file last
held, or 0 when it holds none (Excel warns and leaves a circular reference uncomputed).

A cell that could not be evaluated taints what reads it: it stays PENDING (the marker of a cell not
computed yet) until the end, so a formula that reads it in any way (a reference, a range, a defined
name, a table, inside IFERROR or ISNA) meets it and is reported as a "dependent" naming the cell that
failed, holding ``#NAME?`` like that cell, never a value computed around it. Cells of a cycle show
what Excel shows (see above) and taint their readers the same way. Only the workbook refresh
(``keep_cached``) computes dependents from the value the file held.

One cell never costs the workbook: anything that goes wrong while a cell is compiled or evaluated
(an overflow, a recursion limit, an input outside what is implemented) makes that cell ``#NAME?``
and a reported problem, and every other cell is still computed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from hipaa_xl.recalc.compiler import Compiled, Compiler, constant
from hipaa_xl.recalc.model import PENDING, Book, CellKey, NeedCells, RangeTooLarge, Ref
from hipaa_xl.recalc.operators import element, intersect
from hipaa_xl.recalc.reader import NO_CACHE, FormulaCell
from hipaa_xl.recalc.refs import RowTemplate, cell_address, render_rows, shape_parts
from hipaa_xl.recalc.values import NA, NAME, NUM, VALUE, ExcelError, Unsupported

Progress = Callable[[int, int], None]
_RECENT_PER_COLUMN = 4


@dataclass(frozen=True)
class CellProblem:
    """A formula cell that could not be evaluated: where, what kind, and the detail (e.g. function name)."""

    sheet: str
    cell: str
    kind: str  # "unknown function", "unsupported syntax", "unsupported", "circular reference", "internal error",
    # "too large", or "dependent" (a cell that reads one of those; ``depends_on`` names it)
    detail: str
    depends_on: str = ""
    """For a "dependent": the reported cell (``Sheet!A1``) whose value it needed."""

    def line(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.kind}: {self.detail}"


DEPENDENT: Final = "dependent"
"""The kind of a cell that read a cell that could not be evaluated."""


class Evaluator:
    """Computes every formula cell of a book."""

    def __init__(self, book: Book, formulas: list[FormulaCell], compiler: Compiler,
                 progress: Progress | None = None, keep_cached: bool = False) -> None:
        self.book = book
        self.formulas = formulas
        self.compiler = compiler
        self.progress = progress
        self.keep_cached = keep_cached
        """A cell that cannot be evaluated keeps the value cached in the file (refresh), not #NAME?."""
        self.kept: set[FormulaCell] = set()
        self.poisoned: dict[FormulaCell, FormulaCell] = {}
        """Cells that could not be evaluated, or that read such a cell, each with the reported cell it
        goes back to. They stay PENDING while the others are computed, so any formula that reads one
        (directly, through a range, a name or a table, even inside IFERROR) meets
        :class:`~hipaa_xl.recalc.model.NeedCells` for it and is poisoned in turn; :meth:`run` gives
        them their final value at the end."""
        self._shown: dict[FormulaCell, Any] = {}  # what a poisoned cell holds in the end
        self.problems: list[CellProblem] = []
        self.warnings: list[str] = []
        self.evaluated = 0
        self.unevaluated = 0  # cells among ``evaluated`` that hold #NAME?/#REF! for a problem
        self._compiled: dict[tuple[int, str, bool], Compiled] = {}
        # per (sheet, column): the last few formulas met there, most recent first
        self._by_column: dict[tuple[int, int, bool], list[tuple[RowTemplate, Compiled, tuple[int, str, bool]]]] = {}
        self._complete: set[tuple[int, int, int, int, int]] = set()  # ranges with every formula computed
        self._warned_shapes: set[tuple[int, str, bool]] = set()
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
        for fc in self.formulas:  # compiled in sheet order, so warnings name the first cell of a shape
            self._compiled_for(fc)
        for position, fc in enumerate(self.formulas):
            if not self._done(fc) and not self._run_ordered(fc):
                self._run_from(fc)
            if self.progress is not None and position % step == 0:
                self.progress(self.evaluated, total)
        for fc in self.poisoned:
            self._set(fc, self._shown.get(fc, NAME), None)
        if self.progress is not None:
            self.progress(self.evaluated, total)

    def _done(self, fc: FormulaCell) -> bool:
        """True once ``fc`` is computed or poisoned."""
        return fc.sheet.values.get((fc.row, fc.col)) is not PENDING or fc in self.poisoned

    def _poisoned_need(self, need: NeedCells) -> FormulaCell | None:
        """The first poisoned cell among those a formula asked for, if any."""
        for key in need.cells:
            dep = self.formula_at.get(key)
            if dep is not None and dep in self.poisoned:
                return dep
        return None

    def _poison(self, fc: FormulaCell, root: FormulaCell, shown: Any = NAME, report: bool = True) -> None:
        """Mark ``fc`` as not evaluated because of ``root`` (itself for the cell that failed)."""
        self.poisoned[fc] = root
        if shown is not NAME:
            self._shown[fc] = shown
        self.evaluated += 1
        self.unevaluated += 1
        if report and root is not fc:
            where = root.sheet.address(root.row, root.col)
            self.problems.append(CellProblem(fc.sheet.name, cell_address(fc.row, fc.col), DEPENDENT,
                                             f"depends on {where}, which could not be evaluated", where))

    # -- in order of static precedents ----------------------------------------------------------

    def _run_ordered(self, root: FormulaCell) -> bool:
        """Compute ``root`` and what it needs, precedents first; False when they loop.

        Every cell computed here is outside any loop; on False, :meth:`_run_from` finishes the
        work from ``root`` as if nothing had been ordered, so cycles are reported as always.
        """
        stack = [root]
        open_cells: set[FormulaCell] = set()  # expanded, not computed: the cells on the walk's path
        while stack:
            fc = stack[-1]
            if self._done(fc):
                stack.pop()
                continue
            if fc not in open_cells:
                open_cells.add(fc)
                waiting = self._pending_precedents(fc)
                if waiting:
                    for dep in waiting:
                        if dep in open_cells:
                            return False
                    stack.extend(reversed(waiting))
                    continue
            try:
                value, fill = self._evaluate(fc)
            except NeedCells as need:
                bad = self._poisoned_need(need)
                if bad is not None:
                    self._poison(fc, self.poisoned[bad])
                    stack.pop()
                    continue
                for key in need.cells:
                    needed = self.formula_at.get(key)
                    if needed is None or self._done(needed):
                        continue
                    if needed in open_cells:
                        return False
                    stack.append(needed)
                continue
            self._store(fc, value, fill)
            stack.pop()
        return True

    def _pending_precedents(self, fc: FormulaCell) -> list[FormulaCell]:
        """The formula cells ``fc`` names that are not computed yet, in the order it names them."""
        out: list[FormulaCell] = []
        row, col = fc.row, fc.col
        formula_at = self.formula_at
        for precedent in self._compiled_for(fc).precedents:
            if type(precedent) is tuple:
                sheet, rel_r, r, rel_c, c = precedent
                if rel_r:
                    r += row
                if rel_c:
                    c += col
                if sheet.values.get((r, c)) is PENDING:
                    dep = formula_at.get((sheet.index, r, c))
                    if dep is not None and dep not in self.poisoned:
                        out.append(dep)
                continue
            ref = precedent(row, col) if callable(precedent) else None
            if type(ref) is Ref:
                self._pending_in(ref, out)
        return out

    def _pending_in(self, ref: Ref, out: list[FormulaCell]) -> None:
        sheet = ref.sheet
        key = (sheet.index, ref.r1, ref.c1, ref.r2, ref.c2)
        if key in self._complete or not sheet.formula_rows:
            return
        values = sheet.values
        formula_at = self.formula_at
        found = len(out)
        for col, rows in sheet.formula_rows.items():
            if ref.c1 <= col <= ref.c2:
                for row in rows[bisect_left(rows, ref.r1) : bisect_right(rows, ref.r2)]:
                    if values.get((row, col)) is PENDING:
                        dep = formula_at.get((sheet.index, row, col))
                        if dep is not None and dep not in self.poisoned:
                            out.append(dep)
        if len(out) == found:
            self._complete.add(key)

    # -- on demand (and for cycles) ------------------------------------------------------------

    def _run_from(self, root: FormulaCell) -> None:
        stack = [root]
        active: dict[FormulaCell, int] = {}
        chain: list[FormulaCell] = []
        while stack:
            fc = stack[-1]
            if self._done(fc):
                stack.pop()
                continue
            try:
                value, fill = self._evaluate(fc)
            except NeedCells as need:
                bad = self._poisoned_need(need)
                if bad is not None:
                    self._poison(fc, self.poisoned[bad])
                    if fc in active:
                        del active[fc]
                        chain.pop()
                    stack.pop()
                    continue
                if fc not in active:
                    active[fc] = len(chain)
                    chain.append(fc)
                for key in need.cells:
                    dep = self.formula_at.get(key)
                    if dep is None:  # not a formula cell after all: nothing to wait for
                        continue
                    if self._done(dep):
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
        if compiled is not None:
            return compiled
        # A formula copied down its column: one of those met last there, moved to this row?
        array = fc.array_ref is not None
        recent = self._by_column.setdefault((fc.sheet.index, fc.anchor_col, array), [])
        found = next((i for i, entry in enumerate(recent) if render_rows(entry[0], fc.anchor_row) == fc.text), None)
        if found is not None:
            entry = recent.pop(found)
            recent.insert(0, entry)
            compiled, key = entry[1], entry[2]
        else:
            try:
                shape, template = shape_parts(fc.text, fc.anchor_row, fc.anchor_col)
            except Exception as exc:
                compiled = Compiled(constant(NAME), [("internal error", f"{type(exc).__name__}: {exc}")])
                fc.compiled = compiled
                return compiled
            key = (fc.sheet.index, shape, array)
            compiled = self._compiled.get(key)
            if compiled is None:
                compiled = self.compiler.compile(fc.text, fc.sheet, fc.anchor_row, fc.anchor_col, array=array)
                self._compiled[key] = compiled
            recent.insert(0, (template, compiled, key))
            del recent[_RECENT_PER_COLUMN:]
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
                self.problems.append(CellProblem(fc.sheet.name, cell_address(fc.row, fc.col), kind, detail))
            return self._held(fc, NAME), None
        try:
            raw = compiled.thunk(fc.row, fc.col)
            fill = None
            if type(raw) is Ref:
                if fc.array_ref is not None and not raw.is_cell():
                    raw = self.book.rows(raw)
                else:  # a plain formula's range result: Excel's implicit intersection
                    raw = intersect(self.book, raw, fc.row, fc.col)
            if type(raw) is list:
                fill = raw if fc.array_ref is not None else None
                raw = raw[0][0] if raw and raw[0] else NA
            return self._finish(raw, fc.row, fc.col), fill
        except NeedCells:
            raise
        except Unsupported as exc:
            return self._unevaluated(fc, "unsupported", str(exc))
        except RecursionError:
            return self._unevaluated(fc, "unsupported syntax", "formula nested too deeply")
        except RangeTooLarge as exc:
            return self._unevaluated(fc, "too large", str(exc))
        except Exception as exc:
            return self._unevaluated(fc, "internal error", f"{type(exc).__name__}: {exc}")

    def _unevaluated(self, fc: FormulaCell, kind: str, detail: str) -> tuple[Any, None]:
        self.problems.append(CellProblem(fc.sheet.name, cell_address(fc.row, fc.col), kind, detail))
        return self._held(fc, NAME), None

    def _held(self, fc: FormulaCell, error: ExcelError) -> Any:
        """What a cell that cannot be evaluated holds: ``error`` (and its dependents are reported), or
        with ``keep_cached`` its value in the file (and its dependents are computed from that)."""
        if self.keep_cached:
            self.unevaluated += 1
            if fc.cached is not NO_CACHE:
                self.kept.add(fc)
                return fc.cached
            return error
        return _Poison(error)

    def _finish(self, value: Any, row: int, col: int) -> Any:
        """A cell's final value: a scalar (a range or array inside an array is resolved the same way)."""
        for _ in range(64):
            t = type(value)
            if t is Ref:
                value = intersect(self.book, value, row, col)
            elif t is list:
                value = value[0][0] if value and value[0] else NA
            else:
                return _finish(value)
        return VALUE

    def _store(self, fc: FormulaCell, value: Any, fill: list[list[Any]] | None) -> None:
        if type(value) is _Poison:
            self._poison(fc, fc, value.shown)
            return
        self.evaluated += 1
        self._set(fc, value, fill)

    def _set(self, fc: FormulaCell, value: Any, fill: list[list[Any]] | None) -> None:
        values = fc.sheet.values
        values[(fc.row, fc.col)] = value
        if fc.covered:
            r1, c1 = fc.row, fc.col
            kept = fc in self.kept
            for row, col, _, cached in fc.covered:
                if kept:
                    values[(row, col)] = None if cached is NO_CACHE else cached
                elif fill is None:  # a single value fills the whole range of its array formula
                    values[(row, col)] = value
                else:
                    values[(row, col)] = self._finish(element(fill, row - r1, col - c1), row, col)

    def _break_cycle(self, cycle: list[FormulaCell]) -> None:
        """Report a cycle; its cells keep what Excel shows: the value the file holds, else 0."""
        shown = cycle if len(cycle) <= 6 else [*cycle[:3], *cycle[-2:]]
        path = " -> ".join(fc.sheet.address(fc.row, fc.col) for fc in [*shown, cycle[0]])
        if len(cycle) > 6:
            path = path.replace(f"{shown[2].sheet.address(shown[2].row, shown[2].col)} -> ",
                                f"{shown[2].sheet.address(shown[2].row, shown[2].col)} -> "
                                f"({len(cycle) - 5} more) -> ", 1)
        first = cycle[0]
        self.problems.append(CellProblem(first.sheet.name, cell_address(first.row, first.col),
                                         "circular reference", path))
        for fc in cycle:
            if not self._done(fc):
                cached = fc.cached
                last = 0 if cached is NO_CACHE or cached is None or type(cached) is ExcelError else cached
                if self.keep_cached:
                    self._store(fc, last, None)
                    self.unevaluated += 1
                else:  # its members show what Excel shows; whatever reads them is reported
                    self._poison(fc, first, last, report=False)


class _Poison:
    """What :meth:`Evaluator._held` gives for a cell that could not be evaluated (outside refresh)."""

    __slots__ = ("shown",)

    def __init__(self, shown: Any) -> None:
        self.shown = shown


def _finish(value: Any) -> Any:
    """A cell's final value: blank is 0, NaN/infinity #NUM!."""
    if value is None:
        return 0
    if type(value) is float and (value != value or value in (float("inf"), float("-inf"))):
        return NUM
    return value
