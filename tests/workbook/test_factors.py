"""The Factors sheet (45 CFR 160.408 as structure): the law data, the reading of a Factor cell, the
typed records refresh reads from the sheet, the rows it reports as invalid, and ``refresh --strict``."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.cli.common import EXIT_OK, EXIT_PROBLEMS
from hipaa_xl.errors import HipaaInputError
from hipaa_xl.law.factors import FactorCode, load_factors, parse_effect, parse_factor
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.workbook import columns
from hipaa_xl.workbook.inputs import read_inputs
from hipaa_xl.workbook.refresh import build_refreshed
from hipaa_xl.workbook.sheets.factors.table import factor_applies, read_factors
from tests.workbook_helpers import example_bytes

runner = CliRunner()


def test_the_five_factors_of_160_408_are_law_data_with_their_source() -> None:
    law = load_factors()
    assert [f.letter for f in law.factors] == ["a", "b", "c", "d", "e"]
    assert [len(f.points) for f in law.factors] == [2, 4, 4, 3, 0]
    assert law.url.startswith("https://www.ecfr.gov/") and "78 FR 5566" in law.citation
    assert all(f.citation == f"45 CFR 160.408({f.letter})" for f in law.factors)
    assert "(b)(2) Financial harm" in law.choices() and "(e) Such other matters as justice may require" in law.choices()


@pytest.mark.parametrize(("typed", "code"), [
    ("(b)(2)", "(b)(2)"), ("b2", "(b)(2)"), ("(b)(2) Financial harm", "(b)(2)"), ("B", "(b)"),
    ("Financial harm", "(b)(2)"), ("(e) Such other matters as justice may require", "(e)"),
    ("Size of the entity", "(d)(3)"),
])
def test_a_factor_cell_is_read_by_its_code_its_label_or_its_words(typed: str, code: str) -> None:
    assert parse_factor(typed).code == code


@pytest.mark.parametrize(("typed", "words"), [
    ("(b)(7)", "160.408(b) has sub-points (1) to (4)"), ("(e)(1)", "160.408(e) has no sub-points"),
    ("(f)", "is not one of (a) to (e)"), ("culpability", "is not one of (a) to (e)"), ("", "Factor is required"),
])
def test_a_factor_that_is_not_in_160_408_is_refused_in_plain_words(typed: str, words: str) -> None:
    with pytest.raises(HipaaInputError) as err:
        parse_factor(typed)
    assert words in err.value.message and "'" not in err.value.message


def test_effect_is_aggravating_mitigating_or_neutral() -> None:
    assert [parse_effect(v) for v in ("Aggravating", "m", "+", "neutral")] == [
        "aggravating", "mitigating", "aggravating", "neutral"]
    with pytest.raises(HipaaInputError, match=r'got "worse"'):
        parse_effect("worse")


def test_factor_rows_become_typed_records_keyed_by_incident_or_group() -> None:
    header = [c.header for c in columns.FACTOR_COLUMNS]
    rows = [["Factors"], [], [], header,
            ["RCH-03", None, None, None, "(a)(1)", "aggravating", "4,100 patients"],
            [None, "Harbor", "164.308(a)(1)(ii)(A)", 2024, "d3", "mitigating", "small"],
            [None, "Harbor", None, None, "(a)", "aggravating", "no requirement"],
            ["RCH-01", "Harbor", None, None, "(a)", "aggravating", "both keys"],
            [None, None, None, None, None, None, None]]
    table = read_factors(rows)
    assert table.header_row == 4 and len(table.rows) == 4  # the blank row is not a row
    first, second = table.rows[0].factor, table.rows[1].factor
    assert first is not None and first.incident_id == "RCH-03" and first.factor == FactorCode("a", 1)
    assert factor_applies(first, "x", "y", 2022, {"rch-03 "}) and not factor_applies(first, "x", "y", 2022, {"RCH-01"})
    assert second is not None and second.year == 2024 and second.effect == "mitigating"
    assert factor_applies(second, "harbor", "164.308(a)(1)(ii)(a)", 2024, set())
    assert not factor_applies(second, "harbor", "164.308(a)(1)(ii)(a)", 2023, set())
    assert table.rows[2].factor is None and "Entity and Requirement" in table.rows[2].reason
    assert table.rows[3].factor is None and "not both" in table.rows[3].reason


def _with_factor_rows(data: bytes, extra: list[list[object]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[columns.FACTORS_SHEET]
    start = ws.tables[columns.FACTORS_TABLE].ref.split(":")[1]
    last = int("".join(ch for ch in start if ch.isdigit()))
    for i, values in enumerate(extra, start=last + 1):
        for j, v in enumerate(values, start=1):
            ws.cell(row=i, column=j, value=v)
    ws.tables[columns.FACTORS_TABLE].ref = f"A{columns.HEADER_ROW}:G{last + len(extra)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_the_example_factors_are_read_and_a_bad_row_is_reported_by_refresh_with_its_reason() -> None:
    data = example_bytes()
    inputs = read_inputs(data, package_from_bytes(data))
    assert inputs.factors is not None and len(inputs.factors.marked) == 9
    assert all(r.factor is not None for r in inputs.factors.rows)
    bad = _with_factor_rows(data, [["RCH-99", None, None, None, "(a)", "aggravating", "no such incident"],
                                   ["RCH-01", None, None, None, "(g)", "aggravating", "no such factor"],
                                   ["RCH-01", None, None, None, "(a)", "worse", "no such effect"]])
    _, report = build_refreshed(bad, stamp_time="t")
    lines = "\n".join(report.invalid)
    assert 'Factors!row 14: no incident with ID "RCH-99" on the Incidents sheet' in lines
    assert 'Factors!row 15: Factor "(g)" is not one of (a) to (e)' in lines
    assert 'Factors!row 16: Effect must be aggravating, mitigating or neutral (got "worse")' in lines


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_refresh_strict_exits_1_when_a_row_is_invalid_and_0_when_none_is(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(example_bytes())
    result = runner.invoke(app, ["refresh", str(good), "--strict"])
    assert result.exit_code == EXIT_OK, result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_with_factor_rows(example_bytes(), [["RCH-01", None, None, None, "(z)", "aggravating", ""]]))
    result = runner.invoke(app, ["refresh", str(bad), "--strict"])
    assert result.exit_code == EXIT_PROBLEMS
    assert "invalid: Factors!row 14" in result.output and "1 invalid row(s)" in result.output
    assert "refreshed" in result.output  # the workbook is refreshed all the same: its Checks show the rows
    result = runner.invoke(app, ["refresh", str(bad)])
    assert result.exit_code == EXIT_OK  # without --strict, as before


@pytest.mark.slow  # a workbook round trip: left out of the quick loop
def test_template_and_example_carry_the_factors_sheet_and_the_example_says_it_is_fictional() -> None:
    root = Path(__file__).resolve().parents[2] / "workbooks"
    for name in ("hipaa_exposure_template.xlsx", "example_exposure.xlsx"):
        wb = openpyxl.load_workbook(root / name)
        ws = wb[columns.FACTORS_SHEET]
        assert columns.FACTORS_TABLE in ws.tables
        assert [ws.cell(columns.HEADER_ROW, i).value for i in range(1, 8)] == [c.header for c in columns.FACTOR_COLUMNS]
        assert any(dv.formula1 and columns.FACTORS_SHEET in dv.formula1 for dv in ws.data_validations.dataValidation)
    first = openpyxl.load_workbook(root / "example_exposure.xlsx").worksheets[0]
    notice = str(first["A2"].value)
    assert "FICTIONAL EXAMPLE" in notice and "hipaa-xl new matter.xlsx" in notice
    assert "FICTIONAL" not in str(openpyxl.load_workbook(root / "hipaa_exposure_template.xlsx").worksheets[0]["A2"].value)
