"""The refresh through Excel's object model (Windows button and xlwings Lite's script) writes, cell by
cell, the same formulas, values and number formats as ``hipaa-xl refresh`` of the same Incidents."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import openpyxl
import pytest

from hipaa_xl.ooxml.opc import defined_names
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.workbook.button import sheet_grid
from hipaa_xl.workbook.exposure import OUT_OF_DATE, XC
from hipaa_xl.workbook.new import NEW_STAMP
from hipaa_xl.workbook.objectmodel import refresh_open_book
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.template import build_static_workbook
from tests.lite_book import RecordingBook, normalised
from tests.workbook_helpers import example_bytes, set_incident_cell, text_cell

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

SHEETS = ("Exposure", "Summary", "Deadlines")


def snapshot(data: bytes, dates: str = "datetime") -> dict[str, Any]:
    """What an open book shows through the object model: cell values (and the formulas of Settings)."""
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    epoch = dt.datetime(1899, 12, 30)

    def cell(v: Any) -> Any:
        if isinstance(v, dt.datetime | dt.date):
            day = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
            return {"$date": day.date().isoformat()} if dates == "datetime" else (day - epoch).days
        return v

    sheets = {}
    for ws in values.worksheets:
        rows = [[cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        found = {f"{c.row},{c.column}": c.value for row in formulas[ws.title].iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=")}
        sheets[ws.title] = {"values": rows, "formulas": found if ws.title == "Settings" else {},
                            "tables": {t.displayName: t.ref for t in formulas[ws.title].tables.values()},
                            "charts": len(formulas[ws.title]._charts)}
    names = {n: "=" + t for (n, local), t in defined_names(package_from_bytes(data)).items() if local is None}
    return {"sheets": sheets, "names": names}


def expected(data: bytes) -> dict[str, tuple[list[list[Any]], dict[tuple[int, int], str]]]:
    """The grids ``hipaa-xl refresh`` writes (formulas and values, number formats) for the same book."""
    out, _ = build_refreshed(data, stamp_time=NEW_STAMP)
    pkg = package_from_bytes(out)
    return {name: sheet_grid(pkg, name) for name in SHEETS}


def assert_same_cells(book: RecordingBook, want: dict[str, tuple[list[list[Any]], dict[tuple[int, int], str]]]) -> None:
    for name in SHEETS:
        grid, formats = want[name]
        got = book.sheets[name]
        assert got.cleared == 1, name
        a, b = normalised(got.grid()), normalised(grid)
        assert len(a) == len(b), (name, len(a), len(b))
        for r, (row_a, row_b) in enumerate(zip(a, b, strict=True), start=1):
            for c, (x, y) in enumerate(zip(row_a, row_b, strict=True), start=1):
                assert x == y and type(x) is type(y), (name, r, c, x, y)
        assert got.number_formats == formats, name


def random_matter(seed: int) -> bytes:
    """A static matter of 4-20 incidents (continuing and counted, every culpability, duplicates,
    criminal and federal flags), some rows made invalid, before its first refresh."""
    rnd = random.Random(seed)
    reqs = ["164.308(a)(1)(ii)(A)", "164.312(a)(2)(iv)", "164.404", "164.502(a)", "164.530(b)"]
    culp = ["did not know", "reasonable cause", "willful neglect - corrected", "willful neglect - not corrected"]
    incidents: list[dict[str, Any]] = []
    for i in range(rnd.randint(4, 20)):
        start = dt.date(2007, 1, 1) + dt.timedelta(days=rnd.randrange(0, 7000))
        continuing = rnd.random() < 0.5
        incidents.append({
            "id": f"M{seed}-{i:02d}", "entity": f"Entity {rnd.randrange(3)}", "requirement": rnd.choice(reqs),
            "description": "random", "culpability": rnd.choice(culp),
            "tier": rnd.choice([None, None, "A", "B", "C", "D"]), "start": start.isoformat(),
            "end": (start + dt.timedelta(days=rnd.randrange(0, 900))).isoformat() if continuing else None,
            "violations": None if continuing else rnd.randrange(1, 400),
            "known": (start + dt.timedelta(days=rnd.randrange(0, 40))).isoformat() if rnd.random() < 0.5 else None,
            "corrected": (start + dt.timedelta(days=rnd.randrange(1, 80))).isoformat() if rnd.random() < 0.4 else None,
            "duplicate_of": f"M{seed}-00" if i and rnd.random() < 0.1 else None,
            "federal_action_pending": rnd.random() < 0.15, "criminal_penalty_imposed": rnd.random() < 0.1,
        })
    data = build_static_workbook(schedule=rnd.choice(["current", "regulation", "statute"]),
                                 as_of=dt.date(2026, 3, 31), incidents=incidents)
    first = 5  # the first Incidents data row of the template
    # Start not a date, a negative count, no ID, an unknown tier, Corrected not a date
    bad = [("G", text_cell("soon")), ("I", "><v>-3</v>"), ("A", text_cell("")), ("F", text_cell("E")),
           ("K", text_cell("later"))]
    for col, xml in ([bad[seed % 5], bad[(seed + 2) % 5]] if seed % 3 else []):
        data = set_incident_cell(data, f"{col}{first + rnd.randrange(len(incidents))}", xml)
    if rnd.random() < 0.5:  # an ID used twice: the second row is invalid
        data = set_incident_cell(data, f"A{first + len(incidents) - 1}", text_cell(f"M{seed}-00"))
    return data


def test_the_object_model_refresh_of_the_example_writes_what_hipaa_xl_refresh_writes() -> None:
    data = example_bytes()
    book = RecordingBook(snapshot(data))
    lines = refresh_open_book(book, stamp_time=NEW_STAMP)
    assert lines[0].startswith("as-of date used: 2026-03-31 (from Settings)")
    assert_same_cells(book, expected(data))
    exposure = book.sheets["Exposure"]
    assert any(str(v).startswith("=IF(INDEX(Incidents!") for v in exposure.written.values())
    assert exposure.widths[XC["f_culpability"]] == 0  # hidden columns stay hidden
    cli = openpyxl.load_workbook(io.BytesIO(build_refreshed(data, stamp_time=NEW_STAMP)[0]))["Summary"]._charts[0]
    chart = book.sheets["Summary"].charts[0]  # the chart follows the rows, as hipaa-xl refresh moves it
    assert ("Summary!" + _absolute(chart.values), "Summary!" + _absolute(chart.categories)) == (
        cli.series[0].val.numRef.f, cli.series[0].cat.numRef.f)
    assert not [line for line in lines if line.startswith("to do: ")]


def _absolute(a1: str) -> str:
    return ":".join("$" + "".join(ch for ch in part if ch.isalpha()) + "$" + "".join(ch for ch in part if ch.isdigit())
                    for part in a1.split(":"))


@pytest.mark.parametrize("seed", range(6))
def test_a_random_matter_gets_the_same_cells_both_ways_invalid_rows_included(seed: int) -> None:
    data = random_matter(seed)
    for dates in ("datetime", "serial"):  # desktop xlwings gives datetimes, xlwings Lite serial numbers
        book = RecordingBook(snapshot(data, dates))
        lines = refresh_open_book(book, stamp_time=NEW_STAMP)
        assert not lines[0].startswith("error"), lines
        assert_same_cells(book, expected(data))
        invalid = [line for line in lines if line.startswith("invalid: ")]
        checks = [v for (r, c), v in book.sheets["Exposure"].written.items()
                  if c == XC["check"] and isinstance(v, str) and v.startswith("Incidents row ")]
        assert len(checks) >= len(invalid)  # each invalid row has its reason in the Check column
        if invalid:
            note = book.sheets["Summary"].written[(5, 1)]
            assert "could not be priced" in note


def test_the_layout_out_of_date_cell_is_the_same_formula_both_ways() -> None:
    data = random_matter(1)
    book = RecordingBook(snapshot(data))
    refresh_open_book(book, stamp_time=NEW_STAMP)
    status = book.sheets["Summary"].written[(4, 1)]
    assert status == expected(data)["Summary"][0][3][0] and OUT_OF_DATE in status


def test_typed_text_that_looks_like_a_formula_stays_text() -> None:
    data = set_incident_cell(example_bytes(), "B15", text_cell("=Harbor Billing"))
    book = RecordingBook(snapshot(data))
    refresh_open_book(book, stamp_time=NEW_STAMP)
    summary = list(book.sheets["Summary"].written.values())
    assert "'=Harbor Billing" in summary and "=Harbor Billing" not in summary
    assert_same_cells(book, expected(data))


def test_a_book_without_settings_gets_one_error_line_and_nothing_written() -> None:
    snap = snapshot(example_bytes())
    del snap["sheets"]["Settings"]
    book = RecordingBook(snap)
    lines = refresh_open_book(book)
    assert lines == ["error: the workbook has no 'Settings' sheet (run 'hipaa-xl new' to see the layout)"]
    assert all(s.cleared == 0 for s in book.sheets)
