"""The Lite script "Refresh exposure" on xlwings' own remote engine (the engine xlwings Lite and xlwings
Server run): a ``Book`` built from the payload the add-in sends for a real hipaa-xl workbook, the
actions it records applied back to that workbook, and the result compared with ``hipaa-xl refresh``
of the same file: cells (formulas and values), number formats, column widths, conditional formats
and the two tables' ranges of Exposure, Summary and Deadlines.

Runs only where xlwings' licence allows it (decision 43): the runner states its licence in
``XLWINGS_LICENSE_KEY``; otherwise every test here is skipped with the reason.
"""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest

from hipaa_xl.ooxml.opc import sheets
from hipaa_xl.ooxml.package import package_from_bytes, parse_xml
from hipaa_xl.workbook.button import sheet_grid
from hipaa_xl.workbook.new import NEW_STAMP
from hipaa_xl.workbook.objectmodel import width_points
from hipaa_xl.workbook.refresh import build_refreshed
from tests.lite.test_refresh import random_matter
from tests.lite_book import normalised
from tests.lite_engine import Applied, apply_actions, engine_unavailable, payload
from tests.workbook_helpers import example_bytes, set_incident_cell

pytestmark = [pytest.mark.skipif(engine_unavailable() is not None, reason=str(engine_unavailable())),
              pytest.mark.slow]  # workbook round trips on the remote engine: left out of the quick loop

SHEETS = ("Exposure", "Summary", "Deadlines")
_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_LEADS = ("=", "+", "-", "@")


def run_script(data: bytes, used_range: bool = False, charts: bool = False) -> tuple[list[dict[str, Any]], list[str]]:
    """The actions and printed lines of ``refresh_exposure`` on the engine's Book for ``data``."""
    import contextlib

    import xlwings as xw

    from hipaa_xl.lite.script import refresh_exposure

    book = xw.Book(json=payload(data, used_range, charts))
    assert book.app.engine.name == "remote"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        refresh_exposure(book)
    return book.json()["actions"], printed.getvalue().splitlines()


def _stamp_free(v: Any) -> Any:
    return v.split("; generated")[0] if isinstance(v, str) and "; generated" in v else v


def applied_cells(out: Applied, name: str) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    ws = out.wb[name]
    cells: dict[tuple[int, int], Any] = {}
    formats: dict[tuple[int, int], str] = {}
    for (r, c), cell in ws._cells.items():
        v = cell.value
        if isinstance(v, str) and cell.data_type != "f" and v.startswith(_LEADS):
            v = "'" + v
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if v is not None:
            cells[(r, c)] = v
        if cell.number_format != "General":
            formats[(r, c)] = cell.number_format
    rows = max((r for r, _ in cells), default=0)
    cols = max((c for _, c in cells), default=0)
    return [[cells.get((r, c), "") for c in range(1, cols + 1)] for r in range(1, rows + 1)], formats


def expected_rules(pkg: Any, name: str) -> list[tuple[str, str, str | None, str | None, bool]]:
    """The conditional formats ``hipaa-xl refresh`` wrote, first rule first, with their dxf's colours."""
    styles = parse_xml(pkg["xl/styles.xml"])
    dxfs = list(styles.iter(f"{_M}dxf"))
    part = next(s.part for s in sheets(pkg) if s.name == name)
    rules = []
    for cf in parse_xml(pkg[part]).iter(f"{_M}conditionalFormatting"):
        sqref = cf.get("sqref", "")
        ref = sqref if ":" in sqref else f"{sqref}:{sqref}"
        for rule in cf.iter(f"{_M}cfRule"):
            dxf = dxfs[int(rule.get("dxfId", "0"))]
            fill = next((e.get("rgb") for e in dxf.iter(f"{_M}bgColor")), None)
            font = next((e.get("rgb") for e in dxf.iter(f"{_M}color")), None)
            bold = next(iter(dxf.iter(f"{_M}b")), None) is not None
            formula = "=" + (rule.findtext(f"{_M}formula") or "")
            rules.append((int(rule.get("priority", "0")), (ref, formula, fill, font, bold)))
    return [r for _, r in sorted(rules, key=lambda x: x[0])]


def expected_widths(pkg: Any, name: str) -> dict[int, float]:
    part = next(s.part for s in sheets(pkg) if s.name == name)
    out = {}
    for col in parse_xml(pkg[part]).iter(f"{_M}col"):
        for c in range(int(col.get("min", "1")), int(col.get("max", "1")) + 1):
            out[c] = 0.0 if col.get("hidden") == "1" else width_points(float(col.get("width", "0")))
    return out


