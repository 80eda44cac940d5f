"""The Matter and Deadlines sheets: the workbook's due dates are the functions' dates, live on the
Matter cells; Summary's Upcoming block; the six-year limitation per group; a Matter sheet kept as is."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest

from hipaa_xl.engine import aggregate
from hipaa_xl.engine.matter_deadlines import limitation_groups, matter_deadlines, upcoming
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook.columns import MATTER_COLUMNS
from hipaa_xl.workbook.deadlines_sheet import DC, DEADLINES_HEADER_ROW, LIMITATION_COLUMNS
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.refresh import build_refreshed
from tests.workbook_helpers import AS_OF, example_bytes, part_of

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

D = dt.date


def _values(data: bytes, sheet: str) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)[sheet]


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def _deadline_rows(data: bytes) -> list[tuple[Any, ...]]:
    ws = _values(data, "Deadlines")
    out = []
    r = DEADLINES_HEADER_ROW + 1
    while ws.cell(r, DC["rule"]).value:
        out.append(tuple(_day(ws.cell(r, DC[k]).value) for k in ("id", "rule", "due", "days_left", "status")))
        r += 1
    return out


def _engine(data: bytes) -> list[Any]:
    inputs = read_inputs(data, package_from_bytes(data))
    assert inputs.matter_table is not None
    return matter_deadlines(mr.event for mr in inputs.matter_table.rows if mr.event is not None)


def test_example_deadlines_equal_the_engine_and_the_functions() -> None:
    data = example_bytes()
    items = _engine(data)
    assert len(items) == 9
    expected = [(d.event.id, d.rule, d.due if d.due else "not required",
                 None if d.due is None else d.days_left(AS_OF), d.status(AS_OF)) for d in items]
    assert _deadline_rows(data) == expected
    # hand-worked: EV-1 discovered 2026-02-09 with 30 days of law-enforcement delay: + 90 = May 10;
    # EV-5 oral statement 2026-02-20 + 30 = Mar 22, past due on the as-of date 2026-03-31;
    # EV-7 160.312 notice received by mail 2026-03-16 + 35 = Apr 20 (a Monday)
    got = {(r[0], r[1]): r[2:] for r in _deadline_rows(data)}
    assert got[("EV-1", "breach-individuals")] == (D(2026, 5, 10), 40, "due in 40 days")
    assert got[("EV-1", "breach-hhs")] == (D(2026, 5, 10), 40, "due in 40 days")
    assert got[("EV-3", "breach-media")] == ("not required", None, "not required")  # 228 NV residents
    assert got[("EV-4", "breach-ba")][2] == "done"
    # the oral delay lapses: nothing is owed on that day, so it is not "past due" (decisions 41)
    assert got[("EV-5", "law-enforcement-oral")] == (D(2026, 3, 22), -9, "delay ended")
    assert got[("EV-7", "ocr-mitigation")] == (D(2026, 4, 20), 20, "due in 20 days")


def test_summary_upcoming_lists_the_engines_next_five() -> None:
    data = example_bytes()
    ws = _values(data, "Summary")
    top = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Upcoming"))
    rows = [(ws.cell(r, 2).value, _day(ws.cell(r, 3).value), ws.cell(r, 6).value) for r in range(top + 2, top + 7)]
    expected = [(d.rule, d.due, d.status(AS_OF)) for d in upcoming(_engine(data), as_of=AS_OF)]
    assert rows == expected
    # the lapsed oral delay (2026-03-22) owes nothing and has passed: not listed as open
    assert "law-enforcement-oral" not in [r[0] for r in rows]


def test_limitation_block_per_group_equals_the_engine() -> None:
    data = example_bytes()
    inputs = read_inputs(data, package_from_bytes(data))
    groups = limitation_groups(aggregate([r.incident for r in inputs.rows if r.incident], "current", AS_OF))
    ws = _values(data, "Deadlines")
    top = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Six-year"))
    c_ent, c_year, _, c_first, c_last, c_every, c_any, _, c_status = LIMITATION_COLUMNS
    for i, g in enumerate(groups, start=top + 3):  # title, citation line, headers
        assert ws.cell(i, c_ent).value == g.entity and ws.cell(i, c_year).value == g.year
        assert (_day(ws.cell(i, c_first).value), _day(ws.cell(i, c_last).value)) == (g.first_day, g.last_day)
        assert _day(ws.cell(i, c_every).value) == g.every_in_time_until
        assert _day(ws.cell(i, c_any).value) == g.any_in_time_until
        assert ws.cell(i, c_status).value == g.status(AS_OF)
    assert any(g.status(AS_OF) == "time-barred" for g in groups)  # the 2008-2009 and 2019 groups


def _edit_matter(data: bytes, edits: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for cell, value in edits.items():
        wb["Matter"][cell] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_edited_matter_date_moves_its_due_date_on_recalculation_without_refresh() -> None:
    letter = {c.field: openpyxl.utils.get_column_letter(i) for i, c in enumerate(MATTER_COLUMNS, start=1)}
    # EV-7 (row 11): received 2026-04-02 by mail: + 35 = May 7 (Thursday)
    data = _edit_matter(example_bytes(), {f"{letter['date']}11": D(2026, 4, 2)})
    computed, _ = recalc_package(package_from_bytes(data), as_of=AS_OF)
    rows = {(r[0], r[1]): r[2] for r in _deadline_rows(computed.to_bytes())}
    assert rows[("EV-7", "ocr-mitigation")] == D(2026, 5, 7)


def test_matter_rows_that_cannot_be_read_are_reported_and_the_rest_go_on() -> None:
    data = _edit_matter(example_bytes(), {"B12": "Breach suspected", "C12": D(2026, 3, 1), "B13": "Complainant knew"})
    out, report = build_refreshed(data)
    text = "\n".join(report.invalid)
    assert "Matter!row 12: Event \"Breach suspected\" is not one of the listed events" in text
    assert "Matter!row 13: Date is required" in text
    assert len(_deadline_rows(out)) == 9


def test_refresh_keeps_the_matter_sheet_byte_for_byte_but_its_page_header() -> None:
    data = example_bytes()
    before = package_from_bytes(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["Settings"]["B5"] = D(2026, 4, 15)
    buf = io.BytesIO()
    wb.save(buf)
    typed = package_from_bytes(buf.getvalue())
    out, report = build_refreshed(buf.getvalue())
    after = package_from_bytes(out)
    header = re.compile(rb"<headerFooter>.*?</headerFooter>", re.DOTALL)
    mine, theirs = after[part_of(after, "Matter")], typed[part_of(typed, "Matter")]
    assert header.sub(b"", mine) == header.sub(b"", theirs)
    assert b"as of 2026-04-15" in header.search(mine).group(0)  # type: ignore[union-attr]  # decisions 53
    assert part_of(before, "Matter") == part_of(after, "Matter")
    assert report.deadlines == 9
    # a later as-of date: EV-7's Apr 20 is now 5 days away
    rows = {(r[0], r[1]): r[3:] for r in _deadline_rows(out)}
    assert rows[("EV-7", "ocr-mitigation")] == (5, "due in 5 days")


@pytest.mark.parametrize("sheet", ["Matter"])
def test_a_workbook_without_a_matter_sheet_still_refreshes(sheet: str) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    del wb[sheet]
    buf = io.BytesIO()
    wb.save(buf)
    out, report = build_refreshed(buf.getvalue())
    assert report.deadlines == 0
    ws = _values(out, "Deadlines")
    assert "no Matter sheet" in str(ws.cell(4, 1).value)


def test_limitation_status_is_judged_on_the_commencement_date_when_settings_gives_one() -> None:
    # Harbor Billing 164.308(a)(1)(ii)(A), 2019: every violation in time until 2025-10-01, any until
    # 2025-12-31. On the as-of date 2026-03-31 the group is time-barred; an action commenced on
    # 2025-12-20 still reached its last days: partly time-barred.
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    sheet, cell = wb.defined_names["Commenced"].attr_text.replace("$", "").split("!")
    wb[sheet][cell] = D(2025, 12, 20)
    buf = io.BytesIO()
    wb.save(buf)
    out, _ = build_refreshed(buf.getvalue())
    ws = _values(out, "Deadlines")
    c_ent, c_year, *_, c_status = LIMITATION_COLUMNS
    found = [ws.cell(r, c_status).value for r in range(1, ws.max_row + 1)
             if ws.cell(r, c_ent).value == "Harbor Billing Services LLC" and ws.cell(r, c_year).value == 2019]
    assert found == ["partly time-barred"]
