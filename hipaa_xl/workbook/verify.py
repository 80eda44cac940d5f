"""Whether a workbook's Summary agrees with the engine: the one definition, used by ``refresh``,
``demo``, ``report`` and ``share`` (and by the tests).

The Summary's figures are formulas over the Exposure sheet; their cached values (written by
``hipaa-xl refresh``/``recalc`` or by Excel) must equal the engine's own aggregation of the same
Incidents with every input the refresh used: the schedule, the assessment date it recorded, the
date the action commenced (160.414, 160.420(a)) and the Requirements' general forms. Checked: every
group row figure by figure, every entity total, the grand total, and the comparison of schedules
(45 CFR 160.404(b)(2), 160.406; decisions 7, 8, 10, 22); and the block of published OCR outcomes
must equal the law data for the Summary's requirements (decisions 47). The header cells are read through
``summary.HEADER_CELLS`` and the columns through ``summary.SC``, never by literal coordinates.

:func:`currency_problem` adds what a reader of the file needs before using its figures: the values
are not stale (the headless evaluator recomputes every formula and finds no difference), the
Summary reports no out-of-date layout, and no figure is ``#N/A`` (a row with a Check, decisions 13).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import openpyxl

from hipaa_xl.engine import Aggregation
from hipaa_xl.engine.incidents import GroupTotal, group_key
from hipaa_xl.ooxml.package import Package, package_from_bytes
from hipaa_xl.workbook.columns import NAME_AS_OF_USED, SUMMARY_SHEET
from hipaa_xl.workbook.inputs import Inputs, read_inputs
from hipaa_xl.workbook.outcomes_block import TITLE as OUTCOMES_TITLE
from hipaa_xl.workbook.outcomes_block import RequirementOutcomes, requirement_outcomes
from hipaa_xl.workbook.plan import COMPARED_SCHEDULES, ComparedTotal, commenced_date, price, schedule_comparison
from hipaa_xl.workbook.sheets.exposure import OUT_OF_DATE, UP_TO_DATE
from hipaa_xl.workbook.sheets.summary import (
    COMPARISON_TITLE,
    GRAND_TOTAL,
    HEADER_CELLS,
    STAMP_PREFIX,
    SUMMARY_COLUMNS,
    SUMMARY_HEADER_ROW,
    TOTALS_TITLE,
)

GroupKey = tuple[str, str, int]
"""(entity key, requirement key, calendar year), as the engine groups."""

FIGURES: dict[str, str] = {
    "violations": "violations",
    "barred": "time_barred_violations",
    "minimum": "minimum",
    "maximum": "maximum",
    "barred_max": "time_barred_maximum",
    "ag": "ag_damages",
}
"""Each checked Summary column (a key of ``SC``) and the ``GroupTotal`` field it must equal."""
FIGURE_KEYS = (*FIGURES, "ag_deferred")
"""The Summary columns that hold figures (decisions 3, 8, 10, 21): none may be an error value."""
TOTAL_KEYS = ("minimum", "maximum", "ag")
"""The figures of the entity totals and the grand total."""
HEADERS = {key: name for key, name, _w, _s in SUMMARY_COLUMNS}
OUTCOMES_KEY = "published OCR outcomes"
"""The entity part of a :class:`Mismatch` key that names a row of the published-outcomes block."""
OUTCOME_FIGURES = ("basis", "count", "years", "median", "minimum", "maximum", "median_today", "list")
"""The block's columns as read: A requirement, B how matched, C count, D years, F-I median, lowest,
highest, median in today's dollars, or F the list of outcomes (under 5)."""


@dataclasses.dataclass(frozen=True)
class SummaryLine:
    """One row of the ExposureByYear table, or a total, as its cached values."""

    entity: str
    requirement: str
    year: int | None
    values: dict[str, Any]
    """Figure key -> cached value (a number, or an error text such as ``#N/A``), plus ``chosen`` and
    ``chosen_check``."""
    row: int = 0


@dataclasses.dataclass(frozen=True)
class ScheduleLine:
    """One row of the Summary's comparison of the four main schedules (decisions 22)."""

    schedule: str
    minimum: Any
    maximum: Any
    ag: Any
    note: str


