"""The workbook as the evaluator sees it: sheets of values, references, tables and names.

A formula cell holds the :data:`PENDING` marker until it is computed. Reading a pending cell raises
:class:`NeedCells`; the evaluator then computes those cells first and runs the formula again
(see :mod:`hipaa_xl.recalc.evaluator`). Ranges are materialised once all their formula cells are
done and cached, so 200 SUMIFS over the same 10,000 rows read the cells once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, Final

from hipaa_xl.ooxml.a1 import MAX_COL, cell_address, quote_sheet

PENDING: Final[Any] = type("Pending", (), {"__repr__": lambda self: "PENDING"})()

CellKey = tuple[int, int, int]  # (sheet index, row, col)


MAX_RANGE_CELLS: Final = 10_000_000
"""The largest range materialised (about 0.4 GB); a range whose used part is larger is reported, not
read (e.g. =SUM(A1:XFD1048576) on a sheet with a value in its last cell: 17 billion cells)."""


class RangeTooLarge(Exception):
    """A range too large to read into memory; the cell that needs it is reported as a problem."""

    def __init__(self, ref: Ref, cells: int) -> None:
        super().__init__(f"{ref.sheet.address(ref.r1, ref.c1)}:{cell_address(ref.r2, ref.c2)} covers {cells:,} "
                         f"used cells, more than the {MAX_RANGE_CELLS:,} a formula may read")


class NeedCells(Exception):
    """Raised when a formula reads cells that are not computed yet."""

    def __init__(self, cells: list[CellKey]) -> None:
        super().__init__()
        self.cells = cells


@dataclass(eq=False)
class Sheet:
    """One worksheet: its values by (row, col) and where its formulas are."""

    name: str
    index: int
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    max_row: int = 0
    max_col: int = 0
    formula_rows: dict[int, list[int]] = field(default_factory=dict)  # col -> sorted rows

    def quoted_name(self) -> str:
        """The sheet name as a formula writes it."""
        return quote_sheet(self.name)

    def address(self, row: int, col: int) -> str:
        """``Sheet!B7``."""
        return f"{self.quoted_name()}!{cell_address(row, col)}"


class Ref:
    """A rectangular reference on one sheet (bounds as written, whole columns reach row 1,048,576)."""

    __slots__ = ("c1", "c2", "r1", "r2", "sheet")

    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet = sheet
        self.r1 = r1
        self.c1 = c1
        self.r2 = r2
        self.c2 = c2

    @property
    def height(self) -> int:
        return self.r2 - self.r1 + 1

    @property
    def width(self) -> int:
        return self.c2 - self.c1 + 1

    def is_cell(self) -> bool:
        return self.r1 == self.r2 and self.c1 == self.c2

    def __repr__(self) -> str:
        return f"Ref({self.sheet.name}!{cell_address(self.r1, self.c1)}:{cell_address(self.r2, self.c2)})"


@dataclass(frozen=True)
class Table:
    """An Excel table (ListObject) read from its table part."""

    name: str
    sheet: Sheet
    r1: int
    c1: int
    r2: int
    c2: int
    header_rows: int
    totals_rows: int
    columns: tuple[str, ...]

    def column_index(self, name: str) -> int | None:
        """Sheet column of a table column (case-insensitive), or None."""
        wanted = name.strip().lower()
        for offset, column in enumerate(self.columns):
            if column.lower() == wanted:
                return self.c1 + offset
        return None


@dataclass(frozen=True)
class DefinedName:
    """A defined name; ``scope`` is the sheet index for sheet-scoped names, None for the workbook."""

    name: str
    text: str
    scope: int | None


class Book:
    """Every sheet, defined name and table, plus the caches the functions share."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self.sheets_by_name: dict[str, Sheet] = {}
        self.names: dict[tuple[int | None, str], DefinedName] = {}
        self.tables: dict[str, Table] = {}
        self.range_cache: dict[tuple[int, int, int, int, int], list[list[Any]]] = {}
        self.shared_cache: dict[Any, Any] = {}  # per-function caches (criteria indexes, lookups)

    def add_sheet(self, name: str) -> Sheet:
        sheet = Sheet(name, len(self.sheets))
        self.sheets.append(sheet)
        self.sheets_by_name[name.lower()] = sheet
        return sheet

    def sheet_named(self, name: str) -> Sheet | None:
        return self.sheets_by_name.get(name.lower())

    def lookup_name(self, name: str, sheet: Sheet) -> DefinedName | None:
        """A defined name seen from ``sheet``: its sheet-scoped name first, then the workbook's."""
        key = name.lower()
        return self.names.get((sheet.index, key)) or self.names.get((None, key))

    # -- values -------------------------------------------------------------------------------

    def cell(self, sheet: Sheet, row: int, col: int) -> Any:
        """The value of one cell (None when blank); raises NeedCells when it is not computed yet."""
        value = sheet.values.get((row, col))
        if value is PENDING:
            raise NeedCells([(sheet.index, row, col)])
        return value

    def bounds(self, ref: Ref) -> tuple[int, int]:
        """Last row and column of ``ref`` that can hold anything (whole columns stop at the used range)."""
        sheet = ref.sheet
        return min(ref.r2, sheet.max_row), min(ref.c2, sheet.max_col)

    def rows(self, ref: Ref, height: int | None = None) -> list[list[Any]]:
        """The values of ``ref`` row by row, clipped to the used range (or ``height`` rows)."""
        if height is None:
            r2, c2 = self.bounds(ref)
        else:
            r2 = ref.r1 + height - 1
            c2 = ref.c2 if ref.c2 < MAX_COL else max(ref.c1, min(ref.c2, ref.sheet.max_col))
        sheet = ref.sheet
        key = (sheet.index, ref.r1, ref.c1, r2, c2)
        cached = self.range_cache.get(key)
        if cached is not None:
            return cached
        cells = max(0, r2 - ref.r1 + 1) * max(0, c2 - ref.c1 + 1)
        if cells > MAX_RANGE_CELLS:
            raise RangeTooLarge(Ref(sheet, ref.r1, ref.c1, r2, c2), cells)
        self.require_computed(sheet, ref.r1, ref.c1, r2, c2)
        get = sheet.values.get
        cols = range(ref.c1, c2 + 1)
        if ref.c1 == c2:
            c = ref.c1
            result = [[get((r, c))] for r in range(ref.r1, r2 + 1)]
        else:
            result = [[get((r, c)) for c in cols] for r in range(ref.r1, r2 + 1)]
        if len(result) * max(1, c2 - ref.c1 + 1) >= 64:
            self.range_cache[key] = result
        return result

    def column(self, ref: Ref, height: int | None = None) -> list[Any]:
        """All values of ``ref`` in row-major order (the flat form SUMIFS and MATCH use)."""
        rows = self.rows(ref, height)
        if rows and len(rows[0]) == 1:
            return [row[0] for row in rows]
        return [v for row in rows for v in row]

    def require_computed(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> None:
        """Raise NeedCells listing every formula cell in the block that is not computed yet."""
        missing: list[CellKey] = []
        values = sheet.values
        for col, rows in sheet.formula_rows.items():
            if c1 <= col <= c2:
                for row in rows[bisect_left(rows, r1) : bisect_right(rows, r2)]:
                    if values.get((row, col)) is PENDING:
                        missing.append((sheet.index, row, col))
        if missing:
            raise NeedCells(missing)

