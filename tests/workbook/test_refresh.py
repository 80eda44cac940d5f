"""The template workbook and its refresh (decisions 8, 13-16, 23)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.ooxml.package import package_from_bytes
from hipaa_xl.workbook import build_refreshed, new_workbook_bytes
from hipaa_xl.workbook.verify import summary_groups, summary_mismatches

pytestmark = pytest.mark.slow  # workbook round trips: left out of the quick loop

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def example() -> bytes:
    return new_workbook_bytes(example=True)[0]


def test_refresh_reproduces_engine_aggregation_group_by_group(example: bytes) -> None:
    assert len(summary_groups(example)) > 10
    assert summary_mismatches(example, "current", AS_OF) == []


def test_refresh_twice_changes_nothing(example: bytes) -> None:
    once, _ = build_refreshed(example)
    twice, report = build_refreshed(once)
    assert twice == once
    assert not report.changed


def test_new_is_deterministic_and_template_is_new_output() -> None:
    committed = (ROOT / "workbooks" / "hipaa_exposure_template.xlsx").read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(committed))
    serial = int(wb.defined_names["HXL_AS_OF_USED"].attr_text)
    as_of = dt.date(1899, 12, 30) + dt.timedelta(days=serial)
    first, _ = new_workbook_bytes(as_of)
    second, _ = new_workbook_bytes(as_of)
    assert first == second

    rewritten = package_from_bytes(first).to_bytes()
    assert rewritten == committed, "workbooks/hipaa_exposure_template.xlsx is stale: run hipaa-xl new"


def test_user_parts_survive_refresh_byte_for_byte(example: bytes) -> None:
    pkg = package_from_bytes(example)
    pkg["customXml/item1.xml"] = b"<root>lite main.py</root>"
    incidents_part = "xl/worksheets/sheet1.xml"
    before = dict(pkg)
    out, _ = build_refreshed(pkg.to_bytes())
    after = dict(package_from_bytes(out))
    assert after["customXml/item1.xml"] == before["customXml/item1.xml"]
    assert after[incidents_part] == before[incidents_part]
    assert b"fullCalcOnLoad" not in after["xl/workbook.xml"]


def test_text_beginning_with_equals_stays_text(example: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example))
    ws = wb["Incidents"]
    ws["B5"].value = "=Acme"
    ws["B5"].data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    out, _ = build_refreshed(buf.getvalue())
    summary = package_from_bytes(out)["xl/worksheets/sheet2.xml"]
    assert b"<f>Acme" not in summary and b"<f>=Acme" not in summary


def test_invalid_rows_reported_with_row_and_reason_valid_rows_go_on(example: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example))
    ws = wb["Incidents"]
    ws["F6"].value = "Z"  # unknown tier
    ws["I7"].value = -3  # negative count
    buf = io.BytesIO()
    wb.save(buf)
    _, report = build_refreshed(buf.getvalue())
    text = "\n".join(report.invalid)
    assert "row 6" in text and "row 7" in text
    assert report.groups > 5


def test_damaged_files_give_one_line_and_stay_byte_identical(tmp_path: Path, example: bytes) -> None:
    runner = CliRunner()
    cases = {
        "truncated.xlsx": example[:3000],
        "notzip.xlsx": b"hello",
        "data.csv": b"a,b\n",
        "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(app, ["refresh", str(path)])
        assert result.exit_code != 0, name
        assert path.read_bytes() == data, name
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(example)
    (tmp_path / "~$locked.xlsx").write_bytes(b"x")
    result = runner.invoke(app, ["refresh", str(locked)])
    assert result.exit_code != 0 and locked.read_bytes() == example


def test_generated_sheets_protected_incidents_not(example: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(example)) as zf:
        assert b"<sheetProtection" in zf.read("xl/worksheets/sheet2.xml")
        assert b"<sheetProtection" not in zf.read("xl/worksheets/sheet1.xml")
