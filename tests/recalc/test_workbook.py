"""Workbook-level rules of the headless recalculation: references, names, tables, shared formulas,
cycles, unknown functions, our functions' errors, what is written and what is left untouched."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lxml import etree
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from hipaa_xl import udfs
from hipaa_xl.ooxml.calc import EXCEL_CALC_ID
from hipaa_xl.ooxml.package import read_package
from hipaa_xl.recalc import recalc_file, recalc_package

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

AS_OF = dt.date(2024, 5, 1)
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def values_of(path: Path, sheet: str) -> Any:
    return openpyxl.load_workbook(path, data_only=True)[sheet]


def test_cross_sheet_quoted_names_whole_columns_and_absolute_refs(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "My Data"
    for r in range(1, 5):
        data.cell(r, 1).value = r * 10
        data.cell(r, 2).value = "x" if r % 2 else "y"
    calc = wb.create_sheet("Calc")
    calc["A1"] = "='My Data'!A2*2"
    calc["A2"] = "=SUM('My Data'!A:A)"
    calc["A3"] = "=SUMIFS('My Data'!A:A,'My Data'!B:B,\"x\")"
    calc["A4"] = "=COUNTA('My Data'!B:B)"
    calc["A5"] = "=SUM($A$1:A1)"
    calc["A6"] = "=MATCH(30,'My Data'!A:A,0)"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok
    ws = values_of(path, "Calc")
    assert [ws[f"A{i}"].value for i in range(1, 7)] == [40, 100, 40, 4, 40, 3]


def test_whole_column_ranges_cost_no_more_than_the_used_range(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 2001):
        ws.cell(r, 1).value = r
        ws.cell(r, 2).value = r % 3
    for r in range(1, 201):
        ws.cell(r, 3).value = f"=SUMIFS(A:A,B:B,{r % 3})+SUM(A:A)*0+COUNTIF(B:B,{r % 3})"
    path = tmp_path / "whole.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok
    # a full 1,048,576-row scan per formula would take minutes; the used range takes well under a second
    assert report.seconds < 10
    expected = {k: sum(r for r in range(1, 2001) if r % 3 == k) + sum(1 for r in range(1, 2001) if r % 3 == k)
                for k in range(3)}
    out = values_of(path, "Sheet")
    assert all(out.cell(r, 3).value == expected[r % 3] for r in range(1, 201))


def test_defined_names_workbook_and_sheet_scoped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Settings"
    ws["A1"] = 0.5
    ws["A2"] = 7
    ws["B1"] = 100
    other = wb.create_sheet("Other")
    wb.defined_names["Rate"] = DefinedName("Rate", attr_text="Settings!$A$1")
    wb.defined_names["Local"] = DefinedName("Local", attr_text="Settings!$A$2")
    other.defined_names["Local"] = DefinedName("Local", attr_text="Settings!$B$1")
    wb.defined_names["Amounts"] = DefinedName("Amounts", attr_text="Settings!$A$1:$B$1")
    ws["C1"] = "=Rate*B1"
    ws["C2"] = "=Local"
    other["A1"] = "=Local"
    other["A2"] = "=SUM(Amounts)"
    other["A3"] = "=Missing_Name+1"
    path = tmp_path / "names.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok, report.problems
    assert values_of(path, "Settings")["C1"].value == 50
    assert values_of(path, "Settings")["C2"].value == 7
    assert values_of(path, "Other")["A1"].value == 100
    assert values_of(path, "Other")["A2"].value == 100.5
    assert values_of(path, "Other")["A3"].value == "#NAME?"
    assert any("Missing_Name" in w for w in report.warnings)


def _share_formulas(path: Path, sheet_part: str, column: str, first: int, last: int) -> None:
    """Rewrite column formulas first..last as one shared formula, the way Excel stores a fill-down."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts[sheet_part].decode()
    xml = re.sub(rf'(<c r="{column}{first}"[^>]*>)<f>([^<]*)</f>',
                 rf'\1<f t="shared" ref="{column}{first}:{column}{last}" si="0">\2</f>', xml)
    for r in range(first + 1, last + 1):
        xml = re.sub(rf'(<c r="{column}{r}"[^>]*>)<f>[^<]*</f>', r'\1<f t="shared" si="0"/>', xml)
    parts[sheet_part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_shared_formulas_follow_their_master_shifted_to_each_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 6):
        ws.cell(r, 1).value = r
        ws.cell(r, 2).value = f"=A{r}*10+$A$1"
    path = tmp_path / "shared.xlsx"
    wb.save(path)
    _share_formulas(path, "xl/worksheets/sheet1.xml", "B", 1, 5)
    assert b'<f t="shared" si="0"/>' in read_package(path)["xl/worksheets/sheet1.xml"]
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok
    out = values_of(path, "Sheet")
    assert [out.cell(r, 2).value for r in range(1, 6)] == [r * 10 + 1 for r in range(1, 6)]
    assert b'<f t="shared" si="0"/>' in read_package(path)["xl/worksheets/sheet1.xml"]  # formulas kept


