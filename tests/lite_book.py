"""A recording stand-in for an open xlwings Book, in plain Python (it also runs inside Pyodide).

It offers what the object-model refresh uses of ``xw.Book`` (the API xlwings and xlwings Lite share)
and records every cell written through ``range.formula``, every number format and column width.
Built from a snapshot: {"sheets": {name: {"values": rows, "formulas": {"r,c": "=..."}}},
"names": {name: "=Sheet!$A$1"}}; a date in ``values`` is {"$date": "YYYY-MM-DD"} (desktop xlwings
gives datetimes) or already a serial number.

Like the engine xlwings Lite runs (``xlwings.pro._xlremote``, read in xlwings 0.37.8), it raises
``NotImplementedError`` on every synchronous read that engine refuses (``range.formula``,
``number_format``, ``column_width``): code that passes here does not stop at its first step in Lite.
The same code is run against the real engine in ``tests/lite/test_engine.py`` where the licence allows.
"""

from __future__ import annotations

import datetime as dt
import json  # noqa: F401  (the Pyodide checks use it)
from typing import Any


def _cell(value: Any) -> Any:
    if isinstance(value, dict) and "$date" in value:
        return dt.datetime.fromisoformat(value["$date"])
    return value


class RecordedRange:
    def __init__(self, sheet: RecordingSheet, a: tuple[int, int], b: tuple[int, int] | None = None) -> None:
        self.sheet = sheet
        self.top, self.left = a
        self.bottom, self.right = b if b is not None else a

    # reading
    @property
    def row(self) -> int:
        return self.top

    @property
    def column(self) -> int:
        return self.left

    def options(self, ndim: int | None = None) -> RecordedRange:
        assert ndim == 2
        return self

    @property
    def value(self) -> list[list[Any]]:
        return [[self.sheet.value_at(r, c) for c in range(self.left, self.right + 1)]
                for r in range(self.top, self.bottom + 1)]

    # writing (reads raise, as in the remote engine)
    @property
    def formula(self) -> Any:
        raise NotImplementedError("Reading formulas synchronously isn't supported on this engine.")

    @formula.setter
    def formula(self, grid: list[list[Any]]) -> None:
        assert len(grid) == self.bottom - self.top + 1, "rows"
        for i, row in enumerate(grid):
            assert len(row) == self.right - self.left + 1, "columns"
            for j, v in enumerate(row):
                self.sheet.written[(self.top + i, self.left + j)] = v
        self.sheet.calls += 1

    @property
    def number_format(self) -> str:
        raise NotImplementedError("Reading the number format synchronously isn't supported on this engine.")

    @number_format.setter
    def number_format(self, code: str) -> None:
        for r in range(self.top, self.bottom + 1):
            for c in range(self.left, self.right + 1):
                self.sheet.number_formats[(r, c)] = code
        self.sheet.calls += 1

    @property
    def column_width(self) -> float:
        raise NotImplementedError("Reading the column width synchronously isn't supported on this engine.")

    @column_width.setter
    def column_width(self, width: float) -> None:
        for c in range(self.left, self.right + 1):
            self.sheet.widths[c] = width
        self.sheet.calls += 1


    @property
    def conditional_formats(self) -> RecordedConditionalFormats:
        return RecordedConditionalFormats(self)


class RecordedConditionalFormats:
    def __init__(self, rng: RecordedRange) -> None:
        self.rng = rng

    def add_custom(self, formula: str, **fmt: Any) -> None:
        assert formula.startswith("=")
        self.rng.sheet.conditional.append(((self.rng.top, self.rng.left, self.rng.bottom, self.rng.right), formula, fmt))
        self.rng.sheet.calls += 1


class RecordedTable:
    def __init__(self, sheet: RecordingSheet, name: str, ref: str) -> None:
        self.sheet, self.name, self.ref = sheet, name, ref

    def resize(self, rng: RecordedRange) -> None:
        self.ref = _a1(rng.top, rng.left) + ":" + _a1(rng.bottom, rng.right)
        self.sheet.calls += 1


class RecordedChart:
    def __init__(self, sheet: RecordingSheet) -> None:
        self.sheet, self.values, self.categories = sheet, "", ""

    def set_source_data(self, rng: RecordedRange, plot_by: str | None = None) -> None:
        assert plot_by == "rows"
        self.values = _a1(rng.top, rng.left) + ":" + _a1(rng.bottom, rng.right)
        self.sheet.calls += 1

    def set_x_axis_values(self, rng: RecordedRange) -> None:
        self.categories = _a1(rng.top, rng.left) + ":" + _a1(rng.bottom, rng.right)
        self.sheet.calls += 1


