"""Whether a workbook's Summary agrees with the engine: the one definition the demo and the tests use.

The Summary's group rows are formulas over the Exposure sheet; their cached values (written by
``hipaa-xl recalc`` or by Excel) must equal the engine's own aggregation of the same Incidents,
group by group and figure by figure. The columns are read through the Summary's column table
(``summary.SC``), never by position.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import openpyxl

from hipaa_xl.engine import Aggregation, aggregate
from hipaa_xl.engine.incidents import GroupTotal, group_key
from hipaa_xl.excel_dates import serial_to_date
from hipaa_xl.workbook.columns import NAME_AS_OF_USED
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.outcomes_block import TITLE as OUTCOMES_TITLE
from hipaa_xl.workbook.outcomes_block import requirement_outcomes
from hipaa_xl.workbook.summary import SC, SUMMARY_HEADER_ROW
from hipaa_xl.xlsxio import package_from_bytes

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


@dataclasses.dataclass(frozen=True, slots=True)
class Mismatch:
    """One Summary group, or one of its figures, that differs from the engine's aggregation."""

    key: GroupKey
    figure: str
    """A key of ``FIGURES``, or "group" when the group is on one side only."""
    summary: Any
    engine: Any

    def __str__(self) -> str:
        entity, requirement, year = self.key
        return (
            f"{entity}, {requirement}, {year}: {self.figure} is {self.summary!r} on the Summary, "
            f"{self.engine!r} in the engine"
        )


def summary_groups(data: bytes) -> dict[GroupKey, dict[str, Any]]:
    """The Summary's group rows as cached values, by group key; each row a dict by ``SC`` key."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    try:
        out: dict[GroupKey, dict[str, Any]] = {}
        for row in wb["Summary"].iter_rows(min_row=SUMMARY_HEADER_ROW + 1, values_only=True):
            values = {key: row[col - 1] if col <= len(row) else None for key, col in SC.items()}
            if values["entity"] is None or not isinstance(values["year"], int):
                break  # the group rows end where the total row (or a blank) begins
            out[(group_key(str(values["entity"])), group_key(str(values["requirement"])), values["year"])] = values
        return out
    finally:
        wb.close()


def recorded_as_of(data: bytes) -> dt.date | None:
    """The as-of date the last refresh or recalc recorded in the workbook (``HXL_AS_OF_USED``)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        name = wb.defined_names.get(NAME_AS_OF_USED)
        if name is None or not str(name.attr_text).isdigit():
            return None
        return serial_to_date(int(name.attr_text))
    finally:
        wb.close()


def engine_aggregation(data: bytes, schedule: str | None = None, as_of: dt.date | None = None) -> Aggregation:
    """The engine's aggregation of the workbook's Incidents: its schedule and commencement date from
    Settings unless given, and the as-of date it recorded unless given."""
    inputs = read_inputs(data, package_from_bytes(data))
    day = as_of if as_of is not None else recorded_as_of(data)
    if day is None:
        raise ValueError("the workbook records no as-of date (HXL_AS_OF_USED): refresh or recalculate it first")
    return aggregate(
        [r.incident for r in inputs.rows if r.incident], schedule or inputs.schedule, day, inputs.commenced
    )


def group_mismatches(summary: dict[GroupKey, dict[str, Any]], groups: tuple[GroupTotal, ...]) -> list[Mismatch]:
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


def summary_mismatches(data: bytes, schedule: str | None = None, as_of: dt.date | None = None) -> list[Mismatch]:
    """Where the workbook's Summary differs from the engine's aggregation of its Incidents (none: agrees)."""
    return group_mismatches(summary_groups(data), engine_aggregation(data, schedule, as_of).groups)


# ---------------------------------------------------------------- the published-outcomes block (decisions 39)

OUTCOME_FIGURES = ("basis", "count", "years", "median", "minimum", "maximum", "median_today")
"""The block's columns as read: A requirement, B basis, C count, D years, F-I median, lowest, highest,
median in today's dollars (or F the list, under 5 outcomes)."""


@dataclasses.dataclass(frozen=True, slots=True)
class OutcomeMismatch:
    """One requirement of the Summary's published-outcomes block that differs from the law data."""

    requirement: str
    figure: str
    summary: Any
    law_data: Any

    def __str__(self) -> str:
        return (f"published OCR outcomes, {self.requirement}: {self.figure} is {self.summary!r} on the Summary, "
                f"{self.law_data!r} in the law data")


def outcome_rows(data: bytes) -> dict[str, dict[str, Any]]:
    """The Summary's published-outcomes block as cached values, by requirement (empty when absent)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    try:
        out: dict[str, dict[str, Any]] = {}
        rows = wb["Summary"].iter_rows(values_only=True)
        for row in rows:
            if row and row[0] == OUTCOMES_TITLE:
                next(rows, None)  # what these are
                next(rows, None)  # the headings
                break
        for row in rows:
            if not row or row[0] is None or str(row[0]).startswith("* "):
                break
            cells = list(row[:9]) + [None] * (9 - len(row[:9]))
            listed = isinstance(cells[5], str)
            out[str(cells[0])] = {
                "basis": cells[1], "count": cells[2], "years": cells[3] or "",
                "median": None if listed else cells[5], "minimum": None if listed else cells[6],
                "maximum": None if listed else cells[7], "median_today": None if listed else cells[8],
                "list": cells[5] if listed else None,
            }
        return out
    finally:
        wb.close()


def outcome_mismatches(data: bytes) -> list[OutcomeMismatch]:
    """Where the Summary's published-outcomes block differs from the law data, for the requirements of
    the Summary's own group rows (none: agrees)."""
    found = outcome_rows(data)
    requirements = [str(row["requirement"]) for row in summary_groups(data).values()]
    out: list[OutcomeMismatch] = []
    expected_rows = requirement_outcomes(requirements)
    for expected in expected_rows:
        row = found.get(expected.requirement)
        if row is None:
            out.append(OutcomeMismatch(expected.requirement, "requirement", None, expected.basis))
            continue
        stats, today = expected.statistics, expected.today
        law: dict[str, Any] = {
            "basis": expected.basis, "count": len(expected.outcomes), "years": expected.years,
            "median": stats.median if stats else None, "minimum": stats.minimum if stats else None,
            "maximum": stats.maximum if stats else None, "median_today": today.median if today else None,
            "list": None if stats else expected.listing(),
        }
        out += [OutcomeMismatch(expected.requirement, key, row[key], value)
                for key, value in law.items() if row[key] != value]
    listed = {e.requirement for e in expected_rows}
    out += [OutcomeMismatch(name, "requirement", row["basis"], None) for name, row in found.items() if name not in listed]
    return out
