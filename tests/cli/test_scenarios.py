"""``hipaa-xl scenarios BOOK [--json]``: the table at 80 columns, JSON for scripts, exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from hipaa_xl.workbook.scenario_tables import SCENARIOS_SHEET
from tests.workbook.test_scenarios import edit, engine_scenarios
from tests.workbook_helpers import example_bytes

pytestmark = pytest.mark.slow  # workbook round trips through the command

FIGURES = ("minimum", "maximum", "ag_damages", "time_barred_maximum")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}  # the table is laid out for 80 columns whatever the terminal
    return subprocess.run([sys.executable, "-m", "hipaa_xl.cli", "scenarios", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scn") / "example.xlsx"
    path.write_bytes(example_bytes())
    return path


def test_table_fits_80_columns_and_names_every_scenario_with_its_figures(book: Path) -> None:
    done = run(str(book))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    result = engine_scenarios(example_bytes())
    for s in result.all:
        assert s.name in done.stdout
        assert f"${s.total.maximum:,}" in done.stdout
    assert "not a prediction" in done.stdout
    # each change with its reason (the example's "Our position" excludes RCH-06)
    assert "RCH-06: Excluded" in done.stdout and "RCH-05: Corrected -> 2024-03-15" in done.stdout
    assert "Harbor ignored two audit findings: willful neglect" in " ".join(done.stdout.split())
    assert f"${round(result.weighted.maximum):,}" in done.stdout


def test_json_has_the_shape_of_the_issue_and_the_engine_figures(book: Path) -> None:
    done = run(str(book), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"scenarios", "weighted_minimum", "weighted_maximum"}
    result = engine_scenarios(example_bytes())
    assert [s["scenario"] for s in data["scenarios"]] == [s.name for s in result.all]
    for got, s in zip(data["scenarios"], result.all, strict=True):
        assert set(got) == {"scenario", "probability", *FIGURES, "entities"}
        assert got["probability"] == s.probability
        assert [got[k] for k in FIGURES] == [getattr(s.total, k) for k in FIGURES]
        assert {e["entity"]: [e[k] for k in FIGURES] for e in got["entities"]} == {
            name: [getattr(f, k) for k in FIGURES] for name, f in s.entities.items()}
    assert (data["weighted_minimum"], data["weighted_maximum"]) == (result.weighted.minimum, result.weighted.maximum)


def test_an_invalid_change_prints_the_table_and_exits_1_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edit(example_bytes(), {(SCENARIOS_SHEET, "G16"): "OCR likely", (SCENARIOS_SHEET, "H16"): "RCH-99",
                                            (SCENARIOS_SHEET, "I16"): "Tier", (SCENARIOS_SHEET, "J16"): "D"}))
    done = run(str(path))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "1 scenario row(s) cannot apply" in done.stderr
    flat = " ".join(done.stdout.split())  # lines are wrapped at words to 80 columns
    assert "ScenarioChanges row 16 (OCR likely): no incident with ID \"RCH-99\"" in flat
    assert "#N/A" in done.stdout and "Our position" in done.stdout
    as_json = run(str(path), "--json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    ocr = next(s for s in data["scenarios"] if s["scenario"] == "OCR likely")
    assert ocr["maximum"] is None and "weighted_maximum" not in data


def test_a_workbook_without_a_scenarios_sheet_is_one_line_and_exit_2(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(example_bytes()))
    del wb[SCENARIOS_SHEET]
    path = tmp_path / "old.xlsx"
    wb.save(path)
    done = run(str(path))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == "error: old.xlsx has no Scenarios sheet (hipaa-xl new writes one to copy from)"


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run(str(tmp_path / "nope.xlsx"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