class RecordedTables(list[RecordedTable]):
    def __init__(self, sheet: RecordingSheet, tables: list[RecordedTable]) -> None:
        super().__init__(tables)
        self.sheet = sheet

    def add(self, source: RecordedRange, name: str, table_style_name: str, has_headers: bool) -> RecordedTable:
        table = RecordedTable(self.sheet, name, "")
        table.resize(source)
        self.append(table)
        return table


def _a1(r: int, c: int) -> str:
    letters = ""
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r}"


def _tuple(a1: str) -> tuple[int, int]:
    letters = "".join(ch for ch in a1 if ch.isalpha()).upper()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int("".join(ch for ch in a1 if ch.isdigit())), col


class RecordingSheet:
    def __init__(self, name: str, values: list[list[Any]], formulas: dict[str, str]) -> None:
        self.name = name
        self.values = [[_cell(v) for v in row] for row in values]
        self.formulas = {tuple(int(x) for x in k.split(",")): v for k, v in formulas.items()}
        self.written: dict[tuple[int, int], Any] = {}
        self.number_formats: dict[tuple[int, int], str] = {}
        self.widths: dict[int, float] = {}
        self.conditional: list[tuple[tuple[int, int, int, int], str, dict[str, Any]]] = []
        self.tables = RecordedTables(self, [])
        self.charts: list[RecordedChart] = []
        self.cleared = 0
        self.calls = 0

    def value_at(self, r: int, c: int) -> Any:
        if (r, c) in self.written:
            v = self.written[(r, c)]
            return None if v == "" else v
        if r <= len(self.values) and c <= len(self.values[r - 1]):
            return self.values[r - 1][c - 1]
        return None

    @property
    def used_range(self) -> RecordedRange:
        rows = max(len(self.values), max((r for r, _ in self.written), default=0), 1)
        cols = max(max((len(r) for r in self.values), default=0), max((c for _, c in self.written), default=0), 1)
        return RecordedRange(self, (1, 1), (rows, cols))

    def range(self, a: tuple[int, int] | str, b: tuple[int, int] | None = None) -> RecordedRange:
        if isinstance(a, str):  # A1 notation, as "E5:E20"
            first, _, last = a.replace("$", "").partition(":")
            return RecordedRange(self, _tuple(first), _tuple(last) if last else None)
        return RecordedRange(self, a, b)

    def clear(self) -> None:
        """Contents and formats, conditional formats included (Office.js ``Range.clear("All")``)."""
        self.cleared += 1
        self.values, self.formulas, self.written, self.number_formats = [], {}, {}, {}
        self.conditional = []

    def grid(self) -> list[list[Any]]:
        """What was written, row by row from A1 (blank cells as "")."""
        if not self.written:
            return []
        rows = max(r for r, _ in self.written)
        cols = max(c for _, c in self.written)
        return [[self.written.get((r, c), "") for c in range(1, cols + 1)] for r in range(1, rows + 1)]


class RecordedName:
    def __init__(self, name: str, refers_to: str) -> None:
        self.name, self.refers_to = name, refers_to


class RecordingSheets:
    def __init__(self, sheets: list[RecordingSheet]) -> None:
        self._sheets = sheets

    def __iter__(self) -> Any:
        return iter(list(self._sheets))

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, key: str | int) -> RecordingSheet:
        if isinstance(key, int):
            return self._sheets[key]
        return next(s for s in self._sheets if s.name == key)

    def add(self, name: str, after: RecordingSheet | None = None) -> RecordingSheet:
        sheet = RecordingSheet(name, [], {})
        self._sheets.append(sheet)
        return sheet


class RecordingBook:
    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.sheets = RecordingSheets([RecordingSheet(name, s["values"], s.get("formulas", {}))
                                       for name, s in snapshot["sheets"].items()])
        for name, s in snapshot["sheets"].items():
            sheet = self.sheets[name]
            sheet.tables = RecordedTables(sheet, [RecordedTable(sheet, t, ref) for t, ref in s.get("tables", {}).items()])
            sheet.charts = [RecordedChart(sheet) for _ in range(s.get("charts", 0))]
        self.names = [RecordedName(n, r) for n, r in snapshot["names"].items()]


def normalised(grid: list[list[Any]]) -> list[list[Any]]:
    """A grid with blank cells as "" and no trailing blank rows or columns, for comparing."""
    rows = [["" if v is None else v for v in row] for row in grid]
    rows = [r[: max((i + 1 for i, v in enumerate(r) if v != ""), default=0)] for r in rows]
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]
