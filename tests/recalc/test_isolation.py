"""Whole-workbook rules: one bad cell never costs the others, implicit intersection, cycles, long formulas.

Each test writes a small workbook with openpyxl, recalculates it and reads the values back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hipaa_xl.recalc import RecalcReport, recalc_file
from hipaa_xl.recalc.functions import REGISTRY, FunctionSpec, load_builtins

AS_OF = dt.date(2024, 5, 1)


def _recalc(tmp_path: Path, cells: dict[str, Any], names: dict[str, str] | None = None,
            **options: Any) -> tuple[Any, RecalcReport]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in cells.items():
        ws[address] = value
    for name, text in (names or {}).items():
        wb.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(name, attr_text=text)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True, **options)
    return openpyxl.load_workbook(path, data_only=True)["S"], report


def test_an_internal_error_in_one_cell_is_that_cells_problem_and_the_rest_is_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_builtins()

    def broken(value: Any) -> Any:
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setitem(REGISTRY, "ABS", FunctionSpec(broken, 1, 1, "v"))
    out, report = _recalc(tmp_path, {"A1": "=ABS(1)", "A2": "=1+1", "A3": "=A1", "A4": "=A2*10"})
    assert out["A1"].value == "#NAME?"
    assert out["A2"].value == 2
    assert out["A4"].value == 20
    problems = {(p.cell, p.kind) for p in report.problems}
    assert ("A1", "internal error") in problems
    assert any("OverflowError" in p.detail for p in report.problems)


def test_the_ceiling_overflow_that_aborted_a_workbook_is_num_in_its_cell(tmp_path: Path) -> None:
    # CEILING(-745, -1E-307): the multiple is beyond the largest number; Excel shows #NUM!
    out, report = _recalc(tmp_path, {"A1": -745, "B1": -1e-307, "C1": "=CEILING(A1,B1)", "D1": "=A1*2"})
    assert out["C1"].value == "#NUM!"
    assert out["D1"].value == -1490
    assert report.ok


def test_a_formula_nested_beyond_the_recursion_limit_is_reported_and_the_rest_computed(tmp_path: Path) -> None:
    out, report = _recalc(tmp_path, {"A1": "=" + "-" * 5000 + "1", "A2": "=2+2"})
    assert out["A1"].value == "#NAME?"
    assert out["A2"].value == 4
    assert [p.cell for p in report.problems] == ["A1"]


def test_a_long_flat_formula_excel_accepts_is_evaluated(tmp_path: Path) -> None:
    # 1,000 terms and 8,000 characters: within Excel's 8,192-character limit
    ones = "=" + "+".join(["1"] * 1000)
    cells = "=" + "+".join(["A1"] * 2000)
    assert len(cells) < 8192
    out, report = _recalc(tmp_path, {"A1": ones, "A2": cells, "A3": "=" + "&".join(['"ab"'] * 500)})
    assert report.ok
    assert out["A1"].value == 1000
    assert out["A2"].value == 2_000_000
    assert out["A3"].value == "ab" * 500


def test_a_range_where_one_value_is_expected_takes_the_cell_in_the_formulas_row_or_column(tmp_path: Path) -> None:
    # Excel's implicit intersection for a formula that is not an array formula: =A1:A3 in row 2 is A2;
    # =A1:C1 in column B is B1; outside the range, or a range of rows and columns, #VALUE!
    cells: dict[str, Any] = {"A1": 10, "A2": 20, "A3": 30, "B1": 5, "C1": 7}
    cells |= {"D2": "=A1:A3", "B5": "=A1:C1", "D5": "=A1:A3", "E2": "=A1:A3*2", "E3": "=ROUND(A1:A3/7,1)",
              "F2": "=A1:B3", "G2": "=SUM(A1:A3*2)", "G3": "=SUMPRODUCT(A1:A3*2)"}
    out, report = _recalc(tmp_path, cells)
    assert out["D2"].value == 20
    assert out["B5"].value == 5
    assert out["D5"].value == "#VALUE!"  # row 5 is outside A1:A3
    assert out["E2"].value == 40
    assert out["E3"].value == pytest.approx(4.3)  # 30 / 7 = 4.29
    assert out["F2"].value == "#VALUE!"  # two columns: nothing to intersect with
    assert out["G2"].value == 40  # SUM takes the intersected A2*2, as in Excel without Ctrl+Shift+Enter
    assert out["G3"].value == 120  # SUMPRODUCT works on arrays: (10 + 20 + 30) * 2
    assert report.ok


def test_an_array_formula_works_element_by_element_even_in_one_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for i, v in enumerate((1, 2, 3), start=1):
        ws.cell(i, 1).value = v
        ws.cell(i, 2).value = v * 10
    ws["C1"] = openpyxl.worksheet.formula.ArrayFormula("C1", "=SUM(A1:A3*B1:B3)")
    ws["D1"] = openpyxl.worksheet.formula.ArrayFormula("D1:D2", "=A1")  # one value fills the range
    ws["D2"] = 0  # the cell the array covers (Excel writes it; openpyxl only with a value)
    path = tmp_path / "array.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    out = openpyxl.load_workbook(path, data_only=True)["S"]
    assert out["C1"].value == 140  # 1*10 + 2*20 + 3*30
    assert out["D1"].value == out["D2"].value == 1
    assert report.ok


def test_cells_in_a_cycle_show_what_excel_shows_and_their_dependents_are_reported(tmp_path: Path) -> None:
    # Excel with iterative calculation off warns and leaves a circular reference at 0; a cell that
    # reads it is reported too rather than given a number computed from that 0
    out, report = _recalc(tmp_path, {"A1": "=B1+1", "B1": "=A1+1", "C1": "=A1+5"})
    assert out["A1"].value == 0 and out["B1"].value == 0
    assert out["C1"].value == "#NAME?"
    assert [(p.cell, p.kind, p.depends_on) for p in report.problems] == [
        ("A1", "circular reference", ""), ("C1", "dependent", "S!A1")]


@pytest.mark.slow
def test_long_chains_and_long_cycles_finish_without_a_recursion_error(tmp_path: Path) -> None:
    n = 20_000
    cells: dict[str, Any] = {f"A{r}": f"=A{r + 1}+1" for r in range(1, n)}
    cells[f"A{n}"] = 1
    cells |= {f"B{r}": f"=B{r % n + 1}+1" for r in range(1, n + 1)}  # B1 -> B2 -> ... -> B20000 -> B1
    out, report = _recalc(tmp_path, cells)
    assert out["A1"].value == n
    assert out["B1"].value == out[f"B{n}"].value == 0
    assert [p.kind for p in report.problems] == ["circular reference"]
    assert "more" in report.problems[0].detail  # the path is shortened, not 20,000 names long


def test_defined_names_that_spell_a_column_are_names(tmp_path: Path) -> None:
    # "a", "f" and "xfd" are column letters, but alone they are not references: Excel reads names
    out, report = _recalc(tmp_path, {"A1": 1, "A2": 2, "B1": 10, "C1": "=SUM(a,f,xfd)"},
                          {"a": "S!$A$1:$A$2", "f": "S!$B$1", "xfd": "100"})
    assert out["C1"].value == 113
    assert report.ok


def test_a_text_format_that_is_not_implemented_is_reported_not_guessed(tmp_path: Path) -> None:
    # a negative number under conditional sections: how Excel signs it is not documented
    out, report = _recalc(tmp_path, {"A1": '=TEXT(-1.5,"[<0]0.0;0")', "A2": '=TEXT(1.5,"0.0")'})
    assert out["A1"].value == "#NAME?"
    assert out["A2"].value == "1.5"
    assert [(p.cell, p.kind) for p in report.problems] == [("A1", "unsupported")]
    assert "conditional formats with a negative number" in report.problems[0].detail


def test_a_reference_result_is_never_written_as_python_text(tmp_path: Path) -> None:
    out, _ = _recalc(tmp_path, {"A1": 1, "A2": 2, "B1": "=INDEX({2,3;4,5},{1,2})", "B2": "=INDEX(A1:A2,2)"})
    assert out["B1"].value == 2
    assert out["B2"].value == 2