def test_structured_references_to_a_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Entity", "Amount", "Qty"])
    ws.append(["Acme", 10, 2])
    ws.append(["Beta", 20, 3])
    ws.append(["Acme", 30, 4])
    ws.add_table(Table(displayName="Claims", ref="A1:C4"))
    for r in range(2, 5):
        ws.cell(r, 4).value = "=Claims[[#This Row],[Amount]]*Claims[[#This Row],[Qty]]"
        ws.cell(r, 5).value = "=Claims[@Amount]+1"
    ws["G1"] = "=SUM(Claims[Amount])"
    ws["G2"] = "=ROWS(Claims[#All])"
    ws["G3"] = "=COUNTA(Claims[#Headers])"
    ws["G4"] = '=SUMIFS(Claims[Amount],Claims[Entity],"acme")'
    ws["G5"] = "=SUM(Claims[[Amount]:[Qty]])"
    ws["G6"] = "=ROWS(Claims)"
    path = tmp_path / "table.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok, report.problems
    out = values_of(path, "Sheet")
    assert [out.cell(r, 4).value for r in range(2, 5)] == [20, 60, 120]
    assert [out.cell(r, 5).value for r in range(2, 5)] == [11, 21, 31]
    assert [out[f"G{i}"].value for i in range(1, 7)] == [60, 4, 3, 40, 69, 3]


def test_circular_references_are_reported_with_their_cycle_not_looped_on(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "=B1+1"
    ws["B1"] = "=A1+1"
    ws["C1"] = "=C1"
    ws["D1"] = "=A1*2"
    ws["E1"] = 5
    ws["F1"] = "=E1*2"
    path = tmp_path / "cycle.xlsx"
    wb.save(path)
    before = path.read_bytes()
    report = recalc_file(path, as_of=AS_OF)
    assert path.read_bytes() == before  # nothing written without --allow-errors
    cycles = [p for p in report.problems if p.kind == "circular reference"]
    assert len(cycles) == 2
    assert any("Sheet!A1" in p.detail and "Sheet!B1" in p.detail for p in cycles)
    assert any(p.cell == "C1" for p in cycles)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True)
    out = values_of(path, "Sheet")
    assert out["F1"].value == 10
    # Excel with iterative calculation off leaves a cycle at its last value, 0 for a new one
    assert out["A1"].value == out["B1"].value == out["C1"].value == 0
    assert out["D1"].value == "#NAME?"  # it reads the cycle: reported, not computed from its 0
    assert [p.cell for p in report.problems if p.kind == "dependent"] == ["D1"]


def test_long_dependency_chains_do_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    n = 3000
    for r in range(1, n):
        ws.cell(r, 1).value = f"=A{r + 1}+1"  # each row waits on the one below it
    ws.cell(n, 1).value = 1
    path = tmp_path / "chain.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok
    out = values_of(path, "Sheet")
    assert out["A1"].value == n
    assert out[f"A{n - 1}"].value == 2


