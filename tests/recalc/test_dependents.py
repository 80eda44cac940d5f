"""A cell that reads a cell we could not evaluate is reported too, never given a plausible value.

Excel would compute such a cell from the value it found; we did not find that value, so any number
downstream (an IFERROR fallback, an ISNA branch, a sum over a range holding the cell) would look right
and be wrong. The rule holds through cell references, ranges, defined names and table references; a
formula that does not read the cell (the branch of IF not taken) is computed as usual.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.table import Table

from hipaa_xl.ooxml.package import read_package
from hipaa_xl.recalc import RecalcReport, recalc_file, recalc_package

AS_OF = dt.date(2024, 5, 1)
ROOT = "depends on S!A1, which could not be evaluated"


def _recalc(tmp_path: Path, cells: dict[str, Any], names: dict[str, str] | None = None,
            table: str | None = None) -> tuple[Any, RecalcReport]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in cells.items():
        ws[address] = value
    for name, text in (names or {}).items():
        wb.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(name, attr_text=text)
    if table:
        ws.add_table(Table(displayName="T", ref=table))
    path = tmp_path / "book.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True)
    return openpyxl.load_workbook(path, data_only=True)["S"], report


def _dependents(report: RecalcReport) -> dict[str, str]:
    return {p.cell: p.detail for p in report.problems if p.kind == "dependent"}


def test_iferror_and_isna_around_an_unevaluated_cell_are_reported_not_given_their_fallback(tmp_path: Path) -> None:
    out, report = _recalc(tmp_path, {
        "B1": 5,
        "A1": '=INDIRECT("B1")',  # not implemented: reported
        "C1": '=IF(ISNA(VLOOKUP(5,A1:A1,1,FALSE))," ",VLOOKUP(5,A1:A1,1,FALSE))',
        "C2": "=IFERROR(A1*2,0)",
        "C3": "=C2+1",  # two steps away: still reported, naming the cell that failed
        "C4": "=IF(TRUE,1,A1)",  # never reads A1 (Excel evaluates the branch taken only)
        "C5": "=B1*2",
    })
    assert _dependents(report) == {"C1": ROOT, "C2": ROOT, "C3": ROOT}
    assert [out[c].value for c in ("C1", "C2", "C3")] == ["#NAME?"] * 3
    assert out["C4"].value == 1 and out["C5"].value == 10
    assert [p.kind for p in report.problems][:1] == ["unknown function"]  # the cause is listed first
    assert {p.depends_on for p in report.problems if p.kind == "dependent"} == {"S!A1"}


def test_a_range_a_name_and_a_table_holding_an_unevaluated_cell_pass_the_report_on(tmp_path: Path) -> None:
    out, report = _recalc(tmp_path, {
        "A1": "=NOT_A_FUNCTION(1)",
        "A2": 2, "A3": 3,
        "D1": "=SUM(A1:A3)",
        "D2": "=COUNTIF(A:A,\">1\")",
        "D3": "=Amounts*1",
        "D4": "=SUM(Amounts)",
        "F1": "Amount", "F2": "=A1", "F3": 4,
        "D5": "=SUM(T[Amount])",
        "D6": "=SUM(A2:A3)",
    }, names={"Amounts": "S!$A$1"}, table="F1:F3")
    deps = _dependents(report)
    assert set(deps) == {"D1", "D2", "D3", "D4", "F2", "D5"}
    assert deps["D5"] == ROOT  # through F2, back to the cell that failed
    assert out["D5"].value == "#NAME?"
    assert out["D6"].value == 5


def test_refresh_keeps_the_cached_value_and_computes_dependents_from_it(tmp_path: Path) -> None:
    # the workbook refresh asks to keep what the file holds for a cell it cannot evaluate
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "=NOT_A_FUNCTION(1)"
    ws["A2"] = "=A1+1"
    path = tmp_path / "k.xlsx"
    wb.save(path)
    _, report = recalc_package(read_package(path), AS_OF, keep_unevaluated=True)
    assert [p.kind for p in report.problems] == ["unknown function"]
