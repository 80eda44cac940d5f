"""The Scenarios sheet and the Summary's scenario table, on the example and on edits of it."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from hipaa_xl.engine import aggregate
from hipaa_xl.engine.scenario_records import BASE_NAME, Figures
from hipaa_xl.engine.scenarios import apply_changes, run_scenarios
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook import new_workbook_bytes
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.scenario_summary import UP_TO_DATE
from hipaa_xl.workbook.scenario_tables import (
    CHANGES_TABLE,
    NAME_CHANGE_PROBLEM_ROWS,
    SCENARIOS_SHEET,
    SCENARIOS_TABLE,
    field_choices,
    read_scenarios,
)
from hipaa_xl.workbook.scenarios import unpriced
from hipaa_xl.workbook.summary import SC
from tests.workbook_helpers import AS_OF, example_bytes, part_of, summary_status

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

CHANGES_COL = {"scenario": 7, "incident_id": 8, "field": 9, "value": 10, "reason": 11}


def scenario_table(data: bytes) -> dict[str, dict[str, Any]]:
    """The Summary's scenario table as cached values: scenario (and entity) rows by label."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Scenario / entity")
    out: dict[str, dict[str, Any]] = {}
    current = ""
    for r in rows[start + 1:]:
        if r[0] is None or str(r[0]).startswith("Probability-weighted") or str(r[0]).startswith("No "):
            break
        label = str(r[0])
        if r[1] is not None:  # a scenario row (it names its schedule)
            current = label.removesuffix(" (the Incidents as entered)")
            key = current
        else:
            key = f"{current} / {label}"
        out[key] = {"minimum": r[5], "maximum": r[6], "time_barred_maximum": r[7], "ag_damages": r[8],
                    "d_minimum": r[9], "d_maximum": r[11], "probability": r[2], "changes": r[3]}
    return out