@dataclasses.dataclass(frozen=True)
class SummaryValues:
    """The cached values of a Summary laid out by hipaa-xl: header cells, groups, totals, comparison."""

    header: dict[str, Any]
    """A key of ``summary.HEADER_CELLS`` -> the cell's cached value."""
    groups: list[SummaryLine]
    entity_totals: list[SummaryLine]
    grand_total: SummaryLine | None
    comparison: list[ScheduleLine]
    stamp: str
    grid: list[tuple[Any, ...]]
    """Every row of the sheet as cached values (for blocks read by the memo)."""
    outcomes: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    """The published-outcomes block by requirement: a key of ``OUTCOME_FIGURES`` -> cached value."""

    def keyed_groups(self) -> dict[GroupKey, dict[str, Any]]:
        """The group rows by the engine's group key."""
        return {(group_key(g.entity), group_key(g.requirement), g.year or 0): g.values for g in self.groups}


class SummaryLayoutError(ValueError):
    """A Summary not laid out by this version of hipaa-xl."""


@dataclasses.dataclass(frozen=True, slots=True)
class Mismatch:
    """One Summary group, total or schedule line, or one of its figures, that differs from the engine."""

    key: GroupKey
    """The group's key; ``(entity key, "", 0)`` for an entity total, ``("", "", 0)`` for the grand total,
    ``("", schedule, 0)`` for a line of the schedule comparison."""
    figure: str
    """A key of ``FIGURES`` or ``TOTAL_KEYS``, or "group" when the line is on one side only."""
    summary: Any
    engine: Any

    def __str__(self) -> str:
        entity, requirement, year = self.key
        if entity == OUTCOMES_KEY:
            return (f"published OCR outcomes, {requirement}: {self.figure} is {self.summary!r} on the Summary, "
                    f"{self.engine!r} in the law data")
        if year:
            where = f"{entity}, {requirement}, {year}"
        elif entity:
            where = f"the total of {entity}"
        elif requirement:
            where = f"the {requirement} schedule line"
        else:
            where = "the grand total"
        label = HEADERS.get(self.figure, self.figure)
        return f"{where}: {label} is {self.summary!r} on the Summary, {self.engine!r} in the engine"


# ---------------------------------------------------------------------------------------------
# Reading the Summary


