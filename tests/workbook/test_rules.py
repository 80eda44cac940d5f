"""The rules the refreshed workbook must keep (decisions 13, 14, 22, 23): read back with
openpyxl's cached values and compared with the engine."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from hipaa_xl import clock
from hipaa_xl.ooxml.opc import defined_names
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook import build_refreshed, new_workbook_bytes
from hipaa_xl.workbook.exposure import OUT_OF_DATE, UP_TO_DATE
from hipaa_xl.workbook.summary import SC
from tests.workbook_helpers import (
    AS_OF,
    FIGURES,
    engine_aggregation,
    example_bytes,
    exposure_values,
    set_incident_cell,
    summary_status,
    summary_values,
    text_cell,
)

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _as_of_used(data: bytes) -> dt.date:
    names = defined_names(package_from_bytes(data))
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(names[("HXL_AS_OF_USED", None)]))


def test_every_summary_figure_is_stored_and_equals_the_engine() -> None:
    data = example_bytes()
    agg = engine_aggregation(data)
    got = summary_values(data)
    assert len(got) == len(agg.groups) > 10
    for g in agg.groups:
        row = got[(g.entity_key, g.requirement_key, g.year)]
        expected = [g.violations, g.time_barred_violations, g.minimum, g.maximum, g.time_barred_maximum,
                    g.ag_damages]
        assert [row[k] for k in FIGURES] == expected, (g.entity, g.requirement, g.year)
        assert row["checks"] == 0


def test_entity_and_grand_totals_and_schedule_comparison_equal_the_engine() -> None:
    data = example_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb["Summary"]
    cells: dict[str, list[object]] = {}
    for r in ws.iter_rows():  # the last row of each label before the scenario table
        if str(r[0].value).startswith("Scenarios (computed"):
            break
        if r[0].value is not None:
            cells[str(r[0].value)] = [c.value for c in r]
    agg = engine_aggregation(data)
    lo, hi, ag = agg.grand_total()
    grand = cells["Grand total"]
    assert (grand[SC["minimum"] - 1], grand[SC["maximum"] - 1], grand[SC["ag"] - 1]) == (lo, hi, ag)
    for entity in {g.entity for g in agg.groups}:
        mine = [g for g in agg.groups if g.entity == entity]
        row = next(v for k, v in cells.items() if k == entity and isinstance(v[SC["maximum"] - 1], int | float)
                   and v[SC["year"] - 1] is None)
        assert row[SC["maximum"] - 1] == sum(g.maximum for g in mine), entity
    for schedule in ("regulation", "statute", "current", "current-tiered"):
        other = engine_aggregation(data, schedule)
        assert cells[schedule][1:4] == list(other.grand_total()), schedule


def test_typed_settings_date_wins_and_ignored_as_of_is_warned() -> None:
    data = example_bytes()
    _, report = build_refreshed(data, dt.date(2030, 1, 1))
    assert report.as_of_source == "Settings" and report.as_of == AS_OF
    assert any("--as-of 2030-01-01 had no effect" in w for w in report.warnings)
    _, quiet = build_refreshed(data, AS_OF)
    assert not any("had no effect" in w for w in quiet.warnings)


def test_today_template_takes_as_of_then_system_date_and_records_it() -> None:
    blank, report = new_workbook_bytes(dt.date(2026, 3, 31))
    assert (report.as_of, report.as_of_source) == (dt.date(2026, 3, 31), "--as-of")
    assert _as_of_used(blank) == dt.date(2026, 3, 31)
    again, report = build_refreshed(blank, dt.date(2027, 2, 1))
    assert (report.as_of, report.as_of_source) == (dt.date(2027, 2, 1), "--as-of")
    assert _as_of_used(again) == dt.date(2027, 2, 1)
    with clock.override_today(dt.date(2028, 5, 5)):
        third, report = build_refreshed(blank)
    assert (report.as_of, report.as_of_source) == (dt.date(2028, 5, 5), "system date")
    assert _as_of_used(third) == dt.date(2028, 5, 5)
    assert "(from system date)" in report.lines()[0]


def test_edited_incident_date_turns_layout_out_of_date_after_recalc() -> None:
    data = example_bytes()
    assert summary_status(data) == UP_TO_DATE
    # RCH-01 (row 5) ends 2023-03-31: move its End into 2024, a year Exposure has no row for
    edited = set_incident_cell(data, "H5", f"><v>{_serial(dt.date(2024, 6, 30))}</v>")
    recalculated, _ = recalc_package(package_from_bytes(edited), AS_OF)
    assert summary_status(recalculated.to_bytes()) == OUT_OF_DATE
    refreshed, _ = build_refreshed(recalculated.to_bytes())
    assert summary_status(refreshed) == UP_TO_DATE


def test_new_incident_row_turns_layout_out_of_date_after_recalc() -> None:
    data = example_bytes()
    edited = set_incident_cell(data, "A15", text_cell("HBS-02")).replace(b"", b"")
    pkg = package_from_bytes(edited)
    part = "xl/worksheets/sheet1.xml"
    xml = pkg[part].decode()
    xml = xml.replace("</sheetData>", '<row r="16"><c r="A16" t="inlineStr"><is><t>NEW-1</t></is></c></row></sheetData>')
    pkg[part] = xml.encode()
    recalculated, _ = recalc_package(package_from_bytes(pkg.to_bytes()), AS_OF)
    assert summary_status(recalculated.to_bytes()) == OUT_OF_DATE


@pytest.fixture(scope="module")
def with_bad_rows() -> tuple[bytes, list[str]]:
    data = example_bytes()
    data = set_incident_cell(data, "F7", text_cell("Z"))  # RCH-03: unknown tier
    data = set_incident_cell(data, "H14", f"><v>{_serial(dt.date(2019, 1, 1))}</v>")  # HBS-01: end before start
    data = set_incident_cell(data, "I10", "><v>-3</v>")  # RCH-06: negative count
    out, report = build_refreshed(data)
    return out, report.invalid


def test_invalid_rows_are_reported_with_sheet_row_and_reason(with_bad_rows: tuple[bytes, list[str]]) -> None:
    _, invalid = with_bad_rows
    text = "\n".join(invalid)
    assert len(invalid) == 3, text
    assert "Incidents!row 7" in text and "tier" in text.lower()
    assert "Incidents!row 14" in text and "before" in text.lower()
    assert "Incidents!row 10" in text and "negative" in text.lower()


def test_invalid_rows_are_marked_in_the_check_column(with_bad_rows: tuple[bytes, list[str]]) -> None:
    out, _ = with_bad_rows
    checks = {r["row"]: r["check"] for r in exposure_values(out) if r["check"]}
    assert set(checks) == {7, 10, 14}
    assert all(str(c).startswith(f"Incidents row {row}:") for row, c in checks.items())


def test_groups_of_invalid_rows_are_na_and_valid_rows_still_priced(with_bad_rows: tuple[bytes, list[str]]) -> None:
    out, _ = with_bad_rows
    got = summary_values(out)
    na = {k for k, v in got.items() if v["maximum"] == "#N/A"}
    assert ("riverside community hospital", "164.312(a)(2)(iv)", 2022) in na  # row 7, its own group
    assert ("riverside community hospital", "164.308(a)(1)(ii)(a)", 2023) in na  # row 10, with RCH-01
    assert ("harbor billing services llc", "164.308(a)(1)(ii)(a)", 2019) in na  # row 14
    assert len(na) == 3
    agg = engine_aggregation(out)  # the valid rows only
    priced = [g for g in agg.groups if (g.entity_key, g.requirement_key, g.year) not in na]
    assert len(priced) > 5
    for g in priced:
        assert got[(g.entity_key, g.requirement_key, g.year)]["maximum"] == g.maximum
    wb = openpyxl.load_workbook(io.BytesIO(out), data_only=True)
    grand = next(r for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Grand total")
    assert grand[SC["maximum"] - 1] == "#N/A"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-Acme", "@SUM(A1)"])
def test_text_typed_with_a_formula_lead_stays_text(text: str) -> None:
    data = set_incident_cell(example_bytes(), "B15", text_cell(text))  # HBS-02's entity
    out, _ = build_refreshed(data)
    rows = [r for r in exposure_values(out) if r["row"] == 15]
    assert rows and all(r["entity"] == text for r in rows)
    assert any(v["requirement"] for k, v in summary_values(out).items() if k[0] == text.casefold())
    pkg = package_from_bytes(out)
    for name, part in pkg.items():
        if name.startswith("xl/worksheets/"):
            assert f"<f>{text}".encode() not in part and f"<f>{text[1:]}</f>".encode() not in part


@pytest.mark.parametrize("typed", ["-3", "2.5", "1e10"])
def test_a_bad_count_reads_the_same_through_refresh_as_through_an_excel_function(typed: str) -> None:
    # one count validator (engine.penalties.check_count): Violations -3 in row 5 (column I) is the
    # #NUM! "cannot be negative (got -3)" that CMP_MAX shows for the same value
    from hipaa_xl import udfs
    from hipaa_xl.errors import OutOfRange
    from hipaa_xl.workbook.inputs import _to_count, read_inputs

    data = set_incident_cell(example_bytes(), "I5", f"><v>{typed}</v>")
    row = next(r for r in read_inputs(data, package_from_bytes(data)).rows if r.row == 5)
    through_function = udfs.CMP_MAX("B", float(typed))
    assert isinstance(through_function, str) and through_function.startswith("#NUM! violations ")
    assert row.incident is None
    assert row.reason == "Violations " + through_function.removeprefix("#NUM! violations ")
    with pytest.raises(OutOfRange):
        _to_count(float(typed))