def test_unknown_function_gives_name_error_and_is_reported_with_cell_and_name(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "=NOT_A_FUNCTION(1)+1"
    ws["A2"] = "=A1+1"
    ws["A3"] = "=IFERROR(A1,0)"
    path = tmp_path / "unknown.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True)
    assert [(p.sheet, p.cell, p.kind, p.detail) for p in report.problems] == [
        ("Sheet", "A1", "unknown function", "NOT_A_FUNCTION"),
        ("Sheet", "A2", "dependent", "depends on Sheet!A1, which could not be evaluated"),
        ("Sheet", "A3", "dependent", "depends on Sheet!A1, which could not be evaluated"),
    ]
    out = values_of(path, "Sheet")
    assert out["A1"].value == "#NAME?"
    assert out["A2"].value == "#NAME?"
    assert out["A3"].value == "#NAME?"  # IFERROR never turns a cell we could not evaluate into a number


def test_an_error_text_from_our_functions_is_an_excel_error_inside_the_calculation(tmp_path: Path) -> None:
    bad = udfs.CMP_MAX("E", 3)
    assert isinstance(bad, str) and bad.startswith("#VALUE!")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = '=CMP_MAX("E",3)'
    ws["A2"] = '=IFERROR(CMP_MAX("E",3),"bad tier")'
    ws["A3"] = '=ISERROR(CMP_MAX("E",3))'
    ws["A4"] = '=CMP_MAX("E",3)+1'
    ws["A5"] = '=SUM(A1,1)'
    ws["A6"] = '=CMP_MAX("B",NA())'
    path = tmp_path / "udf-error.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok  # a #VALUE! for a bad input row is the right answer, not a failure
    out = values_of(path, "Sheet")
    assert [out[f"A{i}"].value for i in range(1, 7)] == ["#VALUE!", "bad tier", True, "#VALUE!", "#VALUE!", "#N/A"]
    sheet_xml = read_package(path)["xl/worksheets/sheet1.xml"]
    cell = etree.fromstring(sheet_xml).find(f".//{NS}c[@r='A1']")
    assert cell is not None and cell.get("t") == "e" and cell.findtext(f"{NS}v") == "#VALUE!"
    reasons = {e.cell: e.reason for e in report.error_cells}
    assert "tier" in reasons["A1"]


def test_array_results_write_their_top_left_value(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "B"
    ws["A2"] = "D"
    ws["B1"] = 2
    ws["B2"] = 3
    ws["C1"] = "=CMP_MAX(A1:A2,B1:B2)"
    ws["C2"] = "={2,3}*10"
    ws["C3"] = "=B1:B2*10"
    path = tmp_path / "array.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok
    out = values_of(path, "Sheet")
    from hipaa_xl import clock

    with clock.override_today(AS_OF):
        plain = udfs.CMP_MAX([["B"], ["D"]], [[2], [3]])
    assert out["C1"].value == plain[0][0]
    assert out["C2"].value == 20  # {20, 30}: the top-left value
    # a range in a plain (not array) formula is implicitly intersected: row 3 is outside B1:B2
    assert out["C3"].value == "#VALUE!"


def test_every_part_but_sheets_and_workbook_xml_stays_byte_identical(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 4):
        ws.cell(r, 1).value = r
        ws.cell(r, 2).value = f"=A{r}*2"
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3))
    ws.add_chart(chart, "D2")
    path = tmp_path / "parts.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("customXml/item1.xml", b"<?xml version='1.0'?><matter id='42'>privileged</matter>")
        z.writestr("xl/media/blob.bin", bytes(range(256)))
    before = read_package(path)
    report = recalc_file(path, as_of=AS_OF)
    assert report.ok
    after = read_package(path)
    assert list(after) == list(before)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/workbook.xml"}
    assert b"fullCalcOnLoad" not in after["xl/workbook.xml"]


def test_workbook_xml_changes_only_the_calc_declaration_and_the_recorded_as_of_date(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=TODAY()"
    path = tmp_path / "asof.xlsx"
    wb.save(path)
    before = etree.fromstring(read_package(path)["xl/workbook.xml"])
    assert before.find(f"{NS}calcPr").get("fullCalcOnLoad") == "1"  # what openpyxl writes
    recalc_file(path, as_of=dt.date(2024, 1, 2))
    after = etree.fromstring(read_package(path)["xl/workbook.xml"])
    names = after.find(f"{NS}definedNames")
    recorded = [n for n in names if n.get("name") == "HXL_AS_OF_USED"]
    assert recorded[0].text == str((dt.date(2024, 1, 2) - dt.date(1899, 12, 30)).days)
    names.remove(recorded[0])
    if len(names) == 0 and before.find(f"{NS}definedNames") is None:
        after.remove(names)
    before.find(f"{NS}calcPr").attrib.pop("fullCalcOnLoad")
    assert before.find(f"{NS}calcPr").get("calcId") == "124519"  # openpyxl's: Excel 2007's engine
    before.find(f"{NS}calcPr").set("calcId", str(EXCEL_CALC_ID))
    assert etree.tostring(after, method="c14n") == etree.tostring(before, method="c14n")


def test_recalc_package_works_in_memory_and_leaves_its_input_alone(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 4
    wb.active["A2"] = "=A1^2"
    path = tmp_path / "mem.xlsx"
    wb.save(path)
    package = read_package(path)
    original = dict(package)
    new, report = recalc_package(package, as_of=AS_OF)
    assert report.ok and report.evaluated == 1
    assert dict(package) == original
    out = tmp_path / "out.xlsx"
    out.write_bytes(new.to_bytes())
    assert values_of(out, "Sheet")["A2"].value == 16


def test_as_of_typed_in_settings_wins_over_the_option_and_warns(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Settings"
    ws["B5"] = dt.date(2023, 3, 31)
    wb.defined_names["AsOf"] = DefinedName("AsOf", attr_text="Settings!$B$5")
    ws["A1"] = "=TIME_BARRED(DATE(2017,6,1),AsOf)"
    ws["A2"] = "=TODAY()"
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=dt.date(2030, 1, 1))
    assert report.as_of == dt.date(2023, 3, 31)
    assert report.as_of_source.startswith("Settings")
    assert any("--as-of 2030-01-01 had no effect" in w for w in report.warnings)
    out = values_of(path, "Settings")
    assert out["A1"].value is False  # six years from 2017-06-01 have not run by 2023-03-31
    assert out["A2"].value == (dt.date(2023, 3, 31) - dt.date(1899, 12, 30)).days


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_xlsm_and_xlsx_are_both_accepted(tmp_path: Path, suffix: str) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    path = tmp_path / f"book{suffix}"
    wb.save(path)
    assert recalc_file(path, as_of=AS_OF).ok