def text(value: Any) -> str:
    """A cached value as the text a reader sees (whole floats without ".0", dates in ISO form)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _cell(grid: list[tuple[Any, ...]], row: int, col: int) -> Any:
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def summary_grid(data: bytes) -> list[tuple[Any, ...]]:
    """The Summary sheet's rows as cached values (openpyxl ``data_only``, read-only)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
    try:
        if SUMMARY_SHEET not in wb.sheetnames:
            raise SummaryLayoutError("the workbook has no Summary sheet")
        return [tuple(row) for row in wb[SUMMARY_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()


def parse_summary(grid: list[tuple[Any, ...]]) -> SummaryValues:
    """The Summary's header cells, groups, totals and schedule comparison from its cached values;
    :class:`SummaryLayoutError` for a sheet not laid out by this version of hipaa-xl."""
    groups, after = _groups(grid)
    entity_totals, grand, after = _totals(grid, after)
    comparison = _comparison(grid, after)
    stamp = next((text(r[0]) for r in grid if r and text(r[0]).startswith(STAMP_PREFIX)), "")
    header = {key: _cell(grid, row, col) for key, (row, col) in HEADER_CELLS.items()}
    return SummaryValues(header, groups, entity_totals, grand, comparison, stamp, grid, _outcome_block(grid))


def read_summary(data: bytes) -> SummaryValues:
    """:func:`parse_summary` of the workbook ``data``."""
    return parse_summary(summary_grid(data))


def _groups(grid: list[tuple[Any, ...]]) -> tuple[list[SummaryLine], int]:
    """The ExposureByYear rows below the header row; refuses a Summary not laid out by hipaa-xl."""
    h = SUMMARY_HEADER_ROW
    header = [text(v) for v in (grid[h - 1] if len(grid) >= h else ())]
    cols = {key: header.index(name) for key, name in HEADERS.items() if name in header}
    if len(cols) != len(HEADERS):
        raise SummaryLayoutError("its Summary is not laid out by this version of hipaa-xl")
    out: list[SummaryLine] = []
    r = h
    while r < len(grid):
        row = grid[r]
        year = row[cols["year"]] if cols["year"] < len(row) else None
        if not row or row[0] is None or not isinstance(year, int | float) or isinstance(year, bool):
            break
        values = {k: row[i] if i < len(row) else None for k, i in cols.items()}
        out.append(SummaryLine(text(row[0]), text(values["requirement"]), int(year), values, r + 1))
        r += 1
    return out, r


def _totals(grid: list[tuple[Any, ...]], start: int) -> tuple[list[SummaryLine], SummaryLine | None, int]:
    r = start
    while r < len(grid) and text(grid[r][0] if grid[r] else None) != TOTALS_TITLE:
        r += 1
    if r + 1 >= len(grid):
        return [], None, start
    header = [text(v) for v in grid[r + 1]]
    cols = {key: header.index(name) for key, name in HEADERS.items() if name in header and key != "entity"}
    entities: list[SummaryLine] = []
    grand: SummaryLine | None = None
    r += 2
    while r < len(grid) and grid[r] and grid[r][0] is not None:
        row = grid[r]
        values = {k: row[i] if i < len(row) else None for k, i in cols.items()}
        line = SummaryLine(text(row[0]), "", None, values, r + 1)
        if line.entity == GRAND_TOTAL:
            grand = line
            r += 1
            break
        entities.append(line)
        r += 1
    return entities, grand, r


def _comparison(grid: list[tuple[Any, ...]], start: int) -> list[ScheduleLine]:
    r = start
    while r < len(grid) and not text(grid[r][0] if grid[r] else None).startswith(COMPARISON_TITLE):
        r += 1
    out: list[ScheduleLine] = []
    r += 2
    while r < len(grid) and grid[r] and text(grid[r][0]) in COMPARED_SCHEDULES:
        row = tuple(grid[r]) + (None,) * 5
        out.append(ScheduleLine(text(row[0]), row[1], row[2], row[3], text(row[4])))
        r += 1
    return out


def _outcome_block(grid: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    """The published-outcomes block (decisions 47) by requirement; empty when the Summary has none."""
    r = next((i for i, row in enumerate(grid) if row and text(row[0]) == OUTCOMES_TITLE), None)
    out: dict[str, dict[str, Any]] = {}
    if r is None:
        return out
    r += 3  # the title, what these are, the headings
    while r < len(grid) and grid[r] and grid[r][0] is not None and not text(grid[r][0]).startswith("* "):
        row = tuple(grid[r]) + (None,) * 9
        listed = isinstance(row[5], str)
        out[text(row[0])] = {
            "basis": row[1], "count": row[2], "years": text(row[3]),
            "median": None if listed else row[5], "minimum": None if listed else row[6],
            "maximum": None if listed else row[7], "median_today": None if listed else row[8],
            "list": row[5] if listed else None,
        }
        r += 1
    return out


def read_summary_of_package(pkg: Package) -> SummaryValues:
    """:func:`read_summary` of a package in memory (stored uncompressed for the reader: no deflate cost)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in pkg:
            archive.writestr(name, pkg[name])
    return read_summary(buffer.getvalue())


def summary_groups(data: bytes) -> dict[GroupKey, dict[str, Any]]:
    """The Summary's group rows as cached values, by group key; each row a dict by ``SC`` key."""
    return read_summary(data).keyed_groups()


def recorded_as_of(data: bytes) -> dt.date | None:
    """The as-of date the last refresh or recalc recorded in the workbook (``HXL_AS_OF_USED``)."""
    from hipaa_xl.recalc.asof import recorded_date  # recalc is imported when used

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        name = wb.defined_names.get(NAME_AS_OF_USED)
        return recorded_date(str(name.attr_text) if name is not None else None)
    finally:
        wb.close()


# ---------------------------------------------------------------------------------------------
# What the engine says


@dataclasses.dataclass(frozen=True)
class Expected:
    """The engine's figures for a workbook: what its Summary must show."""

    aggregation: Aggregation
    comparison: list[ComparedTotal]


def expected_figures(inputs: Inputs, schedule: str, as_of: dt.date) -> Expected:
    """The engine's aggregation of ``inputs`` with every input refresh uses (schedule, assessment
    date, commencement, general forms) and the grand totals under each compared schedule."""
    commenced = commenced_date(inputs, as_of, [])
    agg = price(inputs, schedule, as_of, commenced)
    incidents = [ir.incident for ir in inputs.rows if ir.incident is not None]
    return Expected(agg, schedule_comparison(agg, incidents, commenced, inputs.general_forms))


def _inputs_and_day(data: bytes, as_of: dt.date | None) -> tuple[Inputs, dt.date]:
    inputs = read_inputs(data, package_from_bytes(data))
    day = as_of if as_of is not None else recorded_as_of(data)
    if day is None:
        raise ValueError("the workbook records no as-of date (HXL_AS_OF_USED): refresh or recalculate it first")
    return inputs, day


def engine_aggregation(data: bytes, schedule: str | None = None, as_of: dt.date | None = None) -> Aggregation:
    """The engine's aggregation of the workbook's Incidents: its schedule from Settings unless given,
    the as-of date it recorded unless given, and its commencement date and general forms."""
    inputs, day = _inputs_and_day(data, as_of)
    return expected_figures(inputs, schedule or inputs.schedule, day).aggregation


# ---------------------------------------------------------------------------------------------
# Comparing


def _law_data_row(expected: RequirementOutcomes) -> dict[str, Any]:
    stats, today = expected.statistics, expected.today
    return {
        "basis": expected.basis, "count": len(expected.outcomes), "years": expected.years,
        "median": stats.median if stats else None, "minimum": stats.minimum if stats else None,
        "maximum": stats.maximum if stats else None, "median_today": today.median if today else None,
        "list": None if stats else expected.listing(),
    }


def outcome_disagreements(values: SummaryValues) -> list[Mismatch]:
    """Where the Summary's published-outcomes block differs from the law data for the requirements of
    its own group rows (decisions 47): a row missing or extra, or a figure that differs."""
    out: list[Mismatch] = []
    expected_rows = requirement_outcomes(g.requirement for g in values.groups)
    for expected in expected_rows:
        key = (OUTCOMES_KEY, expected.requirement, 0)
        row = values.outcomes.get(expected.requirement)
        if row is None:
            out.append(Mismatch(key, "requirement", None, expected.basis))
            continue
        out += [Mismatch(key, k, row[k], want) for k, want in _law_data_row(expected).items() if row[k] != want]
    listed = {e.requirement for e in expected_rows}
    out += [Mismatch((OUTCOMES_KEY, name, 0), "requirement", row["basis"], None)
            for name, row in values.outcomes.items() if name not in listed]
    return out


def outcome_mismatches(data: bytes) -> list[Mismatch]:
    """:func:`outcome_disagreements` of the workbook ``data`` (none: the block equals the law data)."""
    return outcome_disagreements(read_summary(data))


def outcome_rows(data: bytes) -> dict[str, dict[str, Any]]:
    """The Summary's published-outcomes block as cached values, by requirement (empty when absent)."""
    return read_summary(data).outcomes


def group_mismatches(summary: dict[GroupKey, dict[str, Any]], groups: Sequence[GroupTotal]) -> list[Mismatch]:
    """Every Summary group missing from the engine, engine group missing from the Summary, and
    figure that differs, in the engine's group order."""
    out: list[Mismatch] = []
    engine = {(g.entity_key, g.requirement_key, g.year): g for g in groups}
    for key, g in engine.items():
        row = summary.get(key)
        if row is None:
            out.append(Mismatch(key, "group", None, g.entity))
            continue
        for column, field in FIGURES.items():
            if row[column] != getattr(g, field):
                out.append(Mismatch(key, column, row[column], getattr(g, field)))
    out += [Mismatch(key, "group", row["entity"], None) for key, row in summary.items() if key not in engine]
    return out


def disagreements(values: SummaryValues, expected: Expected) -> list[Mismatch]:
    """Every place the Summary's figures differ from the engine's: groups, entity totals, the grand
    total and the schedule comparison (none: the Summary agrees with the engine)."""
    agg = expected.aggregation
    out = group_mismatches(values.keyed_groups(), agg.groups)
    engine_entities = {group_key(e): t for e, t in agg.entity_totals().items()}
    shown_entities = {group_key(line.entity): line for line in values.entity_totals}
    for key, (lo, hi, ag) in engine_entities.items():
        line = shown_entities.get(key)
        if line is None:
            out.append(Mismatch((key, "", 0), "group", None, key))
            continue
        out += [Mismatch((key, "", 0), k, line.values.get(k), want)
                for k, want in zip(TOTAL_KEYS, (lo, hi, ag), strict=True) if line.values.get(k) != want]
    out += [Mismatch((key, "", 0), "group", line.entity, None)
            for key, line in shown_entities.items() if key not in engine_entities]
    grand = values.grand_total
    if grand is None:
        out.append(Mismatch(("", "", 0), "group", None, agg.grand_total()))
    else:
        out += [Mismatch(("", "", 0), k, grand.values.get(k), want)
                for k, want in zip(TOTAL_KEYS, agg.grand_total(), strict=True) if grand.values.get(k) != want]
    compared = {line.schedule: line for line in values.comparison}
    for name, lo, hi, ag, _note in expected.comparison:
        shown_line = compared.get(name)
        if shown_line is None:
            out.append(Mismatch(("", name, 0), "group", None, name))
            continue
        got = (shown_line.minimum, shown_line.maximum, shown_line.ag)
        out += [Mismatch(("", name, 0), k, g, want)
                for k, g, want in zip(TOTAL_KEYS, got, (lo, hi, ag), strict=True) if g != want]
    return out + outcome_disagreements(values)


def refreshed_problem(pkg: Package, expected: Expected) -> str | None:
    """Why a package refresh has just computed is not current by the one definition (its Summary does not
    say up to date, or a figure differs from the engine's), or None: what ``refresh`` tells the user, so
    that ``refresh`` never calls current what ``report`` and ``share`` would refuse."""
    try:
        values = read_summary_of_package(pkg)
    except SummaryLayoutError as exc:
        return str(exc)
    status = text(values.header["status"])
    if status != UP_TO_DATE:
        return f"the Summary says '{status}' after the refresh"
    found = disagreements(values, expected)
    if found:
        return f"{len(found)} Summary figure(s) differ from the engine's; first: {found[0]}"
    return None


def summary_mismatches(data: bytes, schedule: str | None = None, as_of: dt.date | None = None) -> list[Mismatch]:
    """Where the workbook's Summary differs from the engine's figures for its inputs (none: agrees)."""
    inputs, day = _inputs_and_day(data, as_of)
    return disagreements(read_summary(data), expected_figures(inputs, schedule or inputs.schedule, day))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def currency_problem(data: bytes, command: str, values: SummaryValues | None = None,
                     inputs: Inputs | None = None) -> str | None:
    """None when the workbook's figures can be relied on, else one line saying what is wrong and what to
    run (``command``, e.g. ``hipaa-xl refresh matter.xlsx``).

    Current means: recomputing every formula at the recorded as-of date changes nothing, every formula
    can be evaluated, the Summary says it is up to date, no figure is an error, and every figure equals
    the engine's (:func:`disagreements`).
    """
    from hipaa_xl.recalc import recalc_package

    try:
        _, report = recalc_package(package_from_bytes(data), use_recorded_as_of=True)
    except Exception as exc:  # any unreadable part: refuse, never guess (decisions 17)
        return f"its formulas cannot be recalculated to check them ({type(exc).__name__}); run: {command}"
    if report.problems:
        return f"{len(report.problems)} formula(s) cannot be evaluated (e.g. {report.problems[0].line()}); " \
               f"run: {command}"
    if report.differences:
        first = report.differences[0]
        return (f"its stored values are stale ({len(report.differences)} cell(s) differ when recalculated, "
                f"e.g. {first.sheet}!{first.cell}); run: {command}")
    try:
        values = values if values is not None else read_summary(data)
    except SummaryLayoutError as exc:
        return f"{exc}; run: {command}"
    status = text(values.header["status"])
    if status == OUT_OF_DATE:
        return f"its layout is out of date (Summary: '{OUT_OF_DATE}'); run: {command}"
    if status != UP_TO_DATE:
        return f"its Summary reports '{status}'; fix the rows with a Check on Exposure, then run: {command}"
    inputs = inputs if inputs is not None else read_inputs(data, package_from_bytes(data))
    na = [g for g in values.groups if any(not _number(g.values.get(k)) for k in FIGURE_KEYS)]
    totals = [*values.entity_totals, *([values.grand_total] if values.grand_total else [])]
    na_totals = [t for t in totals if any(not _number(t.values.get(k)) for k in FIGURE_KEYS)]
    if na or na_totals:
        invalid = next((r for r in inputs.rows if r.incident is None), None)
        where = f" (Incidents row {invalid.row}: {invalid.reason})" if invalid else ""
        return (f"its Summary shows #N/A for {len(na)} group(s){where}; fix the Incidents rows with a Check, "
                f"then run: {command}")
    if values.grand_total is None:
        return f"its Summary has no grand total; run: {command}"
    day = recorded_as_of(data)
    if day is None:
        return f"the workbook records no as-of date; run: {command}"
    try:
        expected = expected_figures(inputs, inputs.schedule, day)
    except ValueError as exc:
        return f"the engine cannot price its Incidents at the recorded as-of date ({exc}); run: {command}"
    found = disagreements(values, expected)
    if found:
        return f"{len(found)} Summary figure(s) differ from the engine's; first: {found[0]}; run: {command}"
    written = written_value_mismatches(data, values, day)
    if written:
        return (f"{len(written)} Summary value(s) differ from what refresh computes from the same inputs "
                f"(edited by hand?); first: {written[0]}; run: {command}")
    amounts = schedules_mismatches(data)
    if amounts:
        return (f"{len(amounts)} amount(s) on the Schedules sheet differ from the law data (edited by hand?); "
                f"first: {amounts[0]}; copy the Schedules sheet of a new workbook (hipaa-xl new) over it")
    return None


# ---------------------------------------------------------------------------------------------
# The values refresh and new write (not formulas): scenarios, weighted figures, Schedules amounts


def _same_value(stored: Any, planned: Any) -> bool:
    if isinstance(planned, dt.date) and not isinstance(planned, dt.datetime):
        planned = dt.datetime.combine(planned, dt.time())
    if isinstance(planned, bool) or isinstance(stored, bool):
        return stored is planned or (stored == planned and type(stored) is type(planned))
    if isinstance(planned, int | float) and isinstance(stored, int | float):
        return float(stored) == float(planned)
    if planned in (None, "") and stored in (None, ""):
        return True
    return bool(stored == planned)


def written_value_mismatches(data: bytes, values: SummaryValues, day: dt.date) -> list[str]:
    """Every cell refresh writes on the Summary as a value (the scenario figures, the probability-weighted
    figures, the groups that move most, the schedule comparison, every label) that differs from what
    refresh computes now from the same inputs. Formulas' cached values are checked by recalculation;
    these are not formulas, so a figure typed over one would otherwise be printed in the memo and sent
    in the share copy."""
    from hipaa_xl.workbook.plan import STAMP_TOKEN, plan_refresh
    from hipaa_xl.workbook.sheets.scenarios.tables import read_scenarios
    from hipaa_xl.workbook.sheetxml import Formula, ref
    from hipaa_xl.workbook.splice import styles_part
    from hipaa_xl.workbook.styles import StyleBook

    pkg = package_from_bytes(data)
    inputs = read_inputs(data, pkg)  # a fresh read: the plan marks duplicate IDs on what it is given
    plan = plan_refresh(inputs, StyleBook(pkg[styles_part(pkg)]), day, read_scenarios(data, pkg))
    out: list[str] = []
    for row, cells in sorted(plan.summary.sheet.rows.items()):
        for col, (planned, _style) in sorted(cells.items()):
            if isinstance(planned, Formula) or (isinstance(planned, str) and STAMP_TOKEN in planned):
                continue
            stored = _cell(values.grid, row, col)
            if not _same_value(stored, planned):
                out.append(f"Summary!{ref(row, col)} is {stored!r}, hipaa-xl computes {planned!r}")
    return out


def schedules_mismatches(data: bytes) -> list[str]:
    """Amounts on the Schedules sheet that differ from the law data, block by block and tier by tier
    (a block this version does not write, from other law data, is left alone)."""
    from hipaa_xl.workbook.columns import SCHEDULES_SHEET
    from hipaa_xl.workbook.sheets.schedules import schedules_sheet_rows
    from hipaa_xl.workbook.sheetxml import ref

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
    try:
        if SCHEDULES_SHEET not in wb.sheetnames:
            return []
        stored = [tuple(row) for row in wb[SCHEDULES_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    want = _amount_rows(schedules_sheet_rows())
    out = []
    for key, (row, got) in _amount_rows(stored).items():
        expected = want.get(key)
        if expected is None:
            continue
        for i, (g, w) in enumerate(zip(got, expected[1], strict=False)):
            if not _same_value(g, w):
                out.append(f"Schedules!{ref(row, i + 2)} ({key[0]}, {key[1]}) is {g!r}, the law data gives {w!r}")
    return out


def _amount_rows(grid: Sequence[tuple[Any, ...]]) -> dict[tuple[str, str], tuple[int, tuple[Any, ...]]]:
    """(block title, row label) -> (sheet row, the row's values from column B): the tier rows of each
    amount block and the rows of the tiered-cap estimates."""
    out: dict[tuple[str, str], tuple[int, tuple[Any, ...]]] = {}
    block = ""
    for r, row in enumerate(grid, start=1):
        first = text(row[0]) if row else ""
        rest = row[1:5] if row else ()
        if not first:
            continue
        if first in ("Tier", "102.3 table", "Schedule"):
            continue
        if any(isinstance(v, int | float) and not isinstance(v, bool) for v in rest):
            out[(block, first)] = (r, tuple(rest))
        else:
            block = first
    return out
