"""The Scenarios sheet: its two Excel tables, their headers, and reading them back.

``Scenarios``: Name, Description, Probability, Schedule, As-of. ``ScenarioChanges``: Scenario,
Incident ID, Field, Value, Reason. The sheet belongs to the user: refresh reads it and never writes
it (decisions 16). The tables are found by their names, their columns by their header text, and every
row under a table's header is read (a row typed just below a table that did not grow is not lost).
Each row's cells are parsed here into the engine's typed rows (:func:`scenario_row`, :func:`change_row`),
with the row number for messages; the engine checks what needs the incidents.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hipaa_xl.engine.scenario_records import CHANGEABLE_FIELDS, EXCLUDED, ChangeInput, ScenarioInput, field_label
from hipaa_xl.engine.tiers import derive_tier, parse_tier
from hipaa_xl.errors import HipaaInputError, shown
from hipaa_xl.excel import cells
from hipaa_xl.law.schedules import check_schedule
from hipaa_xl.workbook import columns

if TYPE_CHECKING:  # the package reader needs lxml and openpyxl; the object-model reader neither
    from hipaa_xl.ooxml.package import Package

SCENARIOS_SHEET = "Scenarios"
SCENARIOS_TABLE = "Scenarios"
CHANGES_TABLE = "ScenarioChanges"
SCENARIO_HEADERS = ("Name", "Description", "Probability", "Schedule", "As-of")
CHANGE_HEADERS = ("Scenario", "Incident ID", "Field", "Value", "Reason")
NAME_SCENARIO_PROBLEM_ROWS = "HXL_SCENARIO_PROBLEM_ROWS"
NAME_CHANGE_PROBLEM_ROWS = "HXL_CHANGE_PROBLEM_ROWS"
"""Defined names refresh points at the sheet rows that cannot apply; the sheet's conditional format
reads them, so the rows turn red without refresh writing the user's sheet."""
EXCLUDED_LABEL = "Excluded"
_SCENARIO_KEYS = ("name", "description", "probability", "schedule", "as_of")
_CHANGE_KEYS = ("scenario", "incident_id", "field", "value", "reason")


def field_choices() -> tuple[str, ...]:
    """The Field dropdown: the Incidents headers of the fields a scenario may change, then Excluded."""
    headers = {c.field: c.header for c in columns.INCIDENT_COLUMNS}
    return (*(headers[f] for f in CHANGEABLE_FIELDS), EXCLUDED_LABEL)


assert EXCLUDED_LABEL.casefold() == EXCLUDED  # the engine reads the label as its pseudo-field


_DATE_FIELDS = frozenset({"start", "end", "known", "corrected", "cure_period_ends"})


def _text(value: object) -> str:
    """A cell's text (:func:`cells.cell_text`) with runs of white space read as one space."""
    return " ".join(cells.cell_text(value).split())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def field_key(text: object) -> str:
    """A field name as typed ("Duplicate of", "duplicate_of", "Federal action pending") -> engine key."""
    return re.sub(r"[\s\-_]+", "_", str(text if text is not None else "").strip().casefold())