def grand_total(data: bytes) -> dict[str, Any]:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    row = next(r for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Grand total")
    return {k: row[SC[k] - 1] for k in ("minimum", "maximum", "barred_max", "ag")}


def engine_scenarios(data: bytes) -> Any:
    pkg = package_from_bytes(data)
    inputs = read_inputs(data, pkg)
    tables = read_scenarios(data, pkg)
    assert tables is not None
    incidents = [r.incident for r in inputs.rows if r.incident]
    return run_scenarios(incidents, tables.scenarios, tables.changes, inputs.schedule, AS_OF,
                         unpriced=unpriced(inputs))


def edit(data: bytes, changes: dict[tuple[str, str], Any]) -> bytes:
    """Cells set through openpyxl (a user's edit; cached values are dropped, as Excel recomputes)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def recalculated_status(data: bytes) -> str:
    pkg, report = recalc_package(package_from_bytes(data))
    assert report.ok, report.problems
    return summary_status(pkg.to_bytes())


@pytest.fixture(scope="module")
def example() -> bytes:
    return example_bytes()


# ---------------------------------------------------------------- the sheet


def test_blank_template_has_the_scenarios_sheet_with_both_tables_empty() -> None:
    data, report = new_workbook_bytes(dt.date(2026, 11, 25))
    tables = read_scenarios(data, package_from_bytes(data))
    assert tables is not None and not tables.problems
    assert tables.scenarios == [] and tables.changes == []
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SCENARIOS_SHEET]
    assert set(ws.tables) == {SCENARIOS_TABLE, CHANGES_TABLE}
    assert not report.invalid
    assert "Scenario figures match" in str(scenario_status(data))
    assert "No probability-weighted figures" in summary_text(data) or "No scenarios" in summary_text(data)


def test_field_dropdown_lists_the_changeable_incidents_columns_and_excluded() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    lists = [dv.formula1 for dv in wb[SCENARIOS_SHEET].data_validations.dataValidation if dv.type == "list"]
    assert '"' + ",".join(field_choices()) + '"' in lists
    assert field_choices() == ("Tier", "Culpability", "Start", "End", "Violations", "Known", "Corrected",
                               "Duplicate of", "Federal action pending", "Criminal penalty imposed",
                               "Cure period ends", "Excluded")


def scenario_status(data: bytes) -> Any:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    rows = list(wb["Summary"].iter_rows(values_only=True))
    i = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Scenarios (computed"))
    return rows[i + 1][0]


def summary_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return "\n".join(str(v) for r in wb["Summary"].iter_rows(values_only=True) for v in r if v is not None)


# ---------------------------------------------------------------- the example's figures


def test_example_has_three_scenarios_with_changes_and_probabilities_adding_to_100(example: bytes) -> None:
    result = engine_scenarios(example)
    assert [s.name for s in result.scenarios] == ["Our position", "OCR likely", "Worst case"]
    assert all(s.changes and s.computed for s in result.scenarios)
    assert sum(s.probability for s in result.scenarios) == pytest.approx(1.0)
    assert result.weighted is not None and not result.problems


def test_summary_scenario_table_equals_the_engine_for_every_scenario_and_entity(example: bytes) -> None:
    table = scenario_table(example)
    result = engine_scenarios(example)
    for s in result.all:
        row = table[s.name]
        assert {k: row[k] for k in ("minimum", "maximum", "time_barred_maximum", "ag_damages")} == {
            "minimum": s.total.minimum, "maximum": s.total.maximum,
            "time_barred_maximum": s.total.time_barred_maximum, "ag_damages": s.total.ag_damages}
        if s.name != BASE_NAME:
            assert (row["d_minimum"], row["d_maximum"]) == (s.difference.minimum, s.difference.maximum)
            assert row["probability"] == s.probability
        for entity, f in s.entities.items():
            got = table[f"{s.name} / {entity}"]
            assert Figures(got["minimum"], got["maximum"], got["ag_damages"], got["time_barred_maximum"]) == f
    # and the engine's plain aggregation of each scenario's changed incidents (no reuse of the base)
    inputs = read_inputs(example, package_from_bytes(example))
    incidents = [r.incident for r in inputs.rows if r.incident]
    for s in result.scenarios:
        changed, _ = apply_changes(incidents, s.changes)
        full = aggregate(changed, s.schedule, s.as_of, inputs.commenced, inputs.general_forms)
        assert (table[s.name]["minimum"], table[s.name]["maximum"], table[s.name]["ag_damages"]) == (
            sum(g.minimum for g in full.groups), sum(g.maximum for g in full.groups),
            sum(g.ag_damages for g in full.groups)), s.name
    weighted = next(r for r in openpyxl.load_workbook(io.BytesIO(example), data_only=True)["Summary"].iter_rows(
        values_only=True) if str(r[0]).startswith("Probability-weighted"))
    assert (weighted[5], weighted[6]) == (result.weighted.minimum, result.weighted.maximum)


def test_base_scenario_equals_the_summary_grand_total(example: bytes) -> None:
    base = scenario_table(example)[BASE_NAME]
    total = grand_total(example)
    assert (base["minimum"], base["maximum"], base["time_barred_maximum"], base["ag_damages"]) == (
        total["minimum"], total["maximum"], total["barred_max"], total["ag"])


def test_example_scenarios_move_the_numbers_a_lawyer_expects(example: bytes) -> None:
    result = engine_scenarios(example)
    ours, ocr, worst = result.scenarios
    # Our position cures RPG-01 (reasonable cause, corrected 24 days after it was known): the
    # physician group's 164.404 group goes to nothing
    assert ours.entities["Riverside Physician Group"].maximum < result.base.entities["Riverside Physician Group"].maximum
    assert any(m.requirement == "164.404" and m.scenario.maximum == 0 for m in ours.movers)
    # OCR likely dates RCH-01 from 2019-11-01: days before 2020-03-31 (six years before the as-of
    # date) are time-barred, so the time-barred maximum rises and a 2020 group appears
    assert ocr.total.time_barred_maximum > result.base.total.time_barred_maximum
    assert any(m.year == 2020 for m in ocr.movers)
    assert worst.total.maximum >= ocr.total.maximum > result.base.total.maximum > ours.total.maximum


# ---------------------------------------------------------------- user's sheet and bad rows


def test_refresh_keeps_the_scenarios_sheet_byte_for_byte(example: bytes) -> None:
    edited = edit(example, {(SCENARIOS_SHEET, "J13"): dt.datetime(2024, 4, 30),
                            (SCENARIOS_SHEET, "G16"): "Nobody", (SCENARIOS_SHEET, "H16"): "RCH-01",
                            (SCENARIOS_SHEET, "I16"): "Tier", (SCENARIOS_SHEET, "J16"): "D"})
    before = package_from_bytes(edited)
    part = part_of(before, SCENARIOS_SHEET)
    refreshed, report = build_refreshed(edited)
    after = package_from_bytes(refreshed)
    assert report.changed
    assert after[part] == before[part]
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    assert after[rels] == before[rels]
    tables = [p for p in before if p.startswith("xl/tables/") and b"Scenario" in before[p]]
    assert len(tables) == 2 and all(after[p] == before[p] for p in tables)


def test_each_invalid_change_is_reported_marked_and_its_scenario_is_na_while_others_compute(example: bytes) -> None:
    bad = {
        16: ("Nobody", "RCH-01", "Tier", "D"),  # unknown scenario
        17: ("OCR likely", "XYZ-9", "Tier", "D"),  # unknown incident
        18: ("Worst case", "RCH-02", "Entity", "Other"),  # field not in the list
        19: ("Worst case", "RCH-02", "Start", "not a date"),  # bad value for the field
        20: ("Worst case", "RCH-05", "Corrected", dt.datetime(2024, 4, 1)),  # second change of one field
    }
    cells = {(SCENARIOS_SHEET, f"{col}{r}"): v for r, values in bad.items() for col, v in zip("GHIJ", values, strict=True)}
    refreshed, report = build_refreshed(edit(example, cells))
    text = "\n".join(report.invalid)
    assert "ScenarioChanges row 16: no scenario named \"Nobody\"" in text
    assert "ScenarioChanges row 17 (OCR likely): no incident with ID \"XYZ-9\"" in text
    assert "ScenarioChanges row 18 (Worst case): Field \"Entity\" cannot be changed" in text
    assert "ScenarioChanges row 19 (Worst case): Start: Start must be an Excel date" in text
    assert "ScenarioChanges row 20 (Worst case): Corrected of RCH-05 is already changed in this scenario on row 13" in text
    table = scenario_table(refreshed)
    assert table["OCR likely"]["maximum"] == "#N/A" and table["Worst case"]["minimum"] == "#N/A"
    assert isinstance(table["Our position"]["maximum"], int) and isinstance(table[BASE_NAME]["maximum"], int)
    assert "Rows that cannot apply" in summary_text(refreshed)
    # the sheet's conditional format reads this name: rows 16-20 turn red without writing the sheet
    wb = openpyxl.load_workbook(io.BytesIO(refreshed), data_only=True)
    sheet, cells_ref = wb.defined_names[NAME_CHANGE_PROBLEM_ROWS].attr_text.split("!")
    marked = [c.value for row in wb[sheet][cells_ref.replace("$", "")] for c in row]
    assert marked == [16, 17, 18, 19, 20]


# ---------------------------------------------------------------- never stale silently


def test_scenario_figures_are_up_to_date_right_after_refresh(example: bytes) -> None:
    assert summary_status(example) == "Layout matches the Incidents sheet"
    assert scenario_status(example) == UP_TO_DATE
    assert recalculated_status(edit(example, {})) == "Layout matches the Incidents sheet"


@pytest.mark.parametrize(("sheet", "cell", "value", "why"), [
    (SCENARIOS_SHEET, "J12", "C", "a change's value"),
    (SCENARIOS_SHEET, "C6", 0.6, "a probability"),
    (SCENARIOS_SHEET, "G15", "OCR likely", "a new change row"),
    ("Incidents", "J9", dt.datetime(2024, 2, 20), "the Known date of an incident a change names"),
    ("Incidents", "I15", 30, "the Violations of an incident no change names (HBS-02)"),
])
def test_editing_a_scenario_input_after_refresh_turns_the_layout_cell_red(
    example: bytes, sheet: str, cell: str, value: object, why: str
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example))
    assert wb[sheet][cell].value != value, why
    assert recalculated_status(edit(example, {(sheet, cell): value})) == "Layout out of date - run Refresh", why



def test_a_workbook_made_before_the_scenarios_sheet_still_refreshes_and_says_so(example: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example))
    del wb[SCENARIOS_SHEET]
    for name in (NAME_CHANGE_PROBLEM_ROWS, "HXL_SCENARIO_PROBLEM_ROWS"):
        del wb.defined_names[name]
    out = io.BytesIO()
    wb.save(out)
    refreshed, report = build_refreshed(out.getvalue())
    assert not report.invalid
    assert "This workbook has no Scenarios sheet" in summary_text(refreshed)
    assert NAME_CHANGE_PROBLEM_ROWS not in openpyxl.load_workbook(io.BytesIO(refreshed)).defined_names
    assert recalculated_status(refreshed) == "Layout matches the Incidents sheet"


def test_a_workbook_with_an_unpriced_incidents_row_is_not_out_of_date_right_after_refresh(example: bytes) -> None:
    # Incidents row 13 (RPG-03) gets a Start that is not a date: its groups and the grand total show
    # #N/A, and so does every scenario (none excludes RPG-03); the staleness check must still see an
    # up-to-date layout
    refreshed, report = build_refreshed(edit(example, {("Incidents", "G13"): "not a date"}))
    assert any("Incidents!row 13" in line for line in report.invalid)
    table = scenario_table(refreshed)
    assert all(row["maximum"] == "#N/A" for key, row in table.items() if " / " not in key)
    assert recalculated_status(refreshed) == "Layout matches the Incidents sheet"


def test_a_scenario_that_sets_a_valid_tier_prices_an_incident_whose_typed_tier_is_invalid(example: bytes) -> None:
    # RCH-03's tier "Z" makes the base #N/A; "Worst case" sets RCH-03's Tier to D, so its incidents
    # are all valid and it is computed; the others keep "Z" and are #N/A
    refreshed, _ = build_refreshed(edit(example, {("Incidents", "F7"): "Z"}))
    table = scenario_table(refreshed)
    assert table[BASE_NAME]["maximum"] == table["OCR likely"]["maximum"] == "#N/A"
    assert table["Worst case"]["maximum"] == engine_scenarios(example).scenarios[2].total.maximum
    assert recalculated_status(refreshed) == "Layout matches the Incidents sheet"


def test_the_memo_reads_the_visible_scenario_table_even_beside_a_long_hidden_copy(example: bytes) -> None:
    # 60 more change rows make the hidden copy of the inputs (columns AL onwards) long; it sits below
    # everything the Summary prints, so the memo's reader takes the table's visible columns only
    # (11 headers: D:E and J:K are merged)
    from hipaa_xl.report.book import read_book

    fields = ("Known", "Corrected", "Violations", "Federal action pending", "End", "Start")
    ids = ("RCH-02", "RCH-04", "RPG-02", "RPG-03", "HBS-02", "RCH-03", "RCH-06", "RPG-01", "HBS-01", "RCH-01")
    cells: dict[tuple[str, str], object] = {}
    r = 15
    for name in ("Our position", "OCR likely", "Worst case"):
        for incident in ids[:5]:
            for field in fields[:4]:
                cells.update({(SCENARIOS_SHEET, f"G{r}"): name, (SCENARIOS_SHEET, f"H{r}"): incident,
                              (SCENARIOS_SHEET, f"I{r}"): field, (SCENARIOS_SHEET, f"J{r}"): None,
                              (SCENARIOS_SHEET, f"K{r}"): "padding"})
                r += 1
    refreshed, _ = build_refreshed(edit(example, cells))
    title = "Scenarios (computed by hipaa-xl"
    book = read_book(refreshed, summary_blocks=(title,))
    block = book.extra_tables[title]
    assert block.headers[0] == "Scenario / entity" and block.headers[-1] == "AG damages vs base"
    assert len(block.headers) == 11
    assert [row[0] for row in block.rows][:2] == ["Base (the Incidents as entered)", "Riverside Community Hospital"]
