"""The committed workbooks: up to date, and their recalculated figures equal the engine's aggregation."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.excel.cells import date_to_serial
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.recalc import recalc_package
from hipaa_xl.workbook.verify import summary_groups, summary_mismatches

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"
COMMITTED = sorted(WORKBOOKS.glob("*.xlsx"))


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_workbook_values_are_up_to_date(path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "hipaa_xl.cli", "recalc", str(path), "--check"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _strip_cached_values(data: bytes) -> bytes:
    """openpyxl keeps formulas and drops every cached value on save: nothing left to copy."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out = io.BytesIO()
    wb.save(out)
    blank = openpyxl.load_workbook(io.BytesIO(out.getvalue()), data_only=True)
    assert blank["Summary"].cell(8, 6).value is None
    return out.getvalue()


def test_recalculated_example_equals_the_engine_group_by_group() -> None:
    data = (WORKBOOKS / "example_exposure.xlsx").read_bytes()
    stripped = _strip_cached_values(data)
    new_package, report = recalc_package(package_from_bytes(stripped))
    assert report.ok, report.problems
    recalculated = new_package.to_bytes()
    assert report.as_of is not None
    assert len(summary_groups(recalculated)) > 10
    assert summary_mismatches(recalculated, as_of=report.as_of) == []


def test_recalculated_template_has_no_errors_and_records_its_date() -> None:
    data = _strip_cached_values((WORKBOOKS / "hipaa_exposure_template.xlsx").read_bytes())
    new_package, report = recalc_package(package_from_bytes(data), as_of=dt.date(2026, 11, 25))
    assert report.ok and not report.error_cells, report.problems or report.error_cells
    assert report.as_of == dt.date(2026, 11, 25)
    wb = openpyxl.load_workbook(io.BytesIO(new_package.to_bytes()))
    assert wb.defined_names["HXL_AS_OF_USED"].attr_text == str(date_to_serial(dt.date(2026, 11, 25)))
