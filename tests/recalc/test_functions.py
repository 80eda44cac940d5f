"""Each built-in function and operator, evaluated headlessly, equals the value Excel gives.

Expected values are worked out by hand from Excel's documented behaviour, not from the evaluator.
The workbook is written with openpyxl, recalculated, and read back with ``data_only=True``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hipaa_xl.recalc import recalc_file
from tests.recalc_cases import AS_OF, CASES, CASES_1904, data_sheet


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Any]:
    folder: Path = tmp_path_factory.mktemp("functions")
    wb = openpyxl.Workbook()
    calc = wb.active
    calc.title = "Calc"
    data_sheet(wb)
    for i, (formula, _) in enumerate(CASES, start=1):
        calc.cell(i, 1).value = formula
    path = folder / "functions.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True)
    values = openpyxl.load_workbook(path, data_only=True)["Calc"]
    return {formula: values.cell(i, 1).value for i, (formula, _) in enumerate(CASES, start=1)}, report


@pytest.mark.parametrize(("formula", "expected"), [c for c in CASES if c[1] != "skip"], ids=[c[0] for c in CASES
                                                                                              if c[1] != "skip"])
def test_function_gives_the_value_excel_gives(recalculated: tuple[dict[str, Any], Any], formula: str,
                                              expected: Any) -> None:
    got = recalculated[0][formula]
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-12)
    else:
        assert got == expected
        assert type(got) is type(expected)


@pytest.fixture(scope="module")
def recalculated_1904(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder: Path = tmp_path_factory.mktemp("functions1904")
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904  # writes <workbookPr date1904="1"/>
    calc = wb.active
    calc.title = "Calc"
    data_sheet(wb)  # its dates are written as 1904 serials
    for i, (formula, _) in enumerate(CASES_1904, start=1):
        calc.cell(i, 1).value = formula
    path = folder / "functions1904.xlsx"
    wb.save(path)
    report = recalc_file(path, as_of=AS_OF, allow_errors=True)
    assert not report.problems and not report.warnings
    values = openpyxl.load_workbook(path, data_only=True)["Calc"]
    return {formula: values.cell(i, 1).value for i, (formula, _) in enumerate(CASES_1904, start=1)}


@pytest.mark.parametrize(("formula", "expected"), CASES_1904, ids=[c[0] for c in CASES_1904])
def test_a_1904_workbook_gives_the_value_excel_gives_in_the_1904_date_system(
        recalculated_1904: dict[str, Any], formula: str, expected: Any) -> None:
    got = recalculated_1904[formula]
    assert got == expected
    assert type(got) is type(expected)


def test_docs_recalc_lists_exactly_the_functions_the_evaluator_has() -> None:
    from hipaa_xl.recalc.compiler import LAZY_FORMS
    from hipaa_xl.recalc.functions import load_builtins

    doc = (Path(__file__).resolve().parents[2] / "docs" / "recalc.md").read_text("utf-8")
    section = doc[doc.index("## Headless recalculation"):]
    listed = section[section.index("these functions"):section.index("- It follows Excel")]
    names = set(re.findall(r"\b[A-Z][A-Z0-9]*(?:\.[A-Z]+)?\b", listed.split(":", 1)[1]))
    assert names == set(load_builtins()) | set(LAZY_FORMS)


def test_every_table_formula_calls_only_functions_the_evaluator_has() -> None:
    from hipaa_xl.recalc.compiler import LAZY_FORMS
    from hipaa_xl.recalc.functions import load_builtins

    known = set(load_builtins()) | set(LAZY_FORMS)
    called = {name for formula, _ in CASES for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", formula)}
    assert called <= known