def parse_probability(value: object) -> float | None:
    """A probability: a fraction 0-1 (a percentage-formatted cell holds 0.4 for 40%) or "40%" text."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise HipaaInputError(f"Probability must be a percentage (got {shown(value)})")
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise HipaaInputError(f"Probability must be a percentage such as 40% (got {shown(value)})") from None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise HipaaInputError(f"Probability must be a percentage (got {shown(value)})")
    if math.isnan(number) or not 0 <= number <= 1:
        raise HipaaInputError(f"Probability must be between 0% and 100% (got {number * 100:g}%)")
    return number


def parse_change_value(field: str, value: object) -> tuple[Any, str]:
    """The parsed Value of one change to ``field`` (an engine key) and its printed form;
    HipaaInputError or :class:`cells.CellError` with the reason."""
    if field == EXCLUDED:
        if _blank(value):
            return True, "excluded"
        excluded = cells.parse_bool(value, "Excluded")
        return excluded, "excluded" if excluded else "not excluded"
    if field in _DATE_FIELDS:
        day = cells.parse_date(value, field.replace("_", " ").capitalize())
        if day is None and field == "start":
            raise HipaaInputError("Start cannot be blank (every incident needs a Start date)")
        return day, day.isoformat() if day else "blank"
    if field == "federal_action_pending":
        flag = cells.parse_bool(value, "Federal action pending")
        return flag, "Yes" if flag else "No"
    if field == "criminal_penalty_imposed":  # (imposed, punishable only), as the Incidents column reads
        if isinstance(value, str) and value.strip().casefold() == columns.PUNISHABLE.casefold():
            return (False, True), columns.PUNISHABLE
        flag = cells.parse_bool(value, "Criminal penalty imposed")
        return (flag, False), "Yes" if flag else "No"
    if field == "violations":
        if _blank(value):
            return None, "blank (a continuing violation, one a day)"
        n = cells.count_from_cell(value, "Violations")
        return n, f"{n:,}"
    if field == "tier":
        if _blank(value):
            return None, "blank (derived from the Culpability)"
        tier = parse_tier(value)
        return tier, tier
    if field == "culpability":
        if _blank(value):
            return None, "blank"
        derive_tier(value, None, None)  # rejects words outside the vocabulary (decisions 5)
        return _text(value), _text(value)
    assert field == "duplicate_of"
    text = _text(value)
    return (text or None), (text or "blank (not a duplicate)")


def scenario_row(
    name: object, description: object = None, probability: object = None, schedule: object = None,
    as_of: object = None, row: int | None = None,
) -> ScenarioInput:
    """One Scenarios row's cells parsed: Probability a fraction or "40%" text, Schedule a schedule name
    (blank: the base's), As-of a date (blank: the base's); what cannot be read is in ``problems``."""
    reasons: list[str] = []
    parsed_probability = None
    try:
        parsed_probability = parse_probability(probability)
    except HipaaInputError as exc:
        reasons.append(exc.message)
    own_schedule = None
    try:
        if not _blank(schedule):
            own_schedule = check_schedule(_text(schedule))
    except HipaaInputError as exc:
        reasons.append(f"Schedule: {exc.message}")
    day = None
    try:
        day = cells.parse_date(as_of, "As-of")
    except HipaaInputError as exc:
        reasons.append(exc.message)
    except cells.CellError as exc:
        reasons.append(f"As-of holds {exc.text}")
    return ScenarioInput(_text(name), _text(description), parsed_probability, own_schedule, day, row,
                         tuple(reasons))


def change_row(
    scenario: object, incident_id: object, field_name: object, value: object = None, reason: object = None,
    row: int | None = None,
) -> ChangeInput:
    """One ScenarioChanges row's cells parsed: the Field as an engine key, the Value for that field."""
    key = field_key(field_name)
    known = key in CHANGEABLE_FIELDS or key == EXCLUDED
    parsed: Any = None
    printed = ""
    problem = None
    if known:
        try:
            parsed, printed = parse_change_value(key, value)
        except HipaaInputError as exc:
            problem = f"{field_label(key)}: {exc.message}"
        except cells.CellError as exc:
            problem = f"{field_label(key)}: the Value cell holds the error {exc.text}"
    return ChangeInput(_text(scenario), _text(incident_id), key if known else _text(field_name), parsed, printed,
                       _text(reason), row, problem)


@dataclass
class TableBlock:
    """Where one table sits: its header row and the sheet column of each of its fields."""

    header_row: int
    columns: dict[str, int]
    first_col: int
    last_col: int