def assert_like_hipaa_xl_refresh(data: bytes, out: Applied, charts: bool = False) -> None:
    cli, _ = build_refreshed(data, stamp_time=NEW_STAMP)
    pkg = package_from_bytes(cli)
    tables = openpyxl.load_workbook(io.BytesIO(cli))
    for name in SHEETS:
        want_grid, want_formats = sheet_grid(pkg, name)
        got_grid, got_formats = applied_cells(out, name)
        a = [[_stamp_free(v) for v in row] for row in normalised(got_grid)]
        b = [[_stamp_free(v) for v in row] for row in normalised(want_grid)]
        assert len(a) == len(b), (name, len(a), len(b))
        for r, (row_a, row_b) in enumerate(zip(a, b, strict=True), start=1):
            for c, (x, y) in enumerate(zip(row_a, row_b, strict=True), start=1):
                assert x == y and type(x) is type(y), (name, r, c, x, y)
        assert got_formats == want_formats, name
        got_widths = {c: p for (s, c), p in out.points.items() if s == name}
        assert got_widths == expected_widths(pkg, name), name
        assert out.rules.get(name, []) == expected_rules(pkg, name), name
        want_charts = [(c.series[0].cat.numRef.f, c.series[0].val.numRef.f) for c in tables[name]._charts]
        got_charts = [(c.series[0].cat.numRef.f, c.series[0].val.numRef.f) for c in out.wb[name]._charts]
        if charts:
            assert got_charts == want_charts, name
        want_tables = {t.displayName: t.ref for t in tables[name].tables.values()}
        got_tables = {t.displayName: t.ref for t in out.wb[name].tables.values()}
        assert got_tables == want_tables, name


def test_refresh_on_the_remote_engine_gives_the_example_what_hipaa_xl_refresh_gives_it() -> None:
    data = example_bytes()
    actions, lines = run_script(data)
    assert lines[0].startswith("as-of date used: 2026-03-31 (from Settings)"), lines
    out = apply_actions(data, actions)
    assert out.funcs.count("sheetClear") == 3
    assert_like_hipaa_xl_refresh(data, out)


@pytest.mark.parametrize("seed", range(3))
def test_a_random_matter_refreshed_on_the_remote_engine_matches_hipaa_xl_refresh(seed: int) -> None:
    data = random_matter(seed)
    for used_range in (False, True):  # clients without and with used_range_address
        actions, lines = run_script(data, used_range)
        assert not lines[0].startswith("error"), lines
        assert_like_hipaa_xl_refresh(data, apply_actions(data, actions))


def test_column_widths_go_to_the_host_in_points_not_characters() -> None:
    data = example_bytes()
    actions, _ = run_script(data)
    widths = [a["args"][0] for a in actions if a["func"] == "setColumnWidth"]
    assert widths and all(isinstance(w, int | float) for w in widths)
    cli, _ = build_refreshed(data, stamp_time=NEW_STAMP)
    part = next(s.part for s in sheets(package_from_bytes(cli)) if s.name == "Summary")
    first = re.search(rb'<col min="1" max="1" width="([0-9.]+)"', package_from_bytes(cli)[part])
    assert first is not None
    summary_first = next(a["args"][0] for a in actions if a["func"] == "setColumnWidth" and a["sheet_position"] ==
                         [s.name for s in sheets(package_from_bytes(data))].index("Summary"))
    assert summary_first == width_points(float(first.group(1))) != float(first.group(1))


def test_a_chart_the_add_in_does_not_report_is_named_in_the_report_as_a_thing_to_do() -> None:
    _, lines = run_script(example_bytes())
    todo = [line for line in lines if line.startswith("to do: ")]
    assert len(todo) == 1 and "=Summary!$B$" in todo[0] and "Select Data" in todo[0]


def _chart_refs(data: bytes) -> list[tuple[str, str]]:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    return [(c.series[0].cat.numRef.f, c.series[0].val.numRef.f) for c in ws._charts]


def test_a_chart_the_add_in_reports_is_pointed_at_the_new_rows_as_hipaa_xl_refresh_does() -> None:
    # the example with its chart, then RCH-01 starting in 2015: more years, so the chart's rows move
    data = set_incident_cell(example_bytes(), "G5", "><v>42005</v>")
    actions, lines = run_script(data, charts=True)
    assert not [line for line in lines if line.startswith("to do: ")], lines
    out = apply_actions(data, actions)
    assert {"setChartSourceData", "setChartXAxisValues"} <= set(out.funcs)
    assert_like_hipaa_xl_refresh(data, out, charts=True)
    moved = [(c.series[0].cat.numRef.f, c.series[0].val.numRef.f) for c in out.wb["Summary"]._charts]
    assert moved != _chart_refs(data) and len(moved) == 1
