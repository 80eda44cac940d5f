"""``hipaa-xl recalc`` on the command line: exit codes, --check, --allow-errors, --as-of, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hipaa_xl.cli import app
from hipaa_xl.ooxml.package import read_package, write_package_atomic
from tests.ooxml.test_package import bad_files

runner = CliRunner()


def make_book(path: Path, extra: dict[str, object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 10
    ws["A2"] = "=A1*3"
    ws["A3"] = '=CMP_MAX("B",A1,DATE(2020,1,1))'
    for address, value in (extra or {}).items():
        ws[address] = value
    wb.save(path)
    return path


def test_recalc_writes_values_and_exits_zero(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx")
    result = runner.invoke(app, ["recalc", str(path), "--as-of", "2024-05-01"])
    assert result.exit_code == 0, result.output
    assert re.search(r"2 of 2 formula cells evaluated in [\d.]+ s", result.stdout)
    assert "--as-of" in result.stdout
    out = openpyxl.load_workbook(path, data_only=True).active
    assert out["A2"].value == 30
    assert (tmp_path / "b.xlsx.bak").exists()


def test_output_option_leaves_the_input_untouched(tmp_path: Path) -> None:
    path = make_book(tmp_path / "in.xlsx")
    before = path.read_bytes()
    result = runner.invoke(app, ["recalc", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    assert openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active["A2"].value == 30


def test_check_detects_stale_values_and_passes_once_recalculated(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx")
    result = runner.invoke(app, ["recalc", str(path), "--check"])
    assert result.exit_code == 3  # openpyxl wrote no cached values at all
    assert "Sheet!A2" in result.stderr
    assert runner.invoke(app, ["recalc", str(path), "--as-of", "2024-05-01"]).exit_code == 0
    # --check without --as-of reuses the recorded date, so a later system date does not make it stale
    result = runner.invoke(app, ["recalc", str(path), "--check"])
    assert result.exit_code == 0, result.output
    assert "recorded" in result.stdout
    # now change an input behind the formulas' back
    package = read_package(path)
    sheet = package["xl/worksheets/sheet1.xml"]
    package["xl/worksheets/sheet1.xml"] = sheet.replace(b"<v>10</v>", b"<v>11</v>", 1)
    write_package_atomic(path, package, backup=False)
    before = path.read_bytes()
    result = runner.invoke(app, ["recalc", str(path), "--check"])
    assert result.exit_code == 3
    assert "Sheet!A2: file has 30, recalculated 33" in result.stderr
    assert path.read_bytes() == before  # --check never writes


def test_unevaluable_cells_fail_and_write_nothing_unless_allowed(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx", {"B1": "=NO_SUCH_FUNCTION(A1)", "B2": "=B3", "B3": "=B2"})
    before = path.read_bytes()
    result = runner.invoke(app, ["recalc", str(path)])
    assert result.exit_code == 1
    assert "Sheet!B1: unknown function: NO_SUCH_FUNCTION" in result.stderr
    assert "circular reference" in result.stderr
    assert path.read_bytes() == before
    result = runner.invoke(app, ["recalc", str(path), "--allow-errors"])
    assert result.exit_code == 1
    out = openpyxl.load_workbook(path, data_only=True).active
    assert out["A2"].value == 30
    assert out["B1"].value == "#NAME?"


def test_a_correct_excel_error_is_not_a_failure(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx", {"B1": "=1/0", "B2": '=CMP_MAX("E",1)'})
    result = runner.invoke(app, ["recalc", str(path)])
    assert result.exit_code == 0, result.output
    assert "Sheet!B2: #VALUE!" in result.stderr  # the reason is reported
    out = openpyxl.load_workbook(path, data_only=True).active
    assert (out["B1"].value, out["B2"].value) == ("#DIV/0!", "#VALUE!")


def test_as_of_sets_today_and_is_recorded(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx", {"B1": "=TODAY()"})
    assert runner.invoke(app, ["recalc", str(path), "--as-of", "2023-12-31"]).exit_code == 0
    wb = openpyxl.load_workbook(path, data_only=True)
    assert wb.active["B1"].value == (dt.date(2023, 12, 31) - dt.date(1899, 12, 30)).days
    assert wb.defined_names["HXL_AS_OF_USED"].attr_text == str(wb.active["B1"].value)


def test_a_bad_as_of_date_is_one_line(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx")
    result = runner.invoke(app, ["recalc", str(path), "--as-of", "31/12/2023"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "YYYY-MM-DD" in result.stderr


def test_nothing_to_write_when_up_to_date(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx")
    assert runner.invoke(app, ["recalc", str(path), "--as-of", "2024-05-01"]).exit_code == 0
    before = path.read_bytes()
    result = runner.invoke(app, ["recalc", str(path), "--as-of", "2024-05-01"])
    assert result.exit_code == 0
    assert "up to date" in result.stdout
    assert path.read_bytes() == before


def test_every_bad_file_gives_one_line_and_a_nonzero_exit_without_traceback(tmp_path: Path) -> None:
    for name, (path, expect) in bad_files(tmp_path).items():
        result = runner.invoke(app, ["recalc", str(path)])
        assert result.exit_code == 2, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert expect.lower() in lines[0].lower(), (name, lines[0])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("suffix", [".xls", ".csv", ".ods"])
def test_output_to_a_wrong_kind_of_file_is_refused(tmp_path: Path, suffix: str) -> None:
    path = make_book(tmp_path / "b.xlsx")
    result = runner.invoke(app, ["recalc", str(path), "-o", str(tmp_path / f"out{suffix}")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_problems_option_writes_every_reported_cell_as_json_or_csv(tmp_path: Path) -> None:
    # 30 cells read a cell that cannot be evaluated: stderr keeps 20 lines, the file has all 31
    extra: dict[str, object] = {"B1": "=NOT_A_FUNCTION(1)"}
    extra |= {f"C{r}": f"=B1+{r}" for r in range(1, 31)}
    path = make_book(tmp_path / "b.xlsx", extra)
    result = runner.invoke(app, ["recalc", str(path), "--problems", str(tmp_path / "p.json")])
    assert result.exit_code == 1
    assert "... and 11 more" in result.stderr and "p.json" in result.stderr
    records = json.loads((tmp_path / "p.json").read_text("utf-8"))
    assert len(records) == 31
    assert records[0] == {"sheet": "Sheet", "cell": "B1", "kind": "unknown function", "detail": "NOT_A_FUNCTION",
                          "depends_on": ""}
    assert {r["depends_on"] for r in records[1:]} == {"Sheet!B1"}
    result = runner.invoke(app, ["recalc", str(path), "--problems", str(tmp_path / "p.csv")])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "p.csv").read_text("utf-8"))))
    assert [r["cell"] for r in rows] == [r["cell"] for r in records]
    assert rows[1]["kind"] == "dependent" and rows[1]["depends_on"] == "Sheet!B1"


def test_problems_option_writes_an_empty_list_when_every_cell_is_evaluated(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx")
    result = runner.invoke(app, ["recalc", str(path), "--problems", str(tmp_path / "p.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "p.json").read_text("utf-8")) == []


def test_problems_option_refuses_other_extensions_before_touching_the_workbook(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.xlsx")
    before = path.read_bytes()
    result = runner.invoke(app, ["recalc", str(path), "--problems", str(tmp_path / "p.txt")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and ".json or .csv" in result.stderr
    assert path.read_bytes() == before


def test_problems_csv_never_starts_a_field_like_a_formula() -> None:
    from hipaa_xl.recalc.evaluator import CellProblem
    from hipaa_xl.recalc.problems import problems_bytes

    data = problems_bytes([CellProblem("=HYPERLINK(1)", "A1", "unsupported", "-2 rows")], "csv").decode()
    row = next(csv.DictReader(io.StringIO(data)))
    assert row["sheet"] == "'=HYPERLINK(1)" and row["detail"] == "'-2 rows"
