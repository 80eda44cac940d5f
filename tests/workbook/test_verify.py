"""workbook/verify.py: the one definition of "the Summary agrees with the engine"."""

from __future__ import annotations

import copy
import datetime as dt
import io

import openpyxl
import pytest

from hipaa_xl.engine import aggregate
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.workbook import build_refreshed, columns
from hipaa_xl.workbook.exposure import OUT_OF_DATE
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.summary import HEADER_CELLS
from hipaa_xl.workbook.verify import (
    SummaryValues,
    currency_problem,
    disagreements,
    engine_aggregation,
    expected_figures,
    group_mismatches,
    parse_summary,
    read_summary,
    summary_groups,
    summary_mismatches,
)
from tests.workbook_helpers import AS_OF, example_bytes

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop


def test_a_changed_summary_figure_and_a_missing_group_are_each_reported() -> None:
    data, _ = build_refreshed(example_bytes(), AS_OF)
    summary = summary_groups(data)
    groups = engine_aggregation(data, "current", AS_OF).groups
    assert group_mismatches(summary, groups) == []
    changed = copy.deepcopy(summary)
    first, second = list(changed)[:2]
    changed[first]["maximum"] += 1
    del changed[second]
    found = group_mismatches(changed, groups)
    assert [(m.key, m.figure) for m in found] == [(first, "maximum"), (second, "group")]
    assert found[0].summary == found[0].engine + 1


def _with_commenced(data: bytes, day: dt.date) -> bytes:
    """The workbook with Settings' "Action commenced on" (the defined name ``Commenced``) set to ``day``."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, cell = next(iter(wb.defined_names[columns.NAME_COMMENCED].destinations))
    wb[sheet][cell.replace("$", "")].value = day
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_with_action_commenced_on_is_current_after_refresh() -> None:
    # 160.414 measures the limitation to the commencement: the one check prices with it, so a
    # refreshed workbook with the date set is current (report and share call this same check)
    data, _ = build_refreshed(_with_commenced(example_bytes(), dt.date(2026, 2, 2)), AS_OF)
    assert currency_problem(data, "hipaa-xl refresh book.xlsx") is None
    assert summary_mismatches(data) == []


def test_the_one_check_prices_with_the_commencement_date_not_without_it() -> None:
    data, _ = build_refreshed(_with_commenced(example_bytes(), dt.date(2020, 1, 1)), AS_OF)
    inputs = read_inputs(data, package_from_bytes(data))
    with_date = expected_figures(inputs, inputs.schedule, AS_OF).aggregation
    without = aggregate([r.incident for r in inputs.rows if r.incident], inputs.schedule, AS_OF)
    assert with_date.grand_total() != without.grand_total()  # the date matters on this matter
    assert engine_aggregation(data).grand_total() == with_date.grand_total()


def _edited(values: SummaryValues, row: int, col: int, value: object) -> SummaryValues:
    grid = [list(r) for r in values.grid]
    grid[row - 1][col - 1] = value
    return parse_summary([tuple(r) for r in grid])


def test_a_hand_edited_total_or_schedule_line_is_a_disagreement() -> None:
    data, _ = build_refreshed(example_bytes(), AS_OF)
    values = read_summary(data)
    inputs = read_inputs(data, package_from_bytes(data))
    expected = expected_figures(inputs, inputs.schedule, AS_OF)
    assert disagreements(values, expected) == []
    grand = values.grand_total
    assert grand is not None
    header = values.grid[grand.row - 2]
    max_col = 1 + next(i for i, v in enumerate(values.grid[grand.row - 1]) if v == grand.values["maximum"] and i > 0)
    edited = _edited(values, grand.row, max_col, 1)
    found = disagreements(edited, expected)
    assert [(m.key, m.figure, m.summary) for m in found] == [(("", "", 0), "maximum", 1)], header
    line = values.comparison[0]
    row = next(i for i, r in enumerate(values.grid, start=1) if r and r[0] == line.schedule)
    found = disagreements(_edited(values, row, 3, 1), expected)
    assert [(m.key, m.figure) for m in found] == [(("", line.schedule, 0), "maximum")]
    assert "the " + line.schedule + " schedule line" in str(found[0])


def test_a_status_other_than_up_to_date_is_not_current() -> None:
    data, _ = build_refreshed(example_bytes(), AS_OF)
    values = read_summary(data)
    row, col = HEADER_CELLS["status"]
    problem = currency_problem(data, "run-me", _edited(values, row, col, OUT_OF_DATE))
    assert problem is not None and "out of date" in problem and problem.endswith("run: run-me")