@dataclass
class ScenarioTables:
    """The Scenarios sheet as read: both tables' rows, and the cell values for the staleness check."""

    sheet: str
    scenarios: list[ScenarioInput]
    changes: list[ChangeInput]
    scenario_block: TableBlock | None
    change_block: TableBlock | None
    scenario_rows: dict[int, list[Any]] = field(default_factory=dict)
    """Sheet row -> the values of the Scenarios table's columns (first to last), as cached."""
    change_rows: dict[int, list[Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """What stopped a table from being read at all (a missing header)."""


def _norm(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def _tables(pkg: Package, sheet_part: str) -> dict[str, tuple[int, int, int, int]]:
    """The sheet's tables by name (case-folded): (min_col, min_row, max_col, max_row)."""
    from openpyxl.utils.cell import range_boundaries

    from hipaa_xl.ooxml.opc import REL_TABLE, read_rels, resolve_target
    from hipaa_xl.ooxml.package import parse_xml

    out = {}
    for rel in read_rels(pkg, sheet_part):
        if rel.type != REL_TABLE or rel.external:
            continue
        part = resolve_target(sheet_part, rel.target)
        if part not in pkg:
            continue
        root = parse_xml(pkg[part])
        name, ref = root.get("displayName") or root.get("name") or "", root.get("ref") or ""
        try:
            bounds = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if None not in bounds:
            out[name.casefold()] = bounds
    return out


def read_scenarios(data: bytes, pkg: Package) -> ScenarioTables | None:
    """Both tables of the Scenarios sheet; None when the workbook has no such sheet (made before it)."""
    from openpyxl import load_workbook

    from hipaa_xl.ooxml.opc import sheets

    entry = next((s for s in sheets(pkg) if s.name == SCENARIOS_SHEET), None)
    if entry is None or entry.part not in pkg:
        return None
    found = _tables(pkg, entry.part)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        ws = wb[SCENARIOS_SHEET]
        grid = [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return tables_from_grid(grid, found)


def scenarios_from_values(grid: list[list[Any]]) -> ScenarioTables:
    """Both tables from the Scenarios sheet's values (the object model of an open book), each found by
    its header row: the headers in order, the table running from there to the last row."""
    found: dict[str, tuple[int, int, int, int]] = {}
    for table, headers in ((SCENARIOS_TABLE, SCENARIO_HEADERS), (CHANGES_TABLE, CHANGE_HEADERS)):
        wanted = [_norm(h) for h in headers]
        for r, row in enumerate(grid, start=1):
            normed = [_norm(v) for v in row]
            for c in range(len(normed) - len(wanted) + 1):
                if normed[c:c + len(wanted)] == wanted:
                    found[table.casefold()] = (c + 1, r, c + len(wanted), len(grid))
                    break
            if table.casefold() in found:
                break
    return tables_from_grid(grid, found)


def tables_from_grid(grid: list[list[Any]], found: dict[str, tuple[int, int, int, int]]) -> ScenarioTables:
    """Both tables read from the sheet's values, given each table's bounds."""
    out = ScenarioTables(SCENARIOS_SHEET, [], [], None, None)
    for table, headers, keys in ((SCENARIOS_TABLE, SCENARIO_HEADERS, _SCENARIO_KEYS),
                                 (CHANGES_TABLE, CHANGE_HEADERS, _CHANGE_KEYS)):
        bounds = found.get(table.casefold())
        if bounds is None:
            out.problems.append(f"{SCENARIOS_SHEET}: no Excel table named {table!r}")
            continue
        min_col, min_row, max_col, _ = bounds
        header = grid[min_row - 1] if min_row - 1 < len(grid) else []
        wanted = {_norm(h): k for h, k in zip(headers, keys, strict=True)}
        cols = {wanted[_norm(v)]: c for c, v in enumerate(header, start=1)
                   if min_col <= c <= max_col and _norm(v) in wanted}
        missing = [h for h, k in zip(headers, keys, strict=True) if k not in cols]
        if missing:
            out.problems.append(f"{SCENARIOS_SHEET}: table {table!r} lacks the column(s) {', '.join(missing)}")
            continue
        block = TableBlock(min_row, cols, min_col, max_col)
        rows: dict[int, list[Any]] = {}
        for r in range(min_row + 1, len(grid) + 1):
            line = grid[r - 1]
            values = [line[c - 1] if c - 1 < len(line) else None for c in range(min_col, max_col + 1)]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows[r] = values
            at = {k: values[c - min_col] for k, c in cols.items()}
            if table == SCENARIOS_TABLE:
                out.scenarios.append(scenario_row(at["name"], at["description"], at["probability"],
                                                  at["schedule"], at["as_of"], row=r))
            else:
                out.changes.append(change_row(at["scenario"], at["incident_id"], at["field"], at["value"],
                                              at["reason"], row=r))
        if table == SCENARIOS_TABLE:
            out.scenario_block, out.scenario_rows = block, rows
        else:
            out.change_block, out.change_rows = block, rows
    return out


__all__ = [
    "CHANGES_TABLE",
    "CHANGE_HEADERS",
    "NAME_CHANGE_PROBLEM_ROWS",
    "NAME_SCENARIO_PROBLEM_ROWS",
    "SCENARIOS_SHEET",
    "SCENARIOS_TABLE",
    "SCENARIO_HEADERS",
    "ScenarioTables",
    "TableBlock",
    "change_row",
    "field_choices",
    "field_key",
    "parse_change_value",
    "parse_probability",
    "read_scenarios",
    "scenario_row",
    "scenarios_from_values",
    "tables_from_grid",
]
